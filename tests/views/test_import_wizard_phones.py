"""Issue 11 in the wizard: a US file read as Chinese numbers was "fine"; now it is flagged,
and the country is chosen on the first page, as the command line's --region."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from import_wizard_support import go_next, open_wizard
from PySide6.QtCore import Qt, QThreadPool
from sqlalchemy import select

from crm_desktop.models import ContactMethod
from crm_desktop.models.database import Database
from crm_desktop.views.import_wizard.check_models import FLAG_FOREGROUND
from crm_desktop.views.import_wizard.state import (
    CHECK_PAGE,
    DUPLICATES_PAGE,
    FILE_PAGE,
    MAPPING_PAGE,
    SUMMARY_PAGE,
)

SHOTS = Path("/tmp/shots_phone")


def _us_csv(path: Path, rows: int = 500) -> Path:
    rng = random.Random(11)
    areas = ("415", "212", "646", "312", "617", "206", "303", "512")
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["First name", "Last name", "Email", "Phone"])
        writer.writerow(["Sam", "Reporter", "sam@example.com", "1-955-371-0847 x371"])
        for i in range(rows - 1):
            area, exchange, line = rng.choice(areas), rng.randrange(200, 999), rng.randrange(9999)
            phone = (f"({area}) {exchange}-{line:04d}", f"{area}.{exchange}.{line:04d}")[i % 2]
            writer.writerow([f"First{i}", f"Last{i}", f"p{i}@example.com", phone])
    return path


def _stored(db: Database) -> list[str | None]:
    with db.sessions() as session:
        return list(
            session.scalars(select(ContactMethod.normalized).where(ContactMethod.kind == "phone"))
        )


def test_no_country_is_shown_as_chosen_before_a_file_is_read(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    # The first country of the list (Afghanistan) was shown before any file was chosen.
    wizard = open_wizard(qtbot, sqlite_db, None)
    combo = wizard.page(FILE_PAGE).region_combo
    assert combo.region() == ""
    assert combo.currentText() == ""
    assert combo.lineEdit().placeholderText() == "The country in Settings"


def test_wizard_flags_numbers_of_another_country_and_reads_the_chosen_one(
    qtbot, sqlite_db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wizard = open_wizard(qtbot, sqlite_db, _us_csv(tmp_path / "us.csv"))
    wizard.resize(1100, 760)
    page = wizard.file_page
    qtbot.waitUntil(page.isComplete)
    assert page.region_combo.region() == "CN"  # the setting, as the command line's default
    go_next(qtbot, wizard, MAPPING_PAGE)
    go_next(qtbot, wizard, CHECK_PAGE)
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.isComplete() and check.report is not None)
    text = check.totals_label.text()
    assert text.startswith("All 500 rows can be imported. 500 phone numbers are not valid")
    assert "China (CN)" in text
    first = check.model.row_at(0)
    assert first.row == 2 and first.flags[0].reason == (
        "'1-955-371-0847 x371': not a valid CN number; kept as written"
    )
    problems = check.model.index(0, check.model.PROBLEMS)
    assert check.model.data(problems, Qt.ItemDataRole.ForegroundRole).color() == FLAG_FOREGROUND
    SHOTS.mkdir(parents=True, exist_ok=True)
    wizard.grab().save(str(SHOTS / "check_page_cn.png"))

    # Back to the first page: the file is American.
    wizard.back()
    wizard.back()
    assert wizard.currentId() == FILE_PAGE
    page.region_combo.setCurrentIndex(page.region_combo.findData("US"))  # picked from the list
    assert wizard.state.plan.region == "US"
    go_next(qtbot, wizard, MAPPING_PAGE)
    go_next(qtbot, wizard, CHECK_PAGE)
    qtbot.waitUntil(lambda: check.isComplete() and check.report is not None)
    qtbot.waitUntil(lambda: check.report is not None and check.report.flag_count == 1)
    assert check.totals_label.text().startswith("All 500 rows can be imported. 1 phone number is")
    assert "United States (US)" in check.totals_label.text()

    go_next(qtbot, wizard, DUPLICATES_PAGE)
    go_next(qtbot, wizard, SUMMARY_PAGE)
    summary = wizard.summary_page
    assert summary.count_labels["created"].text() == "500"
    assert summary.tabs.tabText(2) == "Numbers kept as written (1)"
    assert summary.tabs.currentIndex() == 2
    assert summary.flagged_model.rows[0].row == 2
    wizard.grab().save(str(SHOTS / "summary_us.png"))
    stored = _stored(sqlite_db)
    assert len(stored) == 500
    assert sum(1 for n in stored if n and n.startswith("+1")) == 499
    assert "19553710847" in stored and not [n for n in stored if n and n.startswith("+86")]
    QThreadPool.globalInstance().waitForDone()
