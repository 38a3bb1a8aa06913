"""Whole-database operations shared by the GUI and the command line: open, back up, restore, verify."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from .. import paths
from ..data import audit
from ..data.db import Database
from ..data.migrate import open_database
from ..data.models import AuditEntry
from ..domain.labels import BackupKind
from ..errors import UserError
from . import backup, settings

log = logging.getLogger(__name__)


def open_app_database(path: Path) -> Database:
    """Checks, a verified pre-migration backup when the schema is older, migrations."""
    return open_database(path, backup=lambda p: backup.make_backup(p, paths.backups_dir(p),
                                                                   BackupKind.PRE_MIGRATE))


def audit_head(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))


def backup_now(db: Database, kind: BackupKind, actor: audit.Actor | None = None,
               dest_dir: Path | None = None) -> backup.BackupInfo:
    """Audit, back up, then thin the backup folder (only the app's own folder is rotated)."""
    folder = dest_dir or paths.backups_dir(db.path)
    with db.session(actor) as s:
        audit.record_event(s, "backup", "", f"备份数据库（{kind.label}）", {"folder": folder.name})
        keep = settings.all_ints(s)
    info = backup.make_backup(db.path, folder, kind)
    if dest_dir is None:
        backup.rotate(folder, keep["backup.daily_keep"], keep["backup.weekly_keep"], keep["backup.monthly_keep"])
    return info


def maybe_backup(db: Database, on_exit: bool) -> backup.BackupInfo | None:
    """The automatic backup: on exit when data changed, otherwise at most daily."""
    from ..data.base import now
    folder = paths.backups_dir(db.path)
    if not backup.due(folder, audit_head(db), now(), on_exit):
        return None
    return backup_now(db, BackupKind.EXIT if on_exit else BackupKind.AUTO)


def restore_into(db: Database, backup_file: Path, actor: audit.Actor | None = None) -> tuple[Database, Path | None]:
    """Close ``db`` and restore ``backup_file`` over it; see ``restore_file``."""
    db.close()
    return restore_file(db.path, backup_file, actor)


def restore_file(path: Path, backup_file: Path, actor: audit.Actor | None = None) -> tuple[Database, Path | None]:
    """Restore over ``path`` (which may be damaged), reopen it (migrating if older), audit it.

    Returns the reopened database and the safety copy's path.
    """
    safety = backup.restore(path, backup_file, paths.backups_dir(path))
    reopened = open_app_database(path)
    with reopened.session(actor) as s:
        audit.record_event(s, "backup", "", f"从备份恢复：{backup_file.name}",
                           {"safety_copy": safety.name if safety else ""})
    return reopened, safety


@dataclass(frozen=True)
class VerifyResult:
    integrity: str
    foreign_keys: int
    chain: audit.ChainCheck

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.foreign_keys == 0 and self.chain.ok


def verify(db: Database) -> VerifyResult:
    conn = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True)
    try:
        integrity = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
        fks = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()
    with db.session() as s:
        chain = audit.verify_chain(s)
    return VerifyResult(integrity, fks, chain)


def require_station(db: Database):
    from .station import get_station
    with db.session() as s:
        station = get_station(s)
    if station is None:
        raise UserError("这个数据库还没有设立社工站，请先运行 init 或在图形界面中完成设立向导。")
    return station
