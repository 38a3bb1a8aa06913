"""The second backup folder (a USB stick or another disk), set in 设置 → 备份与恢复.

Whenever it is present (exists and is writable), the newest backup is copied there after each
backup, verified against its sidecar's SHA-256, with its sidecar and the attachments; the
retention rule thins it as it does the app's own folder. The last copy made outside the PC's own
disk is remembered in ``offsite.json`` in the app's backup folder (a file, not the database: a
record there would itself be a change needing the next backup), so that the page and 工作台 can
say where and when even while the stick is unplugged.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeGuard

from sqlalchemy.orm import Session

from .. import paths
from ..errors import UserError
from . import attachments, backup, settings, workbench
from .permissions import Permission, require

log = logging.getLogger(__name__)
FOLDER_KEY = "backup.second_folder"
DAYS_KEY = "backup.offsite_days"
RECORD_NAME = "offsite.json"


@dataclass(frozen=True)
class OffsiteCopy:
    folder: Path
    file: str
    created_at: datetime  # when the backup was made: the age of the data it holds
    copied_at: datetime


@dataclass(frozen=True)
class OffsiteStatus:
    folder: Path | None  # the second folder set in 设置
    present: bool  # exists and is writable now
    same_disk: bool  # on the database's own disk: no protection when that disk fails
    last: OffsiteCopy | None  # the newest backup known outside the PC's own disk
    last_error: str  # why the last copy to the second folder failed ("" when it did not)
    warn_days: int


def configured_folder(session: Session) -> Path | None:
    text = settings.get_text(session, FOLDER_KEY)
    return Path(text) if text else None


def is_present(folder: Path | None) -> TypeGuard[Path]:
    """A folder is configured, exists and can be written to (a True result also tells the type checker)."""
    return folder is not None and folder.is_dir() and os.access(folder, os.W_OK)


def same_disk(folder: Path, db_path: Path) -> bool:
    try:
        return folder.stat().st_dev == db_path.parent.stat().st_dev
    except OSError:
        return False


def set_folder(session: Session, db_path: Path, folder: Path | None) -> None:
    """Set (or with None clear) the second backup folder; it must exist, be writable, and not be
    the app's own backup folder. Needs ``Permission.BACKUP_SETTINGS``."""
    require(session, Permission.BACKUP_SETTINGS)
    if folder is None:
        settings.set_text(session, FOLDER_KEY, "")
        return
    folder = Path(folder).expanduser()
    label = settings.TEXT_SETTINGS[FOLDER_KEY].label
    own = paths.backups_dir(db_path).resolve()
    resolved = folder.resolve()
    if resolved == own or own in resolved.parents or resolved == db_path.parent.resolve():
        raise UserError("第二备份位置不能是数据库所在的文件夹或程序自己的备份文件夹，"
                        "请选择U盘或另一块硬盘上的文件夹。", field=label)
    if not folder.is_absolute() or not folder.is_dir():
        raise UserError(f"找不到文件夹：{folder}。请选择U盘或另一块硬盘上已有的文件夹。", field=label)
    if not _writable(folder):
        raise UserError(f"无法写入所选文件夹：{folder}（没有写入权限，或U盘已写保护）。", field=label)
    settings.set_text(session, FOLDER_KEY, str(folder))


def _writable(folder: Path) -> bool:
    probe = folder / ".shuanbai-write-test.tmp"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


# --- the record of the last copy outside the PC's disk ------------------------------------


def _record_path(db_path: Path) -> Path:
    return paths.backups_dir(db_path) / RECORD_NAME


def _read_record(db_path: Path) -> tuple[OffsiteCopy | None, str]:
    try:
        meta = json.loads(_record_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, ""
    last = None
    try:
        if meta.get("last"):
            item = meta["last"]
            last = OffsiteCopy(Path(item["folder"]), item["file"], datetime.fromisoformat(item["created_at"]),
                               datetime.fromisoformat(item["copied_at"]))
    except (KeyError, TypeError, ValueError):
        last = None
    return last, str(meta.get("last_error", ""))


def _write_record(db_path: Path, last: OffsiteCopy | None, error: str) -> None:
    path = _record_path(db_path)
    backup.private_dir(path.parent)
    item = None if last is None else {"folder": str(last.folder), "file": last.file,
                                      "created_at": last.created_at.isoformat(),
                                      "copied_at": last.copied_at.isoformat()}
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"last": item, "last_error": error}, ensure_ascii=False))
        fh.flush()
        os.fsync(fh.fileno())
    paths.make_private(tmp)
    os.replace(tmp, path)


