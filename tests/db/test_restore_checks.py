"""Restore (issue 11): the sidecar's SHA-256 is checked, another township's backup needs an explicit
confirmation, and backups on read-only media work (copied first, then checked)."""

from __future__ import annotations

import shutil

import pytest

from shuanbai_desktop.data import engine
from shuanbai_desktop.data.keyring import keyring_path
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.services import backup, database_ops, encryption, station
from tests import fsfaults
from tests.conftest import ADMIN_PASSWORD, raw_connect, unlock

from .test_cli import ADMIN, PASSWORD, STATION_ADMIN, cli


def _station_row(path, column: str, password: str = ADMIN_PASSWORD) -> str:
    """A column of the station row of the database now at ``path``, unlocked afresh with the password of
    its ``admin`` (a restore may have put another station's file, under another key, in its place)."""
    engine.use_key(path, None)
    unlock(path, "admin", password)
    conn = raw_connect(path)
    try:
        return conn.execute(f"SELECT {column} FROM station").fetchone()[0]
    finally:
        conn.close()


def _address(path) -> str:
    return _station_row(path, "address")


def _town(path, password: str = ADMIN_PASSWORD) -> str:
    return _station_row(path, "town_code", password)


def _with_key_file(made, target) -> None:
    """A backup copied elsewhere as a set: the file, its sidecar and its key file."""
    shutil.copyfile(made, target)
    shutil.copyfile(made.with_suffix(".json"), target.with_suffix(".json"))
    shutil.copyfile(keyring_path(made), keyring_path(target))


def _change_address(db, admin, address: str) -> None:
    with db.session(admin.actor) as s:
        info = station.get_station(s)
        station.update_station(s, info.name, address, info.phone)


def test_a_one_byte_change_in_a_backup_is_refused(station_db, admin):
    """One character of the address changed (1号 → 2号) by someone holding the key: the encrypted file
    is valid (SQLCipher's page checks and SQLite's integrity check pass), only the sidecar's SHA-256 tells."""
    made = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    data = made.path.read_bytes()
    assert "桥东路1号".encode() not in data  # encrypted: the address is not there to change in place
    conn = raw_connect(made.path, "rw")
    conn.execute("UPDATE station SET address = replace(address, '桥东路1号', '桥东路2号')")
    conn.commit()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # SQLite itself sees nothing wrong
    assert conn.execute("SELECT address FROM station").fetchone()[0] == "惠州市惠城区桥东路2号"
    conn.close()
    assert made.path.read_bytes() != data and len(made.path.read_bytes()) == len(data)
    _change_address(station_db, admin, "桥东路3号")
    station_db.close()
    result = cli("--db", station_db.path, "restore", made.path, login=STATION_ADMIN)
    assert result.returncode == 2, result.stderr
    assert "校验值" in result.stderr and "不能用于恢复" in result.stderr
    assert _address(station_db.path) == "桥东路3号"
    assert not list(station_db.path.parent.glob("*.restore.tmp"))


def test_a_backup_without_sidecar_is_checked_by_sqlite_only(station_db, admin, tmp_path):
    made = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    _change_address(station_db, admin, "改过的地址")
    loose = tmp_path / "别处拷来的备份.sqlite3"
    shutil.copyfile(made.path, loose)
    station_db.close()
    result = cli("--db", station_db.path, "restore", loose, login=STATION_ADMIN)  # no sidecar, no key file:
    assert result.returncode == 0, result.stderr  # this station's own key opens it, SQLite checks it
    assert _address(station_db.path) == "惠州市惠城区桥东路1号"


def test_a_backup_without_its_key_file_of_another_key_is_refused(station_db, admin, tmp_path):
    """A file encrypted under a key that is not the station's, without its key file: nothing opens it."""
    made = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    foreign = tmp_path / "不明来历.sqlite3"
    data = bytearray(made.path.read_bytes())
    data[:16] = bytes(16)  # another salt: the same key derives another page key, as another key would
    foreign.write_bytes(bytes(data))
    _change_address(station_db, admin, "改过的地址")
    station_db.close()
    result = cli("--db", station_db.path, "restore", foreign, login=STATION_ADMIN)
    assert result.returncode == 2 and "密钥文件" in result.stderr, result.stderr
    assert _address(station_db.path) == "改过的地址"


