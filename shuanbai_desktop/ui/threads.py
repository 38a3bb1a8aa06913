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
        threshold = gc.get_threshold()
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > threshold[generation]:
                gc.collect(generation)
                break


def install_gui_collector(app: QObject) -> GuiThreadCollector:
    """Once per application; returns the existing collector when called again."""
    existing = app.findChild(GuiThreadCollector)
    return existing or GuiThreadCollector(app)
