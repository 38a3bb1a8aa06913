"""Backups: verified copies, rotation, change detection, restore with a safety copy."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shuanbai_desktop import paths
from shuanbai_desktop.domain.labels import BackupKind, FacilityType
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import backup, database_ops, station
from tests.conftest import raw_connect


def _point(db, actor, name, codes):
    with db.session(actor) as s:
        return station.save_service_point(s, station.ServicePointInput(
            name, FacilityType.SCHOOL, "", "", "", tuple(codes)))


def _point_names(path):
    conn = raw_connect(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM service_point"))
    finally:
        conn.close()


def test_backup_is_verified_named_without_personal_data(station_db, admin):
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert info.ok and info.path.exists() and info.size > 0
    assert info.path.name.startswith("backup-441302001-") and info.path.suffix == ".sqlite3"
    assert not list(info.path.parent.glob("*.tmp"))
    assert backup.recheck(info) == "ok"
    assert backup.list_backups(info.path.parent)[0].sha256 == info.sha256
    assert info.town_code == "441302001" and info.audit_head > 0


def _full_checks(monkeypatch) -> list:
    calls = []
    real = backup.full_check

    def counting(path, stop=None):
        calls.append(path.name)
        return real(path, stop)
    monkeypatch.setattr(backup, "full_check", counting)
    return calls


def test_backup_leaves_the_full_check_to_the_background_check(station_db, admin, monkeypatch):
    """Speed (issue 11): no integrity_check while backing up; the sidecar says pending until the
    background check has run it and recorded the result."""
    calls = _full_checks(monkeypatch)
    info = database_ops.backup_now(station_db, BackupKind.EXIT, admin.actor)
    assert calls == [] and info.pending and info.ok and not info.verified
    assert backup.list_backups(info.path.parent)[0].pending
    done = database_ops.check_pending_backups(station_db)
    assert calls == [info.path.name] and [d.path for d in done] == [info.path]
    again = backup.list_backups(info.path.parent)[0]
    assert again.verified and again.checked_at is not None and again.sha256 == info.sha256
    assert database_ops.check_pending_backups(station_db) == []  # checked once, not at every start


def test_background_check_records_a_damaged_backup(station_db, admin):
    info = database_ops.backup_now(station_db, BackupKind.EXIT, admin.actor)
    with info.path.open("r+b") as fh:
        fh.seek(5000)
        fh.write(b"\xff\xfe")
    backup.run_pending_checks(info.path.parent)
    listed = backup.list_backups(info.path.parent)[0]
    assert not listed.ok and "不符" in listed.check and "不符" in listed.check_text


def test_background_check_stops_when_asked_and_stays_pending(station_db, admin):
    info = database_ops.backup_now(station_db, BackupKind.EXIT, admin.actor)
    assert backup.run_pending_checks(info.path.parent, stop=lambda: True) == []
    assert backup.list_backups(info.path.parent)[0].pending


def test_a_copy_that_differs_from_the_database_is_not_kept(station_db, admin, monkeypatch):
    """A backup is reported done only when the copy has the source's tables, key counts, audit head."""
    real = backup.summary_of

    def short_copy(path):
        found = real(path)
        counts = tuple((t, n - 1 if t == "app_user" else n) for t, n in found.counts)
        return backup.Summary(found.tables, counts, found.audit_head, found.audit_hash, found.town_code,
                              found.station_name)
    monkeypatch.setattr(backup, "summary_of", short_copy)
    events_before = _backup_events(station_db)
    with pytest.raises(UserError, match="不一致"):
        database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    folder = paths.backups_dir(station_db.path)
    assert backup.list_backups(folder) == [] and not list(folder.glob("*.tmp*"))
    assert _backup_events(station_db) == events_before


def _backup_events(db) -> int:
    from sqlalchemy import func, select

    from shuanbai_desktop.data.models import AuditEntry
    with db.session() as s:
        return s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.summary.startswith("备份数据库")))


