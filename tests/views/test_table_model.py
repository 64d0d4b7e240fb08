"""The paged record model: lazy pages, SQL sorting, reload without flashing, qtmodeltester."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView
from sqlalchemy import insert, select

from crm_desktop.models import Company, User, utcnow
from crm_desktop.models.database import Database
from crm_desktop.services.listing import ListQuery
from crm_desktop.services.records import delete_record, save_record
from crm_desktop.views.table_model import ID_ROLE, PLACEHOLDER, SORT_ROLE, RecordTableModel


def _add_companies(db: Database, count: int) -> None:
    now = utcnow()
    with db.sessions() as s:
        me = s.scalars(select(User.id)).first()
    rows = [
        {
            "id": uuid.uuid4(),
            "name": f"Company {i:05d}",
            "city": "Berlin" if i % 2 else "上海",
            "owner_id": me,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for i in range(count)
    ]
    with db.engine.begin() as conn:
        conn.execute(insert(Company), rows)


def _model(qtbot, db: Database, **kwargs) -> RecordTableModel:
    model = RecordTableModel(db.sessions, ListQuery("companies", **kwargs), page_size=50)
    qtbot.waitUntil(lambda: model.count_known)
    return model


def _text(model: RecordTableModel, row: int, column: int = 0) -> str:
    return model.data(model.index(row, column))


def _settle(qtbot, model: RecordTableModel) -> None:
    qtbot.waitUntil(lambda: not model.busy)


def test_pages_load_on_demand(qtbot, sqlite_db: Database) -> None:
    _add_companies(sqlite_db, 1000)
    model = _model(qtbot, sqlite_db)
    assert model.rowCount() == 1000
    assert model.columnCount() == 7
    _settle(qtbot, model)
    assert model.loaded_row_count() == 50  # the first page, shown while counting
    assert _text(model, 510) == PLACEHOLDER
    with qtbot.waitSignal(model.dataChanged):
        pass
    _settle(qtbot, model)
    assert _text(model, 510) == "Company 00510"
    assert model.loaded_row_count() == 100  # only the first page and the one of row 510
    assert model.data(model.index(510, 0), ID_ROLE) == str(model.row_id(510))
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Name"


def test_first_page_shows_before_the_count(qtbot, sqlite_db: Database, monkeypatch) -> None:
    import threading

    import crm_desktop.views.table_model as table_model

    _add_companies(sqlite_db, 120)
    counting = threading.Event()
    real_count = table_model.count_rows

    def slow_count(**kwargs):
        counting.wait(10)  # a count that takes as long as the test wants
        return real_count(**kwargs)

    monkeypatch.setattr(table_model, "count_rows", slow_count)
    model = RecordTableModel(sqlite_db.sessions, ListQuery("companies"), page_size=50)
    try:
        qtbot.waitUntil(lambda: model.rowCount() == 50)
        assert not model.count_known
        assert _text(model, 0) == "Company 00000"
    finally:
        counting.set()
    qtbot.waitUntil(lambda: model.count_known)
    assert model.rowCount() == 120


def test_sort_is_an_sql_order_by(qtbot, sqlite_db: Database) -> None:
    _add_companies(sqlite_db, 120)
    model = _model(qtbot, sqlite_db)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    _text(model, 0)
    _settle(qtbot, model)
    _text(model, 0)
    _settle(qtbot, model)
    assert _text(model, 0) == "Company 00119"
    assert model.query.sort_key == "name" and model.query.descending
    model.sort(2, Qt.SortOrder.AscendingOrder)  # city, then id
    _text(model, 0)
    _settle(qtbot, model)
    assert _text(model, 0, 2) == "Berlin"
    assert model.data(model.index(119, 2), SORT_ROLE) in (None, "上海")


def test_reload_keeps_rows_until_new_data_arrives(qtbot, sqlite_db: Database) -> None:
    _add_companies(sqlite_db, 10)
    model = _model(qtbot, sqlite_db)
    _text(model, 0)
    _settle(qtbot, model)
    first = model.row_id(0)
    assert first is not None
    delete_record(sqlite_db.sessions, "companies", first)
    save_record(sqlite_db.sessions, "companies", None, None, {"name": "AAA first"})
    model.reload()
    assert _text(model, 0) == "Company 00000"  # stale, but never an empty flash
    with qtbot.waitSignal(model.count_changed) as blocker:
        pass
    assert blocker.args == [10]
    _text(model, 0)
    _settle(qtbot, model)
    assert _text(model, 0) == "AAA first"
    assert _text(model, 1) == "Company 00001"


def test_count_shrinks_and_grows_with_filters(qtbot, sqlite_db: Database) -> None:
    _add_companies(sqlite_db, 30)
    model = _model(qtbot, sqlite_db)
    with qtbot.waitSignal(model.rowsRemoved):
        model.set_query(ListQuery("companies", text="0002"))
    assert model.rowCount() == 11  # 00002 and 00020..00029
    with qtbot.waitSignal(model.rowsInserted):
        model.set_query(ListQuery("companies"))
    assert model.rowCount() == 30
    with pytest.raises(ValueError):
        model.set_query(ListQuery("deals"))


def test_scrolling_a_big_list_loads_only_what_is_shown(qtbot, sqlite_db: Database) -> None:
    _add_companies(sqlite_db, 20000)
    model = RecordTableModel(sqlite_db.sessions, ListQuery("companies"), page_size=200)
    view = QTableView()
    view.setModel(model)
    view.resize(600, 400)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: model.count_known)
    for row in (0, 5000, 12345, 19999):
        view.scrollTo(model.index(row, 0))
        qtbot.waitUntil(lambda row=row: _text(model, row) != PLACEHOLDER)
    _settle(qtbot, model)
    assert _text(model, 19999) == "Company 19999"
    assert model.loaded_row_count() <= 8 * 200  # a few pages, never the whole list


def test_qtmodeltester(qtbot, qtmodeltester, sqlite_db: Database) -> None:
    _add_companies(sqlite_db, 75)
    model = _model(qtbot, sqlite_db)
    for row in (0, 60):
        _text(model, row)
    _settle(qtbot, model)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(QModelIndex()) is None


def test_next_pages_seek_from_their_neighbour(qtbot, sqlite_db: Database, monkeypatch) -> None:
    import crm_desktop.views.table_model as table_model

    calls: list[object] = []
    real = table_model.fetch_page

    def spy(**kwargs):
        calls.append(kwargs["cursor"])
        return real(**kwargs)

    monkeypatch.setattr(table_model, "fetch_page", lambda **kw: spy(**kw))
    _add_companies(sqlite_db, 200)
    model = _model(qtbot, sqlite_db)
    for row in (0, 50, 150, 100):  # a page down, a jump, then the page between
        _text(model, row)
        _settle(qtbot, model)
    assert [_text(model, row) for row in (0, 50, 99, 100, 149, 150, 199)] == [
        f"Company {i:05d}" for i in (0, 50, 99, 100, 149, 150, 199)
    ]
    assert calls[0] is None  # the first page: nothing to seek from
    assert calls[1] is not None and calls[1].forward
    assert calls[2] is None  # row 150: page 3 has no loaded neighbour
    assert calls[3] is not None
    model.sort(2, Qt.SortOrder.AscendingOrder)  # by city: no seeking, plain OFFSET
    _text(model, 0)
    _settle(qtbot, model)
    _text(model, 60)
    _settle(qtbot, model)
    assert calls[-1] is None


def test_answers_for_a_deleted_model_are_dropped(qtbot, sqlite_db: Database) -> None:  # type: ignore[no-untyped-def]
    """A list page closed while its count ran: the answer must not reach the dead model."""
    import shiboken6

    model = RecordTableModel(sqlite_db.sessions, ListQuery("companies"), page_size=50)
    shiboken6.delete(model)
    assert not shiboken6.isValid(model)
    model._on_count_loaded(model._generation, 12)  # raised "Signal source has been deleted"
    model._on_count_failed(model._generation, "gone")
    model._on_page_loaded((model._generation, 0), [])
    model._on_page_failed((model._generation, 0), "gone", "")
