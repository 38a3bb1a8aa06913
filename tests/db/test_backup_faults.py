"""Backups under faults (issue 11): a full disk, an unwritable folder, what a killed backup or
export leaves behind, owner-only files."""

from __future__ import annotations

import errno
import json
import os
import stat
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from shuanbai_desktop import paths
from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.domain.labels import BackupKind
from shuanbai_desktop.errors import DiskFull, UserError
from shuanbai_desktop.services import backup, database_ops, settings
from tests import fsfaults
from tests.conftest import unlock

from .test_cli import STATION_ADMIN, cli


def _backup_events(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.summary.startswith("备份数据库")))


def _keep_only_one(db) -> None:
    """Retention of one: any backup that succeeded would rotate the older one away."""
    with db.session() as s:
        settings.set_int(s, "backup.daily_keep", 1)
        settings.set_int(s, "backup.weekly_keep", 0)
        settings.set_int(s, "backup.monthly_keep", 0)


def _older_backup(db):
    return backup.make_backup(db.path, paths.backups_dir(db.path), BackupKind.AUTO,
                              at=datetime.now().replace(microsecond=0) - timedelta(days=3))


def _leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def test_full_disk_on_a_real_filesystem(station_db, admin):
    """The backup folder is a small tmpfs: the CLI says 磁盘空间不足 (exit 2), removes the partial
    copy and its journal, keeps the older backup (no rotation), audits nothing."""
    _keep_only_one(station_db)
    folder = paths.backups_dir(station_db.path)
    size = station_db.path.stat().st_size
    with fsfaults.tmpfs(folder, size + size // 2) as mounted:
        if mounted is None:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        older = _older_backup(station_db)
        events = _backup_events(station_db)
        result = cli("--db", station_db.path, "backup", login=STATION_ADMIN)
        assert result.returncode == 2, result.stderr
        assert "磁盘空间不足" in result.stderr and "Traceback" not in result.stderr
        assert [b.path for b in backup.list_backups(folder)] == [older.path]
        assert _leftovers(folder) == []
        assert _backup_events(station_db) == events


def test_full_disk_simulated_at_the_write(station_db, admin, monkeypatch):
    """The same, with ENOSPC raised while the backup is written (after the copy, at its sidecar)."""
    _keep_only_one(station_db)
    older = _older_backup(station_db)
    folder = older.path.parent
    events = _backup_events(station_db)

    def full(info):
        assert info.path.with_name(info.path.name + ".tmp").exists()  # a partial copy is there now
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(backup, "write_sidecar", full)
    with pytest.raises(DiskFull, match="^磁盘空间不足"):
        database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert [b.path for b in backup.list_backups(folder)] == [older.path]
    assert _leftovers(folder) == []
    assert _backup_events(station_db) == events


def _readonly_folder(tmp_path):
    """A folder this process cannot write to: a read-only tmpfs (root), else chmod 0500."""
    folder = tmp_path / "写保护"
    if fsfaults.is_root():
        return folder, fsfaults.tmpfs(folder, 1 << 20)
    folder.mkdir()
    folder.chmod(0o500)
    return folder, None


def test_unwritable_destination_is_a_clear_message(station_db, admin, tmp_path):
    folder, mount = _readonly_folder(tmp_path)
    if mount is None:
        result = cli("--db", station_db.path, "backup", "--to", folder, login=STATION_ADMIN)
    else:
        with mount as mounted:
            if mounted is None or not fsfaults.remount_readonly(folder):
                pytest.skip("cannot mount a read-only tmpfs here")
            result = cli("--db", station_db.path, "backup", "--to", folder, login=STATION_ADMIN)
    assert result.returncode == 2, result.stderr
    assert "无法写入" in result.stderr and "Traceback" not in result.stderr
    assert _backup_events(station_db) == 0


def test_start_up_removes_what_a_killed_backup_left(station_db, admin, tmp_path):
    """Temporary copies are overwritten with zeros before removal; a backup without a sidecar is
    listed, and its sidecar rebuilt after a full check, by the next open (here: the CLI)."""
    made = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    folder = made.path.parent
    orphan = made.path
    orphan.with_suffix(".json").unlink()
    listed = backup.list_backups(folder)
    assert [b.path for b in listed] == [orphan] and listed[0].pending  # listed even without its sidecar
    personal = station_db.path.read_bytes()
    tmp_copy = folder / "backup-441302001-20260101-120000-exit.sqlite3.tmp"
    tmp_copy.write_bytes(personal)
    (folder / "backup-441302001-20260101-120000-exit.sqlite3.tmp-journal").write_bytes(b"j" * 512)
    (folder / "backup-441302001-20260101-120000-exit.json.tmp").write_text("{", encoding="utf-8")
    (folder / "backup-441302001-20250101-120000-auto.json").write_text("{}", encoding="utf-8")  # no backup
    restore_tmp = station_db.path.with_name(station_db.path.name + ".restore.tmp")
    restore_tmp.write_bytes(personal)
    witness = tmp_path / "witness"  # a second name for the same bytes: shows what was written over them
    os.link(tmp_copy, witness)
    station_db.close()

    result = cli("--db", station_db.path, "verify", login=STATION_ADMIN)
    assert result.returncode == 0, result.stderr
    assert _leftovers(folder) == [] and not restore_tmp.exists()
    assert not (folder / "backup-441302001-20250101-120000-auto.json").exists()
    assert witness.read_bytes() == b"\0" * len(personal)
    rebuilt = json.loads(orphan.with_suffix(".json").read_text(encoding="utf-8"))
    assert rebuilt["check"] == "ok" and rebuilt["sha256"] == made.sha256 and rebuilt["audit_head"] == made.audit_head
    assert rebuilt["kind"] == "manual"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_sidecars_and_backup_folders_are_owner_only(station_db, admin, tmp_path):
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert stat.S_IMODE(info.path.with_suffix(".json").stat().st_mode) == 0o600
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(info.path.parent.stat().st_mode) == 0o700
    usb = tmp_path / "usb" / "新建文件夹"
    copy = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor, dest_dir=usb)
    assert stat.S_IMODE(usb.stat().st_mode) == 0o700
    assert stat.S_IMODE(copy.path.with_suffix(".json").stat().st_mode) == 0o600


