"""Whole-database operations shared by the GUI and the command line: open, back up, restore, verify.

Who may: a backup into the app's own folder needs ``Permission.BACKUP_MAKE``; into any other folder
(复制到U盘, ``backup --to``) ``BACKUP_COPY_OUT``, as it is a full, unmasked copy of the database;
restoring needs ``BACKUP_RESTORE`` from the user of the database being replaced. The automatic
backup (daily, on exit) is the program's own work and runs as the system. A restore over a database
that cannot be opened, or holds no account, has no one to ask: ``restore_file`` does only that, and
is guarded by the operating system (whoever may write the data folder may replace the file anyway)
and by the backup's own checks (docs/permissions.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import and_, func, not_, select

from .. import paths
from ..data import audit, audit_key
from ..data.db import Database
from ..data.engine import connect_readonly, sqlite
from ..data.migrate import check_file
from ..data.models import AuditEntry
from ..domain.labels import BackupKind
from ..errors import UserError
from . import backup, settings
from .opening import open_app_database  # noqa: F401  (the start-up path, light: services/opening.py)
from .permissions import Permission, as_system, require

log = logging.getLogger(__name__)


def audit_head(db: Database) -> int:
    with db.session() as s:
        return s.execute(select(func.coalesce(func.max(AuditEntry.id), 0))).scalar_one()


BACKUP_EVENT = "备份数据库"


def change_head(db: Database) -> int:
    """The newest audit entry that is not a backup's own event (what a new backup would add)."""
    own_event = and_(AuditEntry.action == "event", AuditEntry.table_name == "backup",
                     AuditEntry.summary.startswith(BACKUP_EVENT))
    with db.session() as s:
        return s.scalar(select(AuditEntry.id).where(not_(own_event)).order_by(AuditEntry.id.desc()).limit(1)) or 0


def backup_permission(db_path: Path, dest_dir: Path | None) -> Permission:
    """``BACKUP_MAKE`` into the app's own backup folder, ``BACKUP_COPY_OUT`` anywhere else."""
    own = paths.backups_dir(db_path)
    if dest_dir is None or Path(dest_dir).resolve() == own.resolve():
        return Permission.BACKUP_MAKE
    return Permission.BACKUP_COPY_OUT


def backup_now(db: Database, kind: BackupKind, actor: audit.Actor | None = None,
               dest_dir: Path | None = None, progress: backup.Progress | None = None) -> backup.BackupInfo:
    """Back up as ``actor`` (default: the database's ``acting_for``); once it succeeded, audit it,
    thin the app's own backup folder and copy the newest backup to the second backup folder when
    that is present. A failure raises a ``UserError`` (full disk, unwritable folder) with nothing
    audited, rotated or left half-written.

    Needs ``BACKUP_MAKE``, or ``BACKUP_COPY_OUT`` for a ``dest_dir`` other than the app's own folder.
    A failed copy to the second folder does not undo the backup: it is logged and remembered for
    the page (``backup_offsite.status``).
    """
    return _backup(db, kind, actor, dest_dir, progress, system=False)


def _backup(db: Database, kind: BackupKind, actor: audit.Actor | None, dest_dir: Path | None,
            progress: backup.Progress | None, system: bool) -> backup.BackupInfo:
    from . import backup_offsite, server_backup
    own = paths.backups_dir(db.anchor)  # a server station's: in its shared folder
    folder = dest_dir or own
    with db.session(actor) as s:
        if system:
            as_system(s)
        require(s, backup_permission(db.anchor, dest_dir))
        keep = settings.all_ints(s)
        second = backup_offsite.configured_folder(s)
    if db.server is not None:
        info = server_backup.make_backup(db, folder, kind, progress=progress)
    else:
        info = backup.make_backup(db.file, folder, kind, progress=progress)
    with db.session(actor) as s:
        if system:
            as_system(s)
        audit.record_event(s, "backup", "", f"{BACKUP_EVENT}（{kind.label}）",
                           {"folder": folder.name, "file": info.path.name})
    if dest_dir is not None:
        backup_offsite.note_copy(db.anchor, info, info.created_at)
        return info
    backup.rotate(folder, keep["backup.daily_keep"], keep["backup.weekly_keep"], keep["backup.monthly_keep"])
    if backup_offsite.is_present(second):
        if progress is not None:
            progress(96, "正在复制到第二备份位置")
        try:
            backup_offsite.copy_newest(db.anchor, info, second, keep, info.created_at)
        except UserError as exc:
            log.warning("copy to the second backup folder failed: %s", exc.message)
    return info


def maybe_backup(db: Database, on_exit: bool, progress: backup.Progress | None = None) -> backup.BackupInfo | None:
    """The automatic backup: on exit when data changed, otherwise at most daily. The program's own
    work (whoever is logged in, even a supervisor): it runs as the system."""
    from ..data.base import now
    folder = paths.backups_dir(db.anchor)
    if not backup.due(folder, change_head(db), now(), on_exit, current_head=audit_head(db)):
        return None
    return _backup(db, BackupKind.EXIT if on_exit else BackupKind.AUTO, None, None, progress, system=True)


def check_pending_backups(db: Database, stop: backup.Stop | None = None) -> list[backup.BackupInfo]:
    """The background full check of backups made since the last one (own folder, then the second)."""
    from . import backup_offsite, server_backup
    with db.session() as s:
        second = backup_offsite.configured_folder(s)
    if db.server is not None:  # a server backup's full check is a restore into a scratch database
        done = server_backup.run_pending_checks(db, paths.backups_dir(db.anchor), stop)
        if backup_offsite.is_present(second) and not (stop is not None and stop()):
            done += server_backup.run_pending_checks(db, second, stop)
        return done
    done = backup.run_pending_checks(paths.backups_dir(db.file), stop)
    if backup_offsite.is_present(second) and not (stop is not None and stop()):
        done += backup.run_pending_checks(second, stop)
    return done


