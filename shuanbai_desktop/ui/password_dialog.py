"""修改密码: the user's own password, forced after the administrator reset it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ..data.db import Database
from ..domain.password_rules import PASSWORD_RULES
from ..errors import UserError
from ..services import auth
from .forms import FormErrors
from .widgets import NOTE_STYLE

FORCED_NOTE = "管理员重置了您的密码。为保护服务对象的信息，请先设置一个只有您自己知道的新密码。"


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(auth.MAX_PASSWORD)
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
            note = QLabel(FORCED_NOTE)
            note.setWordWrap(True)
            layout.addWidget(note)
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
        buttons = QDialogButtonBox()
        buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        try:
            if self.new.text() != self.confirm.text():
                raise UserError("两次输入的新密码不一致，请重新输入。", field="确认新密码")
            with self._db.session(self._user.actor) as session:
                auth.change_own_password(session, self._user.id, self.old.text(), self.new.text())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()
