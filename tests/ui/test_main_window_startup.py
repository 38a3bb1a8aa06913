"""Start-up around the main window: wizard → log-in → main window → log-in/exit, refusals, crash dialog."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtCore import QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QWizard

from shuanbai_desktop import app, paths
from shuanbai_desktop.data.lock import InstanceLock
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import backup, database_ops, station
from shuanbai_desktop.ui.app_flow import AppFlow
from shuanbai_desktop.ui.crash_dialog import CrashDialog, CrashHandler
from tests.conftest import ADMIN_PASSWORD

PASSWORD = "Qiao2024dong"


@pytest.fixture
def flows():
    made: list[AppFlow] = []
    yield made
    for flow in made:  # hide what a test left open, without running the flow's exit steps
        for dialog in (flow.wizard, flow.login):
            if dialog is not None and dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected)
        if flow.window is not None:
            flow.window.idle_lock.stop()
            flow.window.hide()


def _flow(flows, db) -> AppFlow:
    flow = AppFlow(db, idle_timeout_ms=600_000)
    flows.append(flow)
    return flow


def _log_in(flow, password):
    flow.login.password.setText(password)
    flow.login.login_button.click()


def _finish_wizard(flow):
    wizard = flow.wizard
    wizard.town_page.select_town("441302001")
    wizard.next()
    wizard.next()
    admin = wizard.admin_page
    admin.username.setText("qiaodong")
    admin.display_name.setText("陈副站长")
    admin.password.setText(PASSWORD)
    admin.confirm.setText(PASSWORD)
    wizard.next()
    wizard.summary_page.understood.setChecked(True)  # 我已了解: data are lost with every password and the code
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_first_start_wizard_then_log_in_then_main_window_then_exit(qtbot, flows, empty_db):
    flow = _flow(flows, empty_db)
    flow.start()
    assert flow.wizard.isVisible() and flow.login is None
    _finish_wizard(flow)
    shown = flow.recovery_dialog  # the new recovery code comes first: the log-in waits for it
    assert shown.isVisible() and flow.login is None and not shown.continue_button.isEnabled()
    shown.kept.setChecked(True)
    shown.continue_button.click()
    assert flow.login.isVisible() and flow.login.username.text() == "qiaodong"
    _log_in(flow, PASSWORD)
    assert flow.window.isVisible() and flow.window.ctx.user.username == "qiaodong"
    assert backup.list_backups(paths.backups_dir(empty_db.path))  # the daily backup after log-in
    with qtbot.waitSignal(flow.finished) as finished:
        flow.window.finish("exit")
    assert finished.args == [0]


def test_log_out_returns_to_log_in_and_exit_backup_is_made(qtbot, flows, station_db, monkeypatch):
    made = []
    real = database_ops.maybe_backup
    monkeypatch.setattr(database_ops, "maybe_backup",
                        lambda db, on_exit: made.append((on_exit, real(db, on_exit=on_exit))))
    flow = _flow(flows, station_db)
    flow.start()
    assert flow.wizard is None and flow.login.isVisible()
    flow.login.username.setText("admin")
    _log_in(flow, ADMIN_PASSWORD)
    with flow.window.ctx.session() as s:  # a change, so the exit backup is due
        station.update_station(s, "桥东社工站", "", "")
    flow.window.log_out()
    assert flow.window is None and flow.login.isVisible() and flow.login.username.text() == ""
    assert [on_exit for on_exit, _ in made] == [False, True]
    assert made[1][1].kind is BackupKind.EXIT and made[1][1].ok
    with qtbot.waitSignal(flow.finished):
        flow.login.reject()


def test_request_relogin_goes_back_to_log_in_with_the_same_user(qtbot, flows, station_db):
    flow = _flow(flows, station_db)
    flow.start()
    flow.login.username.setText("admin")
    _log_in(flow, ADMIN_PASSWORD)
    flow.window.ctx.request_relogin(station_db)
    qtbot.waitUntil(lambda: flow.window is None and flow.login is not None and flow.login.isVisible())
    assert flow.login.username.text() == "admin"


@pytest.fixture
def app_state(qapp):
    """make_app() sets the Chinese locale, translators and quit behaviour: put them back afterwards."""
    locale, quits = QLocale(), qapp.quitOnLastWindowClosed()
    translators = set(qapp.findChildren(QTranslator))
    yield
    for translator in set(qapp.findChildren(QTranslator)) - translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(locale)
    qapp.setQuitOnLastWindowClosed(quits)


@pytest.fixture
def quiet_start(monkeypatch, tmp_path, app_state):
    """run_gui without touching the real log or leaving its excepthook behind; messages recorded."""
    said = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(app, "setup_logging", lambda: tmp_path / "shuanbai.log")
    monkeypatch.setattr(app.messages, "error", lambda parent, text, title="": said.append(text))
    return said


def test_second_instance_is_told_and_writes_nothing(qapp, quiet_start, db_path):
    held = InstanceLock(db_path).acquire()
    try:
        assert app.run_gui(db_path) == 0
    finally:
        held.release()
    assert "另一个" in quiet_start[0]
    assert not db_path.exists()


def test_foreign_file_is_refused_with_exit_code_2(qapp, quiet_start, db_path):
    db_path.write_bytes(b"this is not a database at all" * 10)
    assert app.run_gui(db_path) == 2
    assert "不是" in quiet_start[0]
    assert db_path.read_bytes() == b"this is not a database at all" * 10


def _raise(exc):
    try:
        raise exc
    except type(exc) as caught:
        return type(caught), caught, caught.__traceback__


def test_crash_dialog_for_a_bug(qtbot, tmp_path, caplog):
    log_file = tmp_path / "shuanbai.log"
    seen = {}

    def inspect():
        box = QApplication.activeModalWidget()
        assert isinstance(box, CrashDialog)
        seen["hidden"] = not box.details.isVisible()
        box.toggle_button.click()
        seen["shown"] = box.details.isVisible()
        box.copy_details()
        seen["clip"] = QApplication.clipboard().text()
        box.accept()
    QTimer.singleShot(0, inspect)
    with caplog.at_level(logging.CRITICAL):
        CrashHandler(log_file)(*_raise(RuntimeError("证件号 441302199001011234 出错")))
    assert seen["hidden"] and seen["shown"]
    assert "RuntimeError" in seen["clip"] and "441302199001011234" not in seen["clip"]
    assert any(r.levelno == logging.CRITICAL for r in caplog.records)


def test_escaped_user_error_is_a_plain_message(monkeypatch, tmp_path):
    said = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda parent, text, title="": said.append(text))
    CrashHandler(tmp_path / "x.log")(*_raise(UserError("社工站名称不能为空。")))
    assert said == ["社工站名称不能为空。"]


def test_disk_full_outside_a_session_is_a_plain_message(monkeypatch, tmp_path):
    """ENOSPC writing a file (an export, a copy) is the disk's state, not a bug: no crash dialog."""
    import errno
    said = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda parent, text, title="": said.append(text))
    monkeypatch.setattr("shuanbai_desktop.ui.crash_dialog.CrashDialog", None)  # must not be reached
    CrashHandler(tmp_path / "x.log")(*_raise(OSError(errno.ENOSPC, "No space left on device")))
    assert len(said) == 1 and said[0].startswith("磁盘空间不足")


def test_screenshot_script_saves_every_main_screen(qapp, tmp_path, app_state):
    from shuanbai_desktop.ui.screenshots import take_all
    saved = take_all(tmp_path / "shots", with_demo=False)
    names = {p.stem.split("-", 1)[1] for p in saved}
    assert {"wizard-town", "wizard-summary", "login", "main-workbench", "main-settings-backup", "lock",
            "crash-dialog"} <= names
    assert all(p.stat().st_size > 5_000 for p in saved)
