"""Python's garbage collector runs on the GUI thread only.

A collection that starts in a worker thread may free Qt widgets that belong to the GUI thread
(closed windows waiting in reference cycles), and Qt crashes when a widget is destroyed outside
its thread. So automatic collection is switched off and the GUI thread collects on a timer,
generation by generation, as the interpreter itself would.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject):
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def check(self) -> None:
        if gc.isenabled():  # switched back on by something else: off again before a worker collects
            gc.disable()
        threshold = gc.get_threshold()
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > threshold[generation]:
                gc.collect(generation)
                break


def install_gui_collector(app: QObject) -> GuiThreadCollector:
    """Once per application; returns the existing collector when called again, with automatic collection
    switched off again should anything have switched it back on meanwhile (a library, a test): one
    automatic collection in a worker thread is enough to free a closed window there."""
    existing = app.findChild(GuiThreadCollector)
    if existing is not None:
        gc.disable()
        return existing
    return GuiThreadCollector(app)
