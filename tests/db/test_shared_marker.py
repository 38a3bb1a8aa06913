"""A shared folder belongs to one station database (issue 19, data/shared_marker.py): the first open of a server
station marks its shared folder with the database's id; an open (the program's own, the command line) with the
folder of another database, or with an empty folder, is refused naming both and writes nothing; a restore
keeps the database's id, also from another station's backup. Runs against this worker's throwaway cluster
(tests/pgcluster.py)."""

from __future__ import annotations

import json
import os
from itertools import count
from pathlib import Path

import pytest

from shuanbai_desktop.data import shared_marker
from shuanbai_desktop.data.migrate import open_server_database
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.errors import DatabaseRefused
from shuanbai_desktop.services import database_ops, opening, server_backup
from tests import pgcluster
from tests.conftest import _admin_actor
from tests.db.test_cli import cli

BACKENDS = ("postgresql",)
_NAMES = count(1)


def _id_of(database: str) -> str | None:
    with pgcluster.cluster().connect(database) as conn:
        if not conn.execute("SELECT to_regclass('setting') IS NOT NULL").fetchone()[0]:
            return None
        row = conn.execute("SELECT value FROM setting WHERE key = %s", (shared_marker.ID_SETTING,)).fetchone()
    return json.loads(row[0]) if row else None


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its contents (what “nothing written” compares)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def other_station(pg_server, pg_station_template, tmp_path, request):
    """A second server station (a copy of the same template) opened once: its shared folder is marked."""
    name = f"other_{os.getpid()}_{next(_NAMES)}"
    made = pgcluster.copy_station(*pg_station_template, name, tmp_path / "其他站 共用")
    request.addfinalizer(lambda: pg_server.drop_database(name))
    db = open_server_database(made)
    db.acting_for = _admin_actor(db)
    yield db
    db.close()


def test_the_first_open_marks_the_shared_folder_with_the_database_id(station_db):
    target = station_db.server
    marker = json.loads((target.shared_dir / shared_marker.MARKER_NAME).read_text(encoding="utf-8"))
    own = _id_of(target.database)
    assert own is not None and len(own) == 32
    assert marker == {"format": 1, "database_id": own, "server": f"127.0.0.1:{target.port}",
                      "database": target.database}
    station_db.close()
    open_server_database(target).close()  # opened again: the same id, the same marker
    assert _id_of(target.database) == own
    assert json.loads((target.shared_dir / shared_marker.MARKER_NAME).read_text(encoding="utf-8")) == marker


def test_the_folder_of_another_database_is_refused_naming_both_and_nothing_is_written(station_db, other_station):
    mine, theirs = station_db.server, other_station.server
    station_db.close()
    other_station.close()
    before = _files(theirs.shared_dir)
    own = _id_of(mine.database)
    wrong = pgcluster.target(mine.database, theirs.shared_dir)
    with pytest.raises(DatabaseRefused) as caught:
        opening.open_app_database(wrong)
    message = caught.value.message
    assert f"共用文件夹“{theirs.shared_dir}”属于服务器 127.0.0.1:{mine.port} 上的社工站数据库 {theirs.database}" in message
    assert f"不是本次连接的 {mine.display()}" in message and "--shared-dir" in message
    assert caught.value.field == "共用文件夹"
    assert _files(theirs.shared_dir) == before and _id_of(mine.database) == own

    done = cli("--db", pgcluster.cluster().url(mine.database), "--shared-dir", theirs.shared_dir, "verify")
    assert done.returncode == 2, done.stdout + done.stderr
    assert theirs.database in done.stderr and mine.display() in done.stderr and "属于服务器" in done.stderr
    assert _files(theirs.shared_dir) == before and _id_of(mine.database) == own
    opening.open_app_database(mine).close()  # its own folder still opens


def test_an_empty_folder_is_refused_for_a_station_whose_folder_is_marked(station_db, tmp_path):
    mine = station_db.server
    station_db.close()
    empty = tmp_path / "未连上的共享"
    empty.mkdir()
    with pytest.raises(DatabaseRefused) as caught:
        opening.open_app_database(pgcluster.target(mine.database, empty))
    assert "没有社工站数据库" in caught.value.message and mine.display() in caught.value.message
    assert list(empty.iterdir()) == []
    done = cli("--db", pgcluster.cluster().url(mine.database), "--shared-dir", empty, "verify")
    assert done.returncode == 2 and "标记文件" in done.stderr, done.stdout + done.stderr
    assert list(empty.iterdir()) == []


def test_a_new_station_built_on_a_folder_of_another_database_is_refused(pg_server, other_station, tmp_path):
    """``init`` on an empty database with the shared folder of a station that exists: refused before the build."""
    name = f"empty_{os.getpid()}_{next(_NAMES)}"
    pg_server.create_database(name)
    try:
        with pytest.raises(DatabaseRefused) as caught:
            open_server_database(pgcluster.target(name, other_station.server.shared_dir))
        assert other_station.server.database in caught.value.message
        with pg_server.connect(name) as conn:
            tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        assert tables == 0  # nothing built
    finally:
        pg_server.drop_database(name)


def test_a_restore_keeps_the_database_id_also_from_another_stations_backup(station_db, other_station):
    mine = station_db.server
    own = _id_of(mine.database)
    info = database_ops.backup_now(station_db, BackupKind.MANUAL)
    restored, _safety = database_ops.restore_into(station_db, info.path)  # its own backup
    restored.close()
    assert _id_of(mine.database) == own

    theirs = database_ops.backup_now(other_station, BackupKind.MANUAL)  # carries the other database's id
    other_station.close()
    db = opening.open_app_database(mine)
    db.acting_for = station_db.acting_for
    restored, _safety = database_ops.restore_into(db, theirs.path)  # reopened through the marker's check
    restored.close()
    assert _id_of(mine.database) == own
    marker = shared_marker.read_marker(mine.shared_dir)
    assert marker is not None and marker.database_id == own


def test_an_empty_database_takes_the_folder_only_with_that_databases_backup(pg_server, station_db, other_station):
    """A new server after a loss: the old shared folder goes with a backup of its own database only."""
    mine = station_db.server
    own = _id_of(mine.database)
    foreign_backup = database_ops.backup_now(other_station, BackupKind.MANUAL)
    own_backup = database_ops.backup_now(station_db, BackupKind.MANUAL)
    fresh = f"{mine.database}_new"
    pg_server.create_database(fresh)
    try:
        target = pgcluster.target(fresh, mine.shared_dir)
        with pytest.raises(DatabaseRefused) as caught:
            server_backup.restore(None, target, foreign_backup.path, None)
        assert f"社工站数据库 {mine.database}，不是本次连接的 {target.display()}" in caught.value.message
        assert _id_of(fresh) is None
        db, _safety = server_backup.restore(None, target, own_backup.path, None)
        db.close()
        assert _id_of(fresh) == own
    finally:
        pg_server.drop_database(fresh)
