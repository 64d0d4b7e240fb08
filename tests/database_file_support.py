"""Seeing whether anything in this process opened the database's files, and whether its locks
still hold: Python's opens through an audit hook, Qt's (C++) through /proc/locks and a second
process that asks for the write lock.

Imported by tests as `database_file_support` (pytest puts tests/, where conftest.py is, on
sys.path).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crm_desktop.models.sqlite_files import database_files

_recorders: list[list[str]] = []
_installed = False


def _on_audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _recorders and args:
        path = args[0]
        if isinstance(path, str | bytes | os.PathLike):
            name = os.fsdecode(path)
            for seen in _recorders:
                seen.append(name)


@contextmanager
def python_opens() -> Iterator[list[str]]:
    """The paths every open() of this process was asked for, in the block (any thread)."""
    global _installed
    if not _installed:
        sys.addaudithook(_on_audit)  # cannot be removed: it records only when asked to
        _installed = True
    seen: list[str] = []
    _recorders.append(seen)
    try:
        yield seen
    finally:
        _recorders.remove(seen)


def opened_database_files(seen: list[str], database: Path) -> list[str]:
    """The paths in `seen` that are the database or its -wal/-shm/-journal."""
    names = {os.path.realpath(p) for p in database_files(database)}
    return [p for p in seen if os.path.realpath(p) in names]


def held_locks(path: Path) -> set[tuple[str, str, str, str]]:
    """This process's POSIX locks on `path`, from /proc/locks: (kind, type, start, end)."""
    if not Path("/proc/locks").exists():
        pytest.skip("/proc/locks is Linux only")
    st = os.stat(path)
    where = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    held = set()
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields:  # a lock someone waits for, not one held
            continue
        if len(fields) >= 8 and fields[4] == str(os.getpid()) and fields[5] == where:
            held.add((fields[1], fields[3], fields[6], fields[7]))
    return held


_WRITE_PROBE = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
try:
    connection.execute("BEGIN IMMEDIATE")
except sqlite3.OperationalError as exc:
    print(exc)
    sys.exit(0)
connection.execute("ROLLBACK")
print("granted")
sys.exit(1)
"""


def another_process_gets_the_write_lock(database: Path) -> bool:
    """Whether a second process (plain sqlite3) is granted the write lock right now."""
    done = subprocess.run(
        [sys.executable, "-c", _WRITE_PROBE, str(database)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.returncode == 1
