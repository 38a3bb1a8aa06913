"""连接站内服务器 (issue 19): the first start's wizard connects to a PostgreSQL server (the tests' throwaway
cluster, tests/pgcluster.py) — an empty database gets a new station made there, one with a station goes
straight to its log-in — driven by the keyboard; the choice is remembered on this PC and the next start
goes there without asking (``--db``/``SHUANBAI_DB`` still override); a server that cannot be used at a
later start asks 重试 / 改用其他服务器… / 退出 and never opens an empty station."""

from __future__ import annotations

import json
import os
from itertools import count

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWizard

from shuanbai_desktop import cli, paths, server_choice
from shuanbai_desktop.data import backend
from shuanbai_desktop.services import database_ops, opening
from shuanbai_desktop.ui import server_dialogs
from shuanbai_desktop.ui.app_flow import AppFlow
from shuanbai_desktop.ui.setup_pages import WHERE_SERVER
from shuanbai_desktop.ui.setup_wizard import SERVER_PAGE, TOWN_PAGE
from tests import pgcluster
from tests.conftest import ADMIN_PASSWORD
from tests.ui.helpers import grab, type_text

PASSWORD = "Qiao2024dong"
_NAMES = count(1)


@pytest.fixture
def remembered(tmp_path, monkeypatch):
    """This account's remembered-server file, per test (the config folder is the whole run's)."""
    file = tmp_path / "config" / server_choice.FILE_NAME
    monkeypatch.setattr(server_choice, "own_file", lambda: file)
    return file


@pytest.fixture
def flows(monkeypatch, remembered):
    # The backups of a server station are tests/db/test_server_backup.py's: here the log-in goes on without one.
    monkeypatch.setattr(database_ops, "maybe_backup", lambda db, on_exit, progress=None: None)
    made: list[AppFlow] = []
    yield made
    for flow in made:
        if flow.unreachable is not None:
            flow.unreachable.done(0)
        for dialog in (flow.wizard, flow.login):
            if dialog is not None and dialog.isVisible():
                dialog.done(QDialog.DialogCode.Rejected)
        if flow.window is not None:
            flow.window.close()
        if flow.wizard is not None and flow.wizard.db is not None and flow.wizard.db is not flow.db:
            flow.wizard.db.close()
        if flow.db is not None:
            flow.db.close()
    backend.set_password_prompt(None)
    server_dialogs.forget_passwords()


@pytest.fixture
def empty_database(pg_server, request) -> str:
    name = f"connect_{os.getpid()}_{next(_NAMES)}"
    pg_server.create_database(name)
    request.addfinalizer(lambda: pg_server.drop_database(name))
    return name


@pytest.fixture
def station_database(pg_server, pg_station_template, request, tmp_path):
    """A copy of the tests' server station (桥东街道, administrator ``admin``) and its shared folder."""
    name = f"connect_{os.getpid()}_{next(_NAMES)}"
    made = pgcluster.copy_station(*pg_station_template, name, tmp_path / "shared")
    request.addfinalizer(lambda: pg_server.drop_database(name))
    return made


def _keep_recovery_code(qtbot, flow: AppFlow, code: str) -> None:
    """The new station's recovery code, shown before the log-in: it is the one in force on the server."""
    from shuanbai_desktop.services import server_recovery
    shown = flow.recovery_dialog
    assert shown is not None and shown.isVisible() and flow.login is None
    assert shown.code_label.text().replace("\n", "-") == code
    with flow.db.session() as s:
        server_recovery.check(s, code)
    shown.kept.setChecked(True)
    qtbot.mouseClick(shown.continue_button, Qt.MouseButton.LeftButton)


def _first_start(flows) -> AppFlow:
    """As the program's first start without --db (cli.run: offer_server)."""
    path = paths.resolve_db_path(None)
    flow = AppFlow(None, idle_timeout_ms=600_000, path=path, state=opening.inspect(path), offer_server=True)
    flows.append(flow)
    flow.start()
    flow.wizard.activateWindow()  # the keys go to the window in front, as on a desktop
    QApplication.processEvents()
    return flow


