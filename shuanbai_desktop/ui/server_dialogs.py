"""The station server's dialogs (issue 19): its password, asked when neither ``PGPASSWORD`` nor the pgpass
file gives one (``backend.set_password_prompt``), and what to do when the remembered server cannot be used
at the start (重试 / 改用其他服务器… / 退出).

The password is kept in this process's memory only (never written): the set-up wizard hands the one typed
on its page to ``know_password``, so the database's connections made after 测试连接 do not ask again.
"""

from __future__ import annotations

import logging
import threading
from enum import Enum

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ..data import backend
from ..data.backend import ServerTarget
from .password_dialog import password_field
from .widgets import dialog_buttons, note

log = logging.getLogger(__name__)

_KNOWN: dict[tuple, str] = {}  # (user, host, port, database) → the password given in this run


def _key(target: ServerTarget) -> tuple:
    return target.username, target.host, target.port, target.database


def know_password(target: ServerTarget, password: str) -> None:
    """The password typed for ``target`` (the wizard's field): given to the connections without asking."""
    if password:
        _KNOWN[_key(target)] = password


def forget_passwords() -> None:
    _KNOWN.clear()


class ServerPasswordDialog(QDialog):
    """数据库服务器的密码: one password field, 确定/取消; nothing is stored."""

    def __init__(self, target: ServerTarget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("数据库服务器的密码")
        self.password = password_field()
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.setSpacing(12)
        layout.addWidget(QLabel(f"连接站内服务器：{target.display()}\n需要登录用户“{target.username or '（默认）'}”的密码。"))
        form = QFormLayout()
        form.addRow("密码：", self.password)
        layout.addLayout(form)
        layout.addWidget(note("密码不会保存在这台电脑上。每次启动程序时输入，或由服务器管理员为这台电脑"
                              "设置 pgpass 密码文件（见 docs/server.md）。"))
        box, ok = dialog_buttons(self, "确定")
        ok.clicked.connect(self.accept)
        layout.addWidget(box)
        self.password.setFocus()


def ask_password(target: ServerTarget) -> str | None:
    """The prompt the GUI installs (``install``): a password given earlier in this run, else the dialog —
    on the GUI thread only (a connection made by a background job gets None: it is refused, said there)."""
    known = _KNOWN.get(_key(target))
    if known:
        return known
    app = QApplication.instance()
    if app is None or threading.current_thread() is not threading.main_thread():
        log.info("server password asked outside the GUI thread: not asked")
        return None
    dialog = ServerPasswordDialog(target, QApplication.activeWindow())
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.password.text():
        return None
    know_password(target, dialog.password.text())
    return dialog.password.text()


def install() -> None:
    backend.set_password_prompt(ask_password)


class Unreachable(Enum):
    RETRY = "retry"
    OTHER = "other"
    QUIT = "quit"


RETRY_TEXT = "重试"
OTHER_TEXT = "改用其他服务器…"
QUIT_TEXT = "退出"


def unreachable_box(target: ServerTarget, message: str, parent: QWidget | None = None) -> QMessageBox:
    """The start's question when the station's server cannot be used: the reason, where, the three ways on."""
    box = QMessageBox(QMessageBox.Icon.Warning, "无法连接站内服务器",
                      f"{message}\n\n本机记住的站内服务器：{target.display()}\n"
                      f"共用文件夹：{target.shared_dir}\n\n"
                      "服务器电脑关着时，请先打开它（或请管理员处理），再点“重试”。程序不会另建一个空的社工站。",
                      parent=parent)
    box.retry = box.addButton(RETRY_TEXT, QMessageBox.ButtonRole.AcceptRole)  # type: ignore[attr-defined]
    box.other = box.addButton(OTHER_TEXT, QMessageBox.ButtonRole.ActionRole)  # type: ignore[attr-defined]
    box.quit = box.addButton(QUIT_TEXT, QMessageBox.ButtonRole.RejectRole)  # type: ignore[attr-defined]
    box.setDefaultButton(box.retry)  # type: ignore[attr-defined]
    box.setEscapeButton(box.quit)  # type: ignore[attr-defined]
    return box


def answer(box: QMessageBox) -> Unreachable:
    clicked = box.clickedButton()
    if clicked is box.retry:  # type: ignore[attr-defined]
        return Unreachable.RETRY
    if clicked is box.other:  # type: ignore[attr-defined]
        return Unreachable.OTHER
    return Unreachable.QUIT
