"""锁屏: idle → locked over everything; wrong password stays locked; right password → all as it was."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QFormLayout, QLineEdit

from shuanbai_desktop.services import settings
from shuanbai_desktop.ui.app_flow import AppFlow
from shuanbai_desktop.ui.idle_lock import IdleLock, _Cover
from shuanbai_desktop.ui.lock_dialog import SESSION_ENDED
from shuanbai_desktop.ui.main_window import MainWindow
from tests.conftest import ADMIN_PASSWORD
from tests.ui.helpers import grab, type_text

IDLE_MS = 150


@pytest.fixture
def window(qtbot, ctx):
    w = MainWindow(ctx, idle_timeout_ms=60_000)  # a test shortens it once its form is open
    qtbot.addWidget(w)
    w.show()
    yield w
    w.idle_lock.stop()


def _open_form(qtbot, window) -> tuple[QDialog, QLineEdit]:
    """A form someone was filling in when they walked away."""
    form = QDialog(window)
    form.setWindowTitle("登记")
    field = QLineEdit()
    QFormLayout(form).addRow("姓名：", field)
    form.open()
    qtbot.waitExposed(form)
    type_text(field, "张三丰")
    return form, field


def _unlock_with(lock, password: str) -> None:
    lock.password.setText(password)
    lock.unlock_button.click()


def _go_idle(window) -> None:
    window.idle_lock.timer.setInterval(IDLE_MS)
    window.idle_lock.timer.start()


def test_injected_timeout_locks_the_main_window(qtbot, ctx):
    window = MainWindow(ctx, idle_timeout_ms=IDLE_MS)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.idle_lock.is_locked)
    assert window.idle_lock.dialog.isVisible()
    _unlock_with(window.idle_lock.dialog, ADMIN_PASSWORD)
    assert not window.idle_lock.is_locked
    window.idle_lock.stop()


def test_locks_after_idle_and_unlocks_with_the_form_intact(qtbot, window):
    form, field = _open_form(qtbot, window)
    _go_idle(window)
    qtbot.waitUntil(lambda: window.idle_lock.is_locked)
    lock = window.idle_lock.dialog
    assert lock.isVisible() and lock.isModal()
    assert QApplication.activeModalWidget() is lock
    grab(window, "main-window-locked")
    grab(lock, "lock-dialog")
    _unlock_with(lock, "not-my-password1")
    assert window.idle_lock.is_locked and lock.isVisible()
    assert "密码不正确" in lock.errors.text
    _unlock_with(lock, ADMIN_PASSWORD)
    assert not window.idle_lock.is_locked and not lock.isVisible()
    assert form.isVisible() and field.text() == "张三丰"
    assert window.isVisible()


def test_windows_underneath_are_covered_while_locked(qtbot, window):
    form, _field = _open_form(qtbot, window)
    window.lock_screen()
    for underneath in (window, form):
        cover = underneath.findChild(_Cover)
        assert cover.isVisible() and cover.geometry() == underneath.rect()
    _unlock_with(window.idle_lock.dialog, ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: window.findChild(_Cover) is None and form.findChild(_Cover) is None)


def _press_key(widget) -> None:
    QApplication.sendEvent(widget, QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Shift,
                                             Qt.KeyboardModifier.NoModifier))


def test_input_restarts_the_countdown_but_not_while_locked(qtbot, window):
    timer = window.idle_lock.timer
    timer.stop()
    _press_key(window)
    assert timer.isActive()  # any key or mouse input starts the countdown again
    window.lock_screen()
    assert not timer.isActive()
    _press_key(window.idle_lock.dialog)
    assert not timer.isActive()
    _unlock_with(window.idle_lock.dialog, ADMIN_PASSWORD)
    assert timer.isActive()


def test_escape_and_close_do_not_unlock(qtbot, window):
    window.lock_screen()
    lock = window.idle_lock.dialog
    qtbot.keyClick(lock, Qt.Key.Key_Escape)
    lock.close()
    assert lock.isVisible() and window.idle_lock.is_locked
    _unlock_with(lock, ADMIN_PASSWORD)


def test_too_many_wrong_passwords_log_out(qtbot, window, monkeypatch):
    notices = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda parent, text, title="": notices.append(text))
    window.lock_screen()
    lock = window.idle_lock.dialog
    with qtbot.waitSignal(window.closed) as closed:
        for _ in range(5):
            _unlock_with(lock, "not-my-password1")
    assert closed.args == ["logout"]
    assert "已退出登录" in notices[0]
    assert not window.isVisible()


def test_lock_screen_failures_lock_the_account_and_end_the_session(qtbot, station_db, monkeypatch):
    """Wrong passwords on the lock screen count toward the account's lock-out: after five the session
    ends, the log-in window is back, and even the right password now waits for the lock to end."""
    notices = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda parent, text, title="": notices.append(text))
    monkeypatch.setattr("shuanbai_desktop.services.database_ops.maybe_backup", lambda db, on_exit: None)
    flow = AppFlow(station_db, idle_timeout_ms=600_000)
    flow.start()
    try:
        flow.login.username.setText("admin")
        flow.login.password.setText(ADMIN_PASSWORD)
        flow.login.login_button.click()
        window = flow.window
        window.lock_screen()
        lock = window.idle_lock.dialog
        for left in (4, 3, 2, 1):
            _unlock_with(lock, "not-my-password1")
            assert lock.errors.text == f"密码不正确，请重新输入（再输错 {left} 次，账户将被锁定并退出登录）。"
        with qtbot.waitSignal(window.closed) as closed:
            _unlock_with(lock, "not-my-password1")
        assert closed.args == ["logout"]
        assert notices == [SESSION_ENDED]
        assert flow.window is None and flow.login.isVisible()
        flow.login.username.setText("admin")
        flow.login.password.setText(ADMIN_PASSWORD)
        flow.login.login_button.click()
        assert "已锁定" in flow.login.errors.text and flow.window is None
    finally:
        if flow.login is not None:
            flow.login.done(QDialog.DialogCode.Rejected)
        if flow.window is not None:
            flow.window.idle_lock.stop()
            flow.window.hide()


def test_log_out_from_the_lock_asks_then_closes(qtbot, window, monkeypatch):
    answers = [False, True]
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: answers.pop(0))
    form, _field = _open_form(qtbot, window)
    window.lock_screen()
    lock = window.idle_lock.dialog
    lock.logout_button.click()  # "no": still locked
    assert window.idle_lock.is_locked and window.isVisible()
    with qtbot.waitSignal(window.closed) as closed:
        lock.logout_button.click()
    assert closed.args == ["logout"]
    assert not form.isVisible() and not window.isVisible()


def test_timeout_comes_from_the_settings(qtbot, ctx, station_db):
    with station_db.session() as s:
        settings.set_int(s, "session.idle_lock_minutes", 3)
    lock = IdleLock(ctx, None, lambda: None)
    assert lock.timer.interval() == 3 * 60_000
    assert IdleLock(ctx, None, lambda: None, timeout_ms=50).timer.interval() == 50
