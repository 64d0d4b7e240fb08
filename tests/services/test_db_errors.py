"""Database errors as one plain sentence (never SQL), and one retry when the database is busy."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg.errors
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm.exc import StaleDataError

from crm_desktop.models.database import Database
from crm_desktop.services import db_errors
from crm_desktop.services.db_errors import (
    LOCKED,
    describe,
    is_locked,
    retry_once_if_locked,
)
from crm_desktop.services.records import save_record


@contextmanager
def write_lock(db: Database) -> Iterator[Callable[[], None]]:
    """Another program holds the write lock until the returned function is called."""
    if db.is_sqlite:
        holder = sqlite3.connect(db.url.database, isolation_level=None, check_same_thread=False)
        holder.execute("PRAGMA busy_timeout=50")
        holder.execute("BEGIN IMMEDIATE")

        def release() -> None:
            if holder.in_transaction:
                holder.execute("ROLLBACK")

        try:
            yield release
        finally:
            release()
            holder.close()
    else:
        connection = db.engine.connect()
        connection.execute(text("LOCK TABLE contact IN EXCLUSIVE MODE"))

        def release() -> None:
            if connection.in_transaction():
                connection.rollback()

        try:
            yield release
        finally:
            release()
            connection.close()


def _rename_everyone(db: Database) -> int:
    """A write that waits only briefly for a lock (50 ms), as a test can afford."""
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.execute(text("PRAGMA busy_timeout=50"))
        else:
            connection.execute(text("SET LOCAL lock_timeout = '50ms'"))
        result = connection.execute(text("UPDATE contact SET title = :t"), {"t": "secret-param"})
        return int(result.rowcount)


def test_a_locked_database_is_one_plain_sentence(db: Database) -> None:
    save_record(db.sessions, "contacts", None, None, {"full_name": "王伟"})
    with write_lock(db), pytest.raises(OperationalError) as raised:
        _rename_everyone(db)
    assert "UPDATE contact" in str(raised.value)  # what the dialog showed before
    assert is_locked(raised.value)
    assert (
        describe(raised.value)
        == LOCKED
        == ("Another program is writing to this database; try again.")
    )


def test_a_locked_write_is_tried_once_more_and_passes_when_the_lock_goes(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_record(db.sessions, "contacts", None, None, {"full_name": "王伟"})
    calls: list[int] = []

    def attempt() -> int:
        calls.append(1)
        return _rename_everyone(db)

    with write_lock(db) as release:
        monkeypatch.setattr(db_errors, "_sleep", lambda _seconds: release())  # it lets go
        assert retry_once_if_locked(attempt) == 1
    assert len(calls) == 2


def test_a_lock_that_stays_fails_after_one_retry(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_record(db.sessions, "contacts", None, None, {"full_name": "王伟"})
    waits: list[float] = []
    monkeypatch.setattr(db_errors, "_sleep", waits.append)
    with write_lock(db), pytest.raises(OperationalError) as raised:
        retry_once_if_locked(_rename_everyone, db)
    assert waits == [db_errors.RETRY_WAIT_S]
    assert describe(raised.value) == LOCKED


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    def attempt() -> None:
        calls.append(1)
        raise IntegrityError("INSERT INTO contact …", {"email": "a@b.c"}, Exception("UNIQUE"))

    with pytest.raises(IntegrityError):
        retry_once_if_locked(attempt)
    assert calls == [1]


def _wrapped(driver_error: BaseException, kind: type = OperationalError) -> BaseException:
    return kind(
        "UPDATE lead SET title=? WHERE lead.id = ?", ("secret-param", "some-id"), driver_error
    )


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (_wrapped(sqlite3.OperationalError("database is locked")), db_errors.LOCKED),
        (_wrapped(sqlite3.OperationalError("database table is locked")), db_errors.LOCKED),
        (
            _wrapped(sqlite3.OperationalError("attempt to write a readonly database")),
            db_errors.READ_ONLY_FILE,
        ),
        (_wrapped(sqlite3.OperationalError("database or disk is full")), db_errors.DISK_FULL),
        (_wrapped(sqlite3.DatabaseError("database disk image is malformed")), db_errors.DAMAGED),
        (
            _wrapped(
                sqlite3.IntegrityError("UNIQUE constraint failed: user.login"), IntegrityError
            ),
            db_errors.DUPLICATE,
        ),
        (_wrapped(psycopg.errors.LockNotAvailable("canceling statement")), db_errors.LOCKED),
        (_wrapped(psycopg.errors.DeadlockDetected("deadlock detected")), db_errors.CONFLICT),
        (_wrapped(psycopg.errors.SerializationFailure("could not serialize")), db_errors.CONFLICT),
        (
            _wrapped(psycopg.errors.InsufficientPrivilege("row-level security"), ProgrammingError),
            db_errors.FORBIDDEN,
        ),
        (_wrapped(psycopg.errors.QueryCanceled("statement timeout")), db_errors.SLOW),
        (_wrapped(psycopg.errors.AdminShutdown("terminating connection")), db_errors.UNREACHABLE),
        (_wrapped(psycopg.OperationalError("connection failed: refused")), db_errors.UNREACHABLE),
        (
            _wrapped(psycopg.errors.UndefinedTable("relation does not exist"), ProgrammingError),
            db_errors.OTHER,
        ),
        (StaleDataError("UPDATE statement on table 'lead' expected 1 row"), db_errors.STALE),
    ],
)
def test_each_database_error_reads_as_a_sentence_without_sql(
    error: BaseException, sentence: str
) -> None:
    assert describe(error) == sentence
    assert "UPDATE" not in sentence and "secret-param" not in sentence
    assert is_locked(error) == (sentence in (db_errors.LOCKED, db_errors.CONFLICT))


def test_other_errors_keep_their_own_words() -> None:
    assert describe(ValueError("amount: not a number")) == "amount: not a number"
    assert describe(KeyError()) == "KeyError"
    assert describe(sqlite3.OperationalError("database is locked")) == LOCKED  # unwrapped too
