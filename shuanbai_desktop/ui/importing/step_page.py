"""What every page of the import wizard shares: the wizard's state, an error line, and a long step run in the
background before the wizard moves on (``work()``; ``StepRunner`` shows its progress and 取消)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QVBoxLayout, QWidget, QWizardPage

from ...services.importing.base import ImportKind, KindSpec, Mapping, ProgressFn
from ..context import AppContext
from ..widgets import ERROR_STYLE, note
from .progress import StepRunner

if TYPE_CHECKING:
    from ...services.importing.batch import BatchRow, DryRun
    from ...services.importing.reader import Grid, SourceInfo
    from ...services.importing.table import Table


@dataclass
class ImportState:
    """What the pages found so far; a page going forward replaces what follows from it."""

    ctx: AppContext
    today: date
    path: Path | None = None
    kind: ImportKind = ImportKind.RESIDENTS
    encoding: str | None = None
    info: SourceInfo | None = None
    grid: Grid | None = None
    table: Table | None = None
    spec: KindSpec | None = None
    mapping: Mapping = field(default_factory=Mapping)
    choices: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    dry: DryRun | None = None
    batch: BatchRow | None = None


Work = Callable[[ProgressFn], Any]


class StepPage(QWizardPage):
    """A page whose 下一步 may first run ``work()`` in the background; the wizard moves on once it is done.

    ``check()`` runs first on the GUI thread (False keeps the page); ``work()`` returns the long step (or None);
    ``take(result)`` stores its result in the state."""

    busy_text = "正在处理…"
    cancelled_text = "已取消，可以修改后再点“下一步”。"

    def __init__(self, state: ImportState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.error_label = note(style=ERROR_STYLE)
        self.error_label.hide()
        self.runner = StepRunner(self.error_label)
        self.runner.busy_changed.connect(self._busy_changed)
        self._passed = False
        self.content = QWidget()  # the page's own widgets, disabled while a step runs
        self.body = QVBoxLayout(self.content)
        self.body.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.content, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.runner)

    # --- what a page gives ------------------------------------------------------------------------------
    def check(self) -> bool:
        return True

    def work(self) -> Work | None:
        return None

    def take(self, result: Any) -> None:
        """The work's result, on the GUI thread, before the wizard goes on."""

    # --- the wizard's side ------------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.runner.busy

    def show_error(self, text: str) -> None:
        self.runner.show_error(text)

    def clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    def validatePage(self) -> bool:  # noqa: N802 (Qt)
        if self._passed:
            self._passed = False
            return True
        if self.busy:
            return False
        self.clear_error()
        if not self.check():
            return False
        work = self.work()
        if work is None:
            return True
        self.runner.run(self.busy_text, work, self._work_done, self.cancelled_text)
        return False

    def _work_done(self, result: Any) -> None:
        self.take(result)
        self._passed = True
        wizard = self.wizard()
        if wizard is not None and wizard.currentPage() is self:
            wizard.next()
        self._passed = False

    def run_here(self, text: str, work: Work, done: Callable[[Any], None]) -> None:
        """A long step that stays on the page (another sheet, saving the problem rows)."""
        self.clear_error()
        self.runner.run(text, work, done, "已取消。")

    def _busy_changed(self, busy: bool) -> None:
        self.content.setEnabled(not busy)
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None and hasattr(wizard, "set_busy"):
            wizard.set_busy(busy)

    def isComplete(self) -> bool:  # noqa: N802 (Qt)
        return not self.busy and self.ready()

    def ready(self) -> bool:
        """Whether 下一步 may be clicked (apart from a running step)."""
        return True
