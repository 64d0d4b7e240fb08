"""The SQLite files this process has open, which nothing but SQLite may open.

SQLite locks its files with POSIX advisory locks, and those belong to the process and the
file, not to a descriptor: close() of ANY other descriptor on the database, its -wal or its
-shm drops every lock SQLite holds on that file ("How To Corrupt An SQLite Database File",
§2.2). Another program then takes the write lock beside us, or deletes the -wal and -shm we
still use, and what we write afterwards is lost to everyone else. A file dialog sniffing the
type of `crm.sqlite3-shm` did exactly that.

So every engine on a SQLite file is registered here when it is created, and code that reads
or writes a file the user named (imports, drops, exports, file dialogs) asks
`database_in_use(path)` first, or calls `refuse_database_file(path)`. Both compare by name
(symbolic links resolved) and by identity (st_dev, st_ino from os.stat): neither opens the
file. The registry is process-wide on purpose: the locks it protects are.
"""

from __future__ import annotations

import errno
import os
import threading
import weakref
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

# The files SQLite keeps beside a database (WAL mode, and the rollback journal otherwise).
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

_lock = threading.Lock()
_open: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()


class DatabaseFileInUse(OSError):
    """A file that is (or belongs to) a database this process has open: it is not opened.

    An OSError, so every "cannot open / cannot write this file" path reports it as one.
    """

    def __init__(self, path: Path, database: Path) -> None:
        self.is_database = _same_name(path, database) or _identity(path) == _identity(database)
        if self.is_database:
            reason = "it is the database crm-desktop is working in"
        else:
            reason = f"it belongs to {database.name}, the database crm-desktop is working in"
        super().__init__(errno.EBUSY, reason, str(path))
        self.path = path
        self.database = database

    def __str__(self) -> str:
        return f"{self.path.name}: {self.strerror}"


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, absolute; None for PostgreSQL or an in-memory database."""
    if url.get_backend_name() != "sqlite":
        return None
    name = url.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(os.path.abspath(Path(name).expanduser()))


def database_files(database: Path) -> tuple[Path, ...]:
    """The database and the files SQLite keeps beside it."""
    return (database, *(Path(f"{database}{suffix}") for suffix in COMPANION_SUFFIXES))


def protect(engine: Engine) -> None:
    """Register a SQLite engine's file for as long as the engine exists."""
    path = sqlite_path(engine.url)
    if path is not None:
        with _lock:
            _open[engine] = path


def open_databases() -> list[Path]:
    """The SQLite files of the engines this process has."""
    with _lock:
        return sorted(set(_open.values()))


def is_database_file(path: Path, database: Path) -> bool:
    """Whether `path` is `database` or one of its companions (-wal, -shm, -journal): by name,
    links resolved, or by identity, so a hard link or another spelling of it counts too."""
    companions = database_files(database)
    if any(_same_name(path, companion) for companion in companions):
        return True
    identity = _identity(path)
    return identity is not None and any(_identity(c) == identity for c in companions)


def database_in_use(path: str | os.PathLike[str]) -> Path | None:
    """The open database that `path` is, or belongs to; None when it is another file."""
    candidate = Path(path)
    for database in open_databases():
        if is_database_file(candidate, database):
            return database
    return None


def refuse_database_file(path: str | os.PathLike[str]) -> None:
    """Raise DatabaseFileInUse when `path` is one of this process's database files."""
    database = database_in_use(path)
    if database is not None:
        raise DatabaseFileInUse(Path(path), database)


def _same_name(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # a stat, never an open
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


__all__ = [
    "COMPANION_SUFFIXES",
    "DatabaseFileInUse",
    "database_files",
    "database_in_use",
    "is_database_file",
    "open_databases",
    "protect",
    "refuse_database_file",
    "sqlite_path",
]
