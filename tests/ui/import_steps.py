"""Driving the import wizard as a user would: 下一步 / 导入, then waiting for the step's background work."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWizard

from shuanbai_desktop.ui.importing.wizard import ImportWizard
from tests.ui.helpers import click, grab

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "import_examples"
STEP_TIMEOUT_MS = 120_000  # a generous bound on one step of a small file on a busy machine (not a speed check)


def settle(qtbot, wizard: ImportWizard) -> None:
    """Wait until the step started last has finished (its result is on the screen)."""
    qtbot.waitUntil(lambda: not wizard.busy, timeout=STEP_TIMEOUT_MS)
    QApplication.processEvents()


def forward(qtbot, wizard: ImportWizard) -> None:
    """下一步 (or 导入 on the commit page) and wait for the step."""
    commit = wizard.currentPage().isCommitPage()
    button = wizard.button(QWizard.WizardButton.CommitButton if commit else QWizard.WizardButton.NextButton)
    click(qtbot, button)
    settle(qtbot, wizard)


def shot(wizard: ImportWizard, name: str) -> Path:
    return grab(wizard, name)