def _key(qtbot, widget, key, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(widget, key)


def _enter(qtbot, wizard) -> None:
    """Enter where the keys are: the wizard's default button (下一步 / 完成)."""
    target = QApplication.focusWidget()
    if target is None or target.window() is not wizard:
        target = wizard.currentPage()
    qtbot.keyClick(target, Qt.Key.Key_Return)
    QApplication.processEvents()


def _retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:
        type_text(edit, text)


def _choose_server(qtbot, wizard) -> None:
    page = wizard.where_page
    assert wizard.currentPage() is page and page.local.isChecked()
    page.local.setFocus()
    _key(qtbot, page.local, Qt.Key.Key_Down)  # the arrow moves the choice to 连接站内服务器
    assert page.server.isChecked() and page.server.text() == WHERE_SERVER
    grab(wizard, "connect-where")
    _enter(qtbot, wizard)
    assert wizard.currentId() == SERVER_PAGE


def _fill_server(qtbot, page, database: str, user: str, shared, password: str = "") -> None:
    _retype(qtbot, page.host, "127.0.0.1")
    page.port.setFocus()
    qtbot.keyClick(page.port, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.port, str(pgcluster.cluster().port))
    _retype(qtbot, page.database, database)
    _retype(qtbot, page.username, user)
    _retype(qtbot, page.password, password)
    _retype(qtbot, page.shared, str(shared))


def _choose_town(qtbot, page, code: str = "441302001") -> None:
    """地级市 → 县(区) → 乡镇(街道) with the arrow keys only."""
    from shuanbai_desktop.data import divisions
    path = divisions.find_town(code)
    for combo, division in ((page.city, path.city), (page.county, path.county), (page.town, path.town)):
        combo.setFocus()
        _key(qtbot, combo, Qt.Key.Key_Down, combo.findData(division.code) + 1)
        assert combo.currentData() == division.code


def _log_in(qtbot, login, username: str, password: str) -> None:
    if not login.username.text():
        login.username.setFocus()
        qtbot.keyClicks(login.username, username)
    login.password.setFocus()
    qtbot.keyClicks(login.password, password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)


def test_an_empty_server_database_gets_the_new_station_then_its_log_in(qtbot, flows, empty_database, tmp_path,
                                                                        remembered):
    flow = _first_start(flows)
    wizard = flow.wizard
    _choose_server(qtbot, wizard)
    page = wizard.server_page
    shared = tmp_path / "share"
    _fill_server(qtbot, page, empty_database, pgcluster.PASSWORD_ROLE, shared, password="wrong-password")
    page.test_button.setFocus()
    _key(qtbot, page.test_button, Qt.Key.Key_Space)  # 测试连接
    assert "密码不对" in page.error_label.text() and page.error_label.isVisible()
    grab(wizard, "connect-server-wrong-password")

    _retype(qtbot, page.password, pgcluster.PASSWORD)
    page.test_button.setFocus()
    _key(qtbot, page.test_button, Qt.Key.Key_Space)
    assert "还没有社工站" in page.result.text() and not page.error_label.isVisible()
    grab(wizard, "connect-server-empty")
    _enter(qtbot, wizard)
    assert wizard.currentId() == TOWN_PAGE

    _choose_town(qtbot, wizard.town_page)
    _enter(qtbot, wizard)
    assert wizard.currentPage() is wizard.station_page
    _enter(qtbot, wizard)  # the town's default name
    admin = wizard.admin_page
    assert admin.scope_box is None or admin.scope_box.isHidden()
    _retype(qtbot, admin.username, "qiaodong")
    _retype(qtbot, admin.display_name, "陈副站长")
    _retype(qtbot, admin.password, PASSWORD)
    _retype(qtbot, admin.confirm, PASSWORD)
    _enter(qtbot, wizard)
    assert wizard.currentPage() is wizard.summary_page
    rows = dict(wizard.summary_rows())
    assert rows["数据库"].startswith("站内服务器 postgresql://pw_user@127.0.0.1:") and pgcluster.PASSWORD not in str(rows)
    assert rows["共用文件夹"] == str(shared)
    assert "设立完成后将显示一个恢复码" in wizard.summary_page.encryption_warning.text()
    box = wizard.summary_page.understood
    box.setFocus()
    _key(qtbot, box, Qt.Key.Key_Space)  # 我已了解
    grab(wizard, "connect-server-summary")
    _enter(qtbot, wizard)  # 完成: the station is made on the server

    assert not wizard.isVisible() and wizard.recovery_code, wizard.summary_page.error_label.text()
    _keep_recovery_code(qtbot, flow, wizard.recovery_code)  # shown first, as on a file; the log-in waits for it
    login = flow.login
    assert login is not None and login.isVisible() and login.username.text() == "qiaodong"
    assert login.windowTitle().startswith("桥东街道")
    assert login.where is not None and "postgresql://pw_user@127.0.0.1" in login.where.text()
    grab(login, "connect-login-server")
    assert flow.db.server is not None and flow.db.path is None
    assert not paths.own_db_path().exists()  # nothing made on this PC's disk
    saved = json.loads(remembered.read_text(encoding="utf-8"))
    assert saved == {"url": f"postgresql+psycopg://pw_user@127.0.0.1:{pgcluster.cluster().port}/{empty_database}",
                     "shared_dir": str(shared)}
    assert pgcluster.PASSWORD not in remembered.read_text(encoding="utf-8")

    _log_in(qtbot, login, "qiaodong", PASSWORD)  # the engine reuses the password typed on the page
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.isVisible(), timeout=30_000)
    assert flow.window.db_label.text() == f"数据库：{flow.db.server.display()}"
    grab(flow.window, "connect-main-window-server")


