"""A start-up upgrade that is killed, or that several programs start at once, loses nothing.

A child process opens a file written by the first release (schema 0001, with contacts)
and kills itself (SIGKILL: nothing is cleaned up) right after a chosen statement of the
upgrade has run; the next start must open the file, finish the upgrade and find every
contact, its e-mail and its search document. Several processes opening one old database
together must all succeed, with one set of defaults.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from crm_desktop.models.database import create_db_engine, open_database, resolve_url
from crm_desktop.models.migrations import (
    BUSY,
    PG_LOCK_KEY,
    WAITING,
    alembic_config,
    head_revision,
)

ROOT = Path(__file__).resolve().parents[2]
CONTACTS = 1500
PG_URL = os.environ.get("CRM_TEST_PG_URL")

# The child: opens the database, and SIGKILLs itself right after the `nth` statement that
# starts with `prefix` has run (or when the backup starts, for prefix "backup").
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from sqlalchemy import Engine, event
    from crm_desktop.models import migrations
    from crm_desktop.models.database import open_database

    url, prefix, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seen = 0

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    @event.listens_for(Engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        global seen
        if statement.lstrip().startswith(prefix):
            seen += 1
            if seen == nth:
                die()

    if prefix == "backup":
        migrations.backup_sqlite_file = lambda path: die()
    open_database(url).dispose()
    print("finished", flush=True)
    """
)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _old_sqlite_file(path: Path, contacts: int = CONTACTS) -> None:
    """A file as the first release left it: schema 0001, contacts with an e-mail each."""
    engine = create_db_engine(resolve_url(f"sqlite:///{path}"))
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()
    now = datetime.now(UTC).isoformat()
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO contact (id, full_name, created_at, updated_at, version) VALUES (?,?,?,?,1)",
        [(uuid.uuid4().hex, f"王伟 {i}", now, now) for i in range(contacts)],
    )
    conn.execute(
        "INSERT INTO contact_method (id, contact_id, kind, value, normalized, position, "
        "created_at, updated_at, version) SELECT lower(hex(randomblob(16))), id, 'email', "
        "'p' || rowid || '@example.com', 'p' || rowid || '@example.com', 0, created_at, "
        "updated_at, 1 FROM contact"
    )
    conn.commit()
    conn.close()


def _kill_inside(url: str, prefix: str, nth: int = 1) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, url, prefix, str(nth)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert "finished" not in child.stdout


def _complete(path: Path, contacts: int = CONTACTS) -> None:
    db = open_database(f"sqlite:///{path}")
    db.dispose()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM contact), (SELECT count(*) FROM contact_method), "
            "(SELECT count(*) FROM search_doc WHERE kind = 'contact'), "
            "(SELECT count(*) FROM user_account), (SELECT count(*) FROM pipeline), "
            "(SELECT version_num FROM alembic_version)"
        ).fetchone()
        assert counts == (contacts, contacts, contacts, 1, 1, head_revision())
    finally:
        conn.close()


# Where the upgrade is killed: inside a step's DDL (search_doc, the case), inside
# its data fill, just before a step records its revision, between two ALTERs of one step,
# inside the last step's data update, and while the defaults are written.
KILL_POINTS = [
    ("CREATE TABLE search_doc", 1),
    ("INSERT INTO search_fts", 1),
    ("UPDATE alembic_version", 1),
    ("ALTER TABLE contact ADD COLUMN", 1),
    ("UPDATE contact SET last_contact_at", 1),
    ("UPDATE contact SET sort_key", 1),
    ("INSERT INTO user_account", 1),
    ("backup", 1),
]


@pytest.mark.parametrize(("prefix", "nth"), KILL_POINTS)
def test_an_upgrade_killed_inside_a_step_resumes_at_the_next_start(
    tmp_path: Path, prefix: str, nth: int
) -> None:
    path = tmp_path / "crm.sqlite3"
    _old_sqlite_file(path)
    _kill_inside(f"sqlite:///{path}", prefix, nth)
    _complete(path)
    assert len(list(tmp_path.glob("crm.sqlite3.*.bak"))) == 1
    assert not list(tmp_path.glob("*.part*"))


