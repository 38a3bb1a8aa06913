"""设置 → 备份与恢复 → 迁移到服务器…: the dialog driven as an administrator would (this worker's test cluster,
tests/pgcluster.py), its screenshot at 1366×768, and the program's start on the moved file."""

from __future__ import annotations

import os

import pytest

from shuanbai_desktop.ui.settings import server_move_dialog
from shuanbai_desktop.ui.settings.backup_page import BackupPage
from tests import pgcluster
from tests.ui.helpers import click, grab, type_text

_COUNT = iter(range(1, 10**6))


@pytest.fixture
def empty_database(pg_server, request) -> str:
    name = f"moveui_{os.getpid()}_{next(_COUNT)}"
    pg_server.create_database(name)
    request.addfinalizer(lambda: pgcluster.cluster().drop_database(name))
    return name


def _fill(dialog, pg_server, database: str, shared) -> None:
    type_text(dialog.host, "127.0.0.1")
    dialog.port.setValue(pg_server.port)
    type_text(dialog.database, database)
    type_text(dialog.username, pgcluster.ADMIN)
    type_text(dialog.shared, str(shared))


def _check_on_server(pg_server, database: str, shared, code: str) -> None:
    """The code is the one in force in the server's database (its hash there)."""
    from shuanbai_desktop.data.migrate import open_server_database
    from shuanbai_desktop.services import server_recovery
    db = open_server_database(pgcluster.target(database, shared))
    try:
        with db.session() as s:
            server_recovery.check(s, code)
    finally:
        db.close()


def _dialog(qtbot, ctx) -> tuple[BackupPage, server_move_dialog.ServerMoveDialog]:
    page = BackupPage(ctx)
    qtbot.addWidget(page)
    assert page.move_box.isVisibleTo(page)
    click(qtbot, page.move_box.button)
    dialog = page.move_box.dialog
    assert dialog is not None and dialog.isVisible()
    return page, dialog  # the page is kept by the test (qtbot holds it weakly)


def test_the_dialog_tests_the_connection_and_moves_the_station(qtbot, ctx, pg_server, empty_database, tmp_path,
                                                                monkeypatch):
    page, dialog = _dialog(qtbot, ctx)
    dialog.resize(760, dialog.height())
    click(qtbot, dialog.move_button)  # nothing filled in: the first missing field is named
    assert "服务器的地址" in dialog.error_label.text()
    _fill(dialog, pg_server, empty_database, tmp_path / "共用")
    click(qtbot, dialog.test_button)
    assert "连接成功" in dialog.test_label.text() and empty_database in dialog.test_label.text()
    grab(dialog, "server-move-dialog")
    monkeypatch.setattr(server_move_dialog.messages, "confirm", lambda *_args: True)
    click(qtbot, dialog.move_button)
    qtbot.waitUntil(lambda: dialog.result_label.isVisible() or dialog.error_label.isVisible(), timeout=120_000)
    assert dialog.error_label.text() == ""
    assert "迁移完成" in dialog.result_label.text() and "操作日志校验链完整" in dialog.result_label.text()
    assert dialog.password.text() == "" and not dialog.move_button.isEnabled()
    assert dialog.close_button.text() == "关闭" and dialog.close_button.isEnabled()
    assert "新的恢复码" in dialog.result_label.text()
    shown = dialog.recovery_dialog  # the server's own code, shown as at set-up (the file's cannot be carried)
    assert shown is not None and shown.isVisible()
    _check_on_server(pg_server, empty_database, tmp_path / "共用", shown.code_label.text().replace("\n", "-"))
    grab(shown, "server-move-recovery-code")
    shown.kept.setChecked(True)
    click(qtbot, shown.continue_button)
    assert dialog.recovery_dialog is None
    grab(dialog, "server-move-done")
    click(qtbot, dialog.close_button)
    qtbot.waitUntil(lambda: page.move_box.dialog is None)
    assert not page.move_box.button.isEnabled() and "已迁移到服务器" in page.move_box.text.text()
    page.resize(1366, 690)  # the area of 设置 in the main window on the station's 1366×768 screen
    grab(page, "server-move-backup-page")


def test_a_target_that_is_not_empty_is_named_in_the_dialog(qtbot, ctx, pg_server, empty_database, tmp_path):
    pg_server.psql("CREATE TABLE ledger_2024 (id int)", empty_database)
    page, dialog = _dialog(qtbot, ctx)
    _fill(dialog, pg_server, empty_database, tmp_path / "共用")
    click(qtbot, dialog.test_button)
    assert "不是空的" in dialog.error_label.text() and "ledger_2024" in dialog.error_label.text()
    assert dialog.database.styleSheet() != ""  # the field named is marked


def test_the_box_is_hidden_from_a_worker(qtbot, station_db):
    from shuanbai_desktop.domain.labels import Role
    from shuanbai_desktop.services import auth
    from tests.ui.helpers import app_context
    with station_db.session() as s:
        auth.create_user(s, "xiaowang", "王社工", Role.SOCIAL_WORKER, "Gong-zuo-2024-abc", must_change=False)
    worker = auth.log_in(station_db, "xiaowang", "Gong-zuo-2024-abc")
    page = BackupPage(app_context(station_db, worker))
    qtbot.addWidget(page)
    assert not page.move_box.isVisibleTo(page)


def test_the_program_started_on_the_moved_file_says_where_the_station_lives(station_db, db_path, empty_database,
                                                                            tmp_path, capsys):
    from shuanbai_desktop.cli import run
    from shuanbai_desktop.data.base import now
    from shuanbai_desktop.services import server_move
    target = pgcluster.target(empty_database, tmp_path / "共用")
    server_move.move_to_server(station_db, target, station_db.acting_for, now())
    station_db.close()
    assert run(["--db", str(db_path), "--smoke-test"]) == 0
    captured = capsys.readouterr()
    assert "SMOKE-TEST MOVED" in captured.err and target.display() in captured.err and "只能查看" in captured.err
    assert "SMOKE-TEST OK LoginDialog" in captured.out  # and it still opens, to look at the history