def test_a_server_with_a_station_goes_straight_to_its_log_in(qtbot, flows, station_database, remembered):
    flow = _first_start(flows)
    wizard = flow.wizard
    _choose_server(qtbot, wizard)
    page = wizard.server_page
    _fill_server(qtbot, page, station_database.database, pgcluster.ADMIN, station_database.shared_dir)
    page.test_button.setFocus()
    _key(qtbot, page.test_button, Qt.Key.Key_Space)  # 测试连接: the station is named, 下一步 becomes 完成
    assert "已有社工站“桥东街道社会工作服务站”" in page.result.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()
    grab(wizard, "connect-server-existing")
    _retype(qtbot, page.database, station_database.database)  # typed again: tested again at 完成 / 下一步
    _enter(qtbot, wizard)  # 下一步 tests the connection; the station is there: the wizard ends
    qtbot.waitUntil(lambda: flow.login is not None and flow.login.isVisible(), timeout=10_000)
    assert not wizard.isVisible() and wizard.existing
    assert flow.login.windowTitle() == "桥东街道社会工作服务站 — 登录"
    assert flow.db.server == station_database
    assert server_choice.remembered().url == cli_url(station_database)

    _log_in(qtbot, flow.login, "admin", ADMIN_PASSWORD)
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.isVisible(), timeout=30_000)
    assert "postgresql://" in flow.window.db_label.text()


def cli_url(target) -> str:
    return f"postgresql+psycopg://{target.username}@{target.host}:{target.port}/{target.database}"


def test_the_shared_folder_of_another_station_is_refused_at_its_field(qtbot, flows, station_database, tmp_path):
    flow = _first_start(flows)
    _choose_server(qtbot, flow.wizard)
    page = flow.wizard.server_page
    (tmp_path / "other").mkdir()
    _fill_server(qtbot, page, station_database.database, pgcluster.ADMIN, tmp_path / "other")
    _enter(qtbot, flow.wizard)
    assert flow.wizard.currentPage() is page and "操作日志密钥" in page.error_label.text()
    assert QApplication.focusWidget() is page.shared
    grab(flow.wizard, "connect-server-wrong-folder")


def test_a_new_station_on_the_shared_folder_of_another_database_is_refused_at_its_field(qtbot, flows, empty_database,
                                                                                       station_database):
    """The folder a station's files are in (marked at its first open, data/shared_marker.py) is no place for a
    second station: 测试连接 on an empty database with it is refused, naming both databases; nothing is built."""
    opening.open_app_database(station_database).close()  # a PC opened the station: its folder is marked
    before = sorted(p.name for p in station_database.shared_dir.iterdir())
    flow = _first_start(flows)
    _choose_server(qtbot, flow.wizard)
    page = flow.wizard.server_page
    _fill_server(qtbot, page, empty_database, pgcluster.ADMIN, station_database.shared_dir)
    _enter(qtbot, flow.wizard)
    text = page.error_label.text()
    assert flow.wizard.currentPage() is page and "还没有社工站" not in page.result.text()
    assert f"属于服务器 127.0.0.1:{station_database.port} 上的社工站数据库 {station_database.database}" in text, text
    assert empty_database in text and QApplication.focusWidget() is page.shared
    grab(flow.wizard, "connect-server-folder-of-another-database")
    with pgcluster.cluster().connect(empty_database) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
    assert sorted(p.name for p in station_database.shared_dir.iterdir()) == before


