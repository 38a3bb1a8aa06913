"""登录: one message for every failure, the lock-out and its minutes after the right password; a reset
password must be changed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth
from shuanbai_desktop.ui.login_dialog import MUST_CHANGE, LoginDialog
from shuanbai_desktop.ui.password_dialog import ChangePasswordDialog
from tests.conftest import ADMIN_PASSWORD
from tests.ui.helpers import grab

STATION = "桥东街道社会工作服务站"
T0 = datetime(2024, 5, 6, 9, 0, 0)


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock():
    return Clock(T0)


@pytest.fixture
def dialog(qtbot, station_db, clock):
    d = LoginDialog(station_db, STATION, clock=clock)
    qtbot.addWidget(d)
    d.show()
    return d


def _attempt(qtbot, dialog, username, password):
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)


def test_station_name_is_the_title(dialog):
    assert STATION in dialog.windowTitle()
    grab(dialog, "login")


def test_right_password_logs_in(qtbot, dialog):
    with qtbot.waitSignal(dialog.accepted):
        _attempt(qtbot, dialog, "admin", ADMIN_PASSWORD)
    assert dialog.user.username == "admin" and dialog.user.role is Role.ADMIN


def test_empty_user_name_is_asked_for(qtbot, dialog):
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.text == "请输入用户名。"
    assert dialog.user is None


WRONG = "用户名或密码错误。连续输错 5 次，账户将锁定 15 分钟。"


def test_unknown_user_gets_the_same_message_as_a_wrong_password(qtbot, dialog):
    _attempt(qtbot, dialog, "nobody", "whatever1")
    assert dialog.errors.text == WRONG
    _attempt(qtbot, dialog, "admin", "whatever1")
    assert dialog.errors.text == WRONG


def test_five_wrong_passwords_lock_then_the_lock_ends(qtbot, dialog, clock):
    for _ in range(5):
        _attempt(qtbot, dialog, "admin", "wrong-pass1")
        assert dialog.errors.text == WRONG
        assert dialog.password.text() == ""
    assert dialog.error_label.isVisible()
    clock.at = T0 + timedelta(minutes=1)
    _attempt(qtbot, dialog, "admin", "wrong-pass2")  # locked, but a wrong password is not told so
    assert dialog.errors.text == WRONG
    clock.at = T0 + timedelta(minutes=5)
    _attempt(qtbot, dialog, "admin", ADMIN_PASSWORD)  # the right password hears of the lock
    assert "已锁定" in dialog.errors.text and "请 10 分钟后再试" in dialog.errors.text
    grab(dialog, "login-locked")
    assert dialog.user is None
    clock.at = T0 + timedelta(minutes=15, seconds=1)
    with qtbot.waitSignal(dialog.accepted):
        _attempt(qtbot, dialog, "admin", ADMIN_PASSWORD)
    assert dialog.user.username == "admin"


def _user_who_must_change(db):
    with db.session() as s:
        auth.create_user(s, "chuangkou", "王窗口", Role.WINDOW, "Temp2024pw", must_change=True)


def _answer_change_dialog(new: str, old: str = "Temp2024pw", accept: bool = True):
    def answer():
        box = QApplication.activeModalWidget()
        assert isinstance(box, ChangePasswordDialog)
        if not accept:
            box.reject()
            return
        box.old.setText(old)
        box.new.setText(new)
        box.confirm.setText(new)
        box.save()
    QTimer.singleShot(0, answer)


def test_reset_password_must_be_changed_first(qtbot, dialog, station_db):
    _user_who_must_change(station_db)
    _answer_change_dialog("Neu2024pass")
    with qtbot.waitSignal(dialog.accepted):
        _attempt(qtbot, dialog, "chuangkou", "Temp2024pw")
    assert dialog.user.username == "chuangkou" and not dialog.user.must_change_password
    assert auth.log_in(station_db, "chuangkou", "Neu2024pass").role is Role.WINDOW


def test_declining_the_change_stays_at_log_in(qtbot, dialog, station_db):
    _user_who_must_change(station_db)
    _answer_change_dialog("", accept=False)
    _attempt(qtbot, dialog, "chuangkou", "Temp2024pw")
    assert dialog.errors.text == MUST_CHANGE
    assert dialog.user is None and dialog.isVisible()


def test_change_password_dialog_messages(qtbot, station_db, admin):
    box = ChangePasswordDialog(station_db, admin)
    qtbot.addWidget(box)
    box.show()
    box.old.setText("not-it-123")
    box.new.setText("Neu2024pass")
    box.confirm.setText("Neu2024pass")
    box.save()
    assert box.errors.text == "原密码不正确。"
    box.old.setText(ADMIN_PASSWORD)
    box.confirm.setText("Neu2024pasz")
    box.save()
    assert "两次输入的新密码不一致" in box.errors.text
    box.new.setText("short1")
    box.confirm.setText("short1")
    box.save()
    assert box.errors.text == "密码至少需要 8 位。"
    box.new.setText("password1")
    box.confirm.setText("password1")
    box.save()
    assert box.errors.text.startswith("密码太容易被猜到（是常见密码")
    assert box.result() != QDialog.DialogCode.Accepted
    grab(box, "change-password-error")