def test_an_upgrade_killed_twice_keeps_one_backup_of_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite3"
    _old_sqlite_file(path)
    url = f"sqlite:///{path}"
    _kill_inside(url, "UPDATE alembic_version", 2)
    _kill_inside(url, "ALTER TABLE contact ADD COLUMN", 2)
    _complete(path)
    [backup] = tmp_path.glob("crm.sqlite3.*.bak")
    conn = sqlite3.connect(backup)
    try:
        kept = conn.execute(
            "SELECT (SELECT version_num FROM alembic_version), (SELECT count(*) FROM contact)"
        ).fetchone()
    finally:
        conn.close()
    assert kept == ("0001", CONTACTS)


def test_a_new_file_is_made_without_a_backup(tmp_path: Path) -> None:
    # A backup of an empty, just-made schema was left beside every new database.
    open_database(f"sqlite:///{tmp_path / 'crm.sqlite3'}").dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == []


# ---- several programs at once ------------------------------------------------------------

STARTER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from crm_desktop.models.database import open_database

    go = Path(sys.argv[2])
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.01)
    open_database(sys.argv[1]).dispose()
    print("opened", flush=True)
    """
)


@pytest.fixture(scope="module")
def _pg_scratch() -> Iterator[URL]:
    """A PostgreSQL database of this module's own (the shared test database stays at head)."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CRM_TEST_PG_URL is not set in CI: PostgreSQL tests must run")
        pytest.skip("CRM_TEST_PG_URL not set: PostgreSQL variant not run locally")
    name = f"{make_url(PG_URL).database}_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - a role without CREATEDB
        admin.dispose()
        pytest.skip(f"cannot create a PostgreSQL database for the test: {exc}")
    try:
        yield make_url(PG_URL).set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a database at schema 0001, with no defaults yet."""
    if request.param == "sqlite":
        path = tmp_path / "crm.sqlite3"
        _old_sqlite_file(path, contacts=500)
        return f"sqlite:///{path}"
    url: URL = request.getfixturevalue("_pg_scratch")
    engine = create_db_engine(url)
    with engine.begin() as conn:  # pg_trgm goes too: 0002 makes it again
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()
    return url.render_as_string(hide_password=False)


def test_several_programs_starting_together_on_an_old_database_all_open_it(
    old_database: str, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", STARTER, old_database, str(go)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for child in children:  # every one imported and connected: now they start together
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    go.touch()
    results = [child.communicate(timeout=180) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
        assert out.endswith("opened\n")
    db = open_database(old_database)
    try:
        with db.engine.connect() as conn:
            counts = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM user_account), (SELECT count(*) FROM pipeline),"
                    " (SELECT count(*) FROM setting), (SELECT count(DISTINCT key) FROM setting),"
                    " (SELECT version_num FROM alembic_version)"
                )
            ).one()
    finally:
        db.dispose()
    assert counts[:2] == (1, 1) and counts[2] == counts[3]
    assert counts[4] == head_revision()


def test_a_start_waits_for_another_program_holding_the_database_and_says_so(
    old_database: str,
) -> None:
    """PostgreSQL: another start holds the upgrade lock. SQLite: another program holds the
    write lock past SQLite's busy timeout. The start waits, says why, then opens."""
    if old_database.startswith("postgresql"):
        holder = create_engine(make_url(old_database))
        conn = holder.connect()
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
        conn.commit()
        expected = WAITING
    else:
        raw = sqlite3.connect(make_url(old_database).database or "", isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        expected = BUSY
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys\n" + OPEN, old_database],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    try:
        assert child.stderr.readline().strip() == expected
        assert child.poll() is None  # still waiting
    finally:
        if old_database.startswith("postgresql"):
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK_KEY})
            conn.close()
            holder.dispose()
        else:
            raw.rollback()
            raw.close()
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    assert out == "opened\n"


OPEN = (
    "from crm_desktop.models.database import open_database\n"
    "open_database(sys.argv[1]).dispose()\n"
    "print('opened', flush=True)\n"
)
