"""One stale check: forms, activities, board moves, imports and undo fail the same way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from pipeline_support import Sales, build_sales, load_deal
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from crm_desktop.models import Contact, Deal
from crm_desktop.models.database import Database
from crm_desktop.services import records
from crm_desktop.services.imports import writer
from crm_desktop.services.imports.prepare import prepare_import
from crm_desktop.services.imports.run import run_import
from crm_desktop.services.pipeline import moves
from crm_desktop.services.pipeline.moves import move_deal
from crm_desktop.services.records import save_record
from crm_desktop.services.versioned import (
    StaleRecordError,
    check_version,
    stale_as_error,
    update_versioned,
)

NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


def test_one_error_type() -> None:
    assert records.StaleRecordError is StaleRecordError
    error = StaleRecordError("deal")
    assert str(error) == "Someone else changed this deal meanwhile."


def test_check_version() -> None:
    @dataclasses.dataclass
    class Row:
        id: int
        version: int

    check_version(Row(1, 3), 3)
    check_version(Row(1, 3), None)  # no version to check against
    with pytest.raises(StaleRecordError) as caught:
        check_version(Row(7, 4), 3, "activity")
    assert (caught.value.what, caught.value.record_id) == ("activity", 7)


def test_stale_as_error_turns_the_orm_check_into_the_one_error() -> None:
    with pytest.raises(StaleRecordError, match="this deal"), stale_as_error("deal"):
        raise StaleDataError("UPDATE statement on table 'deal' expected to update 1 row(s)")


def _contact(db: Database, name: str = "Eva") -> Contact:
    with db.sessions.begin() as session:
        contact = Contact(full_name=name)
        session.add(contact)
    return contact


def test_update_versioned_writes_and_moves_the_version(db: Database) -> None:
    contact = _contact(db)
    table = Contact.__table__
    with db.sessions.begin() as session:
        assert update_versioned(session, table, contact.id, 1, {"title": "CEO"}, now=NOW) == 2
        assert update_versioned(session, table, contact.id, None, {"city": "Ulm"}, now=NOW) == 3
    with db.sessions() as session:
        row = session.get(Contact, contact.id)
        assert row is not None
        assert (row.title, row.city, row.version, row.updated_at) == ("CEO", "Ulm", 3, NOW)


def test_update_versioned_refuses_a_stale_or_missing_row(db: Database) -> None:
    contact = _contact(db)
    table = Contact.__table__
    with db.sessions.begin() as session:
        with pytest.raises(StaleRecordError) as caught:
            update_versioned(session, table, contact.id, 5, {"title": "CEO"}, now=NOW)
        assert caught.value.record_id == contact.id
        with pytest.raises(StaleRecordError):
            update_versioned(session, table, uuid.uuid4(), None, {"title": "x"}, now=NOW)
    with db.sessions() as session:
        row = session.get(Contact, contact.id)
        assert row is not None and (row.title, row.version) == (None, 1)


def test_forms_refuse_a_stale_save(db: Database) -> None:
    created = save_record(db.sessions, "contacts", None, None, {"full_name": "Eva"}).detail
    save_record(db.sessions, "contacts", created.id, created.version, {"title": "CEO"})
    with pytest.raises(StaleRecordError):
        save_record(db.sessions, "contacts", created.id, created.version, {"title": "Intern"})


@pytest.fixture
def sales(db: Database) -> Sales:
    return build_sales(db)


def test_a_board_move_checks_the_cards_version(db: Database, sales: Sales) -> None:
    alpha = sales.deals["Alpha"]
    loaded = load_deal(db, alpha).version
    save_record(db.sessions, "deals", alpha, loaded, {"title": "Alpha 2"})
    with pytest.raises(StaleRecordError):
        move_deal(db.sessions, alpha, sales.stages["Proposal"], expected_version=loaded)
    assert load_deal(db, alpha).stage_id == sales.stages["Qualification"]
    moved = move_deal(db.sessions, alpha, sales.stages["Proposal"], expected_version=loaded + 1)
    assert moved.version == loaded + 2


def test_a_save_slipping_in_during_a_move_is_the_same_error(
    db: Database, sales: Sales, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the deal between the move's read and its write: the flush's own check."""
    real = moves.enter_stage

    def with_a_save_in_between(session: Any, deal: Deal, *args: Any, **kwargs: Any) -> None:
        session.execute(
            update(Deal.__table__).where(Deal.id == deal.id).values(version=deal.version + 1)
        )
        real(session, deal, *args, **kwargs)

    monkeypatch.setattr(moves, "enter_stage", with_a_save_in_between)
    with pytest.raises(StaleRecordError, match="this deal"):
        move_deal(db.sessions, sales.deals["Alpha"], sales.stages["Proposal"])
    assert load_deal(db, sales.deals["Alpha"]).stage_id == sales.stages["Qualification"]


def test_an_import_merging_into_a_record_changed_meanwhile_fails_that_row(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Name,Email\nAnna Berg,anna@berg.de\n", encoding="utf-8")
    assert run_import(db.sessions, prepare_import(db.sessions, first, "contacts").plan).created
    path = tmp_path / "people.csv"
    path.write_text("Name,Email,Title\nAnna Berg,anna@berg.de,CEO\n", encoding="utf-8")
    real = writer.BatchWriter.load

    def loaded_then_saved_by_someone(self: Any, ids: Any) -> dict[Any, dict[str, Any]]:
        found: dict[Any, dict[str, Any]] = real(self, ids)
        self.session.execute(update(Contact.__table__).values(version=Contact.version + 1))
        return found

    monkeypatch.setattr(writer.BatchWriter, "load", loaded_then_saved_by_someone)
    plan = prepare_import(db.sessions, path, "contacts").plan
    report = run_import(db.sessions, dataclasses.replace(plan, on_duplicate="overwrite"))
    assert (report.updated, report.failed) == (0, 1)
    assert "changed the matching record meanwhile" in str(report.failures)
    with db.sessions() as session:
        assert session.scalars(select(Contact.title)).one() is None
