"""The mouse wheel scrolls forms and changes a value only in the field that has focus."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDateTime, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateTimeEdit,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from crm_desktop.models import LeadSource
from crm_desktop.models.database import Database
from crm_desktop.services.leads import LeadInput, create_lead
from crm_desktop.views.forms import LeadForm
from crm_desktop.views.wheel_guard import install_wheel_guard, remove_wheel_guard


@pytest.fixture(autouse=True)
def guard(qapp: QApplication) -> Iterator[None]:
    install_wheel_guard(qapp)  # as app.py does
    yield
    remove_wheel_guard(qapp)


def _wheel(widget: QWidget, notches: int = -1) -> None:
    """One turn of the wheel with the pointer over the middle of the widget (down: -1)."""
    local = QPointF(widget.rect().center())
    event = QWheelEvent(
        local,
        QPointF(widget.mapToGlobal(local.toPoint())),
        QPoint(),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _focus(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def _trade_show_lead(db: Database) -> uuid.UUID:
    with db.sessions() as session:
        source = session.scalar(select(LeadSource.id).where(LeadSource.name == "Trade show"))
    return create_lead(
        db.sessions, LeadInput(person_name="王伟", company_name="上海华东电子", source_id=source)
    ).id


def test_the_wheel_over_an_unfocused_combo_scrolls_the_form_and_changes_nothing(
    qtbot, sqlite_db: Database
) -> None:  # type: ignore[no-untyped-def]
    lead = _trade_show_lead(sqlite_db)
    form = LeadForm(sqlite_db.sessions)
    qtbot.addWidget(form)
    form.resize(420, 260)  # shorter than its fields: the Details tab scrolls
    form.show()
    with qtbot.waitSignal(form.loaded):
        form.load(lead)
    source = form.editors["source_id"].widget
    assert isinstance(source, QComboBox)
    qtbot.waitUntil(lambda: source.count() > 2 and source.currentText() == "Trade show")
    scroll = form.tabs.widget(0)
    assert isinstance(scroll, QScrollArea)
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    scroll.ensureWidgetVisible(source)
    before = bar.value()
    assert not source.hasFocus()

    _wheel(source)

    assert source.currentText() == "Trade show"
    assert not form.is_dirty()
    assert bar.value() > before  # the form scrolled instead
    assert source.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel gives no focus

    _focus(qtbot, source)
    index = source.currentIndex()
    _wheel(source)
    assert source.currentIndex() == index + 1  # in the field, the wheel chooses
    assert form.is_dirty()


@pytest.mark.parametrize(
    "make", [QSpinBox, QDateTimeEdit, lambda: QSlider(Qt.Orientation.Horizontal)]
)
def test_spin_boxes_date_edits_and_sliders_are_guarded_too(qtbot, make) -> None:  # type: ignore[no-untyped-def]
    scroll = QScrollArea()
    body = QWidget()
    column = QVBoxLayout(body)
    column.addSpacing(600)
    widget = make()
    if isinstance(widget, QDateTimeEdit):
        widget.setDateTime(QDateTime(2026, 5, 1, 9, 0, 0))
    else:
        widget.setRange(0, 10)
        widget.setValue(5)
    column.addWidget(widget)
    column.addSpacing(600)
    scroll.setWidget(body)
    scroll.resize(300, 200)
    qtbot.addWidget(scroll)
    scroll.show()
    scroll.ensureWidgetVisible(widget)

    def value():  # type: ignore[no-untyped-def]
        return widget.dateTime() if isinstance(widget, QDateTimeEdit) else widget.value()

    start, before = value(), scroll.verticalScrollBar().value()
    _wheel(widget)
    assert value() == start
    assert scroll.verticalScrollBar().value() > before
    _focus(qtbot, widget)
    _wheel(widget, notches=1)
    assert value() != start
