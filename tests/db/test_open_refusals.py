"""Files that are not ours, newer, read-only, damaged or on a network share: refused, untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from shuanbai_desktop import paths
from shuanbai_desktop.errors import DatabaseRefused
from shuanbai_desktop.services.database_ops import open_app_database
from tests.conftest import raw_connect


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_foreign_sqlite_file(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs (title)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseRefused, match="不是社工站工作平台的数据库"):
        open_app_database(path)
    assert _digest(path) == before


def test_not_a_database_at_all(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(DatabaseRefused, match="不是 SQLite"):
        open_app_database(path)
    assert path.read_text(encoding="utf-8") == "这不是数据库"


def test_newer_schema(empty_db, db_path):
    empty_db.close()
    conn = raw_connect(db_path, "rw")
    conn.execute("DELETE FROM alembic_version")
    conn.execute("INSERT INTO alembic_version VALUES ('9999_future')")
    conn.commit()
    conn.close()
    before = _digest(db_path)
    with pytest.raises(DatabaseRefused, match="更新版本"):
        open_app_database(db_path)
    assert _digest(db_path) == before


def test_read_only_file(empty_db, db_path):
    empty_db.close()
    before = _digest(db_path)
    db_path.chmod(0o444)
    try:
        with pytest.raises(DatabaseRefused, match="只读"):
            open_app_database(db_path)
    finally:
        db_path.chmod(0o644)
    assert _digest(db_path) == before


def test_damaged_file(station_db, db_path):
    station_db.close()
    data = bytearray(db_path.read_bytes())
    for page in range(1, 6):  # b-tree page headers of pages 2..6: invalid page types
        data[4096 * page: 4096 * page + 8] = b"\xff" * 8
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseRefused, match="损坏"):
        open_app_database(db_path)
    assert db_path.read_bytes() == bytes(data)


MOUNTS = """/dev/sda1 / ext4 rw 0 0
//server/share /mnt/share cifs rw 0 0
server:/export /srv/nfs nfs4 rw 0 0
"""


@pytest.mark.parametrize(("path", "network"), [
    ("/home/a/station.db", False), ("/mnt/share/station.db", True), ("/srv/nfs/x/station.db", True),
    ("/mnt/shared.db", False), ("//server/share/station.db", True), ("\\\\server\\share\\x.db", True)])
def test_network_path_classifier(path, network):
    assert paths.is_network_path(Path(path) if not path.startswith("\\") else path, MOUNTS) is network


def test_network_path_refused_before_anything_is_written(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "is_network_path", lambda p, m=None: True)
    target = tmp_path / "share" / "station.db"
    with pytest.raises(DatabaseRefused, match="网络"):
        open_app_database(target)
    assert not target.exists()
