"""Who runs an import: the lease on its batch, so resume and undo never run beside it.

    hold_new(sessions, batch_id) -> Lease      run_import, before its batch row exists
    claim(sessions, batch_id) -> Lease         resume_import; ImportBusy while it runs
    claim_in(session, batch_id) -> None        undo_import, inside its one transaction
    is_busy(session, batch) -> bool            the history list and the undo preview

The program running an import holds the lease: a token in the batch row, good until
`lease_until` and renewed in the transaction of every batch it commits (LEASE is far
longer than a batch of BATCH_ROWS takes). Every batch commits only while the token is
still its own (a fence): a program that lost the lease stops before its batch is written.
Resume and undo claim the lease with a conditional UPDATE and are refused while it lives.

On SQLite a killed import's lease runs out after LEASE: a heartbeat on another connection
would only wait for the import's own write lock. On PostgreSQL the running import also holds
a session-level advisory lock on a connection of its own, which dies with the process: a
killed import can be resumed at once, and a live one is known to be alive whatever its
lease time says.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from dataclasses import dataclass
from typing import Final

from sqlalchemy import ColumnElement, Connection, Engine, and_, or_, text, true, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import ImportBatch, ImportStatus, utcnow
from crm_desktop.services.imports.plan import PlanError

LEASE: Final = dt.timedelta(minutes=2)
# How long a claim waits for PostgreSQL's lock: a process killed a moment ago has its
# connection closed by the server within this time.
CLAIM_WAIT_MS: Final = 2000
# pg_advisory_lock(int4, int4): this number names "an import's lease", the batch id the rest.
_LOCK_CLASS: Final = zlib.crc32(b"crm-desktop import lease") - 2**31
_DONE: Final = (ImportStatus.COMPLETE.value, ImportStatus.UNDONE.value)


class ImportBusy(PlanError):
    """Another program runs (or undoes) the import: resume and undo wait until it stops."""


class LeaseLost(ImportBusy):
    """This import's lease was claimed by another program: it stopped before its batch."""


def _keys(batch_id: uuid.UUID) -> dict[str, int]:
    return {"cls": _LOCK_CLASS, "obj": int.from_bytes(batch_id.bytes[:4], "big", signed=True)}


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@dataclass
class Lease:
    """A lease this program holds on an import batch."""

    batch_id: uuid.UUID
    token: uuid.UUID
    lock: Connection | None = None  # PostgreSQL: holds the advisory lock while it is open

    def fenced(self) -> ColumnElement[bool]:
        """WHERE for the batch row that holds only while the lease is ours."""
        return and_(ImportBatch.id == self.batch_id, ImportBatch.lease_token == self.token)

    @staticmethod
    def renewed(now: dt.datetime) -> dt.datetime:
        return now + LEASE

    def close(self) -> None:
        """Let go of PostgreSQL's lock (the row's token is cleared by the last batch)."""
        if self.lock is not None:
            try:
                self.lock.execute(
                    text("SELECT pg_advisory_unlock(:cls, :obj)"), _keys(self.batch_id)
                )
                self.lock.commit()
            except Exception:  # noqa: BLE001 - a broken connection: the server drops the lock
                self.lock.invalidate()
            finally:
                self.lock.close()
                self.lock = None

    def give_up(self, sessions: sessionmaker[Session]) -> None:
        """Clear the row's token when this program stops before it ran a batch."""
        with sessions.begin() as session:
            session.execute(
                update(ImportBatch)
                .where(self.fenced())
                .values(lease_token=None, lease_until=None, updated_at=ImportBatch.updated_at)
            )
        self.close()


def hold_new(sessions: sessionmaker[Session], batch_id: uuid.UUID, lock: bool = True) -> Lease:
    """A lease for a batch about to be created (its row carries the token)."""
    lease = Lease(batch_id, uuid.uuid4())
    if lock:
        lease.lock = _pg_lock(sessions, batch_id, wait=False)
    return lease


def claim(sessions: sessionmaker[Session], batch_id: uuid.UUID) -> Lease:
    """Take over a stopped import (resume): ImportBusy while another program runs it."""
    lease = Lease(batch_id, uuid.uuid4(), _pg_lock(sessions, batch_id, wait=True))
    try:
        with sessions.begin() as session:
            _take(session, lease, lease.lock is not None)
    except BaseException:
        lease.close()
        raise
    return lease


