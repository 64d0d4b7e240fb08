"""The wizard's table models as plain objects, on real service results, with qtmodeltester."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from crm_desktop.models.database import Database
from crm_desktop.services.imports.history import list_batches
from crm_desktop.services.imports.plan import Review
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.review import find_duplicate_pairs
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.imports.scan import scan_rows
from crm_desktop.views.import_wizard.check_models import NoteTableModel, ProblemTableModel
from crm_desktop.views.import_wizard.history_model import BatchTableModel
from crm_desktop.views.import_wizard.preview_models import (
    MappedColumn,
    MappingTableModel,
    PreviewTableModel,
    column_letter,
    samples_of,
)
from crm_desktop.views.import_wizard.review_models import FieldPairTableModel, PairTableModel

CSV = (
    "Customer list\n"
    "Name,Company,Email,City\n"
    "Anna Berg,Acme,anna@acme.de,Oslo\n"
    "Bo Chen,Acme,bo@acme,\n"
    ",,,\n"
    "Anna Berg,Acme,anna@acme.de,Bergen\n"
)


def _prepared(db: Database, tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "people.csv"
    path.write_text(CSV, encoding="utf-8")
    return prepare_import(db.sessions, path, "contacts")


def test_column_letters_and_samples() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    rows = [[None, "x"], ["a", ""], ["a", "y"], ["b", None], ["c", "z"], ["d", "w"]]
    assert samples_of(rows, 0) == ("a", "b", "c")  # non-empty, different, at most three
    assert samples_of(rows, 1) == ("x", "y", "z")


def test_preview_marks_the_header_row(qtmodeltester, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    prepared = _prepared(sqlite_db, tmp_path)
    model = PreviewTableModel()
    model.set_preview(prepared.preview, prepared.plan.header_row)
    qtmodeltester.check(model)
    assert prepared.plan.header_row == 1
    assert model.headerData(1, Qt.Orientation.Vertical) == "2 ▶"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "A"
    font = model.data(model.index(1, 0), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None  # above
    assert model.data(model.index(2, 0), Qt.ItemDataRole.FontRole) is None
    model.set_header_row(0)
    assert model.headerData(0, Qt.Orientation.Vertical) == "1 ▶"
    assert model.headerData(1, Qt.Orientation.Vertical) == "2"
    qtmodeltester.check(model)


def test_mapping_model(qtmodeltester, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plan = _prepared(sqlite_db, tmp_path).plan
    model = MappingTableModel()
    model.set_columns(
        "contacts",
        [
            MappedColumn(i, h, ("a", "b"), k, frozenset({"DMY", "MDY"}) if i == 3 else frozenset())
            for i, (h, k) in enumerate(zip(plan.headers, plan.columns, strict=True))
        ],
    )
    qtmodeltester.check(model)
    assert model.data(model.index(2, model.FIELD)) == "E-mail"
    model.set_key(3, "custom")
    assert model.data(model.index(3, model.FIELD)) == "Keep as custom field"
    model.set_order(3, "MDY")
    assert model.orders() == {3: "MDY"}
    assert model.set_ambiguous({}) == [3] and model.orders() == {}
    qtmodeltester.check(model)


def test_problem_model_keeps_fixes_and_exclusions(  # type: ignore[no-untyped-def]
    qtmodeltester, sqlite_db: Database, tmp_path: Path
) -> None:
    plan = _prepared(sqlite_db, tmp_path).plan
    report = scan_rows(plan)
    model = ProblemTableModel()
    qtmodeltester.check(model)  # empty
    model.set_issues(report.issues, plan.headers, {}, frozenset())
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.data(model.index(0, model.ROW)) == "4"
    assert "bo@acme" in model.data(model.index(0, model.PROBLEMS))
    email = model.index(0, model.FIRST_CELL + 2)
    assert model.flags(email) & Qt.ItemFlag.ItemIsEditable
    assert model.data(email, Qt.ItemDataRole.ForegroundRole) is not None  # the bad cell
    assert model.setData(email, "bo@acme.com")
    assert model.frozen_overrides() == {4: {2: "bo@acme.com"}}
    assert model.data(email, Qt.ItemDataRole.BackgroundRole) is not None  # marked as fixed
    assert model.setData(email, "bo@acme")  # back to what the file says: no fix
    assert model.frozen_overrides() == {}
    leave_out = model.index(0, model.LEAVE_OUT)
    assert model.setData(leave_out, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.excluded == {4}
    assert model.data(leave_out, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.set_issues(report.issues, plan.headers, {}, frozenset(), editable_cells=False)
    assert not model.flags(email) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(email, "x")


def test_pair_field_note_and_batch_models(  # type: ignore[no-untyped-def]
    qtmodeltester, sqlite_db: Database, tmp_path: Path
) -> None:
    plan = _prepared(sqlite_db, tmp_path).plan
    pairs = find_duplicate_pairs(sqlite_db.sessions, plan)
    model = PairTableModel()
    model.set_pairs(pairs.pairs, {})
    qtmodeltester.check(model)
    [pair] = pairs.pairs
    assert model.data(model.index(0, model.MATCHES)) == "Anna Berg (row 3 of this file)"
    assert model.data(model.index(0, model.KIND)) == "Duplicate"
    assert model.data(model.index(0, model.DECISION)) == "Skip (the rule)"
    model.set_rules("fill", "create")
    assert model.data(model.index(0, model.DECISION)) == "Merge (the rule)"
    model.set_rules("review", "create")
    assert model.data(model.index(0, model.DECISION)) == "Skip (not reviewed)"
    model.set_review(0, Review("merge", frozenset({"city"})))
    assert model.data(model.index(0, model.DECISION)) == "Merge, 1 field from the file"

    fields = FieldPairTableModel()
    fields.set_pair(pair, frozenset(), editable=True)
    qtmodeltester.check(fields)
    keys = [f.key for f in fields.rows]
    city, name = keys.index("city"), keys.index("full_name")
    assert fields.data(fields.index(city, fields.FILE)) == "Bergen"
    assert fields.data(fields.index(city, fields.RECORD)) == "Oslo"
    assert not fields.flags(fields.index(name, fields.TAKE)) & Qt.ItemFlag.ItemIsUserCheckable
    with_signal: list[frozenset[str]] = []
    fields.take_changed.connect(with_signal.append)
    take = fields.index(city, fields.TAKE)
    assert fields.setData(take, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert with_signal == [frozenset({"city"})]
    fields.set_pair(pair, frozenset(), editable=False)
    assert not fields.setData(take, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert not fields.flags(take) & Qt.ItemFlag.ItemIsEnabled

    notes = NoteTableModel()
    notes.set_rows(pairs.failures)
    qtmodeltester.check(notes)
    assert notes.data(notes.index(0, notes.ROW)) == "4"
    assert notes.data(notes.index(0, notes.ROW), Qt.ItemDataRole.TextAlignmentRole)

    run_import(sqlite_db.sessions, plan)
    batches = BatchTableModel()
    batches.set_rows(list_batches(sqlite_db.sessions))
    qtmodeltester.check(batches)
    assert batches.data(batches.index(0, batches.FILE)) == "people.csv"
    assert batches.data(batches.index(0, batches.TARGET)) == "Contacts"
    assert batches.data(batches.index(0, batches.STATUS)) == "Complete"
    assert batches.data(batches.index(0, batches.FAILED)) == "1"
    # The history counts duplicates and possible ones, with the count per reason as a tip.
    assert batches.data(batches.index(0, batches.DUPLICATES)) == "1"
    assert batches.data(batches.index(0, batches.POSSIBLE)) == "0"
    tip = batches.data(batches.index(0, batches.DUPLICATES), Qt.ItemDataRole.ToolTipRole)
    assert "same e-mail: 1, skipped" in tip
    assert batches.row_of(batches.rows[0].id) == 0
