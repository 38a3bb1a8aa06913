"""Run one slow call (a backup) off the GUI thread; results come back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot


class _Task(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[], Any]):
        super().__init__()
        self._fn = fn

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # handed to the GUI thread, which decides what it is
            self.failed.emit(exc)
        else:
            self.done.emit(result)


class BackgroundCall(QObject):
    """``start(fn)`` runs ``fn`` in a thread; ``finished(result)`` or ``failed(exc)`` follow.

    The signals are emitted from this object, which lives on the GUI thread, so
    the slots connected to them may touch widgets.
    """

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._task: _Task | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, fn: Callable[[], Any]) -> None:
        thread, task = QThread(), _Task(fn)
        task.moveToThread(thread)
        thread.started.connect(task.run)
        task.done.connect(self._on_done)
        task.failed.connect(self._on_failed)
        self._thread, self._task = thread, task
        thread.start()

    def _stop(self) -> None:
        thread, self._thread, self._task = self._thread, None, None
        if thread is not None:
            thread.quit()
            thread.wait()

    @Slot(object)
    def _on_done(self, result: Any) -> None:
        self._stop()
        self.finished.emit(result)

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self._stop()
        self.failed.emit(exc)
