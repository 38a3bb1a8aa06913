"""The main window: every registered area reachable, the status bar, the 工作台, the menus."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from shuanbai_desktop import paths
from shuanbai_desktop.data.base import now
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.services import auth, backup
from shuanbai_desktop.services.workbench import Level
from shuanbai_desktop.ui.main_window import AREAS, MainWindow
from shuanbai_desktop.ui.password_dialog import ChangePasswordDialog
from shuanbai_desktop.ui.workbench_view import LEVEL_COLORS, WorkbenchView, date_text
from tests.conftest import ADMIN_PASSWORD
from tests.ui.helpers import grab


@pytest.fixture
def window(qtbot, ctx):
    w = MainWindow(ctx, idle_timeout_ms=600_000)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.area_widget("workbench").refreshed):  # the 工作台 loads once shown
        w.show()
    yield w
    w.idle_lock.stop()


def _nav_labels(window):
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_navigation_lists_every_registered_area_workbench_first(window):
    assert _nav_labels(window) == [a.label for a in AREAS]
    assert _nav_labels(window)[0] == "工作台" and window.current_area == "workbench"
    assert "设置" in _nav_labels(window)


def test_every_area_opens(qtbot, window):
    for row, area in enumerate(AREAS):
        window.nav.setCurrentRow(row)
        widget = window.stack.currentWidget()
        assert widget is window.area_widget(area.key) and widget.isVisible()
        grab(window, f"main-window-{area.key}")


def test_navigation_by_key_reaches_settings_pages(window):
    for key in ("settings.station", "settings.users", "settings.backup", "settings.audit", "settings.security"):
        assert window.navigate(key)
        assert window.current_area == "settings"
        assert window.area_widget("settings").current_key() == key
    assert not window.navigate("nowhere")


def test_title_and_status_bar(window, ctx):
    assert window.windowTitle() == "社工站工作平台 — 桥东街道社会工作服务站"
    assert window.user_label.text() == "用户：李副站长（管理员）"
    assert window.station_label.text() == "站点：桥东街道社会工作服务站"
    assert window.db_label.text() == f"数据库：{ctx.db.path}"


def test_opens_maximised_on_a_screen_smaller_than_1440x900(window):
    assert window.isMaximized()  # the tests' screen is 1366×768 (more in test_window_geometry.py)
    assert window.height() <= 768 and window.statusBar().isVisible()


def test_workbench_greets_and_shows_a_new_station_has_no_points(qtbot, window):
    view = window.area_widget("workbench")
    assert isinstance(view, WorkbenchView)
    assert view.greeting.text() == "您好，李副站长！"
    assert view.date_label.text() == f"今天是 {date_text(now())}"
    assert "共 13 个村(居)" in view.station_line.text() and "社工点 0 个" in view.station_line.text()
    assert "0.0%" in view.station_line.text()
    titles = [item.title for item in view.items]
    assert "尚未设立社工点" in titles
    grab(window, "main-window-workbench-new-station")


def test_date_text_names_the_weekday():
    from datetime import datetime
    assert date_text(datetime(2024, 5, 6)) == "2024-05-06 星期一"
    assert date_text(datetime(2024, 5, 12)) == "2024-05-12 星期日"


def test_double_click_opens_the_items_screen(qtbot, window):
    view = window.area_widget("workbench")
    row = next(i for i, item in enumerate(view.items) if item.title == "尚未设立社工点")
    rect = view.table.visualRect(view.model.index(row, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a real double
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # click presses first
    assert window.current_area == "settings"
    assert window.area_widget("settings").current_key() == "settings.station"


def test_overdue_backup_is_red_and_refresh_picks_it_up(qtbot, window, ctx):
    view = window.area_widget("workbench")
    folder = paths.backups_dir(ctx.db.path)
    backup.make_backup(ctx.db.path, folder, BackupKind.MANUAL, at=now() - timedelta(days=10))
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    row = next(i for i, item in enumerate(view.items) if item.area == "settings.backup")
    assert view.items[row].level is Level.OVERDUE and "10 天" in view.items[row].title
    brush = view.model.data(view.model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush.color().name() == LEVEL_COLORS[Level.OVERDUE]
    todo_row = next(i for i, item in enumerate(view.items) if item.level is Level.TODO)
    assert view.model.data(view.model.index(todo_row, 0), Qt.ItemDataRole.ForegroundRole) is None
    view.table.selectRow(row)
    view.open_button.click()
    assert window.area_widget("settings").current_key() == "settings.backup"


def _action(window, text):
    for menu in window.menuBar().actions():
        for action in menu.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(f"no menu entry {text}")


def test_menu_change_password(qtbot, window, station_db, monkeypatch):
    said = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda parent, text, title="": said.append(text))

    def answer():
        box = QApplication.activeModalWidget()
        assert isinstance(box, ChangePasswordDialog)
        box.old.setText(ADMIN_PASSWORD)
        box.new.setText("Xin2024mima")
        box.confirm.setText("Xin2024mima")
        box.save()
    QTimer.singleShot(0, answer)
    _action(window, "修改密码…").trigger()
    assert said and "密码已修改" in said[0]
    assert auth.log_in(station_db, "admin", "Xin2024mima").username == "admin"


def test_menu_lock_and_about(qtbot, window):
    _action(window, "锁定屏幕").trigger()
    assert window.idle_lock.is_locked
    window.idle_lock.dialog.password.setText(ADMIN_PASSWORD)
    window.idle_lock.dialog.unlock_button.click()
    assert not window.idle_lock.is_locked
    seen = []

    def close_about():
        box = QApplication.activeModalWidget()
        seen.append(box.text())
        assert isinstance(box, QMessageBox)
        box.buttons()[0].click()
    QTimer.singleShot(0, close_about)
    _action(window, "关于").trigger()
    assert "版本" in seen[0] and str(window.ctx.db.path) in seen[0]


@pytest.mark.parametrize(("text", "reason"), [("退出登录", "logout"), ("退出程序", "exit")])
def test_menu_log_out_and_quit(qtbot, window, text, reason):
    with qtbot.waitSignal(window.closed) as closed:
        _action(window, text).trigger()
    assert closed.args == [reason] and not window.isVisible()


def test_closing_the_window_takes_its_user_out_of_the_month_override(qtbot, ctx):
    """After log-out, a screen opened for the next user must not ask for a reason with the rights of the one
    before (the override handler reads the current user)."""
    from shuanbai_desktop.ui.report import month_override
    w = MainWindow(ctx, idle_timeout_ms=600_000)
    qtbot.addWidget(w)
    assert month_override.CURRENT.get("ctx") is ctx
    w.close()
    assert "ctx" not in month_override.CURRENT


def test_f5_reloads_the_area_in_front(qtbot, window):
    """F5 (转到 → 刷新本页) reads the area in front again — another PC's work on a station server, the CLI's."""
    assert window.current_area == "workbench"
    with qtbot.waitSignal(window.area_widget("workbench").refreshed, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    assert window.statusBar().currentMessage() == "已刷新。"
    titles = [a.text() for a in window.menuBar().actions()[1].menu().actions()]
    assert "刷新本页" in titles
