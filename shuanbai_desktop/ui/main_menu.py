"""The main window's menus: 账户 (password, lock, log out, quit) and 帮助 (关于)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox

from .. import APP_NAME, __version__, paths
from . import messages
from .password_dialog import ChangePasswordDialog


def build_menus(window) -> None:
    """Entries call the window's bound methods (no lambdas holding the window: no GC cycles)."""
    account = window.menuBar().addMenu("账户")
    _add(account, "修改密码…", window.change_password)
    _add(account, "锁定屏幕", window.lock_screen, "Ctrl+L")
    account.addSeparator()
    _add(account, "退出登录", window.log_out)
    _add(account, "退出程序", window.quit_app)
    help_menu = window.menuBar().addMenu("帮助")
    _add(help_menu, "关于", window.show_about)


def _add(menu: QMenu, text: str, slot: Callable[[], object], shortcut: str = "") -> QAction:
    action = QAction(text, menu)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def change_password(window) -> None:
    dialog = ChangePasswordDialog(window.ctx.db, window.ctx.user, parent=window)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        messages.info(window, "密码已修改，下次登录请使用新密码。")


def about_box(window) -> QMessageBox:
    db_path = window.ctx.db.path
    text = (f"<h3>{APP_NAME}</h3><p>版本 {__version__}</p>"
            "<p>供广东省兜底民生服务社会工作双百工程乡镇(街道)社工站使用，无需联网，数据保存在本机。</p>"
            f"<p>数据库：{db_path}<br>备份文件夹：{paths.backups_dir(db_path)}<br>日志文件夹：{paths.log_dir()}</p>")
    box = QMessageBox(QMessageBox.Icon.NoIcon, f"关于{APP_NAME}", text, parent=window)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    return box
