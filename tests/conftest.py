"""Shared fixtures: a fresh migrated database per test, on SQLite and on PostgreSQL.

Set CRM_TEST_PG_URL (CI does) to run every database test on PostgreSQL too.
Without it the PostgreSQL variants are skipped locally, and CI fails instead.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import create_engine, make_url, text

from crm_desktop.models import Base
from crm_desktop.models.database import Database, open_database
from crm_desktop.models.seed import ensure_defaults

PG_URL = os.environ.get("CRM_TEST_PG_URL")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[object]:
    """Collect cyclic garbage between tests, never while Qt dispatches events.

    Widgets (pyqtgraph's in particular) live in reference cycles, so the cyclic
    collector frees them whenever its threshold is crossed: inside the next test's
    processEvents, a deleted plot's scene then crashes the process mid-paint (seen as a
    segfault in GraphicsView.paintEvent). Equinor's ert found and fixed the same thing
    the same way (github.com/equinor/ert/pull/14421).
    """
    gc.disable()
    try:
        return (yield)
    finally:
        gc.enable()
        gc.collect()


SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPORA = SHARED / "corpora"


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = open_database(f"sqlite:///{path}")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[Database]:
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CRM_TEST_PG_URL is not set in CI: PostgreSQL tests must run")
        pytest.skip("CRM_TEST_PG_URL not set: PostgreSQL variant not run locally")
    db = open_database(_worker_database(PG_URL))
    yield db
    db.dispose()


def _worker_database(url: str) -> str:
    """The test database of this pytest-xdist worker: its own copy beside CRM_TEST_PG_URL's
    (crm_ci_gw0, crm_ci_gw1, ...), made afresh; the URL itself without xdist."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _truncate_all(db: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} CASCADE"))
        for hook in TRUNCATE_HOOKS:
            hook(conn)


def _truncate_search_index(conn) -> None:  # type: ignore[no-untyped-def]
    conn.execute(text("TRUNCATE search_doc"))


# Extra tables outside Base.metadata (e.g. search index) register a cleaner here.
TRUNCATE_HOOKS: list = [_truncate_search_index]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A migrated database with the defaults a fresh install has."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "crm.sqlite3"
        shutil.copyfile(template, path)
        database = open_database(f"sqlite:///{path}")
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("_pg_database")
        _truncate_all(database)
        ensure_defaults(database.sessions)
        yield database


@pytest.fixture
def sqlite_db(tmp_path: Path, _sqlite_template: Path) -> Iterator[Database]:
    """SQLite only: for GUI tests, where the backend does not matter."""
    path = tmp_path / "crm.sqlite3"
    shutil.copyfile(_sqlite_template, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def corpora() -> Path:
    if not CORPORA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{CORPORA} is missing in CI")
        pytest.skip(f"{CORPORA} not found (the shared corpus sits beside the checkout)")
    return CORPORA
