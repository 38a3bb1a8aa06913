"""登录: user name and password, the reason for a refusal right under the fields."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME
from ..data.db import Database
from ..data.engine import keyring_record
from ..errors import DatabaseRefused, UserError
from .forms import FormErrors
from .password_dialog import ChangePasswordDialog, password_field
from .widgets import NOTE_STYLE, busy_cursor, set_default_button, sized_label

if TYPE_CHECKING:  # loaded behind this window (docs/decisions.md, “Start-up”)
    from ..services import auth

MUST_CHANGE = "请先修改密码，然后才能进入系统。"
FIELD_WIDTH = 300


class LoginDialog(QDialog):
    """Accepted once a user is in; ``user`` then holds who and ``db`` the database (opened by this log-in
    when it was encrypted and not yet unlocked: ``db`` None and ``path`` given). ``clock`` gives the
    log-in time. ``refused(message)``: the file failed its checks at this log-in (an encrypted file is
    checked once the log-in has unlocked it); the flow refuses it as at the start-up."""

    refused = Signal(str)

    def __init__(self, db: Database | None, station_name: str, username: str = "",
                 clock: Callable[[], datetime] | None = None, parent: QWidget | None = None,
                 path: Path | None = None):
        super().__init__(parent)
        self._db = db
        self._path = path if path is not None else db.path if db is not None else None
        self._clock = clock or wall_clock
        self.user: auth.UserInfo | None = None
        self._password_used = ""
        self.setWindowTitle(f"{station_name} — 登录")
        self.username = QLineEdit(username)
        self.username.setMaxLength(40)
        self.password = password_field()
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"用户名": self.username, "密码": self.password})
        self._build(station_name)
        (self.password if username else self.username).setFocus()

    def _build(self, station_name: str) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 20)
        layout.setSpacing(12)
        layout.addWidget(heading(station_name, 15, bold=True))
        layout.addWidget(heading(APP_NAME, 11))
        self.where: QLabel | None = None
        if self._db is not None and self._db.server is not None:  # the station's server (issue 19), no secret
            self.where = heading(f"数据在站内服务器：\n{self._db.where()}", 9)
            self.where.setStyleSheet(NOTE_STYLE)
            self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(self.where)
        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(self)  # in the dialog before 登录 is made its default (Enter, not 退出)
        self.login_button = buttons.addButton("登录", QDialogButtonBox.ButtonRole.AcceptRole)
        set_default_button(self.login_button, buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole))
        self.forgot_button: QPushButton | None = None
        on_server = self._db is not None and self._db.server is not None  # its code's hash is in the database
        if on_server or (self._path is not None and keyring_record(self._path) is not None):  # encrypted file
            self.forgot_button = buttons.addButton("忘记密码（使用恢复码）…", QDialogButtonBox.ButtonRole.ResetRole)
            self.forgot_button.setToolTip("用恢复码为管理员账户重设密码")
            self.forgot_button.setAutoDefault(False)
            self.forgot_button.clicked.connect(self.use_recovery_code)
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for field in (self.username, self.password):
            field.setMinimumWidth(FIELD_WIDTH)  # the dialog's width, the same with or without a message
        # The dialog follows its contents: a refusal of two lines (the lock-out) makes it taller, never
        # the fields lower (issue 14: they were squeezed).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)

    def try_login(self) -> None:
        from ..services import auth  # loaded by now, behind this window (AppFlow._prepare)
        self.errors.clear()
        try:
            if not self.username.text().strip():
                raise UserError("请输入用户名。", field="用户名")
            if self._db is None:  # the first log-in of an encrypted database: its password unlocks it
                from ..services import encryption
                assert self._path is not None
                with busy_cursor():
                    self._db = encryption.open_with_password(self._path, self.username.text(),
                                                             self.password.text(), self._clock())
            with busy_cursor():
                user = auth.log_in(self._db, self.username.text(), self.password.text(), at=self._clock())
        except DatabaseRefused as exc:  # not a typing mistake: the file cannot be used (AppFlow refuses it)
            self.password.clear()
            self.errors.show(exc)
            self.refused.emit(exc.message)
            return
        except UserError as exc:
            self.password.clear()
            self.errors.show(exc)
            return
        if user.must_change_password and not self.ask_new_password(user):
            self.password.clear()
            self.errors.show(UserError(MUST_CHANGE, field="密码"))
            return
        self.user = self._reload(user) if user.must_change_password else user
        self._password_used = self.password.text()
        self.accept()

    @property
    def db(self) -> Database | None:
        return self._db

    def take_password(self) -> str:
        """The password the user logged in with, once (an upgrade to an encrypted database needs it)."""
        password, self._password_used = self._password_used, ""
        return password

    def use_recovery_code(self) -> None:
        """忘记密码: the recovery code opens the database (a file's key; checked against its hash on a server)
        and gives an administrator a new password."""
        from ..services import encryption
        from .recovery_dialog import ForgottenPasswordDialog
        path = self._path  # None on a server: the open database is used

        def submit(code: str, username: str, new: str, again: str) -> None:
            with busy_cursor():
                self._db = encryption.recover_admin(path, code, username, new, again, self._clock(), self._db)
            self.username.setText(username.strip())

        if ForgottenPasswordDialog(submit, self).exec() == QDialog.DialogCode.Accepted:
            self.errors.clear()
            self.password.clear()
            self.password.setFocus()

    def _reload(self, user: auth.UserInfo) -> auth.UserInfo:
        from ..services import auth
        with self._db.session() as session:
            return auth.get_user(session, user.id)

    def ask_new_password(self, user: auth.UserInfo) -> bool:
        return ChangePasswordDialog(self._db, user, forced=True, parent=self).exec() == QDialog.DialogCode.Accepted


def wall_clock() -> datetime:
    """``data.base.now``, imported when the first log-in is tried rather than before the window."""
    from ..data.base import now
    return now()


def heading(text: str, points: int, bold: bool = False) -> QLabel:
    label = sized_label(text, points, bold)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label
