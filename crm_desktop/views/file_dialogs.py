"""Every file dialog of the program: Qt's own dialog, told never to open a file to sniff it.

A QFileDialog lists a folder through QFileSystemModel, whose icon provider asks QMimeDatabase
for every file's icon and type; a name it does not know (`crm.sqlite3-wal`, `crm.sqlite3-shm`)
is opened and read to guess, even when the name filter hides it. That open and close drop
every POSIX lock SQLite holds on the file in this process (models/sqlite_files.py): another
program then deletes the -wal and -shm under us. So here:

- icons and type names come from the file's name alone (`NameOnlyIconProvider`);
- the database and its -wal/-shm/-journal are not listed (`DatabaseFilesHidden`), and typing
  their name is refused in the dialog (`SafeFileDialog.accept`);
- the platform's native dialog is not used: GTK's and the Windows shell's run in this
  process, sniff files the same way (thumbnails, content types), and cannot be told not to.

Make file dialogs with `file_dialog`, `ask_open_file` or `ask_save_file`, never with
QFileDialog itself (tests/views/test_file_dialogs.py checks the code for it).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import (
    QFileInfo,
    QMimeDatabase,
    QMimeType,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFileIconProvider,
    QFileSystemModel,
    QMessageBox,
    QWidget,
)

from crm_desktop.models.sqlite_files import (
    DatabaseFileInUse,
    database_files,
    database_in_use,
    open_databases,
)

IconType = QAbstractFileIconProvider.IconType


class NameOnlyIconProvider(QFileIconProvider):
    """A file's icon and type name from its name (its extension), never from its content."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)
        self._mimes = QMimeDatabase()
        self._icons: dict[str, QIcon] = {}
        # The model asks for a file's icon, then at once for its type: look the name up once
        # (a lookup costs about 0.2 ms; folders hold thousands of files).
        self._last: tuple[str, QMimeType] | None = None

    def icon(self, what: QFileInfo | IconType) -> QIcon:
        if not isinstance(what, QFileInfo):
            return super().icon(what)  # a place (computer, drive, folder): no file involved
        if what.isRoot():
            return super().icon(IconType.Drive)
        if what.isDir():
            return super().icon(IconType.Folder)
        mime = self._mime(what)
        icon = self._icons.get(mime.name())
        if icon is None:
            generic = QIcon.fromTheme(mime.genericIconName(), super().icon(IconType.File))
            icon = QIcon.fromTheme(mime.iconName(), generic)
            self._icons[mime.name()] = icon
        return icon

    def type(self, info: QFileInfo) -> str:
        if info.isFile():
            mime = self._mime(info)
            return mime.comment() or mime.name()
        return super().type(info)  # folders, drives, links: no content is read for those

    def _mime(self, info: QFileInfo) -> QMimeType:
        name = info.absoluteFilePath()
        last = self._last
        if last is not None and last[0] == name:
            return last[1]
        mime = self._mimes.mimeTypeForFile(info.fileName(), QMimeDatabase.MatchMode.MatchExtension)
        self._last = (name, mime)
        return mime


_icon_provider: NameOnlyIconProvider | None = None


def icon_provider() -> NameOnlyIconProvider:
    """One for the whole program: a QFileSystemModel keeps a bare pointer to its provider, so
    the provider must outlive every dialog."""
    global _icon_provider
    if _icon_provider is None:
        _icon_provider = NameOnlyIconProvider()
    return _icon_provider


def _name_key(path: str | os.PathLike[str]) -> str:
    return os.path.normcase(os.path.abspath(path))


class DatabaseFilesHidden(QSortFilterProxyModel):
    """A dialog's list without the open databases and their -wal/-shm/-journal files.

    By name, with no system call per row (folders of thousands of files list as fast as
    before). A hard link to the database, or a path through a link to its folder, is
    listed, but choosing it is refused by identity (`SafeFileDialog.accept`), and listing
    it never opens it (`NameOnlyIconProvider`).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        files = [p for db in open_databases() for p in database_files(db)]
        # As the model spells them (it does not resolve links), and links resolved.
        self._hidden = {_name_key(p) for p in files} | {
            _name_key(os.path.realpath(p)) for p in files
        }

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        if not self._hidden or not isinstance(model, QFileSystemModel):
            return True
        index = model.index(source_row, 0, source_parent)
        return model.isDir(index) or _name_key(model.filePath(index)) not in self._hidden


class SafeFileDialog(QFileDialog):
    """Qt's file dialog that never opens a file it lists, and refuses the database's files."""

    refused = Signal(str)  # the message shown when a database file was chosen

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        filters: str,
        *,
        save: bool = False,
        suggested: str = "",
    ) -> None:
        super().__init__(parent, title)
        # Options first: the folder's listing starts when the dialog is built, and its
        # icons and types are asked for from the event loop, so from the provider set here.
        self.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        self.setOption(QFileDialog.Option.DontUseCustomDirectoryIcons, True)
        self.setIconProvider(icon_provider())
        self.setProxyModel(DatabaseFilesHidden(self))
        self.setNameFilter(filters)
        if save:
            self.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            self.setFileMode(QFileDialog.FileMode.AnyFile)
            if suggested:
                self.selectFile(suggested)
        else:
            self.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
            self.setFileMode(QFileDialog.FileMode.ExistingFile)

    def accept(self) -> None:
        """A typed name (or a link) that is one of the database's files is refused here,
        before the file is opened, read or written over."""
        for name in self.selectedFiles():
            database = database_in_use(name)
            if database is not None:
                self._refuse(DatabaseFileInUse(Path(name), database))
                return
        super().accept()

    def _refuse(self, refusal: DatabaseFileInUse) -> None:
        if refusal.is_database:
            text = self.tr("%1 is the database crm-desktop is working in. Choose another file.")
        else:
            text = self.tr(
                "%1 belongs to %2, the database crm-desktop is working in. Choose another file."
            ).replace("%2", refusal.database.name)
        text = text.replace("%1", refusal.path.name)
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.windowTitle(), text, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("databaseFileRefused")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal, not a nested event loop
        self.refused.emit(text)


def file_dialog(
    parent: QWidget | None,
    title: str,
    filters: str,
    *,
    save: bool = False,
    suggested: str = "",
) -> SafeFileDialog:
    """An open (or, with save=True, a save) dialog, not yet shown."""
    return SafeFileDialog(parent, title, filters, save=save, suggested=suggested)


def _ask(dialog: SafeFileDialog) -> Path | None:
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = dialog.selectedFiles()
        return Path(chosen[0]) if chosen else None
    finally:
        dialog.deleteLater()


def ask_open_file(parent: QWidget | None, title: str, filters: str) -> Path | None:
    """The file the user chose to open, or None."""
    return _ask(file_dialog(parent, title, filters))


def ask_save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> Path | None:
    """The file the user chose to write (overwriting confirmed by the dialog), or None."""
    return _ask(file_dialog(parent, title, filters, save=True, suggested=suggested))
