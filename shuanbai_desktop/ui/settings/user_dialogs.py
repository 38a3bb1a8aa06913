"""Dialogs of the 用户 page: new account, edit name/role, reset password."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget
from sqlalchemy.orm import Session

from ...domain.labels import Role
from ...errors import UserError
from ...services import auth
from ...services.auth import UserInfo
from ..context import AppContext
from ..form_dialog import FormDialog
from ..forms import FormErrors
from ..widgets import note

PASSWORD_HINT = "至少 8 位，须同时包含字母和数字，不能包含用户名。"
# A new account starts as the least-privileged staff role (docs/decisions.md, “新账户的默认角色”): 窗口 sees no
# case content and no full ID number, and 社工 and 管理员 each have everything it has; more is a choice.
NEW_USER_ROLE = Role.WINDOW


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(auth.MAX_PASSWORD)
    return edit


def _role_combo(current: Role) -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(role.label, role)
    combo.setCurrentIndex(combo.findData(current))
    return combo


class _AccountDialog(FormDialog):
    """A form whose 保存 runs ``check()`` and ``write(session)`` in one transaction; errors go to their field."""

    def __init__(self, ctx: AppContext, title: str, parent=None):
        super().__init__(ctx, title, "", parent, ok_text="保存")
        self.setMinimumWidth(460)

    def set_fields(self, fields: dict[str, QWidget]) -> None:
        self.errors = FormErrors(self.error_label, fields)


def _check_repeat(first: QLineEdit, second: QLineEdit) -> None:
    if first.text() != second.text():
        raise UserError("两次输入的密码不一致，请重新输入。", field="确认密码")


class NewUserDialog(_AccountDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, "新增用户", parent)
        self.username_edit, self.name_edit = QLineEdit(placeholderText="登录时使用，例如 chenli"), QLineEdit()
        self.username_edit.setMaxLength(40)
        self.name_edit.setMaxLength(40)
        self.role_combo = _role_combo(NEW_USER_ROLE)
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

    def write(self, session: Session, today: date | None = None) -> None:
        role = Role(self.role_combo.currentData())
        auth.create_user(session, self.username_edit.text(), self.name_edit.text(), role,
                         self.password_edit.text(), must_change=True)


class EditUserDialog(_AccountDialog):
    def __init__(self, ctx: AppContext, user: UserInfo, parent=None):
        super().__init__(ctx, "修改用户", parent)
        self.user = user
        self.name_edit = QLineEdit(user.display_name)
        self.name_edit.setMaxLength(40)
        self.role_combo = _role_combo(user.role)
        self.form.addRow("用户名：", QLabel(user.username))
        self.form.addRow("姓名：", self.name_edit)
        self.form.addRow("角色：", self.role_combo)
        self.set_fields({"姓名": self.name_edit, "角色": self.role_combo})

    def write(self, session: Session, today: date | None = None) -> None:
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

    def write(self, session: Session, today: date | None = None) -> None:
        auth.reset_password(session, self.user.id, self.password_edit.text())