def note_copy(db_path: Path, info: backup.BackupInfo, at: datetime) -> None:
    """A backup made into another folder by hand (复制到U盘/其他位置): remembered when that folder
    is on another disk than the database."""
    if same_disk(info.path.parent, db_path):
        return
    last, error = _read_record(db_path)
    if last is None or info.created_at >= last.created_at:
        _write_record(db_path, OffsiteCopy(info.path.parent, info.path.name, info.created_at, at), error)


def last_copy(db_path: Path, folder: Path | None = None) -> OffsiteCopy | None:
    """The newest backup outside the PC's disk: the record, or what the second folder holds if newer."""
    last, _ = _read_record(db_path)
    if is_present(folder):
        newest = backup.latest(folder)
        if newest is not None and (last is None or newest.created_at > last.created_at):
            last = OffsiteCopy(folder, newest.path.name, newest.created_at, newest.created_at)
    return last


def copy_newest(db_path: Path, info: backup.BackupInfo, folder: Path, keep: dict[str, int],
                at: datetime) -> OffsiteCopy:
    """Copy ``info`` (the newest backup) into ``folder``, verified, with the attachments; thin the
    folder. A failure is remembered (shown on the page) and raised as a ``UserError``."""
    last, _ = _read_record(db_path)
    try:
        backup.clean_folder(folder)
        copy = backup.copy_backup(info, folder)
        try:
            attachments.sync_store(db_path, folder / "attachments")
        except OSError as exc:
            raise UserError(f"备份已复制到 {folder}，但附件没有复制完（{type(exc).__name__}）。"
                            "请检查该位置的剩余空间。") from exc
        backup.rotate(folder, keep["backup.daily_keep"], keep["backup.weekly_keep"], keep["backup.monthly_keep"])
    except UserError as exc:
        _write_record(db_path, last, f"{at:%Y-%m-%d %H:%M} {exc.message}")
        raise
    result = OffsiteCopy(folder, copy.path.name, copy.created_at, at)
    _write_record(db_path, result, "")
    log.info("backup copied to the second folder")
    return result


def status(session: Session, db_path: Path) -> OffsiteStatus:
    folder = configured_folder(session)
    present = False
    on_pc_disk = False
    if is_present(folder):
        present = True
        on_pc_disk = same_disk(folder, db_path)
    _, error = _read_record(db_path)
    return OffsiteStatus(folder, present, on_pc_disk, last_copy(db_path, folder),
                         error, settings.get_int(session, DAYS_KEY))


@workbench.provider
def _offsite_items(ctx: workbench.WorkbenchContext) -> list[workbench.DueItem]:
    days = settings.get_int(ctx.session, DAYS_KEY)
    folder = configured_folder(ctx.session)
    last = last_copy(ctx.db_path, folder)
    if last is None and folder is None:
        return [workbench.DueItem(workbench.Level.TODO, "settings.backup", "备份都在本机硬盘上",
                                  "硬盘损坏时备份会和数据一起丢失。请在“设置 → 备份与恢复”中把U盘或另一块硬盘"
                                  "设为第二备份位置，程序每次备份后会自动复制一份过去。")]
    if last is None:
        return [workbench.DueItem(workbench.Level.TODO, "settings.backup", "第二备份位置还没有备份",
                                  f"第二备份位置：{folder}。插上该U盘（或连接该硬盘）后，下次备份时会自动复制过去；"
                                  "也可以在“设置 → 备份与恢复”中立即备份。")]
    age = (ctx.now - last.created_at).days
    if age < days:
        return []
    return [workbench.DueItem(workbench.Level.OVERDUE, "settings.backup", f"本机以外的备份已有 {age} 天没有更新",
                              f"最近一份本机以外的备份：{last.created_at:%Y-%m-%d %H:%M}，在 {last.folder}。"
                              "请插上第二备份位置的U盘（或连接该硬盘）后立即备份。")]
