"""用户 (``Permission.USERS_MANAGE``): accounts, roles, passwords, disabling and unlocking; below the
accounts, the role × action table (services/permissions.table()) as the services enforce it."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ...data.base import now
from ...domain.labels import Role
from ...services import auth, permissions
from ...services.auth import UserInfo
from .. import messages
from ..context import AppContext
from ..forms import run_write
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import GREEN, GREY, NOTE_STYLE, OK_STYLE, RED, button_row, note, push_button
from .user_dialogs import EditUserDialog, NewUserDialog, ResetPasswordDialog


def status_text(user: UserInfo, at: datetime) -> str:
    if user.disabled:
        return "已停用"
    if user.locked_until and user.locked_until > at:
        until = user.locked_until
        return f"锁定至 {until:%H:%M}" if until.date() == at.date() else f"锁定至 {until:%m-%d %H:%M}"
    return "正常（待首次改密码）" if user.must_change_password else "正常"


def _last_login(user: UserInfo) -> str:
    return f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "从未登录"


def _color(user: UserInfo) -> str | None:
    if user.disabled:
        return GREY
    return RED if user.locked_until and user.locked_until > now() else None


COLUMNS = (
    Column("用户名", lambda u: u.username),
    Column("姓名", lambda u: u.display_name),
    Column("角色", lambda u: u.role.label),
    Column("状态", lambda u: status_text(u, now())),
    Column("最近登录", _last_login),
)


class UsersPage(RecordListPage):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_color)
        self.notice.setStyleSheet(NOTE_STYLE)
        box = QGroupBox("用户账户")
        inner = QVBoxLayout(box)
        inner.addLayout(self._build_buttons())
        inner.addWidget(self.table, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(box, 3)
        layout.addWidget(self.notice)
        layout.addWidget(self._build_roles(), 4)
        self.refresh()

    def _build_roles(self) -> QGroupBox:
        """角色权限: what each role may do, read-only, straight from the table the services enforce."""
        box = QGroupBox("角色权限（程序按此表检查每一项操作，不能在这里修改）")
        self.roles_table = role_table()
        inner = QVBoxLayout(box)
        inner.addWidget(self.roles_table, 1)
        inner.addWidget(note("所有角色都可以查看本站的名单（身份证号、电话已脱敏）并修改自己的密码。"
                             "个案只能由其负责社工或管理员修改；窗口事项只能由首问负责人或管理员作废。"))
        return box

    def _build_buttons(self) -> QHBoxLayout:
        self.add_button = push_button("新增用户…", self.add_user)
        self.edit_button = self.row_button("修改…", self.edit_user)
        self.reset_button = self.row_button("重置密码…", self.reset_password)
        self.disable_button = self.row_button("停用", self.toggle_disabled)
        self.unlock_button = push_button("解锁", self.unlock)
        return button_row(self.add_button, self.edit_button, self.reset_button, self.disable_button,
                          self.unlock_button)

    def load(self, session) -> list[UserInfo]:
        return auth.list_users(session)

    def row_key(self, row: UserInfo) -> str:
        return row.username

    def select_user(self, username: str) -> None:
        self.select(username)

    def update_buttons(self, row: UserInfo | None) -> None:
        self.disable_button.setText("启用" if row and row.disabled else "停用")
        self.unlock_button.setEnabled(bool(row and row.locked_until and row.locked_until > now()))

    def open_selected(self) -> None:
        self.edit_user()

    def _say(self, text: str) -> None:
        self.notice.setStyleSheet(OK_STYLE)
        self.notice.setText(text)

    def add_user(self) -> None:
        dialog = NewUserDialog(self._ctx, self)
        self.open_dialog(dialog, lambda: self._after(f"已新增用户“{dialog.username_edit.text().strip()}”，"
                                                     "首次登录时须修改密码。", dialog.username_edit.text().strip()))

    def edit_user(self) -> None:
        user = self.selected()
        if user:
            self.open_dialog(EditUserDialog(self._ctx, user, self), lambda: self._after_edit(user))

    def reset_password(self) -> None:
        user = self.selected()
        if user:
            self.open_dialog(ResetPasswordDialog(self._ctx, user, self),
                             lambda: self._after(f"已重置“{user.username}”的密码。"))

    def _after(self, text: str, select: str | None = None) -> None:
        self.refresh()
        if select:
            self.select(select)
        self._say(text)

    def _after_edit(self, user: UserInfo) -> None:
        self._after(f"已修改用户“{user.username}”。")
        if user.id == self._ctx.user.id:
            self._own_account_changed()

    def _own_account_changed(self) -> None:
        with self._ctx.session() as s:
            me = auth.get_user(s, self._ctx.user.id)
        if me.role is not self._ctx.user.role:
            messages.info(self, "您修改了自己的角色，需要重新登录后生效。", "需要重新登录")
            self._ctx.request_relogin(self._ctx.db)
        else:
            self._ctx.user = me

    def toggle_disabled(self) -> None:
        user = self.selected()
        if user is None:
            return
        disable = not user.disabled
        if disable and not messages.confirm(self, f"停用后“{user.display_name}（{user.username}）”将不能再登录，"
                                                  "其以往的记录保留不变。确定停用吗？"):
            return
        if self._write(lambda s: auth.set_disabled(s, user.id, disable)):
            self._after(f"已{'停用' if disable else '启用'}用户“{user.username}”。")

    def unlock(self) -> None:
        user = self.selected()
        if user and self._write(lambda s: auth.unlock(s, user.id)):
            self._after(f"已解锁用户“{user.username}”。")

    def _write(self, action) -> bool:
        """One transaction; a rule not met in a message box, and the last notice greyed (it no longer holds)."""
        if run_write(self._ctx, self, action):
            return True
        self.notice.setStyleSheet(NOTE_STYLE)
        return False


def role_table() -> QTableWidget:
    """The role × action table: one row per action (范围, 操作), one column per role, ✓ or —."""
    rows = permissions.table()
    roles = list(Role)
    table = QTableWidget(len(rows), 2 + len(roles))
    table.setHorizontalHeaderLabels(["范围", "操作"] + [role.short for role in roles])
    for row, (permission, marks) in enumerate(rows):
        cells = [permission.area, permission.label] + ["✓" if marks[role] else "—" for role in roles]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if marks[roles[column - 2]]:
                    item.setForeground(QColor(GREEN))
                else:
                    item.setForeground(QColor(GREY))
            table.setItem(row, column, item)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    for column in range(2, 2 + len(roles)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        table.setColumnWidth(column, 76)
    return table
