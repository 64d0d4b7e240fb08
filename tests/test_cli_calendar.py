"""crm-desktop export activities: an .ics file, and one-line errors with exit status 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar
from test_cli import _run, _url

from crm_desktop import cli
from crm_desktop.models import User
from crm_desktop.models.activity import Activity, ActivityKind
from crm_desktop.models.database import Database

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in err
    return err


def _fill(db: Database) -> None:
    with db.sessions.begin() as session:
        anna = User(name="Anna Müller")
        session.add(anna)
        session.flush()
        session.add_all(
            [
                Activity(kind=ActivityKind.MEETING.value, subject="季度回顾", occurs_at=T0),
                Activity(
                    kind=ActivityKind.TASK.value,
                    subject="Send offer",
                    occurs_at=T0 + dt.timedelta(days=3),
                    owner_id=anna.id,
                ),
                Activity(
                    kind=ActivityKind.TASK.value,
                    subject="Old",
                    occurs_at=T0,
                    done=True,
                    owner_id=anna.id,
                ),
                Activity(kind=ActivityKind.CALL.value, subject="A call", occurs_at=T0),
            ]
        )


def _summaries(path: Path) -> list[str]:
    calendar = Calendar.from_ical(path.read_bytes())
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def test_export_activities_writes_a_calendar(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(db)
    url = _url(db)
    out = tmp_path / "all.ics"
    assert cli.main(["export", "activities", "--format", "ics", "-o", str(out), "--db", url]) == 0
    assert "Exported 1 meeting and 1 task to" in capsys.readouterr().out
    assert _summaries(out) == ["季度回顾", "Task: Send offer"]

    mine = tmp_path / "anna.ics"  # the format from the extension; owner by name, any case
    argv = ["export", "activities", "-o", str(mine), "--owner", "anna müller", "--include-done"]
    assert cli.main([*argv, "--db", url]) == 0
    assert _summaries(mine) == ["Task (done): Old", "Task: Send offer"]

    # Days on the given zone's clock, both ends included: the meeting at 09:00 UTC on
    # 2 March is 18:00 on 2 March in Tokyo, but 23:00 on 1 March in Honolulu.
    day = tmp_path / "day.ics"
    argv = ["export", "activities", "-o", str(day), "--from", "2026-03-02", "--to", "2026-03-02"]
    assert cli.main([*argv, "--tz", "Asia/Tokyo", "--db", url]) == 0
    assert _summaries(day) == ["季度回顾"]
    assert cli.main([*argv, "--tz", "Pacific/Honolulu", "--db", url]) == 0
    assert _summaries(day) == []
    argv = ["export", "activities", "-o", str(day), "--from", "2026-03", "--to", "2026-03-01"]
    assert cli.main([*argv, "--tz", "Pacific/Honolulu", "--db", url]) == 0
    assert _summaries(day) == ["季度回顾"]
    assert "Exported 1 meeting and 0 tasks" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["export", "contacts", "--format", "ics", "-o", "{tmp}/x.ics"], "ics (a calendar) is for"),
        (["export", "deals", "-o", "{tmp}/x.ics"], "not deals"),
        (["export", "activities", "--format", "csv", "-o", "{tmp}/x.csv"], "--format ics, not csv"),
        (["export", "activities", "-o", "{tmp}/x.txt"], "add --format ics"),
        (["export", "activities", "-o", "{tmp}/x.ics", "--from", "2026-13-01"], "not a date"),
        (["export", "activities", "-o", "{tmp}/x.ics", "--tz", "Mars/Base"], "not a time zone"),
        (
            ["export", "activities", "-o", "{tmp}/x.ics", "--from", "2026-03", "--to", "2026-02"],
            "before it starts",
        ),
        (["export", "activities", "-o", "{tmp}/no/such/x.ics"], "does not exist"),
        (["export", "contacts", "-o", "{tmp}/x.csv", "--owner", "Anna"], "only for export"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    argv: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    db_url = f"sqlite:///{tmp_path / 'never-opened.sqlite3'}"
    assert _run([*argv, "--db", db_url]) == 2
    assert needle in _one_line_error(capsys)
    assert not (tmp_path / "never-opened.sqlite3").exists()
    assert not list(tmp_path.glob("x.*"))


def test_unknown_owner_exits_2_and_writes_nothing(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(db)
    out = tmp_path / "x.ics"
    argv = ["export", "activities", "-o", str(out), "--owner", "Nobody", "--db", _url(db)]
    assert _run(argv) == 2
    err = _one_line_error(capsys)
    assert "no user is called “Nobody”" in err and "Anna Müller" in err
    assert not out.exists()
