"""The focus frame: whatever has the keyboard focus is ringed in the palette's blue (``widgets.FOCUS_FRAME_STYLE``).

One ``QFocusFrame`` follows the focus through the whole application (``install_focus_frame`` at start-up), so a
list whose current row is highlighted is never taken for the one that has the keys (issue 14: ↓ changed the
事项 while the materials list looked focused). The frame is a widget of its own under the focused one: no
screen's widget is restyled and each keeps its platform look.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QFocusFrame, QWidget

from .widgets import FOCUS_FRAME_STYLE

WHOLE_FIELDS = (QComboBox, QAbstractSpinBox)  # the frame goes round the box, not round its line edit


def framed_widget(widget: QWidget | None) -> QWidget | None:
    """The widget to ring when ``widget`` has the focus; None for windows and pop-up lists."""
    if widget is None or widget.isWindow() or widget.window().windowType() == Qt.WindowType.Popup:
        return None
    while isinstance(widget.parentWidget(), WHOLE_FIELDS):
        widget = widget.parentWidget()
    return widget


class FocusFrames(QObject):
    def __init__(self, app: QApplication):
        super().__init__(app)
        self._frame: QFocusFrame | None = None
        app.focusChanged.connect(self._focus_changed)

    @property
    def frame(self) -> QFocusFrame:
        """The frame (made again when the window it last sat in was closed and took it along)."""
        if self._frame is None or not shiboken6.isValid(self._frame):
            self._frame = QFocusFrame()
            self._frame.setStyleSheet(FOCUS_FRAME_STYLE)
        return self._frame

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        target = framed_widget(new)
        if target is None and (self._frame is None or not shiboken6.isValid(self._frame)):
            return
        self.frame.setWidget(target)


def install_focus_frame(app: QApplication) -> FocusFrames:
    """Once per application (a second call returns the first)."""
    existing = app.findChild(FocusFrames)
    return existing if existing is not None else FocusFrames(app)
