"""What the report screens add to the app's background job (ui/background.py): a progress line,
a reading database handle for work in the worker thread, and how a failed job is told."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from ...data.db import Database
from ...errors import UserError
from .. import messages
from ..background import Job, busy, wait_all  # noqa: F401  (the report screens' worker)
from ..context import AppContext


class ProgressLine(QWidget):
    """A progress bar with a line of text; hidden when idle."""

    def __init__(self, parent: QWidget | None = None):
        from PySide6.QtWidgets import QHBoxLayout
        super().__init__(parent)
        self.bar, self.label = QProgressBar(), QLabel()
        self.bar.setRange(0, 100)
        self.bar.setFixedWidth(260)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.label, 1)
        self.hide()

    def show_progress(self, percent: int, text: str) -> None:
        self.show()
        self.bar.setValue(percent)
        if text:
            self.label.setText(text)

    def done(self) -> None:
        self.bar.setValue(100)
        self.hide()


_READERS: dict[str, Database] = {}


def reading_db(ctx: AppContext) -> Database:
    """A read-only handle on the same file: previews never hold the write lock."""
    key = ctx.db.where()
    if key not in _READERS:
        _READERS[key] = Database(ctx.db.path, readonly=True, server=ctx.db.server)
    return _READERS[key]


CLOSE_OR_MOVE = "请关闭正在打开它的程序，或换一个位置。"


def show_failure(parent: QWidget, exc: Exception, target: str = "文件", hint: str = CLOSE_OR_MOVE) -> None:
    """A job that failed: a rule not met, or ``target`` that could not be written (with ``hint``), in a message
    box; anything else is a fault and goes on to the crash dialog."""
    if isinstance(exc, UserError):
        messages.error(parent, exc.message)
    elif isinstance(exc, OSError):
        messages.error(parent, f"无法写入{target}：{exc.strerror or exc}。{hint}")
    else:
        raise exc
