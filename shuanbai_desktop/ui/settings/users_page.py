"""用户 (``Permission.USERS_MANAGE``): accounts, roles, passwords, disabling and unlocking; below the
accounts, the role × action table (services/permissions.table()) as the services enforce it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...data.base import now
from ...domain.labels import Role
from ...errors import UserError
from ...services import auth, permissions
from ...services.auth import UserInfo
from .. import messages
from ..context import AppContext
from ..table_model import Column, RowsTableModel
from .user_dialogs import EditUserDialog, NewUserDialog, ResetPasswordDialog
from .widgets import NOTE_STYLE, OK_STYLE, button_row, fit_columns, make_table, note, selected_row


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
        return "#80868b"
    return "#b3261e" if user.locked_until and user.locked_until > now() else None


COLUMNS = (
    Column("用户名", lambda u: u.username),
    Column("姓名", lambda u: u.display_name),
    Column("角色", lambda u: u.role.label),
    Column("状态", lambda u: status_text(u, now())),
    Column("最近登录", _last_login),
)


class UsersPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.dialog = None
        self.model = RowsTableModel(COLUMNS, row_color=_color)
        self.table = make_table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(self.edit_user)
        self.notice = note()
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

    def _build_buttons(self):
        self.add_button, self.edit_button = QPushButton("新增用户…"), QPushButton("修改…")
        self.reset_button, self.disable_button = QPushButton("重置密码…"), QPushButton("停用")
        self.unlock_button = QPushButton("解锁")
        for button, slot in ((self.add_button, self.add_user), (self.edit_button, self.edit_user),
                             (self.reset_button, self.reset_password),
                             (self.disable_button, self.toggle_disabled),
                             (self.unlock_button, self.unlock)):
            button.clicked.connect(slot)
        return button_row(self.add_button, self.edit_button, self.reset_button, self.disable_button,
                          self.unlock_button)

    def refresh(self) -> None:
        selected = self.selected_user()
        with self._ctx.session() as s:
            users = auth.list_users(s)
        self.model.set_rows(users)
        fit_columns(self.table, 260)
        if selected:
            self.select_user(selected.username)
        self._update_buttons()

    def select_user(self, username: str) -> None:
        for row, user in enumerate(self.model.rows):
            if user.username == username:
                self.table.selectRow(row)

    def selected_user(self) -> UserInfo | None:
        row = selected_row(self.table)
        return self.model.row(row) if row is not None else None

    def _update_buttons(self, *_args) -> None:
        user = self.selected_user()
        for button in (self.edit_button, self.reset_button, self.disable_button):
            button.setEnabled(user is not None)
        self.disable_button.setText("启用" if user and user.disabled else "停用")
        self.unlock_button.setEnabled(bool(user and user.locked_until and user.locked_until > now()))

    def _say(self, text: str) -> None:
        self.notice.setStyleSheet(OK_STYLE)
        self.notice.setText(text)

    def _open(self, dialog, done: Callable[[], None]) -> None:
        dialog.accepted.connect(done)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def add_user(self) -> None:
        dialog = NewUserDialog(self._ctx, self)
        self._open(dialog, lambda: self._after(f"已新增用户“{dialog.username_edit.text().strip()}”，"
                                               "首次登录时须修改密码。", dialog.username_edit.text().strip()))

    def edit_user(self, *_args) -> None:
        user = self.selected_user()
        if user:
            self._open(EditUserDialog(self._ctx, user, self), lambda: self._after_edit(user))

    def reset_password(self) -> None:
        user = self.selected_user()
        if user:
            self._open(ResetPasswordDialog(self._ctx, user, self),
                       lambda: self._after(f"已重置“{user.username}”的密码。"))

    def _after(self, text: str, select: str | None = None) -> None:
        self.refresh()
        if select:
            self.select_user(select)
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
        user = self.selected_user()
        if user is None:
            return
        disable = not user.disabled
        if disable and not messages.confirm(self, f"停用后“{user.display_name}（{user.username}）”将不能再登录，"
                                                  "其以往的记录保留不变。确定停用吗？"):
            return
        if self._write(lambda s: auth.set_disabled(s, user.id, disable)):
            self._after(f"已{'停用' if disable else '启用'}用户“{user.username}”。")

    def unlock(self) -> None:
        user = self.selected_user()
        if user and self._write(lambda s: auth.unlock(s, user.id)):
            self._after(f"已解锁用户“{user.username}”。")

    def _write(self, action) -> bool:
        try:
            with self._ctx.session() as s:
                action(s)
        except UserError as exc:
            self.notice.setStyleSheet(NOTE_STYLE)
            messages.error(self, exc.message)
            return False
        return True


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
                    item.setForeground(Qt.GlobalColor.darkGreen)
                else:
                    item.setForeground(Qt.GlobalColor.gray)
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