def test_backup_event_is_audited_after_the_backup(station_db, admin):
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    assert _backup_events(station_db) == 1
    assert info.audit_head < database_ops.audit_head(station_db)  # the event is not in the copy
    assert database_ops.maybe_backup(station_db, on_exit=True) is None  # …and is no change to back up


def test_recheck_notices_a_changed_file(station_db, admin):
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    with info.path.open("r+b") as fh:
        fh.seek(5000)
        fh.write(b"\xff\xfe")
    assert "不符" in backup.recheck(info)


def test_restore_round_trip_keeps_a_safety_copy(station_db, admin):
    with station_db.session() as s:
        codes = [v.code for v in station.list_villages(s)]
    _point(station_db, admin.actor, "甲点", codes[:3])
    saved = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor)
    _point(station_db, admin.actor, "乙点", codes[3:6])
    restored, safety = database_ops.restore_into(station_db, saved.path, admin.actor)
    try:
        assert _point_names(restored.path) == ["甲点"]
        assert _point_names(safety) == ["乙点", "甲点"]
        assert database_ops.verify(restored).ok
    finally:
        restored.close()


def test_restore_refuses_a_broken_backup_and_keeps_the_database(station_db, admin, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(UserError):
        database_ops.restore_into(station_db, bad, admin.actor)
    reopened = database_ops.open_app_database(station_db.path)
    try:
        with reopened.session() as s:
            assert station.get_station(s).town_code == "441302001"
    finally:
        reopened.close()


def _fake(folder, at, kind=BackupKind.AUTO):
    path = folder / f"backup-441302001-{at:%Y%m%d-%H%M%S}-{kind.value}.sqlite3"
    path.write_bytes(b"x")
    backup.write_sidecar(backup.BackupInfo(path, at, kind, 1, "ok", "0" * 64, 1))
    return path


def test_rotation_keeps_7_daily_4_weekly_12_monthly(tmp_path):
    start = datetime(2025, 1, 1, 18, 0)
    for day in range(365):
        _fake(tmp_path, start + timedelta(days=day))
    for i in range(8):
        _fake(tmp_path, start + timedelta(days=100 + i), BackupKind.PRE_RESTORE)
    backup.rotate(tmp_path, 7, 4, 12)
    kept = backup.list_backups(tmp_path)
    auto = sorted(b.created_at.date() for b in kept if b.kind is BackupKind.AUTO)
    newest = (start + timedelta(days=364)).date()
    assert auto[-7:] == [newest - timedelta(days=d) for d in range(6, -1, -1)]
    months = {(d.year, d.month) for d in auto}
    assert len(months) == 12
    assert len(auto) <= 7 + 4 + 12
    assert sum(b.kind is BackupKind.PRE_RESTORE for b in kept) == backup.SAFETY_KEEP


def test_backup_due_only_when_data_changed(tmp_path):
    at = datetime(2026, 3, 2, 9, 0)
    assert backup.due(tmp_path, audit_head=5, at=at, on_exit=True)
    path = _fake(tmp_path, at)
    assert backup.list_backups(tmp_path)[0].path == path
    assert not backup.due(tmp_path, audit_head=1, at=at + timedelta(hours=2), on_exit=True)
    assert backup.due(tmp_path, audit_head=2, at=at + timedelta(hours=2), on_exit=True)
    assert not backup.due(tmp_path, audit_head=2, at=at + timedelta(hours=2), on_exit=False)
    assert backup.due(tmp_path, audit_head=2, at=at + timedelta(days=1, hours=1), on_exit=False)


def test_exit_backup_skipped_without_changes(station_db, admin):
    first = database_ops.maybe_backup(station_db, on_exit=True)
    assert first is not None
    assert database_ops.maybe_backup(station_db, on_exit=True) is None
    folder = paths.backups_dir(station_db.path)
    assert len(backup.list_backups(folder)) == 1


def test_backup_to_another_folder_is_not_rotated(station_db, admin, tmp_path):
    usb = tmp_path / "usb"
    info = database_ops.backup_now(station_db, BackupKind.MANUAL, admin.actor, dest_dir=usb)
    assert info.path.parent == usb and backup.recheck(info) == "ok"
