"""A database error as one plain sentence for the user, and one retry when it is only busy.

SQLAlchemy's text of an error carries the SQL and its parameters ("[SQL: UPDATE lead SET
…] [parameters: (…)]"): useless to a user and a leak of other records' data into a dialog.
The window (every background task's error, see views/worker.py) and the command line show
`describe(exc)` instead; the full traceback goes to the log.

SQLite answers "database is locked" when another program (another window, `crm-desktop
import`, the sqlite3 shell) holds the write lock for longer than the busy timeout. That
usually passes, so a save runs through `retry_once_if_locked`: one more attempt after a short
wait, before the user is told.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    SQLAlchemyError,
)
from sqlalchemy.exc import (
    TimeoutError as PoolTimeoutError,
)
from sqlalchemy.orm.exc import StaleDataError

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

LOCKED = "Another program is writing to this database; try again."
UNREACHABLE = "The database server cannot be reached; check the connection and try again."
CONFLICT = "Someone else was saving the same records at the same moment; try again."
STALE = "Someone else changed this record meanwhile; reload it and try again."
SLOW = "The database took too long to answer; try again."
FORBIDDEN = "You are not allowed to make this change."
READ_ONLY = "The database accepts no changes at the moment; try again later."
READ_ONLY_FILE = "The database file is read-only; check its permissions."
DISK_FULL = "The disk holding the database is full; free some space and try again."
DISK_ERROR = "The database file cannot be read or written; check the disk and try again."
DAMAGED = "The database file is damaged; restore it from a backup."
DUPLICATE = "A record with the same key exists already; reload and try again."
MISSING_LINK = "A linked record no longer exists; reload and try again."
MISSING_VALUE = "A required value is missing or not allowed."
BAD_VALUE = "A value does not fit in the database (too long or in the wrong form)."
OTHER = "The database reported an error; the details are in the log."

# How long a locked save waits before its one retry (the retry then waits up to the
# connection's busy timeout again).
RETRY_WAIT_S = 0.5

# SQLite's error names (sqlite3.Error.sqlite_errorname) and, for older drivers, the text.
_SQLITE_NAMES = {
    "SQLITE_BUSY": LOCKED,
    "SQLITE_LOCKED": LOCKED,
    "SQLITE_READONLY": READ_ONLY_FILE,
    "SQLITE_FULL": DISK_FULL,
    "SQLITE_IOERR": DISK_ERROR,
    "SQLITE_CANTOPEN": DISK_ERROR,
    "SQLITE_CORRUPT": DAMAGED,
    "SQLITE_NOTADB": DAMAGED,
}
_SQLITE_TEXTS = (
    ("is locked", LOCKED),
    ("readonly database", READ_ONLY_FILE),
    ("disk is full", DISK_FULL),
    ("disk i/o error", DISK_ERROR),
    ("unable to open", DISK_ERROR),
    ("malformed", DAMAGED),
    ("not a database", DAMAGED),
    ("unique constraint", DUPLICATE),
    ("foreign key constraint", MISSING_LINK),
    ("not null constraint", MISSING_VALUE),
    ("check constraint", MISSING_VALUE),
)
# PostgreSQL's SQLSTATE codes, exact first, then by class (the first two characters).
_PG_CODES = {
    "40P01": CONFLICT,  # deadlock_detected
    "40001": CONFLICT,  # serialization_failure
    "55P03": LOCKED,  # lock_not_available (NOWAIT, lock_timeout)
    "57014": SLOW,  # query_canceled (statement_timeout)
    "42501": FORBIDDEN,  # insufficient_privilege, row-level security
    "25006": READ_ONLY,  # read_only_sql_transaction (a standby, maintenance)
    "23505": DUPLICATE,
    "23503": MISSING_LINK,
    "23502": MISSING_VALUE,
    "23514": MISSING_VALUE,
    "53100": DISK_FULL,  # disk_full on the server
}
_PG_CLASSES = {
    "08": UNREACHABLE,  # connection exceptions
    "22": BAD_VALUE,  # data exceptions
    "23": MISSING_VALUE,  # integrity constraint violations
    "53": SLOW,  # insufficient resources
    "57": UNREACHABLE,  # operator intervention: the server shuts down or restarts
}
# Answers worth one more attempt: another writer only has to finish.
_TRANSIENT = frozenset({LOCKED, CONFLICT})


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception under SQLAlchemy's wrapper, if there is one."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return exc.orig
    return exc


def _sqlite_sentence(error: sqlite3.Error) -> str | None:
    name = str(getattr(error, "sqlite_errorname", "") or "")
    for prefix, sentence in _SQLITE_NAMES.items():
        if name == prefix or name.startswith(prefix + "_"):
            return sentence
    text = str(error).lower()
    return next((sentence for part, sentence in _SQLITE_TEXTS if part in text), None)


def _postgres_sentence(error: BaseException) -> str | None:
    code = getattr(error, "sqlstate", None)
    if not isinstance(code, str) or not code:
        # psycopg raises OperationalError without a code when it cannot talk to the server.
        if type(error).__module__.startswith("psycopg") and type(error).__name__ in (
            "OperationalError",
            "InterfaceError",
        ):
            return UNREACHABLE
        return None
    return _PG_CODES.get(code) or _PG_CLASSES.get(code[:2])


def database_sentence(exc: BaseException) -> str | None:
    """The plain sentence for a database error, or None when `exc` is not one."""
    if isinstance(exc, StaleDataError):
        return STALE
    if isinstance(exc, PoolTimeoutError):
        return SLOW
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return UNREACHABLE
    error = _driver_error(exc)
    if isinstance(error, sqlite3.Error):
        sentence = _sqlite_sentence(error)
    else:
        sentence = _postgres_sentence(error)
    if sentence is not None:
        return sentence
    if isinstance(exc, IntegrityError):
        return MISSING_VALUE
    if isinstance(exc, DataError):
        return BAD_VALUE
    if isinstance(exc, SQLAlchemyError | sqlite3.Error) or type(error).__module__.startswith(
        "psycopg"
    ):
        return OTHER
    return None


def describe(exc: BaseException) -> str:
    """What went wrong, in one sentence a user can act on; never SQL or parameters.

    Errors that are not the database's keep their own message (the services word theirs
    for users already).
    """
    sentence = database_sentence(exc)
    if sentence is not None:
        return sentence
    return str(exc).strip() or type(exc).__name__


def is_locked(exc: BaseException) -> bool:
    """True when the database was only busy: another writer held it (a retry may pass)."""
    return database_sentence(exc) in _TRANSIENT


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # a module function, so a test can stand in for the wait


def retry_once_if_locked(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """call(*args, **kwargs); if the database was locked, wait a moment and call once more.

    For a whole unit of work that rolls back when it fails (a save, a delete), never for
    work that commits part of itself (an import). Runs in a worker thread: it blocks.
    """
    try:
        return call(*args, **kwargs)
    except Exception as exc:
        if not is_locked(exc):
            raise
        log.warning("the database was locked; trying once more in %.1f s", RETRY_WAIT_S)
        _sleep(RETRY_WAIT_S)
    return call(*args, **kwargs)
