"""Undo of the last edit, board move or delete: put back through the services, never over
a change someone made since (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from pipeline_support import Sales, build_sales, history_rows, load_deal
from sqlalchemy import update

from crm_desktop.models import Deal
from crm_desktop.models.database import Database
from crm_desktop.services.pipeline.moves import move_deal
from crm_desktop.services.records import (
    MethodInput,
    RecordNotFoundError,
    StaleRecordError,
    delete_record,
    load_record,
    save_record,
)
from crm_desktop.services.undo import (
    EditAction,
    MoveAction,
    describe,
    edit_action,
    move_action,
    undo,
)


@pytest.fixture
def sales(db: Database) -> Sales:
    return build_sales(db)


def _touch_deal(db: Database, deal_id) -> None:  # type: ignore[no-untyped-def]
    """Someone else saves the deal (its version moves on)."""
    detail = load_record(db.sessions, "deals", deal_id)
    save_record(db.sessions, "deals", deal_id, detail.version, {"notes": "changed elsewhere"})


def test_a_mistaken_drag_is_taken_back_whole(db: Database, sales: Sales) -> None:
    gamma = sales.deals["Gamma"]
    before = load_deal(db, gamma)
    action = move_action(move_deal(db.sessions, gamma, sales.stages["Won"]))
    assert isinstance(action, MoveAction)
    assert describe(action) == "moved “Gamma” from Proposal to Won"
    assert load_deal(db, gamma).closed_at is not None

    assert undo(db.sessions, action).deals
    after = load_deal(db, gamma)
    assert after.stage_id == sales.stages["Proposal"]
    assert after.stage_entered_at == before.stage_entered_at  # its days in the stage too
    assert after.closed_at is None
    # The move's history row is tombstoned: reports and alerts no longer see the Won.
    assert [row.deleted_at is not None for row in history_rows(db, gamma)] == [True]


def test_undoing_a_move_to_lost_puts_the_old_reason_back(db: Database, sales: Sales) -> None:
    gone = sales.deals["Gone"]
    old_reason = load_deal(db, gone).lost_reason
    action = move_action(move_deal(db.sessions, gone, sales.stages["Proposal"]))
    assert action is not None and load_deal(db, gone).lost_reason is None
    undo(db.sessions, action)
    deal = load_deal(db, gone)
    assert deal.stage_id == sales.stages["Lost"] and deal.lost_reason == old_reason
    assert deal.closed_at is not None


def test_a_move_is_not_undone_over_a_later_change(db: Database, sales: Sales) -> None:
    alpha = sales.deals["Alpha"]
    action = move_action(move_deal(db.sessions, alpha, sales.stages["Proposal"]))
    assert action is not None
    _touch_deal(db, alpha)
    with pytest.raises(StaleRecordError):
        undo(db.sessions, action)
    assert load_deal(db, alpha).stage_id == sales.stages["Proposal"]


def test_a_move_to_the_same_stage_leaves_nothing_to_undo(db: Database, sales: Sales) -> None:
    result = move_deal(db.sessions, sales.deals["Alpha"], sales.stages["Qualification"])
    assert move_action(result) is None


def test_a_form_edit_is_taken_back(db: Database) -> None:
    saved = save_record(
        db.sessions,
        "contacts",
        None,
        None,
        {"full_name": "Anna Berg", "title": "Buyer"},
        methods=[MethodInput("email", "anna@acme.com")],
        tags=["vip"],
    )
    assert edit_action(saved) is None  # a new record: nothing to put back
    contact = saved.detail
    edited = save_record(
        db.sessions,
        "contacts",
        contact.id,
        contact.version,
        {"full_name": "Anna Berg", "title": "Head of purchasing"},
        methods=[MethodInput("email", "anna.berg@acme.com")],
        tags=["vip", "expo"],
    )
    action = edit_action(edited)
    assert isinstance(action, EditAction)
    assert dict(action.previous.values) == {"title": "Buyer"}  # only what changed
    assert describe(action) == "edited “Anna Berg”"

    assert undo(db.sessions, action).contacts
    back = load_record(db.sessions, "contacts", contact.id)
    assert back.fields["title"] == "Buyer"
    assert [m.value for m in back.methods] == ["anna@acme.com"]
    assert back.tags == ("vip",)


def test_an_edit_is_not_undone_over_a_later_change(db: Database) -> None:
    contact = save_record(db.sessions, "contacts", None, None, {"full_name": "Bo"}).detail
    edited = save_record(db.sessions, "contacts", contact.id, contact.version, {"title": "CEO"})
    action = edit_action(edited)
    assert action is not None
    later = save_record(
        db.sessions, "contacts", contact.id, edited.detail.version, {"city": "Oslo"}
    )
    with pytest.raises(StaleRecordError):
        undo(db.sessions, action)
    now = load_record(db.sessions, "contacts", contact.id)
    assert (now.fields["title"], now.fields["city"], now.version) == (
        "CEO",
        "Oslo",
        later.detail.version,
    )


def test_a_save_that_changed_nothing_leaves_nothing_to_undo(db: Database) -> None:
    contact = save_record(db.sessions, "contacts", None, None, {"full_name": "Bo"}).detail
    again = save_record(db.sessions, "contacts", contact.id, contact.version, {"full_name": "Bo"})
    assert edit_action(again) is None


def test_a_delete_is_taken_back_unless_the_record_changed_since(db: Database) -> None:
    first = save_record(db.sessions, "companies", None, None, {"name": "Acme"}).detail
    token = delete_record(db.sessions, "companies", first.id).token
    assert describe(token) == "deleted “Acme”"
    assert undo(db.sessions, token).companies
    assert load_record(db.sessions, "companies", first.id).fields["name"] == "Acme"
    with pytest.raises(RecordNotFoundError):
        undo(db.sessions, token)  # already back

    token = delete_record(db.sessions, "companies", first.id).token
    with db.sessions.begin() as session:  # another program changes the deleted row
        session.execute(
            update(Deal.__table__.metadata.tables["company"])
            .where(Deal.__table__.metadata.tables["company"].c.id == first.id)
            .values(version=token.version + 1)  # type: ignore[operator]
        )
    with pytest.raises(StaleRecordError):
        undo(db.sessions, token)
