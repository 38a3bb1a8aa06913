"""The long steps of 导入数据 (reading the file, the dry run, the import) off the GUI thread, under a progress
bar with a 取消 button.

``StepRunner.run(text, work, done)`` runs ``work(progress)`` in a ``background.CancellableJob``;
``progress(rows_done, rows_in_all)`` is the services' ``ProgressFn``: it moves the bar and, once 取消 was
clicked, raises ``base.Cancelled`` inside the work (the service's transaction is rolled back). ``done(result)``
runs on the GUI thread; a rule not met, a file that cannot be read and a cancelled step are shown in the
page's error line; anything else is a fault (crash dialog).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from ...errors import UserError
from ...services.importing.base import Cancelled, ProgressFn
from ..background import CancellableJob
from ..widgets import ERROR_STYLE, NOTE_STYLE


class StepRunner(QWidget):
    """A progress bar, a line of text and 取消; hidden while idle. ``busy_changed(bool)`` for the wizard."""

    busy_changed = Signal(bool)

    def __init__(self, error_label: QLabel, parent: QWidget | None = None):
        super().__init__(parent)
        self._error_label = error_label
        self._done: Callable[[Any], None] | None = None
        self._cancelled_text = ""
        self._last_percent = -1
        self.job = CancellableJob(self)
        self.job.progressed.connect(self._progressed)
        self.job.finished.connect(self._finished)
        self.job.failed.connect(self._failed)
        self.bar = QProgressBar()
        self.bar.setFixedWidth(320)
        self.label = QLabel()
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.label, 1)
        row.addWidget(self.cancel_button)
        self.hide()

    @property
    def busy(self) -> bool:
        return self.job.running

    def run(self, text: str, work: Callable[[ProgressFn], Any], done: Callable[[Any], None],
            cancelled: str = "已取消。") -> None:
        """``work(progress)`` in the background; ``done(result)`` afterwards on the GUI thread; ``cancelled`` is
        shown when the user stopped it."""
        self._done = done
        self._cancelled_text = cancelled
        self._last_percent = -1
        self._error_label.clear()
        self._error_label.hide()
        self.bar.setRange(0, 0)  # a busy bar until the work reports its rows
        self.label.setText(text)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("取消")
        self.show()
        job, emit_holder = self.job, []

        def progress(done_rows: int, total: int) -> None:
            if job.stop_requested():
                raise Cancelled()
            if total <= 0 or not emit_holder:
                return
            percent = min(100, done_rows * 100 // total)
            if percent != self._last_percent:
                self._last_percent = percent
                emit_holder[0](percent, f"{text}（{done_rows:,} / {total:,} 行）")

        def task(emit: Callable[[int, str], None]) -> Any:
            emit_holder.append(emit)
            return work(progress)

        self.job.start(task)
        self.busy_changed.emit(True)  # after the start: ``busy`` is true from here on

    def cancel(self) -> None:
        """取消: the work stops at its next progress report."""
        if self.busy:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("正在取消…")

    def cancel_and_wait(self) -> None:
        """The wizard is closing: stop the work and wait for it (its transaction rolled back)."""
        if self.busy:
            self.job.cancel()
            self.job.wait()

    def _progressed(self, percent: int, text: str) -> None:
        if self.bar.maximum() == 0:
            self.bar.setRange(0, 100)
        self.bar.setValue(percent)
        if text:
            self.label.setText(text)

    def _idle(self) -> None:
        self.hide()
        self.busy_changed.emit(False)

    def _finished(self, result: Any) -> None:
        self._idle()
        done, self._done = self._done, None
        if done is not None:
            done(result)

    def _failed(self, exc: Exception) -> None:
        self._idle()
        self._done = None
        if isinstance(exc, Cancelled):
            self.show_error(self._cancelled_text, NOTE_STYLE)
        elif isinstance(exc, UserError):
            self.show_error(exc.message)
        elif isinstance(exc, OSError):
            self.show_error(f"无法读写文件：{exc.strerror or exc}。请确认文件没有被其他程序占用，或换一个位置。")
        else:
            raise exc

    def show_error(self, text: str, style: str = ERROR_STYLE) -> None:
        self._error_label.setStyleSheet(style)
        self._error_label.setText(text)
        self._error_label.show()
