"""The lock screen's dialog: the current user's password, or 退出登录. It cannot be dismissed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ..data.base import now
from ..errors import UserError
from ..services import auth
from . import messages
from .context import AppContext
from .forms import FormErrors
from .login_dialog import heading
from .password_dialog import password_field
from .widgets import set_default_button

LOGOUT_WARNING = "退出登录会关闭当前打开的所有窗口，尚未保存的内容将会丢失。确定退出登录吗？"
SESSION_ENDED = "连续输错密码次数过多（或账户已被停用），已退出登录。请在登录窗口重新登录。"


class LockDialog(QDialog):
    """Wrong passwords count toward the account's lock-out (``auth.check_unlock``, the same counter
    as the log-in); when the account locks, the session ends (``logout_requested``)."""

    unlocked = Signal()
    logout_requested = Signal()

    def __init__(self, ctx: AppContext, idle_minutes: int | None, parent: QWidget | None = None,
                 clock: Callable[[], datetime] = now):
        super().__init__(parent)
        self._ctx = ctx
        self._closable = False
        self._clock = clock
        self.setWindowTitle("屏幕已锁定")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint)
        self.password = password_field()
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"密码": self.password})
        self._build(idle_minutes)

    def _build(self, idle_minutes: int | None) -> None:
        user = self._ctx.user
        reason = (f"{idle_minutes} 分钟内没有操作，为保护服务对象的个人信息，屏幕已自动锁定。"
                  if idle_minutes else "屏幕已锁定。")
        note = QLabel(reason + "请输入密码继续工作，打开的窗口和填写的内容都保持原样。")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("用户：", QLabel(f"{user.display_name}（{user.username}）"))
        form.addRow("密码：", self.password)
        buttons = QDialogButtonBox(self)  # in the dialog before 解锁 is made its default (Enter, not 退出登录)
        self.unlock_button = buttons.addButton("解锁", QDialogButtonBox.ButtonRole.AcceptRole)
        self.logout_button = buttons.addButton("退出登录", QDialogButtonBox.ButtonRole.DestructiveRole)
        set_default_button(self.unlock_button, self.logout_button)
        buttons.accepted.connect(self.try_unlock)
        self.logout_button.clicked.connect(self.ask_logout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.addWidget(heading(self._ctx.station.name, 13, bold=True))
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.setFixedWidth(500)
        self.password.setFocus()

    def try_unlock(self) -> None:
        with self._ctx.db.session(self._ctx.user.actor) as session:
            check = auth.check_unlock(session, self._ctx.user.id, self.password.text(), at=self._clock())
        self.password.clear()
        if check.unlocked:
            self.allow_close()
            self.unlocked.emit()
            return
        if check.session_ends:
            self.logout(SESSION_ENDED)
            return
        self.errors.show(UserError(f"密码不正确，请重新输入（再输错 {check.attempts_left} 次，"
                                   "账户将被锁定并退出登录）。", field="密码"))

    def ask_logout(self) -> None:
        if messages.confirm(self, LOGOUT_WARNING, "退出登录"):
            self.logout()

    def logout(self, notice: str = "") -> None:
        if notice:
            messages.info(self, notice, "已退出登录")
        self.allow_close()
        self.logout_requested.emit()

    def allow_close(self) -> None:
        self._closable = True
        self.done(QDialog.DialogCode.Accepted)

    def reject(self) -> None:  # Esc does not unlock
        if self._closable:
            super().reject()

    def closeEvent(self, event) -> None:
        if self._closable:
            super().closeEvent(event)
        else:
            event.ignore()
