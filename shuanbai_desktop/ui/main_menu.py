"""The main window's menus: 账户 (password, lock, log out, quit), 转到 (全局搜索 Ctrl+F, 刷新本页 F5, the areas
Ctrl+1…8) and 帮助 (使用手册 F1, 关于). The menu actions carry the keys, so they work anywhere in the main window."""

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
    go = window.menuBar().addMenu("转到")
    _add(go, "全局搜索…", window.open_global_search, "Ctrl+F")
    _add(go, "刷新本页", window.refresh_page, "F5")
    go.addSeparator()
    for row, area in enumerate(window.areas[:9]):
        action = QAction(area.label, go)
        action.setShortcut(QKeySequence(area_shortcut(row)))
        action.setData(row)
        go.addAction(action)
    go.triggered.connect(window.go_to_action)  # the menu passes the action chosen (its data: the row)
    help_menu = window.menuBar().addMenu("帮助")
    _add(help_menu, "本页帮助", window.show_help, "F1")
    _add(help_menu, "使用手册目录", window.show_manual)
    help_menu.addSeparator()
    _add(help_menu, "关于", window.show_about)


def area_shortcut(row: int) -> str:
    """Ctrl+1 … Ctrl+9 for the areas in the order of the navigation column."""
    return f"Ctrl+{row + 1}" if row < 9 else ""


def area_tooltip(label: str, row: int) -> str:
    keys = area_shortcut(row)
    return f"{label}（{keys}）" if keys else label


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
    db = window.ctx.db
    text = (f"<h3>{APP_NAME}</h3><p>版本 {__version__}</p>"
            "<p>供广东省兜底民生服务社会工作双百工程乡镇(街道)社工站使用，无需联网，数据保存在本机。</p>"
            f"<p>数据库：{db.where()}<br>备份文件夹：{paths.backups_dir(db.anchor)}<br>日志文件夹：{paths.log_dir()}</p>")
    box = QMessageBox(QMessageBox.Icon.NoIcon, f"关于{APP_NAME}", text, parent=window)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    return box