def other_station(db: Database, source: backup.RestoreSource) -> tuple[str, str] | None:
    """The current station (code, name) when a prepared backup is another township's, else None."""
    if db.server is not None:
        from . import server_backup
        return server_backup.other_station(db.server, server_backup.password_of(db), source)
    return backup.other_station(db.file, source)


def _require_restore(db: Database, actor: audit.Actor | None) -> None:
    from ..data.moved_station import refuse_if_moved
    with db.session(actor) as s:
        require(s, Permission.BACKUP_RESTORE)
        refuse_if_moved(s)  # a file moved to a server: a restore would make it a second live station


def prepare_restore(db: Database, backup_file: Path, actor: audit.Actor | None = None) -> backup.RestoreSource:
    """Copy and check a backup before asking (``BACKUP_RESTORE``); see ``backup.prepare_restore``."""
    _require_restore(db, actor)
    if db.server is not None:
        from . import server_backup
        return server_backup.prepare_restore(db.server, backup_file)
    return backup.prepare_restore(db.file, backup_file)


def restore_into(db: Database, source: Path | backup.RestoreSource, actor: audit.Actor | None = None,
                 allow_other_station: bool = False) -> tuple[Database, Path | None]:
    """Restore over the open database ``db`` as ``actor`` (default: ``db.acting_for``), who needs
    ``BACKUP_RESTORE``; ``db`` is closed. See ``_restore_over``."""
    _require_restore(db, actor)
    if db.server is not None:  # pg_restore into the station's own database: services/server_backup.py
        from . import server_backup
        return server_backup.restore(db, db.server, source, actor or db.acting_for, allow_other_station)
    db.close()
    return _restore_over(db.file, source, actor or db.acting_for, allow_other_station)


def restore_needs_user(path: Path) -> bool:
    """Whether a restore over ``path`` must go through a logged-in user (``restore_into``): the file
    passes the checks of an ordinary open (ours, not damaged, not newer) and holds an active account.
    Otherwise there is no one to ask: a missing, empty, damaged or foreign file, or one without accounts."""
    try:
        if check_file(path) is None:
            return False
        conn = connect_readonly(path)
        try:
            active = conn.execute("SELECT count(*) FROM app_user WHERE NOT disabled").fetchone()[0]
        finally:
            conn.close()
    except (UserError, sqlite.Error, OSError):
        return False
    return active > 0


def restore_file(path: Path, source: Path | backup.RestoreSource,
                 allow_other_station: bool = False) -> tuple[Database, Path | None]:
    """Restore over a database that cannot be opened or has no account (``restore_needs_user`` is
    False): the command line's ``restore`` when there is no one to log in. A database that can be
    opened is refused here: restore it through ``restore_into`` as a user with ``BACKUP_RESTORE``."""
    if restore_needs_user(path):
        raise UserError("现在的数据库可以正常打开，从备份恢复须由有“从备份恢复数据库”权限的用户（管理员）登录后办理"
                        "（命令行：restore 备份文件 --user 用户名）。")
    return _restore_over(path, source, None, allow_other_station)


def _restore_over(path: Path, source: Path | backup.RestoreSource, actor: audit.Actor | None,
                  allow_other_station: bool) -> tuple[Database, Path | None]:
    """Restore over ``path`` (which may be damaged), reopen it (migrating if older), audit it.

    ``source`` is a backup file (copied and checked first) or one ``prepare_restore`` returned
    (its copy is used and removed). A backup of another township needs ``allow_other_station``.
    Returns the reopened database and the safety copy's path.
    """
    prepared = source if isinstance(source, backup.RestoreSource) else backup.prepare_restore(path, source)
    other = backup.other_station(path, prepared)
    keys, recorded_head = audit_key.read_backup_keys(prepared.original)
    try:
        safety = backup.restore_prepared(path, prepared, paths.backups_dir(path), allow_other_station)
    finally:
        backup.discard(prepared)
    _install_audit_keys(path, keys, recorded_head)
    reopened = open_app_database(path)
    backup.record_restore(reopened, prepared, safety, prepared.town_code if other is not None else None, actor)
    return reopened, safety


def _install_audit_keys(path: Path, keys: list[audit_key.ChainKey], recorded_head: audit_key.Head | None) -> None:
    """After a restore: the backup's audit keys on this machine (so its trail verifies here too) and
    the head file rolled back to the restored trail (restoring legitimately removes newer entries)."""
    try:
        for key in keys:
            audit_key.save_key(key, path)
        audit.reset_head(path, recorded_head)
    except OSError:
        log.warning("audit key or head not installed after the restore", exc_info=True)


@dataclass(frozen=True)
class VerifyResult:
    integrity: str
    foreign_keys: int
    chain: audit.ChainCheck

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.foreign_keys == 0 and self.chain.ok


def verify(db: Database) -> VerifyResult:
    if db.path is None:  # a PostgreSQL server keeps its pages whole and its foreign keys enforced itself
        integrity, fks = "ok", 0
    else:
        conn = connect_readonly(db.path)
        try:
            integrity = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
            fks = len(conn.execute("PRAGMA foreign_key_check").fetchall())
        finally:
            conn.close()
    with db.session() as s:
        chain = audit.verify_chain(s, db.path)
    return VerifyResult(integrity, fks, chain)


def require_station(db: Database):
    from .station import get_station
    with db.session() as s:
        station = get_station(s)
    if station is None:
        raise UserError("这个数据库还没有设立社工站，请先运行 init 或在图形界面中完成设立向导。")
    return station
