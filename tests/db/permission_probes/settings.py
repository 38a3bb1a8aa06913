"""Probes for 设置: accounts (USERS_MANAGE), the security settings (SECURITY_SETTINGS), the station
profile (STATION_EDIT), the audit trail (AUDIT_READ), backups (BACKUP_MAKE, BACKUP_COPY_OUT,
BACKUP_RESTORE) and the second backup folder (BACKUP_SETTINGS).

Backups are whole-database operations that open their own sessions (``database_ops``): their probes
act for the session's user through a second handle on the same file and leave the test's session
unused (a session takes the write lock only at its first statement).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from shuanbai_desktop.data.db import Database
from shuanbai_desktop.domain.labels import BackupKind, Role
from shuanbai_desktop.services import audit_log, auth, backup_offsite, database_ops, settings, station
from shuanbai_desktop.services.permissions import Permission

from . import World

NEW_PASSWORD = "Qiao-dong-2024-xin"


def _new_user(session: Session, world: World) -> None:
    auth.create_user(session, "xinren", "新来的窗口", Role.WINDOW, NEW_PASSWORD)


def _security(session: Session, world: World) -> None:
    settings.set_int(session, "login.lock_minutes", 30)


def _station_profile(session: Session, world: World) -> None:
    info = station.get_station(session)
    station.update_station(session, info.name, "惠州市惠城区桥东路2号", info.phone)


def _audit(session: Session, world: World) -> None:
    page = audit_log.search(session, audit_log.AuditQuery())
    assert page.total > 0


def _backup(world: World, session: Session, dest=None) -> None:
    db = Database(world.db_path)
    try:
        database_ops.backup_now(db, BackupKind.MANUAL, session.info.get("actor"), dest_dir=dest)
    finally:
        db.close()


def _backup_make(session: Session, world: World) -> None:
    _backup(world, session)


def _copy_out(session: Session, world: World) -> None:
    _backup(world, session, world.tmp / "U盘")


def _restore(session: Session, world: World) -> None:
    from shuanbai_desktop.services import backup
    made = backup.make_backup(world.db_path, world.tmp / "备份", BackupKind.MANUAL)  # the file-level copy
    db = Database(world.db_path)
    restored, _safety = database_ops.restore_into(db, made.path, session.info.get("actor"))
    restored.close()


def _second_folder(session: Session, world: World) -> None:
    folder = world.tmp / "第二备份位置"
    folder.mkdir()
    backup_offsite.set_folder(session, world.db_path, folder)


PROBES = {Permission.USERS_MANAGE: _new_user, Permission.SECURITY_SETTINGS: _security,
          Permission.STATION_EDIT: _station_profile, Permission.AUDIT_READ: _audit,
          Permission.BACKUP_MAKE: _backup_make, Permission.BACKUP_COPY_OUT: _copy_out,
          Permission.BACKUP_RESTORE: _restore, Permission.BACKUP_SETTINGS: _second_folder}
