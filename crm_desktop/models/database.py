"""Opening a database: URL, engine, SQLite pragmas, migrations and clear errors.

Everything that can go wrong when connecting (bad URL, server down, wrong
password, a database newer than this program) is raised as `DatabaseError`
with a message a user can act on, never as a driver traceback.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from crm_desktop.models import sqlite_files
from crm_desktop.models.cjk import SQL_FUNCTION, cjk_bigrams
from crm_desktop.models.db_url import UrlError, is_plain_path, mask_password, parse_url

log = logging.getLogger(__name__)

ENV_URL = "CRM_DATABASE_URL"
APP_NAME = "crm-desktop"
SQLITE_BUSY_TIMEOUT_MS = 5000
KEYRING_SERVICE = "crm-desktop"


class DatabaseError(Exception):
    """A database could not be opened; the message says what to do."""


@dataclass(frozen=True)
class Database:
    """An open database: its engine and a session factory for services."""

    url: URL
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file (nothing but SQLite may open it: see sqlite_files.py), or None."""
        return sqlite_files.sqlite_path(self.url)

    def describe(self) -> str:
        """The URL without a password, for the status bar and messages."""
        return self.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "crm.sqlite3"


def resolve_url(url: str | None) -> URL:
    """The URL to use: the argument, else CRM_DATABASE_URL, else the user's SQLite file.

    The argument may be a URL or a SQLite file's plain path (see db_url). The folder of the
    SQLite file is made ready here: the user data folder of the default file is created;
    for a plain path the user named, its last folder is created when the one above exists;
    a URL's folder must exist (a typo in a URL, or a three-slash URL read from the wrong
    folder, must not create a tree of folders and an empty database somewhere unexpected).
    """
    text = url or os.environ.get(ENV_URL) or ""
    if not text:
        path = default_sqlite_path()
        _make_folder(path.parent, parents=True)
        return URL.create("sqlite", database=str(path))
    try:
        parsed = parse_url(text)
    except UrlError as exc:
        raise DatabaseError(str(exc)) from None
    file = sqlite_files.sqlite_path(parsed)
    if file is not None:
        _prepare_sqlite_folder(file, text.strip(), plain=is_plain_path(text))
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.password is None and parsed.username:
        password = _keyring_password(parsed)
        if password:
            parsed = parsed.set(password=password)
    return parsed


