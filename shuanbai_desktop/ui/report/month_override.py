"""Saving a record of a month already reported (已报送): the administrator confirms with a reason.

Feature screens save through ``save_with_month_check(ctx, parent, write)`` instead of a plain
``with ctx.session() as s: write(s)``. When the save touches a locked month, a user whose role
has ``Permission.MONTH_OVERRIDE`` (the administrator) is asked for the reason and the save is
repeated with it through ``services.report.month_lock_override`` (the reason goes to the audit
trail in the same transaction); anyone else is told to ask the administrator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...data.month_lock import MonthLocked, month_text
from ...errors import UserError
from ...services.permissions import Permission
from ...services.report import month_lock_override
from .. import messages
from ..context import AppContext
from ..forms import FormErrors
from ..widgets import dialog_buttons

T = TypeVar("T")


class ReasonDialog(QDialog):
    """Asks for a reason (at least 4 characters); used for locked months and for re-exports."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None, label: str = "原因"):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("例如：补录遗漏的走访记录")
        self.reason.setMaxLength(150)
        intro = QLabel(text)
        intro.setWordWrap(True)
        error = QLabel()
        self.errors = FormErrors(error, {label: self.reason})
        buttons, ok = dialog_buttons(self, "确定")
        ok.clicked.connect(self._accept)
        layout = QVBoxLayout(self)
        for widget in (intro, QLabel(f"{label}："), self.reason, error, buttons):
            layout.addWidget(widget)
        self._label = label

    def _accept(self) -> None:
        text = self.reason.text().strip()
        if len(text) < 4:
            self.errors.show(UserError(f"请填写{self._label}（至少 4 个字）。", field=self._label))
            return
        self.accept()

    @property
    def text(self) -> str:
        return self.reason.text().strip()


def ask_reason(parent: QWidget | None, months: tuple[str, ...]) -> str | None:
    names = "、".join(month_text(m) for m in months)
    dialog = ReasonDialog("修改已报送月份", f"{names}的报表已报送县(区)民政局。确需修改该月的记录，请填写原因；"
                          "原因会记入操作日志，下次导出该月报表时列出变化的数字。", parent)
    return dialog.text if dialog.exec() == QDialog.DialogCode.Accepted else None


def save_with_month_check(ctx: AppContext, parent: QWidget | None, write: Callable) -> T | None:
    """Run ``write(session)`` in one transaction; a locked month needs the administrator's reason.

    Returns ``write``'s result, or None when the user cancelled or a rule was not met (shown).
    """
    try:
        with ctx.session() as session:
            return write(session)
    except MonthLocked as exc:
        if not ctx.can(Permission.MONTH_OVERRIDE):
            messages.error(parent, exc.message + "\n请联系管理员（站长/副站长）修改。")
            return None
        reason = ask_reason(parent, exc.months)
        if reason is None:
            return None
    except UserError as exc:
        messages.error(parent, exc.message)
        return None
    try:
        with ctx.session() as session:
            month_lock_override(session, reason)
            return write(session)
    except UserError as exc:
        messages.error(parent, exc.message)
        return None


def _offer_override(exc: UserError, parent: QWidget | None) -> bool:
    """Any screen: a refused save of a reported month. The administrator gives the reason once and
    saves again; everyone else gets the message with whom to ask."""
    if not isinstance(exc, MonthLocked):
        return False
    ctx = CURRENT.get("ctx")
    if ctx is None or not ctx.can(Permission.MONTH_OVERRIDE):
        messages.error(parent, exc.message + "\n请联系管理员（站长/副站长）修改。")
        return True
    reason = ask_reason(parent, exc.months)
    if reason:
        ctx.month_override = reason
        messages.info(parent, "原因已记录。请再点一次保存，完成这次修改。", title="修改已报送月份")
    return True


CURRENT: dict[str, AppContext] = {}


def install(ctx: AppContext) -> None:
    """Called by the main window for the logged-in user."""
    CURRENT["ctx"] = ctx
    from ..forms import SPECIAL_HANDLERS
    if _offer_override not in SPECIAL_HANDLERS:
        SPECIAL_HANDLERS.append(_offer_override)


def uninstall(ctx: AppContext) -> None:
    """Called when that user's main window closes (log-out, exit): a screen opened afterwards never
    acts with the reason-giving rights of the user before."""
    if CURRENT.get("ctx") is ctx:
        del CURRENT["ctx"]
