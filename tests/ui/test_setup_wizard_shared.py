"""设立向导's 本站数据给谁用 (issue 19): on a PC with a folder every account can use, the first start asks
whether the station is this account's or every account's (the default); the choice decides where the
station is made, and the flow then goes on with that database."""

from __future__ import annotations

import stat

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QWizard

from shuanbai_desktop import paths
from shuanbai_desktop.data import engine
from shuanbai_desktop.data.lock import InstanceLock
from shuanbai_desktop.errors import DatabaseRefused
from shuanbai_desktop.services import opening
from shuanbai_desktop.ui.app_flow import AppFlow
from shuanbai_desktop.ui.setup_pages import SCOPE_OWN, SCOPE_SHARED
from tests.ui.helpers import click, grab, type_text

PASSWORD = "Qiao2024dong"


@pytest.fixture
def flows(monkeypatch):
    monkeypatch.setattr(engine, "_KEYS", {})  # a new start of the program remembers no data key
    monkeypatch.setattr(engine, "_RINGS", {})
    made: list[AppFlow] = []
    yield made
    for flow in made:
        for dialog in (flow.wizard, flow.login, getattr(flow, "recovery_dialog", None)):
            if dialog is not None and dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected)
        if flow.db is not None:
            flow.db.close()
        if flow._station_lock is not None:
            flow._station_lock.release()


@pytest.fixture
def machine(tmp_path, monkeypatch):
    folder = tmp_path / "machine"
    folder.mkdir()
    monkeypatch.setenv(paths.ENV_MACHINE_DIR, str(folder))
    return folder


def _start(flows) -> AppFlow:
    path = paths.resolve_db_path(None)  # as the program's start: no --db
    flow = AppFlow(None, idle_timeout_ms=600_000, path=path, state=opening.inspect(path))
    flows.append(flow)
    flow.start()
    return flow


def _to_admin_page(wizard) -> None:
    wizard.town_page.select_town("441302001")
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.admin_page
    admin = wizard.admin_page
    type_text(admin.username, "qiaodong")
    type_text(admin.display_name, "陈副站长")
    type_text(admin.password, PASSWORD)
    type_text(admin.confirm, PASSWORD)


def _finish(qtbot, wizard, shot: str = "") -> None:
    wizard.next()
    if shot:
        grab(wizard, shot)
    box = wizard.summary_page.understood
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))  # 我已了解
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))


def test_shared_by_default_made_in_the_machine_folder_and_the_flow_goes_on_with_it(qtbot, flows, machine):
    flow = _start(flows)
    wizard = flow.wizard
    _to_admin_page(wizard)
    admin = wizard.admin_page
    assert admin.shared.text() == SCOPE_SHARED and admin.own.text() == SCOPE_OWN
    assert admin.shared.isChecked() and admin.shared.isVisible()  # the default when the folder is there
    grab(wizard, "setup-wizard-shared-choice")
    _finish(qtbot, wizard, "setup-wizard-shared-summary")
    assert ("本站数据", f"本机所有账户共用（{machine}）") in wizard.summary_rows()

    station = machine / "station.db"
    assert flow.db is not None and flow.db.path == station and flow.path == station
    assert not paths.own_db_path().exists()  # nothing in this account's own folder
    assert stat.S_IMODE(station.stat().st_mode) == 0o660
    with pytest.raises(DatabaseRefused, match="另一个账户"):  # its lock is held: a second account must wait
        InstanceLock(station).acquire()
    flow.recovery_dialog.kept.setChecked(True)
    click(qtbot, flow.recovery_dialog.continue_button)
    assert flow.login.isVisible() and flow.login.username.text() == "qiaodong"
    assert paths.resolve_db_path(None) == station  # the next start, of any account, opens this one

    flow.login.reject()  # leaving: the lock goes with the flow
    assert flow._station_lock is None
    InstanceLock(station).acquire().release()


def test_this_account_only_makes_it_in_the_accounts_own_folder(qtbot, flows, machine):
    flow = _start(flows)
    _to_admin_page(flow.wizard)
    flow.wizard.admin_page.own.setChecked(True)
    _finish(qtbot, flow.wizard)
    own = paths.own_db_path()
    assert flow.db.path == own and own.stat().st_size > 0
    assert stat.S_IMODE(own.stat().st_mode) == 0o600
    assert list(machine.iterdir()) == [] and flow.wizard.lock is None
    assert paths.resolve_db_path(None) == own


def test_no_question_without_a_machine_folder_or_for_a_chosen_path(qtbot, flows, tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_MACHINE_DIR, str(tmp_path / "none"))
    flow = _start(flows)
    assert flow.wizard.admin_page.shared is None

    (tmp_path / "machine").mkdir()
    monkeypatch.setenv(paths.ENV_MACHINE_DIR, str(tmp_path / "machine"))
    chosen = tmp_path / "chosen.db"  # --db: that file, no question
    other = AppFlow(None, idle_timeout_ms=600_000, path=chosen, state=opening.inspect(chosen))
    flows.append(other)
    other.start()
    assert other.wizard.admin_page.shared is None
