"""The mouse wheel scrolls; it changes a value only in the field the user is in.

Qt lets a combo box, a spin box, a date or time edit or a slider take wheel events while
the pointer merely passes over it: scrolling down a form then turned Source from "Trade
show" into "E-mail campaign" and left the record unsaved. One filter on the QApplication
covers every such widget in the program (forms, dialogs, the import wizard, filter bars,
settings), including those made later:

- a wheel event over one of them that does not have keyboard focus goes to its parents
  instead, as if it did not handle the wheel, so the surrounding list or form scrolls;
- their focus policy becomes Qt.StrongFocus (tab and click), so the wheel itself no longer
  gives them focus first (Qt.WheelFocus is the default of combos and spin boxes).

A widget with focus (clicked or tabbed into) takes the wheel as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

_WHEEL = QEvent.Type.Wheel
_POLISH = QEvent.Type.Polish


def takes_values(widget: QWidget) -> bool:
    """A widget whose value the wheel would change (a scroll bar only scrolls)."""
    if isinstance(widget, QComboBox | QAbstractSpinBox):
        return True
    return isinstance(widget, QAbstractSlider) and not isinstance(widget, QScrollBar)


def _value_widget(widget: QWidget) -> QWidget | None:
    """The value widget `widget` is (or is part of, like a spin box's line edit).

    The search stops at a window: an open combo's drop-down list is a window of its own and
    scrolls its items as usual.
    """
    current: QWidget | None = widget
    while current is not None:
        if takes_values(current):
            return current
        if current.isWindow():
            return None
        current = current.parentWidget()
    return None


def _has_focus(widget: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is widget or widget.isAncestorOf(focused))


def _pass_to_parents(widget: QWidget, event: QWheelEvent) -> bool:
    """Offer a sent (not spontaneous) wheel event to the parents, nearest first.

    Qt walks up the parents only for the wheel events the system delivers; an event sent
    with QApplication.sendEvent stops at its receiver, so this walk does what Qt would do.
    """
    parent = widget.parentWidget()
    while parent is not None:
        moved = QWheelEvent(
            parent.mapFromGlobal(event.globalPosition()),
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
            event.source(),
        )
        moved.setAccepted(True)  # as Qt delivers it: a handler that does not want it ignores it
        if QApplication.sendEvent(parent, moved) and moved.isAccepted():
            return True
        if parent.isWindow() or parent.testAttribute(Qt.WidgetAttribute.WA_NoMousePropagation):
            return False
        parent = parent.parentWidget()
    return False


class WheelGuard(QObject):
    """The application-wide event filter; see the module's docstring."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == _POLISH:
            if isinstance(watched, QWidget) and takes_values(watched):
                _no_wheel_focus(watched)
            return False
        if kind != _WHEEL or not isinstance(watched, QWidget):
            return False
        target = _value_widget(watched)
        if target is None or _has_focus(target):
            return False
        _no_wheel_focus(target)  # made before the guard was installed
        assert isinstance(event, QWheelEvent)
        if event.spontaneous():
            # Ignored and filtered: Qt offers it to the parents, as for a widget without a
            # wheel handler (and locks a trackpad's scroll sequence onto the one that scrolls).
            event.ignore()
            return True
        event.setAccepted(_pass_to_parents(target, event))
        return True


def _no_wheel_focus(widget: QWidget) -> None:
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


_guard: WheelGuard | None = None


def install_wheel_guard(app: QCoreApplication) -> WheelGuard:
    """Install the filter on the application (once; later calls return the same one)."""
    global _guard
    if _guard is None:
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
    return _guard


def remove_wheel_guard(app: QCoreApplication) -> None:
    """Take the filter off again (tests that install it clean up after themselves)."""
    global _guard
    if _guard is not None:
        app.removeEventFilter(_guard)
        _guard.deleteLater()
        _guard = None
