"""Backups through SQLite's backup API, verified, rotated, and restore with a safety copy.

A backup is ``backup-<乡镇代码>-<YYYYMMDD-HHMMSS>-<kind>.sqlite3`` plus a JSON
sidecar with its check result and SHA-256; names carry no personal data.
Writes go to a ``.tmp`` file that is fsynced and checked before it is renamed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..data.base import now
from ..data.engine import APPLICATION_ID
from ..data.migrate import check_file
from ..domain.labels import BackupKind
from ..errors import UserError
from . import attachments

log = logging.getLogger(__name__)
SUFFIX = ".sqlite3"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    kind: BackupKind
    size: int
    check: str
    sha256: str
    audit_head: int

    @property
    def ok(self) -> bool:
        return self.check == "ok"


def _fsync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
    if os.name == "posix":
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy(src: Path, dst: Path) -> None:
    """One-step online backup from a connection of its own (never a file copy)."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(dst)
    try:
        source.backup(target, pages=-1)
    finally:
        target.close()
        source.close()


def _inspect(path: Path) -> tuple[str, int, str]:
    """(integrity_check result, audit head id, town code) of a database file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        head = conn.execute("SELECT coalesce(max(id), 0) FROM audit_entry").fetchone()[0] \
            if "audit_entry" in tables else 0
        town = conn.execute("SELECT town_code FROM station").fetchone() if "station" in tables else None
    finally:
        conn.close()
    if result == "ok" and fk:
        result = f"外键检查发现 {len(fk)} 处问题"
    return result, head, (town[0] if town else "000000000")


def make_backup(db_path: Path, dest_dir: Path, kind: BackupKind, at: datetime | None = None) -> BackupInfo:
    at = at or now()
    dest_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    _, _, town = _inspect(db_path)
    final = dest_dir / f"backup-{town}-{at:%Y%m%d-%H%M%S}-{kind.value}{SUFFIX}"
    tmp = final.with_name(final.name + ".tmp")
    try:
        _copy(db_path, tmp)
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        _fsync(tmp)
        check, head, _ = _inspect(tmp)
        if check != "ok":
            raise UserError(f"备份副本的完整性检查未通过（{check}），没有保存这份备份。")
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    info = BackupInfo(final, at, kind, final.stat().st_size, check, _sha256(final), head)
    _write_sidecar(info)
    attachments.sync_store(db_path, dest_dir / "attachments")
    log.info("backup written: %s (%d bytes)", final.name, info.size)
    return info


def _write_sidecar(info: BackupInfo) -> None:
    side = info.path.with_suffix(".json")
    tmp = side.with_name(side.name + ".tmp")
    tmp.write_text(json.dumps({"created_at": info.created_at.isoformat(), "kind": info.kind.value,
                               "size": info.size, "check": info.check, "sha256": info.sha256,
                               "audit_head": info.audit_head}, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, side)


def _read(path: Path) -> BackupInfo | None:
    side = path.with_suffix(".json")
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
        return BackupInfo(path, datetime.fromisoformat(meta["created_at"]), BackupKind(meta["kind"]),
                          path.stat().st_size, meta["check"], meta["sha256"], int(meta["audit_head"]))
    except (OSError, ValueError, KeyError):
        return None


def list_backups(dest_dir: Path) -> list[BackupInfo]:
    """Newest first; files without a readable sidecar are left out."""
    found = [_read(p) for p in dest_dir.glob(f"backup-*{SUFFIX}")] if dest_dir.exists() else []
    # Same second: a manual or exit backup counts as the newer one, so rotation keeps it.
    return sorted((b for b in found if b), key=lambda b: (b.created_at, b.kind is not BackupKind.AUTO,
                                                          b.path.name), reverse=True)


def recheck(info: BackupInfo) -> str:
    """Check a stored backup again: SHA-256 against its sidecar, then integrity_check."""
    if _sha256(info.path) != info.sha256:
        return "文件校验值与备份时不符（文件被改动或损坏）"
    return _inspect(info.path)[0]


ROTATED = {BackupKind.AUTO, BackupKind.MANUAL, BackupKind.EXIT}
SAFETY_KEEP = 5


def choose_kept(backups: list[BackupInfo], daily: int, weekly: int, monthly: int) -> set[Path]:
    """Newest backup of each of the last ``daily`` days, ``weekly`` ISO weeks, ``monthly`` months."""
    keep: set[Path] = set()
    for bucket, count in ((lambda d: d.date(), daily), (lambda d: d.isocalendar()[:2], weekly),
                          (lambda d: (d.year, d.month), monthly)):
        seen: list = []
        for b in backups:  # newest first
            key = bucket(b.created_at)
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                keep.add(b.path)
    return keep


def rotate(dest_dir: Path, daily: int = 7, weekly: int = 4, monthly: int = 12) -> list[Path]:
    """Delete the backups the retention rule no longer keeps; return what was deleted."""
    backups = list_backups(dest_dir)
    rotated = [b for b in backups if b.kind in ROTATED]
    keep = choose_kept(rotated, daily, weekly, monthly)
    keep |= {b.path for b in [b for b in backups if b.kind not in ROTATED][:SAFETY_KEEP]}
    gone = [b.path for b in backups if b.path not in keep]
    for path in gone:
        path.unlink(missing_ok=True)
        path.with_suffix(".json").unlink(missing_ok=True)
    return gone


def latest(dest_dir: Path) -> BackupInfo | None:
    backups = list_backups(dest_dir)
    return backups[0] if backups else None


def due(dest_dir: Path, audit_head: int, at: datetime, on_exit: bool) -> bool:
    """On exit: when data changed since the last backup. Otherwise: once a day."""
    last = latest(dest_dir)
    if last is None:
        return audit_head > 0
    if on_exit:
        return audit_head != last.audit_head
    return at - last.created_at >= timedelta(days=1) and audit_head != last.audit_head


def verify_backup_file(path: Path) -> None:
    """A file fit to restore: ours, readable, not newer than this program, intact."""
    if not path.is_file():
        raise UserError(f"找不到备份文件：{path.name}", field="备份文件")
    check_file(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    finally:
        conn.close()
    if app_id != APPLICATION_ID:
        raise UserError("所选文件不是本程序的备份。", field="备份文件")
    result = _inspect(path)[0]
    if result != "ok":
        raise UserError(f"备份文件完整性检查未通过（{result}），不能用于恢复。", field="备份文件")


def restore(db_path: Path, backup_file: Path, dest_dir: Path) -> Path | None:
    """Replace the database with a backup; the current database is kept first as a safety copy.

    Every connection to ``db_path`` must be closed before this runs; the caller
    reopens it afterwards through ``open_database`` (which migrates an older backup).
    Returns the safety copy's path (None when there was no database yet).
    """
    verify_backup_file(backup_file)
    safety = _keep_current(db_path, dest_dir)
    tmp = db_path.with_name(db_path.name + ".restore.tmp")
    try:
        _copy(backup_file, tmp)
        _fsync(tmp)
        if _inspect(tmp)[0] != "ok":
            raise UserError("恢复时复制的数据未通过完整性检查，原数据库保持不变。")
        Path(str(db_path) + "-journal").unlink(missing_ok=True)
        os.replace(tmp, db_path)
        attachments.restore_store(backup_file.parent / "attachments", db_path)
    finally:
        tmp.unlink(missing_ok=True)
    log.info("restored database from %s", backup_file.name)
    return safety


def _keep_current(db_path: Path, dest_dir: Path) -> Path | None:
    """The safety copy before a restore; a damaged database is kept aside as files instead."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    try:
        return make_backup(db_path, dest_dir, BackupKind.PRE_RESTORE).path
    except (sqlite3.DatabaseError, UserError):
        target = dest_dir / f"damaged-{now():%Y%m%d-%H%M%S}{SUFFIX}"
        dest_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(db_path, target)
        journal = Path(str(db_path) + "-journal")
        if journal.exists():
            shutil.copy2(journal, Path(str(target) + "-journal"))
        log.warning("current database unreadable; kept aside as %s", target.name)
        return target