def _make_folder(folder: Path, *, parents: bool) -> None:
    try:
        folder.mkdir(parents=parents, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create the database folder {folder}: {exc}") from None


def _prepare_sqlite_folder(file: Path, typed: str, *, plain: bool) -> None:
    folder = file.parent
    if folder.is_dir():
        return
    if plain and folder.parent.is_dir():
        _make_folder(folder, parents=False)
        log.info("created the folder %s for the database", folder)
        return
    if plain:
        raise DatabaseError(
            f"The folder {folder.parent} does not exist, so {file.name} cannot be made in "
            f"{folder}: check the path, or create the folders first."
        )
    message = (
        f"The folder {folder} does not exist, so the database {file.name} cannot be opened "
        "or made there: check the path, or create the folder first."
    )
    if typed.lower().startswith("sqlite:///") and not typed.startswith("sqlite:////"):
        rest = typed.split(":///", 1)[1]
        if not _is_absolute_elsewhere(rest):
            message += (
                f" A sqlite:/// URL with three slashes is read from the current folder "
                f"({Path.cwd()}); an absolute path takes four: sqlite:////{rest}, or give "
                f"the plain path /{rest}."
            )
    raise DatabaseError(message)


def _is_absolute_elsewhere(rest: str) -> bool:
    """Whether the path after sqlite:/// is absolute anyway (~, or a Windows drive)."""
    return rest.startswith("~") or (len(rest) > 2 and rest[1] == ":")


def _keyring_password(url: URL) -> str | None:
    """A PostgreSQL password saved in the system keyring under user@host/db, if any."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    account = f"{url.username}@{url.host or 'localhost'}/{url.database or ''}"
    try:
        value = keyring.get_password(KEYRING_SERVICE, account)
    except (KeyringError, RuntimeError):
        return None
    return value


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # The search index calls it (see cjk.py); PostgreSQL has it as a SQL function.
    dbapi_connection.create_function(SQL_FUNCTION, 1, cjk_bigrams, deterministic=True)


def create_db_engine(url: URL) -> Engine:
    try:
        if url.get_backend_name() == "sqlite":
            # The file's folder is made ready by resolve_url (or exists: a test's tmp_path).
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _on_sqlite_connect)
            sqlite_files.protect(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (NoSuchModuleError, ImportError):
        raise DatabaseError(
            f"The driver for {url.drivername}:// is not installed "
            "(PostgreSQL needs psycopg 3: pip install 'psycopg[binary]')."
        ) from None
    return engine


def explain_connect_error(url: URL, exc: BaseException) -> str:
    """Turn a driver's error into what went wrong and what to do about it."""
    text = mask_password(str(getattr(exc, "orig", None) or exc).strip())
    if url.password:  # a driver may echo its connection string
        text = text.replace(str(url.password), "***")
    where = url.render_as_string(hide_password=True)
    low = text.lower()
    if url.get_backend_name() == "sqlite":
        if "unable to open" in low:
            return (
                f"Cannot open the SQLite file {url.database}: "
                "check that the folder exists and is writable."
            )
        if "not a database" in low or "malformed" in low:
            return f"{url.database} is not a crm-desktop database (or it is damaged)."
        return f"Cannot open {where}: {text.splitlines()[0] if text else exc!r}"
    if "password authentication failed" in low or "no password supplied" in low:
        return (
            f"The PostgreSQL server at {url.host or 'localhost'} refused user "
            f"'{url.username}': wrong or missing password. Put it in the URL or save it in "
            f"the system keyring (service '{KEYRING_SERVICE}', account "
            f"'{url.username}@{url.host or 'localhost'}/{url.database}')."
        )
    if "does not exist" in low and "database" in low:
        return (
            f"The database '{url.database}' does not exist on the server. "
            "Ask your admin to create it."
        )
    if "role" in low and "does not exist" in low:
        return f"The user '{url.username}' does not exist on the PostgreSQL server."
    if (
        "connection refused" in low
        or "could not connect" in low
        or "timeout" in low
        or "name or service not known" in low
        or "translate host name" in low
    ):
        return (
            f"Cannot reach the PostgreSQL server at {url.host or 'localhost'}:{url.port or 5432}. "
            "Is it running and reachable from this computer? "
            "Work offline with a SQLite file meanwhile."
        )
    first = text.splitlines()[0] if text else repr(exc)
    return f"Cannot connect to {where}: {first}"


def create_migration_engine(url: URL) -> Engine:
    """An engine for changing the schema of a SQLite file: every step all-or-nothing.

    pysqlite begins a transaction only before INSERT, UPDATE or DELETE, so CREATE TABLE
    and the rest of a migration's DDL ran outside any transaction, and a migration killed
    half-way left a table behind that the next start tried to create again. This is
    SQLAlchemy's recipe for pysqlite (driver autocommit off, BEGIN emitted by the "begin"
    event), with BEGIN IMMEDIATE: the write lock is taken at the start of each step, so a
    second window waits for the first instead of running the same step beside it.
    """
    engine = create_engine(
        url,
        poolclass=NullPool,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "isolation_level": None},
    )
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def backup_sqlite_file(path: Path) -> Path | None:
    """Copy a SQLite file (and what its WAL holds) aside before a migration changes it.

    SQLite's online backup API: nothing but SQLite ever opens the database file (closing
    another descriptor on it would drop this process's locks). The copy is written under a
    .part name and renamed when complete, so a copy cut short is never taken for a backup.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    for stale in path.parent.glob(f"{path.name}.*.bak.part*"):
        stale.unlink(missing_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    partial = target.with_name(target.name + ".part")
    source = sqlite3.connect(str(path))
    try:
        dest = sqlite3.connect(str(partial))
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    partial.replace(target)
    return target


Notice = Callable[[str], None]


def _log_notice(message: str) -> None:
    log.warning("%s", message)  # no handler (the command line): Python prints it on stderr


def open_database(
    url: str | URL | None = None, *, migrate: bool = True, notice: Notice | None = None
) -> Database:
    """Open (and by default migrate) the database the user asked for.

    `notice` is told when the start has to wait for another program (one updating the
    schema, or writing to a SQLite file). Raises DatabaseError with an actionable message
    for every expected failure.
    """
    from crm_desktop.models import migrations

    resolved = url if isinstance(url, URL) else resolve_url(url)
    engine = create_db_engine(resolved)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        engine.dispose()
        raise DatabaseError(explain_connect_error(resolved, exc)) from None
    except Exception as exc:  # noqa: BLE001 - any driver error becomes a message
        engine.dispose()
        raise DatabaseError(explain_connect_error(resolved, exc)) from None
    if migrate:
        try:
            migrations.prepare_database(engine, resolved, notice or _log_notice)
        except BaseException:
            engine.dispose()
            raise
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    return Database(url=resolved, engine=engine, sessions=sessions)


def remove_sqlite_files(path: Path) -> None:
    """Delete a SQLite file and its -wal/-shm companions (demo --replace, tests)."""
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            candidate.unlink()


__all__ = [
    "Database",
    "DatabaseError",
    "Notice",
    "backup_sqlite_file",
    "create_migration_engine",
    "default_sqlite_path",
    "open_database",
    "remove_sqlite_files",
    "resolve_url",
]
