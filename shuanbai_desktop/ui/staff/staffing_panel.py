"""人员配备情况 (R1.4): the staffing checks as a panel for the station page and the roster."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from ...domain.staff_staffing import StaffingChecks
from ...services.staff import staffing_checks
from ..context import AppContext
from ..widgets import ERROR_STYLE, GREEN, NOTE_GREY, OK_STYLE, RED

MARKS = {True: ("✔", GREEN), False: ("✘", RED), None: ("●", NOTE_GREY)}  # met, not met, does not apply


def titles_html(checks: StaffingChecks) -> str:
    """The checks' titles on one line, each with its mark (the roster's header)."""
    parts = []
    for line in checks.lines:
        mark, color = MARKS[line.ok]
        parts.append(f'<span style="color:{color}">{mark} {line.title}</span>')
    return "　".join(parts)


def lines_html(checks: StaffingChecks, with_detail: bool = True) -> str:
    parts = []
    for line in checks.lines:
        mark, color = MARKS[line.ok]
        text = f'<span style="color:{color}">{mark} <b>{escape(line.title)}</b></span>'
        if with_detail:
            text += f'<br/><span style="color:{NOTE_GREY}">{escape(line.detail)}</span>'
        parts.append(text)
    return ("<br/>" if not with_detail else "<p style='margin:2px'></p>").join(parts)


class StaffingPanel(QGroupBox):
    """Call ``refresh()`` after the staff or the service points changed."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__("人员配备情况", parent)
        self._ctx = ctx
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.body = QLabel()
        self.body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.body)
        layout.addStretch(1)
        self.checks: StaffingChecks | None = None
        self.refresh()

    def refresh(self) -> None:
        with self._ctx.session() as session:
            self.checks = staffing_checks(session)
        problems = len(self.checks.problems)
        self.summary.setText("人员配备符合“双百工程”要求。" if not problems
                             else f"有 {problems} 项不符合“双百工程”配备要求（原则性要求，供核对）：")
        self.summary.setStyleSheet(OK_STYLE if not problems else ERROR_STYLE)
        self.body.setText(lines_html(self.checks))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()