def claim_in(session: Session, batch_id: uuid.UUID) -> None:
    """Take the lease inside the caller's transaction (undo), which ends it: on PostgreSQL
    with a transaction-level lock, on SQLite with the write lock the UPDATE takes."""
    pg = _pg(session)
    if pg:
        try:
            session.execute(text(f"SET LOCAL lock_timeout = {CLAIM_WAIT_MS}"))
            session.execute(text("SELECT pg_advisory_xact_lock(:cls, :obj)"), _keys(batch_id))
            session.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
        except OperationalError:  # the lock timeout: the transaction is void now
            raise ImportBusy(busy_text(session.get_bind(), batch_id)) from None
    _take(session, Lease(batch_id, uuid.uuid4()), pg)


def release_in(session: Session, batch_id: uuid.UUID) -> None:
    """The lease a claim_in took ends with the caller's transaction."""
    session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(lease_token=None, lease_until=None, updated_at=ImportBatch.updated_at)
    )


def _take(session: Session, lease: Lease, locked: bool) -> None:
    """The conditional UPDATE: the row becomes ours unless a live program holds it."""
    now = utcnow()
    free = or_(ImportBatch.lease_token.is_(None), ImportBatch.lease_until < now)
    if locked:  # PostgreSQL's lock says no program holds it, whatever the row says
        free = true()
    try:
        taken = session.execute(
            update(ImportBatch)
            .where(
                ImportBatch.id == lease.batch_id,
                ImportBatch.deleted_at.is_(None),
                free,
            )
            .values(
                lease_token=lease.token,
                lease_until=lease.renewed(now),
                updated_at=ImportBatch.updated_at,  # undo's "edited since" stamp stays
            )
        )
    except OperationalError as exc:  # SQLite: the import holds the write lock past the timeout
        if "locked" not in str(exc.orig).lower():
            raise
        raise ImportBusy(busy_text(session.get_bind(), lease.batch_id)) from None
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return
    batch = session.get(ImportBatch, lease.batch_id)
    if batch is None or batch.deleted_at is not None:
        raise PlanError(f"there is no import {lease.batch_id}")
    raise ImportBusy(busy_text(session.get_bind(), lease.batch_id))


def _pg_lock(sessions: sessionmaker[Session], batch_id: uuid.UUID, wait: bool) -> Connection | None:
    """PostgreSQL: a connection holding the batch's session-level advisory lock."""
    engine = sessions.kw["bind"]
    if engine.dialect.name != "postgresql":
        return None
    conn: Connection = engine.connect()
    try:
        if wait:  # LOCAL: the pooled connection gets its own timeout back at the commit
            conn.execute(text(f"SET LOCAL lock_timeout = {CLAIM_WAIT_MS}"))
            conn.execute(text("SELECT pg_advisory_lock(:cls, :obj)"), _keys(batch_id))
            got = True
        else:
            got = bool(
                conn.scalar(text("SELECT pg_try_advisory_lock(:cls, :obj)"), _keys(batch_id))
            )
        conn.commit()
    except OperationalError:
        got = False
    if not got:
        conn.close()
        raise ImportBusy(busy_text(engine, batch_id))
    return conn


def is_busy(session: Session, batch: ImportBatch) -> bool:
    """Whether a program runs the import now (a look that takes nothing)."""
    if batch.status in _DONE:
        return False
    if _pg(session):
        held = session.scalar(
            text(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND CAST(classid AS bigint) = (CAST(:cls AS bigint) & 4294967295)"
                " AND CAST(objid AS bigint) = (CAST(:obj AS bigint) & 4294967295)"
                " AND objsubid = 2)"
            ),
            _keys(batch.id),
        )
        return bool(held)
    return batch.lease_token is not None and (
        batch.lease_until is not None and batch.lease_until > utcnow()
    )


def busy_text(bind: Engine | Connection, batch_id: uuid.UUID) -> str:
    """The refusal: which import, and on SQLite from when it is free if its program died.

    Read in a session of its own (the caller's transaction may be void after a lock wait)."""
    name = until = ""
    with Session(bind) as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is not None:
            name = f" ({batch.file_name})"
            if not _pg(session) and batch.lease_until is not None:
                until = batch.lease_until.astimezone().strftime("%H:%M:%S")
    text_ = (
        f"import {batch_id}{name} is running in another window or program: "
        "resume or undo it once it has stopped"
    )
    return text_ + (f" (if that program was closed or killed, after {until})" if until else "")


__all__ = [
    "LEASE",
    "ImportBusy",
    "Lease",
    "LeaseLost",
    "busy_text",
    "claim",
    "claim_in",
    "hold_new",
    "is_busy",
    "release_in",
]
