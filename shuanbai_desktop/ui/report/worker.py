"""What the report screens add to the app's background job (ui/background.py): a progress line,
and a reading database handle for work in the worker thread."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from ...data.db import Database
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
    key = str(ctx.db.path)
    if key not in _READERS:
        _READERS[key] = Database(ctx.db.path, readonly=True)
    return _READERS[key]
