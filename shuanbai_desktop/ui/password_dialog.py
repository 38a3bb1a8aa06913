"""修改密码: the user's own password; forced at the first log-in of a new account and after the administrator
reset it, each saying which of the two happened (``auth.password_was_reset``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..data.db import Database
from ..domain.password_rules import MAX_LENGTH, PASSWORD_RULES
from ..errors import UserError
from .forms import FormErrors
from .widgets import NOTE_STYLE, dialog_buttons

if TYPE_CHECKING:  # loaded behind the log-in window, not before it (docs/decisions.md, “Start-up”)
    from ..services import auth

FIRST_NOTE = ("欢迎使用！这是您的账户第一次登录，现在的密码是管理员为您设的初始密码。"
              "为保护服务对象的信息，请先设置一个只有您自己知道的新密码。")
RESET_NOTE = "管理员重置了您的密码。为保护服务对象的信息，请先设置一个只有您自己知道的新密码。"


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(MAX_LENGTH)  # auth.MAX_PASSWORD
    field.setMinimumWidth(260)
    return field


class ChangePasswordDialog(QDialog):
    def __init__(self, db: Database, user: auth.UserInfo, forced: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self._db = db
        self._user = user
        self.setWindowTitle("修改密码")
        self.old = password_field()
        self.new = password_field()
        self.confirm = password_field()
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"原密码": self.old, "新密码": self.new,
                                                    "密码": self.new, "确认新密码": self.confirm})
        self._build(forced)

    def _build(self, forced: bool) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        self.setMinimumWidth(520)
        if forced:
            self.forced_note = QLabel(self._forced_note())
            self.forced_note.setWordWrap(True)
            layout.addWidget(self.forced_note)
        form = QFormLayout()
        form.addRow("用户：", QLabel(f"{self._user.display_name}（{self._user.username}）"))
        form.addRow("原密码：", self.old)
        form.addRow("新密码：", self.new)
        form.addRow("确认新密码：", self.confirm)
        rules = QLabel(PASSWORD_RULES)
        rules.setWordWrap(True)
        rules.setStyleSheet(NOTE_STYLE)
        layout.addLayout(form)
        layout.addWidget(rules)
        layout.addWidget(self.error_label)
        buttons, ok = dialog_buttons(self, "确定")
        ok.clicked.connect(self.save)
        layout.addWidget(buttons)

    def _forced_note(self) -> str:
        from ..services import auth
        with self._db.session(self._user.actor) as session:
            return RESET_NOTE if auth.password_was_reset(session, self._user.id) else FIRST_NOTE

    def save(self) -> None:
        from ..services import auth
        try:
            if self.new.text() != self.confirm.text():
                raise UserError("两次输入的新密码不一致，请重新输入。", field="确认新密码")
            with self._db.session(self._user.actor) as session:
                auth.change_own_password(session, self._user.id, self.old.text(), self.new.text())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()
