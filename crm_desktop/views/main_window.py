"""The main window: a sidebar of pages, menus, a toolbar and a status bar.

It hosts the four record lists, card entry, the pipeline board, the dashboard and the Tasks
page; starts reminders and alerts; opens global search (Ctrl+K), lead conversion, the
import wizard (Ctrl+I), the import history and the calendar export; and takes dropped files
(.vcf and card photos; spreadsheets open the wizard; e-mails are filed, see email_drop.py).
Every mutation's Changes comes back here and goes to each page once
(`apply_changes`), and each page reloads only if it shows that kind of record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QScreen
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from crm_desktop.models.database import Database
from crm_desktop.services.calendar_export import CalendarExport, export_calendar
from crm_desktop.services.changes import Changes
from crm_desktop.services.conversion import ConversionResult
from crm_desktop.services.db_errors import retry_once_if_locked
from crm_desktop.services.listing import KINDS, Kind
from crm_desktop.services.records import RecordNotFoundError, UndoToken, delete_record
from crm_desktop.services.undo import Action
from crm_desktop.views.card_entry import CardEntryPage
from crm_desktop.views.convert_lead_dialog import ConvertLeadDialog
from crm_desktop.views.dashboard import DashboardPage
from crm_desktop.views.deal_alerts import DealAlertWatcher
from crm_desktop.views.dialogs import Prompts, QtPrompts
from crm_desktop.views.drop import DropResult, dropped_paths, process_drop
from crm_desktop.views.email_drop import EmailDropper
from crm_desktop.views.import_wizard import ImportHistoryDialog, ImportWizard, QtFileChooser
from crm_desktop.views.import_wizard.state import FileChooser
from crm_desktop.views.list_page import ListPage
from crm_desktop.views.notifier import TrayNotifier
from crm_desktop.views.pipeline import BoardPrompts, PipelineBoardPage, QtBoardPrompts
from crm_desktop.views.reminders import ReminderWatcher
from crm_desktop.views.search_dialog import SearchDialog
from crm_desktop.views.settings_dialog import SettingsDialog
from crm_desktop.views.tasks.tasks_page import TasksPage
from crm_desktop.views.undo_stack import UndoStack
from crm_desktop.views.worker import run_in_background

# Search hits and duplicate links name one record ("contact"); pages are named by their lists.
PAGE_OF_KIND: dict[str, Kind] = {
    "lead": "leads",
    "contact": "contacts",
    "company": "companies",
    "deal": "deals",
}


def _attempt_delete(sessions: object, kind: Kind, record_id: uuid.UUID) -> object:
    try:
        return retry_once_if_locked(delete_record, sessions, kind, record_id)  # type: ignore[arg-type]
    except RecordNotFoundError as exc:
        return exc


class MainWindow(QMainWindow):
    changes_applied = Signal(object)  # Changes, after every page has had it
    deleted = Signal(object)  # UndoToken

    def __init__(
        self,
        db: Database,
        prompts: Prompts | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        board_prompts: BoardPrompts | None = None,
    ):
        super().__init__(parent)
        self.db = db
        self.prompts: Prompts = prompts or QtPrompts()
        self.settings = settings or QSettings()
        self.setWindowTitle(self.tr("crm-desktop"))
        self.search_dialog: SearchDialog | None = None
        self.convert_dialog: ConvertLeadDialog | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.import_wizard: ImportWizard | None = None
        self.import_history: ImportHistoryDialog | None = None
        self.notifier: TrayNotifier | None = None
        self.deal_alerts: DealAlertWatcher | None = None
        self.reminders: ReminderWatcher | None = None
        self.file_chooser: FileChooser = QtFileChooser()  # tests put a scripted one here
        self._page_keys: list[str] = []
        self._page_actions: list[QAction] = []
        self.pages: dict[str, QWidget] = {}
        self.list_pages: dict[Kind, ListPage] = {}

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setMaximumWidth(180)
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setStyleSheet("QListWidget#sidebar::item { padding: 6px 8px; }")
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)
        self.stack = QStackedWidget()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([150, 1100])
        self.setCentralWidget(splitter)

        titles = {
            "leads": self.tr("Leads"),
            "contacts": self.tr("Contacts"),
            "companies": self.tr("Companies"),
            "deals": self.tr("Deals"),
        }
        for kind in KINDS:
            page = ListPage(kind, db.sessions, self.settings, self.prompts)
            page.changes_made.connect(self.apply_changes)
            page.open_requested.connect(self.show_record)
            page.event_requested.connect(self._on_page_event_requested)
            page.count_changed.connect(lambda count, kind=kind: self._on_count_changed(kind, count))
            page.load_failed.connect(self._on_load_failed)
            page.form.dirty_changed.connect(lambda _d: self._update_actions())
            page.form.edit_saved.connect(lambda result: self.undo.push_edit(result))
            self.list_pages[kind] = page
            self.add_page(kind, titles[kind], page)
        self.list_pages["leads"].form.convert_requested.connect(self.convert_lead)  # type: ignore[attr-defined]
        self.card_entry = CardEntryPage(db)
        self.card_entry.lead_saved.connect(self.apply_changes)
        self.card_entry.open_record_requested.connect(self._show_record_of_kind)
        self.add_page("cards", self.tr("Card entry"), self.card_entry)
        self.board = PipelineBoardPage(
            db.sessions, self.settings, board_prompts or QtBoardPrompts()
        )
        self.board.open_requested.connect(lambda deal_id: self.show_record("deals", deal_id))
        self.board.changes_made.connect(self.apply_changes)
        self.board.message_posted.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.board.load_failed.connect(self._on_load_failed)
        self.board.move_finished.connect(lambda result: self.undo.push_move(result))
        self.add_page("pipeline", self.tr("Pipeline"), self.board)
        self.dashboard = DashboardPage(db, self.prompts, self.file_chooser)
        self.dashboard.open_deal_requested.connect(
            lambda deal_id: self.show_record("deals", deal_id)
        )
        self.add_page("dashboard", self.tr("Dashboard"), self.dashboard)
        self.tasks_page = TasksPage(db.sessions, self.settings, self.prompts)
        self.tasks_page.changes_made.connect(self.apply_changes)
        self.tasks_page.open_requested.connect(self.show_record)
        self.tasks_page.load_failed.connect(self._on_load_failed)
        self.add_page("tasks", self.tr("Tasks"), self.tasks_page)
        # E-mails (.eml/.msg) dropped on the window or on a record's form.
        self.email_dropper = EmailDropper(db.sessions, parent_widget=self, parent=self)
        self.email_dropper.changes_made.connect(self.apply_changes)
        self.email_dropper.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.email_dropper.failed.connect(self._on_email_drop_failed)
        for page in self.list_pages.values():
            page.form.set_email_dropper(self.email_dropper)
        self.setAcceptDrops(True)

        self._build_actions()
        self._build_status_bar()
        # One undo history for edits, board moves and deletes (views/undo_stack.py).
        self.undo: UndoStack = UndoStack(
            db.sessions,
            self,
            self.undo_action,
            self.statusBar(),
            self.undo_label,
            self.undo_button,
        )
        self.undo.undone.connect(self._on_undone)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(_first_size(self.screen()))
        self.sidebar.setCurrentRow(0)

    # ---- public API ------------------------------------------------------------------------

    def start_alerts(self) -> None:
        """Desktop notifications: due reminders and overdue tasks for everyone, large deals
        for managers. The app calls it once the window is shown."""
        if self.notifier is None:
            self.notifier = TrayNotifier(self)
        if self.reminders is None:
            self.reminders = ReminderWatcher(
                self.db.sessions, self.notifier, self.show_record, self
            )
            self.reminders.changes_made.connect(self.apply_changes)
            self.reminders.tasks_requested.connect(lambda: self.show_page("tasks"))
            self.changes_applied.connect(self.reminders.apply_changes)
            self.reminders.start()
        if self.deal_alerts is None:
            self.deal_alerts = DealAlertWatcher(
                self.db,
                self.settings,
                self.notifier,
                lambda deal_id: self.show_record("deals", deal_id),
                self,
            )
            self.changes_applied.connect(self.deal_alerts.apply_changes)
        self.deal_alerts.start()

    def add_page(self, key: str, title: str, widget: QWidget) -> None:
        """Add a page (e.g. card entry) to the sidebar."""
        if key in self.pages:
            raise ValueError(f"a page '{key}' exists already")
        self.pages[key] = widget
        self._page_keys.append(key)
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.sidebar.addItem(item)
        self.stack.addWidget(widget)
        shortcut_number = len(self._page_keys)
        if shortcut_number <= 9:
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{shortcut_number}"))
            action.triggered.connect(lambda: self.show_page(key))
            self.addAction(action)
            self._page_actions.append(action)
            if hasattr(self, "view_menu"):
                self.view_menu.addAction(action)

    def show_page(self, key: str) -> None:
        self.sidebar.setCurrentRow(self._page_keys.index(key))

    def current_key(self) -> str:
        row = self.sidebar.currentRow()
        return self._page_keys[row] if 0 <= row < len(self._page_keys) else ""

    def current_list_page(self) -> ListPage | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, ListPage) else None

    def show_record(self, kind: str, record_id: uuid.UUID) -> None:
        """Select the page of `kind` and open the record in its form."""
        page = self.list_pages[kind]  # type: ignore[index]
        self.show_page(kind)
        page.show_record(record_id)

    def apply_changes(self, changes: Changes) -> None:
        """Tell every page what changed; each reloads only what it shows."""
        for page in self.list_pages.values():
            page.apply_changes(changes)
        for widget in self.pages.values():
            if not isinstance(widget, ListPage) and hasattr(widget, "apply_changes"):
                widget.apply_changes(changes)
        self.changes_applied.emit(changes)

    def open_search(self) -> None:
        """Ctrl+K: the search box over every lead, contact, company and deal."""
        if self.search_dialog is None:
            self.search_dialog = SearchDialog(self.db, self)
            self.search_dialog.result_chosen.connect(self._show_record_of_kind)
        self.search_dialog.show()
        self.search_dialog.raise_()
        self.search_dialog.activateWindow()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.db, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_settings_dialog_saved)
        dialog.rates_changed.connect(self.apply_changes)
        self.settings_dialog = dialog
        dialog.open()

    def _on_settings_dialog_saved(self, changes: Changes) -> None:
        self.apply_changes(changes)
        self.statusBar().showMessage(self.tr("Settings saved."), 4000)

    def convert_lead(self, lead_id: uuid.UUID) -> None:
        """Open the conversion dialog for a lead (window-modal: the rest stays readable)."""
        dialog = ConvertLeadDialog(self.db, lead_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.converted.connect(self._on_convert_dialog_converted)
        dialog.destroyed.connect(lambda: setattr(self, "convert_dialog", None))
        self.convert_dialog = dialog
        dialog.open()

    def open_import_wizard(self, path: Path | None = None) -> ImportWizard:
        """File ▸ Import… (Ctrl+I), or a spreadsheet dropped on the window."""
        wizard = self.import_wizard
        if wizard is not None:
            if path is not None:
                wizard.open_file(path)
            wizard.raise_()
            wizard.activateWindow()
            return wizard
        wizard = ImportWizard(
            self.db.sessions, self.prompts, self.file_chooser, self, path, self.current_key()
        )
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.changes_made.connect(self.apply_changes)
        wizard.import_finished.connect(self._on_import_wizard_import_finished)
        wizard.destroyed.connect(lambda: setattr(self, "import_wizard", None))
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def _on_import_wizard_import_finished(self, report: object) -> None:
        summary = getattr(report, "summary", None)
        if summary is not None:
            self.statusBar().showMessage(summary(), 10000)

    def open_import_history(self) -> ImportHistoryDialog:
        """File ▸ Import history…: undo, resume, save problem rows."""
        dialog = self.import_history
        if dialog is None:
            dialog = ImportHistoryDialog(self.db.sessions, self.prompts, self.file_chooser, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.changes_made.connect(self.apply_changes)
            dialog.destroyed.connect(lambda: setattr(self, "import_history", None))
            self.import_history = dialog
            dialog.open()
        else:
            dialog.refresh()
            dialog.raise_()
            dialog.activateWindow()
        return dialog

    def quick_add(self, kind: str) -> object:
        """Ctrl+L, Ctrl+Shift+L, Ctrl+Shift+T: a call, a note or a task for the record shown."""
        if kind == "task" and self.current_key() == "tasks":
            return self.tasks_page.open_dialog()
        page = self.current_list_page()
        if page is None or page.form.record_id is None:
            self.statusBar().showMessage(self.tr("Open a record first."), 4000)
            return None
        timeline = page.form.timeline
        page.form.tabs.setCurrentWidget(timeline)
        opener = {"call": timeline.log_call, "note": timeline.add_note, "task": timeline.new_task}
        return opener[kind]()

    def export_calendar(self) -> None:
        """File ▸ Export calendar: open tasks and meetings to an .ics file for calendar programs."""
        path = self.file_chooser.save_file(
            self,
            self.tr("Export tasks and meetings"),
            "crm-calendar.ics",
            self.tr("Calendar files (*.ics)"),
        )
        if path is None:
            return
        if path.suffix.lower() != ".ics":
            path = path.with_name(path.name + ".ics")
        self.statusBar().showMessage(self.tr("Writing %1…").replace("%1", path.name))
        run_in_background(
            export_calendar,
            parent=self,
            on_done=self._on_calendar_exported,
            on_error=self._on_calendar_export_failed,
            sessions=self.db.sessions,
            path=path,
        )

    def _on_calendar_exported(self, result: CalendarExport) -> None:
        meetings = self.tr("%n meeting(s)", "", result.meetings)
        tasks = self.tr("%n task(s)", "", result.tasks)
        self.statusBar().showMessage(
            self.tr("%1: %2 and %3 written; import it into your calendar.")
            .replace("%1", result.path.name)
            .replace("%2", meetings)
            .replace("%3", tasks),
            10000,
        )

    def _on_calendar_export_failed(self, message: str, _trace: str) -> None:
        self.statusBar().clearMessage()  # "Writing …" is over
        self.prompts.show_error(self, self.tr("Export calendar"), message)

    def _on_email_drop_failed(self, text: str) -> None:
        self.prompts.show_error(self, self.tr("Dropped e-mails"), text)

    def drop_files(self, paths: list[Path]) -> None:
        """Leads from .vcf files (an import batch each), cards to review from photos; the
        work runs off the GUI thread, its progress in the status bar."""
        event_id, source_id, owner_id = self.card_entry.drop_context()
        self.statusBar().showMessage(self.tr("Reading %n dropped file(s)…", "", len(paths)))
        run_in_background(
            process_drop,
            parent=QApplication.instance(),
            with_progress=True,
            on_progress=lambda fraction, message: self.statusBar().showMessage(
                f"{message} ({fraction:.0%})"
            ),
            on_done=self._on_drop_processed,
            on_error=self._on_drop_failed,
            sessions=self.db.sessions,
            paths=paths,
            event_id=event_id,
            source_id=source_id,
            owner_id=owner_id,
        )

    # ---- actions ---------------------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(
            text: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str,
            slot: Callable[[], object],
            window_wide: bool = True,
        ) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            if window_wide:
                self.addAction(act)
            return act

        self.new_action = action(self.tr("&New"), QKeySequence.StandardKey.New, self.new_record)
        self.new_action.setToolTip(self.tr("New record (Ctrl+N)"))
        self.save_action = action(self.tr("&Save"), QKeySequence.StandardKey.Save, self.save)
        # Del deletes a record only when a list has focus: in a text field it deletes text.
        self.delete_action = action(
            self.tr("&Delete"), QKeySequence("Del"), self.delete_current, window_wide=False
        )
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo_action = action(
            self.tr("&Undo"), QKeySequence.StandardKey.Undo, lambda: self.undo.undo_last()
        )
        self.search_action = action(self.tr("&Search…"), QKeySequence("Ctrl+K"), self.open_search)
        self.convert_action = action(
            self.tr("&Convert lead…"), QKeySequence("Ctrl+Shift+C"), self.convert_current_lead
        )
        self.reload_action = action(
            self.tr("&Reload"), QKeySequence.StandardKey.Refresh, self.reload
        )
        quit_action = action(self.tr("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        self.import_action = action(
            self.tr("&Import…"), QKeySequence("Ctrl+I"), lambda: self.open_import_wizard()
        )
        self.import_history_action = action(
            self.tr("Import &history…"), QKeySequence(), self.open_import_history
        )
        self.settings_action = action(
            self.tr("Se&ttings…"), QKeySequence.StandardKey.Preferences, self.open_settings
        )
        self.log_call_action = action(
            self.tr("&Log call…"), QKeySequence("Ctrl+L"), lambda: self.quick_add("call")
        )
        self.add_note_action = action(
            self.tr("Add &note…"), QKeySequence("Ctrl+Shift+L"), lambda: self.quick_add("note")
        )
        self.new_task_action = action(
            self.tr("New &task…"), QKeySequence("Ctrl+Shift+T"), lambda: self.quick_add("task")
        )
        self.export_calendar_action = action(
            self.tr("Export &calendar (.ics)…"), QKeySequence(), self.export_calendar
        )

        for page in self.list_pages.values():
            page.table.addAction(self.delete_action)

        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.save_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.import_history_action)
        file_menu.addAction(self.export_calendar_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = menu.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.delete_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.search_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.settings_action)
        record_menu = menu.addMenu(self.tr("&Record"))
        record_menu.addAction(self.convert_action)
        record_menu.addSeparator()
        record_menu.addAction(self.log_call_action)
        record_menu.addAction(self.add_note_action)
        record_menu.addAction(self.new_task_action)
        self.view_menu = menu.addMenu(self.tr("&View"))
        self.view_menu.addAction(self.reload_action)
        self.view_menu.addSeparator()
        for act in self._page_actions:
            self.view_menu.addAction(act)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About crm-desktop"), self._about)

        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (
            self.new_action,
            self.save_action,
            self.delete_action,
            self.undo_action,
            self.search_action,
        ):
            toolbar.addAction(act)
        self.addToolBar(toolbar)
        self._update_actions()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(self.db.describe())
        self.db_label.setObjectName("dbLabel")
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.undo_label = QLabel()
        self.undo_label.setObjectName("undoLabel")
        self.undo_label.hide()
        self.undo_button = QPushButton(self.tr("Undo (Ctrl+Z)"))
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setFlat(True)
        self.undo_button.clicked.connect(lambda: self.undo.undo_last())
        self.undo_button.hide()
        bar.addWidget(self.undo_label)
        bar.addWidget(self.undo_button)
        bar.addPermanentWidget(self.count_label)
        bar.addPermanentWidget(self.db_label)

    def _update_actions(self) -> None:
        page = self.current_list_page()
        self.new_action.setEnabled(page is not None)
        self.save_action.setEnabled(page is not None and page.form.is_dirty())
        self.delete_action.setEnabled(page is not None)
        self.convert_action.setEnabled(page is not None and page.kind == "leads")
        for act in (self.log_call_action, self.add_note_action):
            act.setEnabled(page is not None)
        self.new_task_action.setEnabled(page is not None or self.current_key() == "tasks")

    # ---- slots -----------------------------------------------------------------------------

    def new_record(self) -> None:
        page = self.current_list_page()
        if page is not None:
            page.new_record()

    def save(self) -> None:
        page = self.current_list_page()
        if page is not None:
            page.form.save()

    def reload(self) -> None:
        self.apply_changes(Changes.everything())

    def delete_current(self) -> None:
        """Delete the record the form shows, after naming it; Undo delete brings it back.

        Never the highlighted row: a row number can come to hold another record, and the
        form is what the user looks at. The list keeps its highlight on the form's record.
        """
        page = self.current_list_page()
        if page is None:
            return
        form = page.form
        record_id = form.record_id
        if record_id is None:
            self.statusBar().showMessage(self.tr("Select a record to delete."), 4000)
            return
        if form.is_loading():
            # The highlight is on a record the form does not show yet: neither is "the" record.
            self.statusBar().showMessage(
                self.tr("The record is still loading; try again in a moment."), 4000
            )
            return
        question = self.tr("Delete %1?").replace("%1", form.record_label())
        if form.is_dirty():
            question += "\n\n" + self.tr("Your unsaved changes to it are lost too.")
        if not self.prompts.ask_yes_no(self, self.tr("Delete record"), question):
            return
        kind = page.kind
        run_in_background(
            _attempt_delete,
            parent=QApplication.instance(),
            on_done=lambda result: self._on_deleted(kind, result),
            on_error=self._on_load_failed,
            sessions=self.db.sessions,
            kind=kind,
            record_id=record_id,
        )

    def _on_deleted(self, kind: Kind, result: object) -> None:
        if isinstance(result, RecordNotFoundError):
            self.statusBar().showMessage(self.tr("That record was already deleted."), 4000)
            self.apply_changes(Changes(**{kind: True}))
            return
        token = result.token  # type: ignore[attr-defined]
        page = self.list_pages[kind]
        if page.form.record_id == token.id:
            page.form.clear()  # the list drops its highlight with it
        self.undo.push(token, self.tr("Deleted “%1”.").replace("%1", token.label))
        self._update_actions()
        self.apply_changes(result.changes)  # type: ignore[attr-defined]
        self.deleted.emit(token)

    def _on_undone(self, action: Action, changes: Changes) -> None:
        """An undo was saved: every page hears of it; a restored record is shown again."""
        self.apply_changes(changes)
        if isinstance(action, UndoToken):
            self.show_record(action.kind, action.id)

    def convert_current_lead(self) -> None:
        page = self.current_list_page()
        if page is None or page.kind != "leads":
            return
        button = page.form.convert_button  # type: ignore[attr-defined]
        if page.form.record_id is None:
            self.statusBar().showMessage(self.tr("Select a lead to convert."), 4000)
        elif not button.isEnabled():
            self.statusBar().showMessage(button.toolTip(), 4000)
        else:
            self.convert_lead(page.form.record_id)

    def _on_convert_dialog_converted(self, changes: Changes, result: ConversionResult) -> None:
        self.apply_changes(changes)
        made = [self.tr("a contact") if result.contact_created else self.tr("a linked contact")]
        if result.company_id is not None:
            made.append(self.tr("a company") if result.company_created else self.tr("its company"))
        if result.deal_id is not None:
            made.append(self.tr("a deal"))
        self.statusBar().showMessage(
            self.tr("Lead converted: %1.").replace("%1", ", ".join(made)), 8000
        )

    def _show_record_of_kind(self, kind: str, record_id: uuid.UUID) -> None:
        """A search hit or a duplicate link chose a record ("contact", id)."""
        self.show_record(PAGE_OF_KIND[kind], record_id)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.drop_files(paths)

    def _on_drop_processed(self, result: DropResult) -> None:
        self.statusBar().clearMessage()
        if result.changes.any():
            self.apply_changes(result.changes)
        if result.emails:
            self.email_dropper.drop(list(result.emails), None)
        if result.cards:
            self.show_page("cards")
            self.card_entry.review_cards(result.cards)
        messages = list(result.messages)
        if result.sheets:
            messages += [
                self.tr("%1: import one file at a time; drop it again after this import.").replace(
                    "%1", path.name
                )
                for path in result.sheets[1:]
            ]
        if messages:
            self.prompts.show_info(self, self.tr("Dropped files"), "\n\n".join(messages))
        if result.sheets:
            self.open_import_wizard(result.sheets[0])

    def _on_drop_failed(self, message: str, _details: str) -> None:
        self.statusBar().clearMessage()
        self.prompts.show_error(
            self,
            self.tr("Dropped files"),
            self.tr("The files were not read: %1").replace("%1", message),
        )

    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if 0 <= row < self.stack.count():
            self.stack.setCurrentIndex(row)
        page = self.current_list_page()
        if page is not None:
            self._show_count(page.model.rowCount() if page.model.count_known else None)
        else:
            self.count_label.clear()
        if hasattr(self, "new_action"):
            self._update_actions()

    def _on_count_changed(self, kind: Kind, count: int) -> None:
        if self.current_list_page() is self.list_pages[kind]:
            self._show_count(count)

    def _show_count(self, count: int | None) -> None:
        if count is None:
            self.count_label.setText(self.tr("counting…"))
        else:
            self.count_label.setText(self.tr("%Ln record(s)", "", count))

    def _on_page_event_requested(self, event_id: uuid.UUID) -> None:
        self.show_page("leads")
        self.list_pages["leads"].set_event_filter(event_id)

    def _on_load_failed(self, message: str, *_rest: object) -> None:
        self.statusBar().showMessage(self.tr("Database error: %1").replace("%1", message), 10000)

    def _about(self) -> None:
        from crm_desktop import __version__

        self.prompts.show_info(
            self,
            self.tr("About crm-desktop"),
            self.tr("crm-desktop %1\nA desktop CRM for small sales teams.").replace(
                "%1", __version__
            ),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        dirty = [p for p in self.list_pages.values() if p.form.is_dirty()]
        if dirty and not self.prompts.ask_yes_no(
            self,
            self.tr("Unsaved changes"),
            self.tr("Some records have unsaved changes. Quit anyway?"),
        ):
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        for page in self.list_pages.values():
            page.save_layout()
        self.settings.sync()
        super().closeEvent(event)


def _first_size(screen: QScreen | None) -> QSize:
    """The window's size before the user has sized it: most of the screen (lists show
    more columns, phones included), at least 1280 x 800 where the screen has room."""
    if screen is None:
        return QSize(1280, 800)
    room = screen.availableGeometry().size()
    width = max(min(1280, room.width()), int(room.width() * 0.9))
    height = max(min(800, room.height()), int(room.height() * 0.9))
    return QSize(width, height)
