"""The second backup folder (issue 11): copied after each backup when present, verified, rotated;
工作台 warns when the newest copy outside the PC's disk is too old or missing."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta

import pytest

from shuanbai_desktop import paths
from shuanbai_desktop.data.base import now
from shuanbai_desktop.domain.labels import BackupKind, Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import backup, backup_offsite, database_ops, settings, workbench
from shuanbai_desktop.services.workbench import Level, WorkbenchContext


@pytest.fixture
def second(station_db, tmp_path):
    folder = tmp_path / "U盘" / "社工站备份"
    folder.mkdir(parents=True)
    with station_db.session() as s:
        backup_offsite.set_folder(s, station_db.path, folder)
    return folder


def test_setting_the_folder_is_checked(station_db, tmp_path):
    with station_db.session() as s:
        with pytest.raises(UserError, match="找不到文件夹"):
            backup_offsite.set_folder(s, station_db.path, tmp_path / "没有这个文件夹")
        with pytest.raises(UserError, match="不能是"):
            backup_offsite.set_folder(s, station_db.path, paths.backups_dir(station_db.path))
        with pytest.raises(UserError, match="不能是"):
            backup_offsite.set_folder(s, station_db.path, station_db.path.parent)
        backup_offsite.set_folder(s, station_db.path, tmp_path.parent)
        assert backup_offsite.configured_folder(s) == tmp_path.parent
        backup_offsite.set_folder(s, station_db.path, None)
        assert backup_offsite.configured_folder(s) is None


def test_each_backup_is_copied_to_the_second_folder_verified(station_db, admin, second):
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    copies = backup.list_backups(second)
    assert [c.path.name for c in copies] == [info.path.name]
    assert copies[0].sha256 == info.sha256 and backup._sha256(copies[0].path) == info.sha256
    assert not list(second.glob("*.tmp"))
    with station_db.session() as s:
        state = backup_offsite.status(s, station_db.path)
    assert state.present and state.last.folder == second and state.last.file == info.path.name
    assert state.last.created_at == info.created_at and state.last_error == ""


def test_absent_second_folder_is_skipped_and_remembered_copy_stays(station_db, admin, second):
    first = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    shutil.rmtree(second)  # the stick is unplugged
    with station_db.session(admin.actor) as s:  # a change, so that a new backup is made
        settings.set_int(s, "backup.daily_keep", 8)
    later = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert later.path.exists()
    with station_db.session() as s:
        state = backup_offsite.status(s, station_db.path)
    assert not state.present and state.folder == second
    assert state.last is not None and state.last.file == first.path.name  # where and when, though unplugged


def test_a_copy_that_does_not_read_back_the_same_is_removed(station_db, admin, second, monkeypatch):
    real = shutil.copyfileobj

    def flaky_stick(src, dst, length=0):
        real(src, dst, length)
        dst.seek(100)
        dst.write(b"\x00\x01")
    monkeypatch.setattr(shutil, "copyfileobj", flaky_stick)
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)  # the backup itself is fine
    assert info.path.exists() and backup.list_backups(second) == []
    assert not list(second.glob("*.tmp"))
    with station_db.session() as s:
        state = backup_offsite.status(s, station_db.path)
    assert "校验值" in state.last_error and state.last is None


def _fake(folder, at, kind=BackupKind.AUTO):
    path = folder / backup.backup_name("441302001", at, kind)
    path.write_bytes(b"x")
    backup.write_sidecar(backup.BackupInfo(path, at, kind, 1, "ok", "0" * 64, 1))
    return path


def test_rotation_applies_in_the_second_folder(station_db, admin, second):
    old = [_fake(second, now() - timedelta(days=d)) for d in (40, 41, 42)]
    with station_db.session(admin.actor) as s:
        settings.set_int(s, "backup.daily_keep", 1)
        settings.set_int(s, "backup.weekly_keep", 0)
        settings.set_int(s, "backup.monthly_keep", 0)
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert [b.path.name for b in backup.list_backups(second)] == [info.path.name]
    assert not any(p.exists() for p in old)


def _items(db, at: datetime):
    with db.session() as s:
        ctx = WorkbenchContext(s, at, db.path, Role.ADMIN)
        return [i for i in workbench.due_items(ctx) if i.title in OFFSITE_TITLES or i.title.startswith("本机以外")]


OFFSITE_TITLES = ("备份都在本机硬盘上", "第二备份位置还没有备份")


def test_workbench_warns_without_a_copy_outside_the_pc(station_db, admin, tmp_path):
    at = datetime(2026, 3, 2, 9, 0)
    items = _items(station_db, at)
    assert len(items) == 1 and items[0].level is Level.TODO and items[0].title == "备份都在本机硬盘上"
    folder = tmp_path / "U盘"
    folder.mkdir()
    with station_db.session() as s:
        backup_offsite.set_folder(s, station_db.path, folder)
    assert [i.title for i in _items(station_db, at)] == ["第二备份位置还没有备份"]


@pytest.mark.parametrize(("age_days", "warn_days", "warned"), [(3, 7, False), (10, 7, True), (3, 2, True)])
def test_workbench_warns_when_the_copy_outside_is_older_than_n_days(station_db, admin, second, age_days,
                                                                    warn_days, warned):
    at = datetime(2026, 3, 20, 9, 0)
    _fake(second, at - timedelta(days=age_days, hours=1))
    with station_db.session(admin.actor) as s:
        settings.set_int(s, "backup.offsite_days", warn_days)
    items = _items(station_db, at)
    if warned:
        assert len(items) == 1 and items[0].level is Level.OVERDUE
        assert f"{age_days} 天" in items[0].title and str(second) in items[0].detail
    else:
        assert items == []


def test_a_copy_made_by_hand_to_another_disk_counts(station_db, admin, tmp_path, monkeypatch):
    monkeypatch.setattr(backup_offsite, "same_disk", lambda folder, db_path: False)
    usb = tmp_path / "U盘"
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor, dest_dir=usb)
    last = backup_offsite.last_copy(station_db.path)
    assert last is not None and last.folder == usb and last.file == info.path.name
