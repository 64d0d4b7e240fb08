"""Alembic migrations, run at start-up so every database is at this program's schema.

    prepare_database(engine, url, notice)   upgrade to head and insert missing defaults

An upgrade runs one step (one revision) per transaction, so a start killed half-way
leaves the database at the last finished step, and the next start goes on from there.
Only one program upgrades at a time: on PostgreSQL a session-level advisory lock, on
SQLite the write lock every step takes at BEGIN IMMEDIATE. The others wait, and say so.
"""

from __future__ import annotations

import time
import zlib
from pathlib import Path
from typing import Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from crm_desktop.models.database import (
    DatabaseError,
    Notice,
    backup_sqlite_file,
    create_migration_engine,
)

HERE = Path(__file__).resolve().parent
# pg_advisory_lock key: "crm-desktop schema" as a 32-bit number, the same in every process.
PG_LOCK_KEY: Final = zlib.crc32(b"crm-desktop schema")
WAITING: Final = "Another crm-desktop is updating this database; waiting for it to finish…"
BUSY: Final = "Another program is writing to this database; waiting for it…"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def prepare_database(engine: Engine, url: URL, notice: Notice) -> None:
    """Bring the schema to head (backing a SQLite file up first) and add missing defaults.

    Looks first without locking anything: a database that is ready is opened at once,
    even while another program writes to it.
    """
    from crm_desktop.models.seed import missing_defaults

    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        _check_known(script, current)
        if current == script.get_current_head() and not missing_defaults(conn):
            return
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        _prepare_in_memory(engine, script)  # one connection, no other program: no lock
    elif url.get_backend_name() == "sqlite":
        _prepare_sqlite(url, script, notice)
    else:
        _prepare_postgresql(engine, script, notice)


def _check_known(script: ScriptDirectory, current: str | None) -> None:
    if current is None:
        return
    try:
        script.get_revision(current)
    except Exception:  # noqa: BLE001 - alembic raises several kinds here
        raise DatabaseError(
            f"This database was written by a newer version of crm-desktop (schema {current}). "
            "Install the newest crm-desktop to open it."
        ) from None


def _next_revision(script: ScriptDirectory, current: str | None) -> str:
    order = [r.revision for r in reversed(list(script.walk_revisions()))]
    return order[0] if current is None else order[order.index(current) + 1]


def _step(conn: Connection, script: ScriptDirectory) -> str | None:
    """Run the next migration on `conn` (in its transaction); the revision it went to."""
    current = MigrationContext.configure(conn).get_current_revision()
    _check_known(script, current)
    if current == script.get_current_head():
        return None
    target = _next_revision(script, current)
    config = alembic_config()
    config.attributes["connection"] = conn
    command.upgrade(config, target)
    return target


def _defaults(conn: Connection) -> None:
    from crm_desktop.models.seed import ensure_defaults

    # The session joins the connection's transaction (it does not commit it).
    ensure_defaults(sessionmaker(bind=conn, join_transaction_mode="create_savepoint"))


# ---- SQLite ----------------------------------------------------------------------------------


# PRAGMA user_version (a number SQLite keeps for the application) says that an upgrade to
# the head it names has begun and its backup was made: a start after a kill goes on
# without copying the file again.
def _marker(head: str) -> int:
    return zlib.crc32(head.encode()) & 0x7FFFFFFF


def _prepare_in_memory(engine: Engine, script: ScriptDirectory) -> None:
    with engine.begin() as conn:
        while _step(conn, script) is not None:
            pass
        _defaults(conn)


def _prepare_sqlite(url: URL, script: ScriptDirectory, notice: Notice) -> None:
    head = script.get_current_head()
    assert head is not None and url.database is not None
    path = Path(url.database)
    engine = create_migration_engine(url)
    try:
        while True:
            with _immediate(engine, notice) as conn:
                current = MigrationContext.configure(conn).get_current_revision()
                marked = conn.exec_driver_sql("PRAGMA user_version").scalar() == _marker(head)
                if current is None and not marked:
                    # A new file: nothing to back up. Marked in the first step's transaction,
                    # so the steps after it do not copy the empty schema aside either.
                    conn.exec_driver_sql(f"PRAGMA user_version = {_marker(head)}")
                    marked = True
                if current not in (None, head) and not marked:
                    backup_sqlite_file(path)  # under the write lock: no step runs meanwhile
                    conn.exec_driver_sql(f"PRAGMA user_version = {_marker(head)}")
                    continue  # the marker commits on its own, then the steps follow
                if _step(conn, script) is None:
                    _defaults(conn)
                    conn.exec_driver_sql("PRAGMA user_version = 0")
                    return
    finally:
        engine.dispose()


class _immediate:
    """`with engine.begin()` on the migration engine, waiting (and saying so) while another
    program holds the write lock longer than SQLite's busy timeout."""

    def __init__(self, engine: Engine, notice: Notice) -> None:
        self.engine = engine
        self.notice = notice
        self.told = False
        self.conn: Connection | None = None

    def __enter__(self) -> Connection:
        while True:
            conn = self.engine.connect()
            try:
                conn.begin()
            except OperationalError as exc:
                conn.close()
                if "locked" not in str(exc.orig).lower() and "busy" not in str(exc.orig):
                    raise
                if not self.told:
                    self.notice(BUSY)
                    self.told = True
                time.sleep(0.2)
                continue
            self.conn = conn
            return conn

    def __exit__(self, kind: object, _exc: object, _tb: object) -> None:
        assert self.conn is not None
        try:
            if kind is None:
                self.conn.commit()
            else:
                self.conn.rollback()
        finally:
            self.conn.close()


# ---- PostgreSQL ------------------------------------------------------------------------------


def _prepare_postgresql(engine: Engine, script: ScriptDirectory, notice: Notice) -> None:
    with engine.connect() as conn:
        # Session level: held across the steps' transactions, and gone with the connection
        # if this process dies.
        got = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
        if not got.scalar():
            conn.rollback()
            notice(WAITING)
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
        conn.commit()
        try:
            while True:
                with conn.begin():
                    if _step(conn, script) is None:
                        _defaults(conn)
                        break
        finally:
            try:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK_KEY})
                conn.commit()
            except Exception:  # noqa: BLE001 - a broken connection: the server drops the lock
                conn.invalidate()


__all__ = [
    "alembic_config",
    "current_revision",
    "head_revision",
    "prepare_database",
]
