"""导入数据's wizard: file and kind → sheet and header row → column mapping → dry run → existing records and
导入 → result. The long steps run in the background with a progress bar and 取消 (``progress.StepRunner``);
meanwhile the wizard's own buttons wait."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWidget, QWizard

from .. import messages
from ..context import AppContext
from ..setup_wizard import BUTTON_TEXTS
from .check_pages import DryRunPage, ExistingPage, ResultPage
from .mapping_page import MappingPage
from .source_pages import FilePage, SheetPage
from .step_page import ImportState, StepPage

WIZARD_SIZE = (1180, 700)  # fits a 1366×768 screen with the taskbar


class ImportWizard(QWizard):
    """Accepted after an import; ``state.batch`` is the batch made (None when the wizard was left before)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.state = ImportState(ctx=ctx, today=today or date.today())
        self.setWindowTitle("导入数据")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, text in BUTTON_TEXTS.items():
            self.setButtonText(button, text)
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步(&B)")
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步(&N)")
        self.file_page = FilePage(self.state)
        self.sheet_page = SheetPage(self.state)
        self.mapping_page = MappingPage(self.state)
        self.dry_run_page = DryRunPage(self.state)
        self.existing_page = ExistingPage(self.state)
        self.result_page = ResultPage(self.state)
        for page in self.step_pages:
            self.addPage(page)
        self.resize(*WIZARD_SIZE)

    @property
    def step_pages(self) -> tuple[StepPage, ...]:
        return (self.file_page, self.sheet_page, self.mapping_page, self.dry_run_page, self.existing_page,
                self.result_page)

    @property
    def busy(self) -> bool:
        return any(page.busy for page in self.step_pages)

    def set_busy(self, busy: bool) -> None:
        """While a step runs, only its 取消 works (下一步 follows the page's ``isComplete``)."""
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def reject(self) -> None:
        if self.busy:
            if not messages.confirm(self, "正在进行的步骤将被取消，不会写入任何数据。确定关闭吗？", "关闭导入"):
                return
            for page in self.step_pages:
                page.runner.cancel_and_wait()
        super().reject()

    def done(self, result: int) -> None:
        if self.state.batch is not None:
            result = QWizard.DialogCode.Accepted
        super().done(result)
