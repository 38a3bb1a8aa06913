"""The first start on a new path through the real flow (issue 17): set-up wizard → recovery code → log-in →
main window, then a second start on the same, now encrypted, file: the log-in unlocks it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWizard

from shuanbai_desktop.data import engine
from shuanbai_desktop.data.keyring import keyring_path
from shuanbai_desktop.services import opening
from shuanbai_desktop.ui.app_flow import AppFlow
from tests.ui.helpers import click, grab, type_text

PASSWORD = "Qiao2024dong"
STATION = "桥东街道社会工作服务站"  # the wizard's default name for 桥东街道


@pytest.fixture
def flows():
    made: list[AppFlow] = []
    yield made
    for flow in made:  # hide what a test left open, without running the flow's exit steps
        shown = getattr(flow, "recovery_dialog", None)
        for dialog in (flow.wizard, flow.login, shown):
            if dialog is not None and dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected)
        if flow.window is not None:
            flow.window.idle_lock.stop()
            flow.window.hide()
        if flow.db is not None:
            flow.db.close()


@pytest.fixture
def fresh_process(monkeypatch):
    """No data key remembered in this process (what a new start of the program has): set per test, so that
    the key this test unlocks never reaches another test."""
    monkeypatch.setattr(engine, "_KEYS", {})
    monkeypatch.setattr(engine, "_RINGS", {})


def _start(flows, path) -> AppFlow:
    flow = AppFlow(None, idle_timeout_ms=600_000, path=path, state=opening.inspect(path))
    flows.append(flow)
    flow.start()
    return flow


def _set_up(qtbot, wizard) -> None:
    wizard.town_page.select_town("441302001")
    wizard.next()
    assert wizard.station_page.name.text() == STATION
    wizard.next()
    admin = wizard.admin_page
    type_text(admin.username, "qiaodong")
    type_text(admin.display_name, "陈副站长")
    type_text(admin.password, PASSWORD)
    type_text(admin.confirm, PASSWORD)
    wizard.next()
    box = wizard.summary_page.understood
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # 我已了解
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))


def _log_in(qtbot, login, password: str, username: str = "") -> None:
    if username:
        login.username.clear()
        type_text(login.username, username)
    login.password.clear()
    type_text(login.password, password)
    click(qtbot, login.login_button)


def _exit(qtbot, flow) -> None:
    with qtbot.waitSignal(flow.finished) as finished:
        flow.window.finish("exit")
    assert finished.args == [0] and flow.window is None


def test_new_path_set_up_recovery_code_log_in_then_a_second_start_unlocks(qtbot, flows, fresh_process, tmp_path):
    path = tmp_path / "社工站 数据" / "station.db"  # a space and Chinese in the path: the URI is quoted
    path.parent.mkdir()
    assert opening.inspect(path).kind is opening.FileKind.NEW

    flow = _start(flows, path)
    assert flow.wizard.isVisible() and flow.login is None and flow.db is None
    _set_up(qtbot, flow.wizard)
    shown = flow.recovery_dialog
    assert shown.isVisible() and flow.login is None  # the code first: the log-in waits for it
    code = shown.code_label.text().replace("\n", "-")
    assert len(code.replace("-", "")) == 40
    grab(shown, "encrypted-start-recovery-code")
    assert not shown.continue_button.isEnabled()
    shown.kept.setChecked(True)
    click(qtbot, shown.continue_button)
    assert flow.login.isVisible() and flow.login.username.text() == "qiaodong"
    assert flow.login.windowTitle() == f"{STATION} — 登录"
    _log_in(qtbot, flow.login, PASSWORD)
    assert flow.window.isVisible() and flow.window.ctx.user.username == "qiaodong"
    assert flow.window.ctx.station.name == STATION
    _exit(qtbot, flow)

    # What is on disk now: an encrypted file with its key file, which names the station
    assert not engine.is_plain_file(path) and keyring_path(path).exists()
    assert b"SQLite format 3" not in path.read_bytes()[:16]
    state = opening.inspect(path)
    assert state.kind is opening.FileKind.ENCRYPTED and state.station_name == STATION

    # A second start (nothing remembered: a new process) begins at the log-in, titled from the key file
    engine._KEYS.clear()
    engine._RINGS.clear()
    second = _start(flows, path)
    assert second.wizard is None and second.login.isVisible() and second.db is None
    assert second.login.windowTitle() == f"{STATION} — 登录"
    assert second.login.forgot_button is not None  # encrypted: 忘记密码… (the recovery code) is offered
    _log_in(qtbot, second.login, "Wrong2024pass", username="qiaodong")
    assert second.login.errors.text == "用户名或密码错误。"
    assert second.login.isVisible() and second.login.db is None and engine.key_for(path) is None
    assert second.login.password.text() == ""
    grab(second.login, "encrypted-start-log-in-refused")
    _log_in(qtbot, second.login, PASSWORD)
    assert second.window.isVisible() and second.window.ctx.user.username == "qiaodong"
    assert second.db is not None and engine.key_for(path) is not None
    _exit(qtbot, second)
    QApplication.processEvents()
