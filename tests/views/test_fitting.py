"""Fields and list columns fit their content up to a limit; a cut value shows as a tooltip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QLineEdit, QToolTip

from crm_desktop.models.database import Database
from crm_desktop.services.records import MethodInput, save_record
from crm_desktop.views.fitting import COLUMN_LIMIT, FIELD_LIMIT, ClipTips, fit_to_text
from crm_desktop.views.list_page import ListPage

EMAIL = "maximilian.mustermann-schoenefeld@example-unternehmensgruppe.de"


def test_list_columns_fit_the_rows_on_screen(qtbot, sqlite_db: Database, tmp_path: Path) -> None:
    save_record(
        sqlite_db.sessions,
        "contacts",
        None,
        None,
        {"full_name": "Max"},
        methods=[MethodInput("email", EMAIL), MethodInput("phone", "+49 30 1234567 x 8901")],
    )
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    page = ListPage("contacts", sqlite_db.sessions, settings)
    qtbot.addWidget(page)
    page.resize(1400, 600)
    page.show()
    page.model.start()
    keys = page.model.column_keys()
    email, phone = keys.index("email"), keys.index("phone")
    header = page.table.horizontalHeader()
    shown = "+49 30 1234567 ext. 8901"
    qtbot.waitUntil(lambda: page.model.index(0, phone).data() == shown)
    qtbot.waitUntil(lambda: header.sectionSize(email) == COLUMN_LIMIT)  # capped
    assert header.sectionSize(phone) > page.table.fontMetrics().horizontalAdvance(shown)
    cut = page.model.index(0, email)
    assert cut.data(Qt.ItemDataRole.ToolTipRole) == EMAIL  # the cut cell shows it whole
    header.resizeSection(phone, 40)  # by hand: left alone from then on
    page.model.reload()
    qtbot.waitUntil(lambda: not page.model.busy)
    page._fitter.fit()
    assert header.sectionSize(phone) == 40


def test_a_field_grows_to_its_text_and_a_cut_one_shows_it_as_a_tooltip(qtbot) -> None:
    edit = QLineEdit("short")
    qtbot.addWidget(edit)
    fit_to_text(edit)
    assert 0 < edit.minimumWidth() < FIELD_LIMIT
    edit.setText(EMAIL * 2)
    fit_to_text(edit)
    assert edit.minimumWidth() == FIELD_LIMIT
    edit.setToolTip("Typed as: x")
    edit.resize(FIELD_LIMIT, 30)
    tips = ClipTips()
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5), edit.mapToGlobal(QPoint(5, 5)))
    assert tips.eventFilter(edit, event)
    assert QToolTip.text() == EMAIL * 2 + "\nTyped as: x"
    edit.setText("short")
    assert not tips.eventFilter(edit, event)  # not cut: its own tooltip as usual


def test_fitting_a_million_rows_reads_only_the_rows_on_screen(qtbot) -> None:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex
    from PySide6.QtWidgets import QTableView

    from crm_desktop.views.fitting import fit_columns

    class Million(QAbstractTableModel):
        asked: set[int] = set()

        def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else 1_000_000

        def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else 2

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                self.asked.add(index.row())
                return f"+49 30 {index.row():07d} ext. 12"
            return None

    table = QTableView()
    qtbot.addWidget(table)
    model = Million()
    table.setModel(model)
    table.resize(600, 300)
    table.show()
    qtbot.waitExposed(table)
    model.asked.clear()
    fit_columns(table)
    assert 0 < len(model.asked) < 40  # the rows on screen, not a million
    assert table.horizontalHeader().sectionSize(0) > 140