def test_the_next_start_goes_to_the_remembered_server_and_db_still_overrides(qtbot, flows, station_database,
                                                                             remembered, tmp_path, monkeypatch,
                                                                             capsys):
    server_choice.remember(cli_url(station_database), station_database.shared_dir)
    args = cli.build_parser().parse_args([])
    assert cli._server_target(args) == station_database
    assert cli.run(["--smoke-test"]) == 0  # the real start: no wizard, the server station's log-in
    assert "SMOKE-TEST OK LoginDialog 桥东街道社会工作服务站 — 登录" in capsys.readouterr().out

    monkeypatch.setenv(paths.ENV_DB, str(tmp_path / "own.db"))  # SHUANBAI_DB: that file, not the server
    assert cli._server_target(cli.build_parser().parse_args([])) is None
    assert cli.run(["--smoke-test"]) == 0
    assert "SMOKE-TEST OK SetupWizard" in capsys.readouterr().out


def test_an_unreachable_server_asks_retry_or_another_and_never_opens_an_empty_station(qtbot, flows, tmp_path,
                                                                                     station_database):
    closed = pgcluster._free_port()
    url = f"postgresql+psycopg://{pgcluster.ADMIN}@127.0.0.1:{closed}/{station_database.database}"
    target = backend.parse_server_url(url, station_database.shared_dir)
    flow = AppFlow(None, idle_timeout_ms=600_000, server=target)
    flows.append(flow)
    flow.start()
    box = flow.unreachable
    assert box is not None and box.isVisible() and "连接不上数据库服务器" in box.text()
    assert flow.wizard is None and flow.login is None and flow.db is None
    grab(box, "connect-unreachable")
    qtbot.keyClick(box, Qt.Key.Key_Return)  # 重试 (the default): still off
    qtbot.waitUntil(lambda: flow.unreachable is not None and flow.unreachable.isVisible(), timeout=10_000)

    flow.unreachable.other.setFocus()
    qtbot.keyClick(flow.unreachable.other, Qt.Key.Key_Space)  # 改用其他服务器…
    qtbot.waitUntil(lambda: flow.wizard is not None and flow.wizard.isVisible(), timeout=10_000)
    wizard = flow.wizard
    assert wizard.currentId() == SERVER_PAGE and wizard.where_page is None
    page = wizard.server_page
    assert page.port.value() == closed and page.database.text() == station_database.database
    assert page.shared.text() == str(station_database.shared_dir) and page.password.text() == ""
    page.port.setFocus()
    qtbot.keyClick(page.port, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.port, str(pgcluster.cluster().port))
    _enter(qtbot, wizard)
    qtbot.waitUntil(lambda: flow.login is not None and flow.login.isVisible(), timeout=10_000)
    assert not paths.own_db_path().exists()


def test_a_missing_shared_folder_at_the_start_is_the_same_question(qtbot, flows, station_database, tmp_path):
    """A share not connected (its drive missing) or an empty folder (a mount point with nothing mounted): the same
    question, before anyone logs in; nothing is made where the share should be."""
    missing = tmp_path / "Z-drive" / "shuanbai"
    target = backend.parse_server_url(cli_url(station_database), missing)
    flow = AppFlow(None, idle_timeout_ms=600_000, server=target)
    flows.append(flow)
    flow.start()
    assert flow.unreachable is not None and "共用的文件夹" in flow.unreachable.text()
    finished = []
    flow.finished.connect(finished.append)
    flow.unreachable.quit.setFocus()
    qtbot.keyClick(flow.unreachable.quit, Qt.Key.Key_Space)  # 退出
    qtbot.waitUntil(lambda: finished == [0], timeout=5_000)
    assert not missing.parent.exists() and flow.db is None

    unmounted = tmp_path / "mnt-shuanbai"
    unmounted.mkdir()
    other = AppFlow(None, idle_timeout_ms=600_000, server=backend.parse_server_url(cli_url(station_database), unmounted))
    flows.append(other)
    other.start()
    assert other.unreachable is not None and "操作日志密钥" in other.unreachable.text()
    assert other.db is None and other.login is None
    assert not (unmounted / "keys").exists()  # no new key made for this PC


