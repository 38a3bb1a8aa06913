"""Dialogs of the 用户 page: new account, edit name/role, reset password."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy.orm import Session

from ...domain.labels import Role
from ...errors import UserError
from ...services import auth
from ...services.auth import UserInfo
from ..context import AppContext
from ..forms import FormErrors
from ..widgets import dialog_buttons, note

PASSWORD_HINT = "至少 8 位，须同时包含字母和数字，不能包含用户名。"


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(auth.MAX_PASSWORD)
    return edit


def _role_combo() -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(role.label, role)
    return combo


class _AccountDialog(QDialog):
    """A form whose 保存 runs ``write(session)`` in one transaction; errors go to their field."""

    def __init__(self, ctx: AppContext, title: str, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.error_label = QLabel()
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.errors = FormErrors(self.error_label, {})

    def set_fields(self, fields: dict[str, QWidget]) -> None:
        self.errors = FormErrors(self.error_label, fields)

    def write(self, session: Session) -> None:
        raise NotImplementedError

    def check(self) -> None:
        """Checks that need no database (the repeated password)."""

    def save(self) -> None:
        self.errors.clear()
        try:
            self.check()
            with self._ctx.session() as s:
                self.write(s)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()


def _check_repeat(first: QLineEdit, second: QLineEdit) -> None:
    if first.text() != second.text():
        raise UserError("两次输入的密码不一致，请重新输入。", field="确认密码")


class NewUserDialog(_AccountDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, "新增用户", parent)
        self.username_edit, self.name_edit = QLineEdit(placeholderText="登录时使用，例如 chenli"), QLineEdit()
        self.username_edit.setMaxLength(40)
        self.name_edit.setMaxLength(40)
        self.role_combo = _role_combo()
        self.password_edit, self.repeat_edit = _password_edit(), _password_edit()
        for label, widget in (("用户名：", self.username_edit), ("姓名：", self.name_edit),
                              ("角色：", self.role_combo), ("初始密码：", self.password_edit),
                              ("确认密码：", self.repeat_edit)):
            self.form.addRow(label, widget)
        self.form.addRow("", note(PASSWORD_HINT + "\n该用户首次登录时须修改为自己的密码。"))
        self.set_fields({"用户名": self.username_edit, "姓名": self.name_edit, "角色": self.role_combo,
                         "密码": self.password_edit, "确认密码": self.repeat_edit})

    def check(self) -> None:
        _check_repeat(self.password_edit, self.repeat_edit)

    def write(self, session: Session) -> None:
        role = Role(self.role_combo.currentData())
        auth.create_user(session, self.username_edit.text(), self.name_edit.text(), role,
                         self.password_edit.text(), must_change=True)


class EditUserDialog(_AccountDialog):
    def __init__(self, ctx: AppContext, user: UserInfo, parent=None):
        super().__init__(ctx, "修改用户", parent)
        self.user = user
        self.name_edit = QLineEdit(user.display_name)
        self.name_edit.setMaxLength(40)
        self.role_combo = _role_combo()
        self.role_combo.setCurrentIndex(self.role_combo.findData(user.role))
        self.form.addRow("用户名：", QLabel(user.username))
        self.form.addRow("姓名：", self.name_edit)
        self.form.addRow("角色：", self.role_combo)
        self.set_fields({"姓名": self.name_edit, "角色": self.role_combo})

    def write(self, session: Session) -> None:
        role = Role(self.role_combo.currentData())
        auth.update_user(session, self.user.id, self.name_edit.text(), role)


class ResetPasswordDialog(_AccountDialog):
    def __init__(self, ctx: AppContext, user: UserInfo, parent=None):
        super().__init__(ctx, "重置密码", parent)
        self.user = user
        self.password_edit, self.repeat_edit = _password_edit(), _password_edit()
        self.form.addRow("用户：", QLabel(f"{user.display_name}（{user.username}）"))
        self.form.addRow("新密码：", self.password_edit)
        self.form.addRow("确认密码：", self.repeat_edit)
        own = user.id == ctx.user.id
        self.form.addRow("", note(PASSWORD_HINT + ("" if own else "\n该用户下次登录时须修改为自己的密码。")
                                  + "\n重置后，该账户的锁定也一并解除。"))
        self.set_fields({"密码": self.password_edit, "确认密码": self.repeat_edit})

    def check(self) -> None:
        _check_repeat(self.password_edit, self.repeat_edit)

    def write(self, session: Session) -> None:
        auth.reset_password(session, self.user.id, self.password_edit.text())


