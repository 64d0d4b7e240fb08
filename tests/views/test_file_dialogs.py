"""File dialogs never open the database's files: a close() would drop SQLite's locks.

Reproduced before the fix: the import wizard's dialog, shown on the database's folder,
had Qt open crm.sqlite3-wal and -shm to guess their type (QFileIconProvider -> QMimeDatabase);
the process lost its locks on them and another program got the write lock beside ours.
"""

from __future__ import annotations

import io
import shutil
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest
from database_file_support import another_process_gets_the_write_lock, held_locks
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QFileSystemModel,
    QMessageBox,
)

import crm_desktop
from crm_desktop.models.database import Database, open_database
from crm_desktop.views import file_dialogs
from crm_desktop.views.file_dialogs import NameOnlyIconProvider, SafeFileDialog, file_dialog
from crm_desktop.views.import_wizard.state import OPEN_FILTER, QtFileChooser

ALL_FILES = "All files (*)"


@pytest.fixture(params=["crm.sqlite3", "customers"])
def own_db(
    request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path
) -> Iterator[Database]:
    """A database alone in its folder with an ordinary file: named as Qt knows it
    (*.sqlite3), and with a name it does not know and would sniff."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / request.param
    shutil.copyfile(_sqlite_template, path)
    (folder / "contacts.csv").write_text("Name,E-mail\nAnna,anna@example.com\n", encoding="utf-8")
    db = open_database(f"sqlite:///{path}")
    yield db
    db.dispose()


def _listing(model: QFileSystemModel, folder: Path) -> dict[str, str]:
    """The folder's files as the dialog's model has them: name -> type (empty until Qt has
    asked the icon provider, which is where a file would be opened)."""
    root = model.index(str(folder))
    names = {}
    for row in range(model.rowCount(root)):
        index = model.index(row, 0, root)
        names[model.fileName(index)] = model.type(index)
    return names


def _show_everything(qtbot, dialog: QFileDialog, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """List the folder, in list and detail view, every row hovered and selected."""
    model = dialog.proxyModel().sourceModel()
    assert isinstance(model, QFileSystemModel)
    on_disk = {p.name for p in folder.iterdir()}
    assert {"contacts.csv"} < on_disk and any(n.endswith("-shm") for n in on_disk)
    dialog.setDirectory(str(folder))
    dialog.show()
    qtbot.waitExposed(dialog)
    # Loaded, and every file's icon and type asked for (empty types mean not yet).
    qtbot.waitUntil(lambda: on_disk <= set(_listing(model, folder)), timeout=10000)
    qtbot.waitUntil(lambda: all(_listing(model, folder).values()), timeout=10000)
    shown = dialog.proxyModel()
    for mode in (QFileDialog.ViewMode.List, QFileDialog.ViewMode.Detail):
        dialog.setViewMode(mode)
        QApplication.processEvents()
        for view in dialog.findChildren(QAbstractItemView):
            if view.model() is not shown or not view.isVisible():
                continue  # the sidebar, the completer's popup
            root = view.rootIndex()
            for row in range(shown.rowCount(root)):
                for column in range(shown.columnCount(root)):
                    index = shown.index(row, column, root)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole):
                        index.data(role)
                first = shown.index(row, 0, root)
                QTest.mouseMove(view.viewport(), view.visualRect(first).center())
                view.setCurrentIndex(first)
        for name in on_disk:  # typed, as a user may
            dialog.selectFile(name)
        QApplication.processEvents()


def test_the_import_dialog_on_the_database_folder_keeps_sqlite_locks(
    qtbot, own_db: Database
) -> None:  # type: ignore[no-untyped-def]
    path = own_db.sqlite_path
    assert path is not None
    shm = Path(f"{path}-shm")
    raw = own_db.engine.raw_connection()
    try:
        raw.driver_connection.execute("BEGIN IMMEDIATE")  # the window is writing
        locks = held_locks(path), held_locks(shm)
        assert locks[1], "no lock on the -shm: the test would prove nothing"
        assert not another_process_gets_the_write_lock(path)

        dialog = file_dialog(None, "Import a file", OPEN_FILTER)  # what the wizard shows
        qtbot.addWidget(dialog)
        dialog.selectNameFilter(ALL_FILES)  # Qt sniffs files the filter hides too
        _show_everything(qtbot, dialog, path.parent)
        dialog.close()
        QApplication.processEvents()

        assert (held_locks(path), held_locks(shm)) == locks
        assert not another_process_gets_the_write_lock(path)
    finally:
        raw.driver_connection.execute("ROLLBACK")
        raw.close()


def test_the_dialog_lists_other_files_but_not_the_database(qtbot, own_db: Database) -> None:  # type: ignore[no-untyped-def]
    path = own_db.sqlite_path
    assert path is not None
    dialog = file_dialog(None, "Import a file", ALL_FILES)
    qtbot.addWidget(dialog)
    dialog.setDirectory(str(path.parent))
    dialog.show()
    proxy = dialog.proxyModel()
    source = proxy.sourceModel()
    assert isinstance(source, QFileSystemModel)

    def listed() -> set[str]:
        root = proxy.mapFromSource(source.index(str(path.parent)))
        return {proxy.index(row, 0, root).data() for row in range(proxy.rowCount(root))}

    qtbot.waitUntil(lambda: "contacts.csv" in listed(), timeout=10000)
    assert not any(name.startswith(path.name) for name in listed())
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert isinstance(source.iconProvider(), NameOnlyIconProvider)


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
@pytest.mark.parametrize("save", [False, True])
def test_typing_a_database_file_name_is_refused_in_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, sqlite_db: Database, suffix: str, save: bool
) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    dialog = file_dialog(None, "Export", ALL_FILES, save=save)
    qtbot.addWidget(dialog)
    dialog.setDirectory(str(path.parent))
    dialog.selectFile(path.name + suffix)
    with qtbot.waitSignal(dialog.refused) as refused:
        dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    message = refused.args[0]
    if suffix:
        assert message == (
            f"{path.name}{suffix} belongs to {path.name}, the database crm-desktop is working "
            "in. Choose another file."
        )
    else:
        assert message == (
            f"{path.name} is the database crm-desktop is working in. Choose another file."
        )
    box = dialog.findChild(QMessageBox, "databaseFileRefused")
    assert box is not None and box.text() == message
    box.close()


def test_another_file_is_accepted(qtbot, sqlite_db: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "contacts.csv"
    other.write_text("Name\nAnna\n", encoding="utf-8")
    dialog = file_dialog(None, "Import a file", ALL_FILES)
    qtbot.addWidget(dialog)
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(other.name)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [Path(p) for p in dialog.selectedFiles()] == [other]


@pytest.mark.parametrize("save", [False, True])
def test_the_wizard_and_window_file_chooser_uses_the_safe_dialog(  # type: ignore[no-untyped-def]
    qtbot, monkeypatch: pytest.MonkeyPatch, save: bool
) -> None:
    shown: list[SafeFileDialog] = []

    def exec_(dialog: SafeFileDialog) -> int:
        shown.append(dialog)
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(SafeFileDialog, "exec", exec_)
    chooser = QtFileChooser()
    if save:
        assert chooser.save_file(None, "Save problem rows", "problems.xlsx", ALL_FILES) is None
    else:
        assert chooser.open_file(None, "Import a file", OPEN_FILTER) is None
    [dialog] = shown
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.acceptMode() == (
        QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen
    )
    assert isinstance(dialog.proxyModel(), file_dialogs.DatabaseFilesHidden)


# Qt classes that open files to find their type or icon: only file_dialogs.py may use them.
SNIFFERS = {"QFileDialog", "QFileIconProvider", "QFileSystemModel", "QMimeDatabase"}


def test_no_file_dialog_is_made_outside_the_safe_helper() -> None:
    package = Path(crm_desktop.__file__).parent
    allowed = package / "views" / "file_dialogs.py"
    found = []
    for source in sorted(package.rglob("*.py")):
        if source == allowed:
            continue
        tokens = tokenize.generate_tokens(io.StringIO(source.read_text(encoding="utf-8")).readline)
        found += [
            f"{source.relative_to(package)}:{tok.start[0]}: {tok.string}"
            for tok in tokens
            if tok.type == tokenize.NAME and tok.string in SNIFFERS
        ]
    assert found == [], "use crm_desktop.views.file_dialogs instead"
