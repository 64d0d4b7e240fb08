"""Reports as tables: aligned text, CSV and xlsx show the same numbers; the dashboard set."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
from report_data import TODAY, build_crm
from sqlalchemy import select

from crm_desktop.models import Deal, Pipeline, Stage
from crm_desktop.models.database import Database
from crm_desktop.services.reports import (
    REPORT_KINDS,
    ReportFilters,
    dashboard_reports,
    pipeline_report,
    run_report,
)
from crm_desktop.services.reports.output import format_text, write_csv, write_xlsx
from crm_desktop.services.reports.table import Table, TableColumn


def test_text_has_a_title_line_aligned_columns_totals_and_notes(db: Database) -> None:
    build_crm(db)
    table = pipeline_report(db.sessions, ReportFilters(today=TODAY)).table()
    assert format_text(table).splitlines() == [
        "Pipeline value by stage — pipeline Sales · owner everyone · expected close any date"
        " · amounts in USD",
        "",
        "Stage           Probability %  Deals      Total   Weighted",
        "--------------  -------------  -----  ---------  ---------",
        "Qualification              10      2  1,000.00     100.00",
        "Needs analysis             25      0      0.00       0.00",
        "Proposal                   50      2  2,900.00   2,170.00",
        "Negotiation                75      2    500.00*    100.00*",
        "--------------  -------------  -----  ---------  ---------",
        "Total                       -      6  4,400.00*  2,370.00*",
        "",
        "* Total leaves out 300.00 GBP: no exchange rate into USD for the day"
        " (add one in Settings)",
        "* Weighted leaves out 225.00 GBP: no exchange rate into USD for the day"
        " (add one in Settings)",
    ]


def test_csv_and_xlsx_hold_the_same_numbers(db: Database, tmp_path: Path) -> None:
    crm = build_crm(db)
    filters = ReportFilters(
        dt.date(2026, 1, 1), dt.date(2026, 12, 31), crm.users["Bo"], today=TODAY
    )
    table = run_report(db.sessions, "reps", filters).table()
    out = io.StringIO()
    write_csv(table, out)
    assert out.getvalue().splitlines() == [
        "Rep,Open deals,Open total,Open weighted,Won deals,Won,Lost deals,Win rate %,Days to close",
        "Bo,2,500.00,250.00,2,3400.00,2,50.00,29.5",
        # Delta, 300 GBP in Negotiation (75 %): no rate into USD, so in a row of its own.
        "not converted: GBP,,300.00,225.00,,,,,",
    ]
    path = tmp_path / "reps.xlsx"
    write_xlsx(table, path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Sales by rep"
    assert values[1][0] == table.subtitle
    assert "owner Bo" in table.subtitle and "2026-01-01 to 2026-12-31" in table.subtitle
    assert values[3] == list(table.headers)
    assert values[4] == ["Bo", 2, 500, 250, 2, 3400, 2, 0.5, 29.5]
    assert values[5][0] == "Total"
    assert values[6] == ["not converted: GBP", None, 300, 225, None, None, None, None, None]
    assert sheet.cell(row=7, column=3).number_format == '#,##0.00 "GBP"'
    assert values[8][0].startswith("* Open total leaves out 300.00 GBP")
    assert sheet.cell(row=5, column=8).number_format == "0.0%"


def test_csv_and_xlsx_give_unconverted_amounts_rows_of_their_own(
    db: Database, tmp_path: Path
) -> None:
    """Not only a note on stderr: a script reading the file sees 300 GBP left out."""
    build_crm(db)
    table = pipeline_report(db.sessions, ReportFilters(today=TODAY)).table()
    out = io.StringIO()
    write_csv(table, out)
    assert out.getvalue().splitlines() == [
        "Stage,Probability %,Deals,Total,Weighted",
        "Qualification,10,2,1000.00,100.00",
        "Needs analysis,25,0,0.00,0.00",
        "Proposal,50,2,2900.00,2170.00",
        "Negotiation,75,2,500.00,100.00",
        "not converted: GBP,,,300.00,225.00",
    ]
    path = tmp_path / "pipeline.xlsx"
    write_xlsx(table, path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[8][0] == "Total"
    assert values[9] == ["not converted: GBP", None, None, 300, 225]


def test_amounts_with_no_rate_at_all_are_in_the_file_not_zero(db: Database, tmp_path: Path) -> None:
    """A team whose deals are all in CNY, on a database in USD with no rate: 0.00 converted,
    and the CNY amounts in rows of their own."""
    with db.sessions.begin() as session:
        stages = {
            stage.name: stage
            for stage in session.scalars(select(Stage).join(Pipeline).where(Pipeline.is_default))
        }
        for title, amount, stage in (("A", "40000", "Qualification"), ("B", "80000", "Proposal")):
            session.add(
                Deal(
                    title=title,
                    amount=Decimal(amount),
                    currency="CNY",
                    pipeline_id=stages[stage].pipeline_id,
                    stage_id=stages[stage].id,
                )
            )
    table = pipeline_report(db.sessions, ReportFilters(today=TODAY)).table()
    out = io.StringIO()
    write_csv(table, out)
    lines = out.getvalue().splitlines()
    assert lines[1:] == [
        "Qualification,10,1,0.00,0.00",
        "Needs analysis,25,0,0.00,0.00",
        "Proposal,50,1,0.00,0.00",
        "Negotiation,75,0,0.00,0.00",
        # 40,000 × 10 % + 80,000 × 50 % = 44,000 weighted
        "not converted: CNY,,,120000.00,44000.00",
    ]


def test_the_dashboard_set_equals_each_report_alone(db: Database) -> None:
    build_crm(db)
    for filters in (
        ReportFilters(today=TODAY),
        ReportFilters(dt.date(2026, 2, 1), dt.date(2026, 8, 31), today=TODAY),
    ):
        together = dashboard_reports(db.sessions, filters, workers=2)
        serial = dashboard_reports(db.sessions, filters, workers=1)
        assert together == serial
        for kind in REPORT_KINDS:
            alone = run_report(db.sessions, kind, filters)
            assert alone == getattr(together, kind), kind
    assert together.currency == "USD"


def test_every_report_says_its_currency(db: Database) -> None:
    from crm_desktop.services.settings import set_setting

    build_crm(db)
    set_setting(db.sessions, "default_currency", "EUR")
    board = dashboard_reports(db.sessions, ReportFilters(today=TODAY))
    for kind in REPORT_KINDS:
        report = getattr(board, kind)
        assert report.currency == "EUR"
        assert report.table().subtitle.endswith("amounts in EUR")
    # in EUR: Alpha 1,000 USD has a rate only the other way round (EUR→USD 1.20 today)
    alpha = board.pipeline.stages[0]
    assert alpha.total.amount == (Decimal(1000) / Decimal("1.20")).quantize(Decimal("0.01"))


def test_an_in_memory_database_is_read_on_one_connection() -> None:
    from crm_desktop.models.database import open_database

    memory = open_database("sqlite://")
    try:
        build_crm(memory)
        board = dashboard_reports(memory.sessions, ReportFilters(today=TODAY), workers=2)
        assert board.pipeline.deals == 6
        assert board.funnel.steps[0].count == 6
    finally:
        memory.dispose()


def test_names_that_look_like_formulas_stay_text_in_csv_and_xlsx(tmp_path: Path) -> None:
    """A rep, source or event named "=HYPERLINK(...)" is text in every file (OWASP)."""
    evil = '=HYPERLINK("http://evil","x")'
    table = Table(
        title="Leads by source",
        subtitle="@everyone",
        currency="EUR",
        columns=(
            TableColumn("Source"),
            TableColumn("Leads", "count"),
            TableColumn("Change", "days"),
        ),
        rows=((evil, 3, -1.5), ("+86 Trade show", 2, 0.0)),
        notes=("-a note",),
    )
    out = io.StringIO()
    write_csv(table, out)
    assert out.getvalue().splitlines()[1:] == [
        '"\'=HYPERLINK(""http://evil"",""x"")",3,-1.5',  # a number stays a number
        "'+86 Trade show,2,0.0",
    ]
    path = tmp_path / "sources.xlsx"
    write_xlsx(table, path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert {evil, "@everyone", "-a note", "+86 Trade show"} <= {c.value for c in cells}
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
