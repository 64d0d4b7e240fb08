"""Realistic sample data: a living CRM for a first look, or millions of rows for scale tests.

`generate_demo` combines the word pools of `demo_pools` at random and writes rows
straight through the driver in batches (executemany on SQLite, COPY on
PostgreSQL) inside one transaction, so a million contacts take minutes, and a
cancel leaves the database as it was. Small tables (users, events, tags) go
through the ORM first; every bulk row fills the Entity columns itself.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from crm_desktop.models import Contact, ExchangeRate, Setting
from crm_desktop.services.activities.follow_up import refresh_everything
from crm_desktop.services.demo_bulk import (
    WRITE_ORDER,
    BulkWriter,
    analyze,
    drop_indexes,
    write_rows,
)
from crm_desktop.services.demo_generator import Company, DemoGenerator
from crm_desktop.services.demo_pools import DEMO_USD_VALUES
from crm_desktop.services.search import ReindexCancelledError, reindex_all

Progress = Callable[[float, str], None]
DEFAULT_SIZE = 500
BATCH = 10_000  # contacts per chunk; their methods, leads and deals go with them
_INSERT_SHARE = 0.7  # of the progress bar: inserting rows
_DATA_SHARE = 0.8  # then indexes; the rest is ANALYZE and the search index
BULK_INDEXES_FROM = 20_000  # contacts; into an empty database, indexes are built after the rows
_SQLITE_CACHE_KB = 1_048_576  # 1 GB page cache while writing, so the B-trees stay in memory


@dataclass(frozen=True)
class DemoReport:
    users: int
    events: int
    tags: int
    companies: int
    contacts: int
    leads: int
    deals: int
    contact_methods: int
    taggings: int
    seconds: float
    activities: int = 0
    open_activities: int = 0  # of them: tasks, planned meetings and calls not done yet
    cancelled: bool = False
    search_indexed: bool = False

    @property
    def rows(self) -> int:
        return (
            self.users
            + self.events
            + self.tags
            + self.companies
            + self.contacts
            + self.leads
            + self.deals
            + self.contact_methods
            + self.taggings
            + self.activities
        )


class _Cancelled(Exception):
    pass


def existing_contacts(sessions: sessionmaker[Session]) -> int:
    """Live contacts in the database; the CLI refuses to add demo data to a real CRM."""
    with sessions() as session:
        count = session.scalar(
            select(func.count()).select_from(Contact).where(Contact.deleted_at.is_(None))
        )
    return int(count or 0)


def _share(total: int, done: int, size: int) -> int:
    """How many of `total` belong to the first `done` of `size` contacts (exact at the end)."""
    return total * done // size


def generate_demo(
    sessions: sessionmaker[Session],
    size: int = DEFAULT_SIZE,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    *,
    seed: int | None = None,
) -> DemoReport:
    """Add `size` demo contacts with their companies, leads, deals, activities, events, tags.

    Everything is written in one transaction: a cancel (or an error) adds nothing.
    Then the planner statistics and the search index are rebuilt; a cancel there
    keeps the data (the report says cancelled and not indexed).
    """
    if size < 1:
        raise ValueError("the demo size must be at least 1 contact")
    started = time.monotonic()
    report = progress or _silent
    counts = dict.fromkeys(WRITE_ORDER, 0)
    try:
        with sessions() as session, session.begin():
            gen = _fill(session, size, random.Random(seed), counts, report, cancel)
    except _Cancelled:
        return DemoReport(0, 0, 0, 0, 0, 0, 0, 0, 0, time.monotonic() - started, cancelled=True)
    report(_DATA_SHARE, "Updating statistics")
    with sessions() as session, session.begin():
        analyze(session)
    indexed = _reindex(sessions, report, cancel)
    if indexed:
        report(1.0, "Done")
    return DemoReport(
        users=gen.report["users"],
        events=gen.report["events"],
        tags=gen.report["tags"],
        companies=counts["company"],
        contacts=counts["contact"],
        leads=counts["lead"],
        deals=counts["deal"],
        contact_methods=counts["contact_method"],
        taggings=counts["tagging"],
        seconds=time.monotonic() - started,
        activities=counts["activity"],
        open_activities=gen.report.get("open_activities", 0),
        cancelled=bool(cancel and cancel.is_set()),
        search_indexed=indexed,
    )


def _fill(
    session: Session,
    size: int,
    rng: random.Random,
    counts: dict[str, int],
    report: Progress,
    cancel: threading.Event | None,
) -> DemoGenerator:
    n_companies = max(5, size // 8)
    n_leads = max(5, size // 4)
    n_deals = max(5, size // 5)
    work = n_companies + size
    conn = session.connection()
    writer = BulkWriter(conn)
    if writer.sqlite:
        conn.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_CACHE_KB}")
    else:
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    try:
        gen = DemoGenerator(session, writer, rng)
        empty = session.scalar(select(Contact.id).limit(1)) is None
        rebuild = drop_indexes(conn) if empty and size >= BULK_INDEXES_FROM else []
        companies: list[Company] = []
        while len(companies) < n_companies:
            _check(cancel)
            made, rows = gen.companies(min(BATCH, n_companies - len(companies)))
            companies += made
            write_rows(writer, rows, counts)
            fraction = _INSERT_SHARE * len(companies) / work
            report(fraction, f"Companies {len(companies):,}/{n_companies:,}")
        done = 0
        while done < size:
            _check(cancel)
            step = min(BATCH, size - done)
            leads = _share(n_leads, done + step, size) - _share(n_leads, done, size)
            deals = _share(n_deals, done + step, size) - _share(n_deals, done, size)
            write_rows(writer, gen.chunk(companies, step, leads, deals), counts)
            done += step
            report(_INSERT_SHARE * (n_companies + done) / work, f"Contacts {done:,}/{size:,}")
        for number, ddl in enumerate(rebuild):
            _check(cancel)
            fraction = _INSERT_SHARE + (_DATA_SHARE - _INSERT_SHARE) * number / len(rebuild)
            report(fraction, f"Indexes {number + 1}/{len(rebuild)}")
            conn.exec_driver_sql(ddl)
        _check(cancel)
        report(_DATA_SHARE, "Follow-up dates")
        # Statistics first: without them SQLite answered each contact's "next step" through
        # the Tasks page's index, and a million contacts took longer than we waited (15 min).
        session.execute(text("ANALYZE activity"))
        refresh_everything(session)  # last contact and next step of every contact and company
        _exchange_rates(session)
        report(_DATA_SHARE, "Saving")
    finally:
        if writer.sqlite:
            conn.exec_driver_sql("PRAGMA cache_size=-2000")
    return gen


def _exchange_rates(session: Session) -> None:
    """Dated rates into the default currency, so the demo's reports convert its deals.

    Only into a database that has none: rates a team entered are theirs.
    """
    if session.scalar(select(ExchangeRate.id).limit(1)) is not None:
        return
    target = session.scalar(select(Setting.value).where(Setting.key == "default_currency"))
    target = target or "USD"
    for year, values in DEMO_USD_VALUES.items():
        if target not in values:
            return  # a currency the demo knows no rate for: better none than wrong ones
        into_target = Decimal(values[target])
        for currency, usd in values.items():
            if currency != target:
                rate = (Decimal(usd) / into_target).quantize(Decimal("0.000001"))
                session.add(
                    ExchangeRate(
                        currency=currency, base=target, rate=rate, valid_from=dt.date(year, 1, 1)
                    )
                )
    session.flush()


def _silent(_fraction: float, _message: str = "") -> None:
    pass


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise _Cancelled


def _reindex(
    sessions: sessionmaker[Session], report: Progress, cancel: threading.Event | None
) -> bool:
    """Rebuild the search index in bulk: the rows above bypassed the ORM that maintains it."""

    def scaled(fraction: float, message: str = "") -> None:
        report(_DATA_SHARE + 0.02 + (1 - _DATA_SHARE - 0.02) * fraction, message or "Search index")

    try:
        reindex_all(sessions, scaled, cancel)
    except ReindexCancelledError:
        return False
    return True