def test_sidecar_is_fsynced_file_and_folder(station_db, admin, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def record(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        return real_fsync(fd)
    made = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    monkeypatch.setattr(os, "fsync", record)
    backup.write_sidecar(made)
    assert synced == [False, True]


def test_restore_failure_on_a_full_disk_keeps_the_database(station_db, admin, monkeypatch):
    made = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    before = station_db.path.read_bytes()

    def full(src, dst):
        dst.write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(backup, "_copy_and_hash", full)
    with pytest.raises(UserError, match="^磁盘空间不足"):
        database_ops.restore_into(station_db, made.path, admin.actor)
    assert station_db.path.read_bytes() == before
    assert not station_db.path.with_name(station_db.path.name + ".restore.tmp").exists()


# --- report exports ----------------------------------------------------------------------


def test_report_export_removes_work_folders_a_killed_export_left(tmp_path):
    """A `.report-*` folder whose process is gone (or, unnamed, older than an hour) is removed at the
    next export into that folder; one of a running process stays. The package is owner-only."""
    from .test_cli import ADMIN, PASSWORD, open_as
    from .test_report_figures import build_known
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD, encoding="utf-8")
    path = tmp_path / "s.db"
    assert cli("--db", path, "init", "--town", "441302001", "--name", "桥东街道社会工作服务站", "--admin", "admin",
               "--password-file", pw, "--recovery-file", tmp_path / "recovery.txt").returncode == 0
    unlock(path, "admin", PASSWORD)
    db = open_as(path)
    try:
        build_known(db)
    finally:
        db.close()
    out = tmp_path / "U盘"
    out.mkdir()
    dead = out / ".report-4999999-abc123"  # beyond pid_max: no such process
    old = out / ".report-k2j3h4"  # no process named: stale by age
    alive = out / f".report-{os.getppid()}-zz9"  # a running process: maybe still writing
    for folder in (dead, old, alive):
        folder.mkdir()
        (folder / "x.xlsx").write_bytes(b"figures")
    long_ago = 1_000_000_000  # 2001: older than an hour whatever the clock (the CLI runs on the real one)
    os.utime(old, (long_ago, long_ago))
    result = cli("--db", path, "report", "--month", "2024-05", "--out", out, login=ADMIN)
    assert result.returncode == 0, result.stderr
    assert not dead.exists() and not old.exists() and alive.exists()
    package = out / "441302001_2024-05_月度报表"
    if os.name == "posix":
        assert stat.S_IMODE(package.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in package.iterdir()} == {0o600}