def test_the_password_dialog_asks_once_when_nothing_else_gives_one(qtbot, flows, empty_database, tmp_path):
    shared = tmp_path / "shared"  # the first open marks it (data/shared_marker.py): a folder of this test's own
    target = backend.parse_server_url(pgcluster.cluster().url(empty_database, pgcluster.PASSWORD_ROLE), shared)
    dialog = server_dialogs.ServerPasswordDialog(target)
    qtbot.addWidget(dialog)
    dialog.show()
    assert any(target.display() in label.text() for label in dialog.findChildren(QLabel))
    grab(dialog, "connect-password-dialog")
    dialog.close()
    shown: list[QDialog] = []

    def answer() -> None:
        active = QApplication.activeModalWidget()
        if not isinstance(active, server_dialogs.ServerPasswordDialog):
            QTimer.singleShot(20, answer)
            return
        shown.append(active)
        qtbot.keyClicks(active.password, pgcluster.PASSWORD)
        qtbot.keyClick(active.password, Qt.Key.Key_Return)

    QTimer.singleShot(20, answer)
    server_dialogs.install()
    db = opening.open_app_database(target)  # the engine's first connection asks (no PGPASSWORD, no pgpass)
    try:
        assert len(shown) == 1 and opening.station_name(db) is None
    finally:
        db.close()
    assert server_dialogs.ask_password(target) == pgcluster.PASSWORD  # not asked again in this run


def test_the_smoke_test_says_an_unreachable_remembered_server_and_exits_2(flows, station_database, capsys):
    """installer/build.py's --smoke-test (and a start with nobody to answer): the question is said, exit code 2."""
    closed = pgcluster._free_port()
    server_choice.remember(f"postgresql+psycopg://{pgcluster.ADMIN}@127.0.0.1:{closed}/{station_database.database}",
                           station_database.shared_dir)
    assert cli.run(["--smoke-test"]) == 2
    assert "SMOKE-TEST REFUSED 无法连接站内服务器" in capsys.readouterr().err


def test_a_start_on_an_empty_server_database_sets_the_station_up_there(qtbot, flows, empty_database, tmp_path):
    """``--db URL`` (or the remembered server) whose database is still empty: the station pages, made there."""
    target = backend.parse_server_url(pgcluster.cluster().url(empty_database), tmp_path / "shared")
    flow = AppFlow(None, idle_timeout_ms=600_000, server=target)
    flows.append(flow)
    flow.start()
    wizard = flow.wizard
    assert wizard is not None and wizard.where_page is None and wizard.server_page is None
    assert wizard.currentId() == TOWN_PAGE and wizard.on_server
    wizard.activateWindow()
    _choose_town(qtbot, wizard.town_page)
    _enter(qtbot, wizard)
    _enter(qtbot, wizard)
    admin = wizard.admin_page
    _retype(qtbot, admin.username, "qiaodong")
    _retype(qtbot, admin.display_name, "陈副站长")
    _retype(qtbot, admin.password, PASSWORD)
    _retype(qtbot, admin.confirm, PASSWORD)
    _enter(qtbot, wizard)
    assert wizard.currentPage() is wizard.summary_page
    assert dict(wizard.summary_rows())["数据库"] == f"站内服务器 {target.display()}"
    assert "设立完成后将显示一个恢复码" in wizard.summary_page.encryption_warning.text()
    wizard.summary_page.understood.setFocus()
    _key(qtbot, wizard.summary_page.understood, Qt.Key.Key_Space)
    _enter(qtbot, wizard)
    assert wizard.recovery_code  # made with the station there (encryption.first_keys on a server)
    _keep_recovery_code(qtbot, flow, wizard.recovery_code)
    assert flow.login is not None and flow.login.isVisible()
    assert opening.station_name(flow.db) == "桥东街道社会工作服务站"
