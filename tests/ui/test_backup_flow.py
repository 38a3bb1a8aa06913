"""The exit and automatic backups in the GUI (issue 11): a progress dialog while the copy runs, the
full check of new backups in the background after log-in, never holding up closing the window."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from shuanbai_desktop import paths
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.services import backup, database_ops, station
from tests.conftest import ADMIN_PASSWORD
from tests.ui.test_main_window_startup import _flow, _log_in
from tests.ui.test_main_window_startup import flows as flows  # noqa: F401  (fixture)


def _logged_in(flows, db):  # noqa: F811
    flow = _flow(flows, db)
    flow.start()
    flow.login.username.setText("admin")
    _log_in(flow, ADMIN_PASSWORD)
    assert flow.window is not None and flow.window.isVisible()
    return flow


def _visible_progress() -> list[QProgressDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


def test_exit_backup_shows_a_progress_dialog_until_the_copy_is_done(qtbot, flows, station_db, monkeypatch):  # noqa: F811
    flow = _logged_in(flows, station_db)
    with flow.window.ctx.session() as s:  # a change, so the exit backup is due
        station.update_station(s, "桥东社工站", "", "")
    release, seen = threading.Event(), []
    real = database_ops.maybe_backup

    def slow(db, on_exit, progress=None):
        release.wait(20)  # until the test has seen the dialog (or gives up)
        return real(db, on_exit=on_exit)
    monkeypatch.setattr(database_ops, "maybe_backup", slow)

    def look() -> None:
        shown = _visible_progress()
        if shown:
            seen.append(shown[0].labelText())
            release.set()
        elif not release.is_set():
            QTimer.singleShot(20, look)
    QTimer.singleShot(0, look)
    with qtbot.waitSignal(flow.finished, timeout=30_000):
        flow.window.finish("exit")
    release.set()
    assert seen and seen[0] == "正在备份数据……"
    assert _visible_progress() == []
    last = backup.latest(paths.backups_dir(station_db.path))
    assert last.kind is BackupKind.EXIT and last.pending  # closing waited for the copy only


def test_new_backups_get_their_full_check_in_the_background_after_log_in(qtbot, flows, station_db, admin):  # noqa: F811
    made = database_ops.backup_now(station_db, BackupKind.EXIT, admin.actor)
    assert made.pending
    flow = _logged_in(flows, station_db)
    folder = paths.backups_dir(station_db.path)
    qtbot.waitUntil(lambda: backup.latest(folder).verified, timeout=20_000)
    assert backup.latest(folder).path == made.path and backup.latest(folder).checked_at is not None
    with qtbot.waitSignal(flow.finished):
        flow.window.finish("exit")


def test_closing_the_window_stops_a_running_check(qtbot, flows, station_db, admin, monkeypatch):  # noqa: F811
    """A full check of a large backup takes long; closing asks it to stop and goes on at once: the
    backup stays pending and is checked at the next start."""
    database_ops.backup_now(station_db, BackupKind.EXIT, admin.actor)
    started, stopped = threading.Event(), []

    def long_check(path, stop=None):
        started.set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if stop is not None and stop():
                stopped.append(path.name)
                raise backup._Stopped()
            time.sleep(0.01)
        return "ok"
    monkeypatch.setattr(backup, "full_check", long_check)
    flow = _logged_in(flows, station_db)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    began = time.monotonic()
    with qtbot.waitSignal(flow.finished, timeout=30_000):
        flow.window.finish("exit")
    assert stopped and time.monotonic() - began < 15  # not the 20 s the check would have taken
    assert all(b.pending for b in backup.list_backups(paths.backups_dir(station_db.path)))


@pytest.fixture(autouse=True)
def _no_leftover_dialogs():
    yield
    for dialog in _visible_progress():
        dialog.hide()