def _other_recovery(tmp_path):
    """Where ``other_station_backup``'s station wrote its recovery code: the station's administrator
    restores its backup with it (the backup has its own key; no account of it has her password)."""
    return tmp_path / "桥西恢复码.txt"


@pytest.fixture
def other_station_backup(tmp_path):
    """A backup of 桥西街道 (441302002), made by that station's own program."""
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD, encoding="utf-8")
    other = tmp_path / "桥西" / "s.db"
    other.parent.mkdir()
    assert cli("--db", other, "init", "--town", "441302002", "--name", "桥西街道社会工作服务站", "--admin", "admin",
               "--password-file", pw, "--recovery-file", _other_recovery(tmp_path)).returncode == 0
    usb = tmp_path / "桥西U盘"
    assert cli("--db", other, "backup", "--to", usb, login=ADMIN).returncode == 0
    return next(usb.glob("backup-441302002-*.sqlite3"))


def test_another_stations_backup_needs_the_explicit_flag(station_db, admin, other_station_backup, tmp_path):
    station_db.close()
    locked = cli("--db", station_db.path, "restore", other_station_backup, login=STATION_ADMIN)
    assert locked.returncode == 2 and "密码不正确" in locked.stderr, locked.stderr  # another key: not opened
    assert _town(station_db.path) == "441302001"
    code = ("--recovery-file", _other_recovery(tmp_path))
    refused = cli("--db", station_db.path, "restore", other_station_backup, *code, login=STATION_ADMIN)
    assert refused.returncode == 2
    assert "另一个社工站" in refused.stderr and "桥西街道社会工作服务站" in refused.stderr
    assert "--other-station" in refused.stderr
    assert _town(station_db.path) == "441302001"
    assert not list(station_db.path.parent.glob("*.restore.tmp"))
    done = cli("--db", station_db.path, "restore", "--other-station", other_station_backup, *code,
               login=STATION_ADMIN)
    assert done.returncode == 0, done.stderr
    assert _town(station_db.path, PASSWORD) == "441302002"  # the other station's file, key file and accounts


def test_other_station_check_in_the_service(station_db, admin, other_station_backup):
    with pytest.raises(backup.BackupLocked):  # another key: the password of one of its accounts opens it
        database_ops.prepare_restore(station_db, other_station_backup)
    encryption.unlock_backup(other_station_backup, "admin", PASSWORD)
    source = database_ops.prepare_restore(station_db, other_station_backup)
    try:
        assert backup.other_station(station_db.path, source) == ("441302001", "桥东街道社会工作服务站")
        assert source.station_name == "桥西街道社会工作服务站" and source.sha256_checked
        with pytest.raises(backup.OtherStationBackup):
            database_ops.restore_into(station_db, source, admin.actor)
    finally:
        backup.discard(source)
    assert _town(station_db.path) == "441302001"


def test_restore_from_a_read_only_file(station_db, admin):
    """A backup file without write permission (as copied from a write-protected stick)."""
    made = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    _change_address(station_db, admin, "改过的地址")
    made.path.chmod(0o444)
    made.path.with_suffix(".json").chmod(0o444)
    station_db.close()
    result = cli("--db", station_db.path, "restore", made.path, login=STATION_ADMIN)
    assert result.returncode == 0, result.stderr
    assert _address(station_db.path) == "惠州市惠城区桥东路1号"


def test_restore_from_read_only_media(station_db, admin, tmp_path):
    """The backup on a read-only mount (a write-protected USB stick)."""
    made = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    stick = tmp_path / "U盘"
    with fsfaults.tmpfs(stick, 8 << 20) as mounted:
        if mounted is None:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        _with_key_file(made.path, stick / made.path.name)
        if not fsfaults.remount_readonly(stick):
            pytest.skip("cannot remount read-only")
        _change_address(station_db, admin, "改过的地址")
        station_db.close()
        result = cli("--db", station_db.path, "restore", stick / made.path.name, login=STATION_ADMIN)
    assert result.returncode == 0, result.stderr
    assert _address(station_db.path) == "惠州市惠城区桥东路1号"
