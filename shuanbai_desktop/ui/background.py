"""Work off the GUI thread: ``Job.start(fn)`` runs ``fn(progress)`` in a QThread.

``progress(percent, text)`` may be called from the worker; ``progressed``, ``finished`` and
``failed`` are delivered on the GUI thread (queued connections), so their slots may touch widgets.
Running threads are kept until they end, so closing a screen never destroys a running QThread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

# Threads still running are kept here, so that closing a screen (log-out) never destroys a running
# QThread; the application waits for them before it quits.
_RUNNING: dict[QThread, QObject] = {}
_HOOKED: list[bool] = []


def busy() -> bool:
    """Is any report work still running?"""
    return any(not thread.isFinished() for thread in _RUNNING)


def wait_all() -> None:
    for thread in list(_RUNNING):
        thread.wait()


def _keep(thread: QThread, task: QObject) -> None:
    """Hold the thread until it has finished (dropped at a later start, never while it runs)."""
    for done in [t for t in _RUNNING if t.isFinished()]:
        del _RUNNING[done]
    app = QCoreApplication.instance()
    if app is not None and not _HOOKED:
        app.aboutToQuit.connect(wait_all)
        _HOOKED.append(True)
    _RUNNING[thread] = task


class _Task(QObject):
    progressed = Signal(int, str)
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[Callable[[int, str], None]], Any]):
        super().__init__()
        self._fn = fn

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(lambda p, t="": self.progressed.emit(int(p), str(t)))
        except Exception as exc:  # handed to the GUI thread, which decides what it is
            self.failed.emit(exc)
        else:
            self.done.emit(result)
        finally:
            # The thread ends with the work, so that ``Job.wait`` and ``wait_all`` return without
            # the GUI thread having to run first (the result is already queued to it).
            QThread.currentThread().quit()


class Job(QObject):
    progressed = Signal(int, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread: QThread | None = None
        self._task: _Task | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, fn: Callable[[Callable[[int, str], None]], Any]) -> None:
        thread, task = QThread(), _Task(fn)
        task.moveToThread(thread)
        thread.started.connect(task.run)
        task.progressed.connect(self.progressed)
        task.done.connect(self._on_done)
        task.failed.connect(self._on_failed)
        self._thread = thread
        self._task = task
        _keep(thread, task)
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

    def wait(self) -> None:
        """Block until the work ends (closing the window, tests)."""
        if self._thread is not None:
            self._thread.wait()


class CancellableJob(Job):
    """A Job the user may stop (导入数据's long steps): ``cancel()`` raises a flag the work reads through
    ``stop_requested()`` (from any thread); the work decides where it stops, by raising its own exception."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._stop_flag = threading.Event()

    def start(self, fn: Callable[[Callable[[int, str], None]], Any]) -> None:
        self._stop_flag.clear()
        super().start(fn)

    def cancel(self) -> None:
        self._stop_flag.set()

    def stop_requested(self) -> bool:
        return self._stop_flag.is_set()


class _Waiting(QObject):
    """The local event loop and progress dialog of ``run_with_progress``."""

    def __init__(self, dialog, loop):
        super().__init__()
        self.dialog = dialog
        self.loop = loop
        self.label = dialog.labelText()
        self.outcome: tuple[bool, Any] = (False, None)
        self.done = False

    @Slot(int, str)
    def progressed(self, percent: int, text: str) -> None:
        if self.dialog.maximum() == 0:
            self.dialog.setRange(0, 100)
        self.dialog.setValue(max(0, min(99, percent)))
        if text:
            self.dialog.setLabelText(f"{self.label}\n{text}")

    @Slot(object)
    def finished(self, result: Any) -> None:
        self.outcome = (True, result)
        self.done = True
        self.loop.quit()

    @Slot(object)
    def failed(self, exc: Exception) -> None:
        self.outcome = (False, exc)
        self.done = True
        self.loop.quit()

    @Slot()
    def show_dialog(self) -> None:
        if not self.done:
            self.dialog.show()


def run_with_progress(parent, label: str, fn: Callable[[Callable[[int, str], None]], Any],
                      title: str = "请稍候", delay_ms: int = 300) -> Any:
    """Run ``fn(progress)`` in a background job under a modal progress dialog (no cancel button;
    shown after ``delay_ms`` so that quick work does not flash it). Returns ``fn``'s result, or
    raises its exception, once the work is done: the caller goes on only afterwards, while a local
    event loop keeps the windows painted (the exit backup, the automatic backup, restore checks)."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(label, "", 0, 0, parent)  # a busy bar until the work reports a percentage
    dialog.setCancelButton(None)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(24 * 3600 * 1000)  # shown by our timer below, not by Qt's own
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(360)
    loop = QEventLoop()
    waiting = _Waiting(dialog, loop)
    job = Job()
    job.progressed.connect(waiting.progressed)
    job.finished.connect(waiting.finished)
    job.failed.connect(waiting.failed)
    QTimer.singleShot(delay_ms, waiting.show_dialog)
    job.start(fn)
    if not waiting.done:
        loop.exec()
    dialog.hide()
    dialog.deleteLater()
    ok, value = waiting.outcome
    if not ok:
        raise value
    return value
