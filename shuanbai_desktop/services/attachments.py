"""One attachment store for every feature: files named by their SHA-256, never by their content.

Files live in ``<database folder>/attachments/ab/abcdef….ext``; the database row keeps
the original name, who added it and when. A file is written to ``.tmp``, fsynced and
renamed, so a crash never leaves half a file under a final name. Backups copy the
store beside the database backup (``sync_store``).

Adding or removing an attachment changes its owner's record, so it needs the permission of the
owner's area (``OWNER_PERMISSIONS``); the name recorded as 添加人 is the session's user.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..data.files import sha256_file
from ..data.models.attachments import Attachment
from ..data.models.cases import CaseRecord
from ..domain.labels import Role
from ..errors import UserError
from .permissions import Acting, Permission, require
from .records import get_or_error

MAX_BYTES = 50 * 1024 * 1024
ALLOWED = {".pdf", ".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".gif", ".webp", ".doc", ".docx",
           ".xls", ".xlsx", ".wps", ".et", ".ofd", ".txt", ".zip"}


# owner_type (the owning record's table) → what the acting user must be allowed to do to add or remove
OWNER_PERMISSIONS: dict[str, Permission] = {
    "asset": Permission.ASSET_EDIT,
    "archive_file": Permission.ARCHIVE_EDIT,
    "person": Permission.PERSON_EDIT,
    "household": Permission.HOUSEHOLD_EDIT,
    "case_record": Permission.CASE_OPEN,  # and only the case's responsible worker or an administrator
    "staff_member": Permission.STAFF_EDIT,
    "staff_contract": Permission.STAFF_EDIT,
    "staff_training": Permission.STAFF_EDIT,
    "staff_evaluation": Permission.STAFF_EDIT,
    "staff_supervision": Permission.SUPERVISION_RECORD,
    "window_registration": Permission.WINDOW_REGISTER,  # 窗口登记: application forms, certificates
}


def owner_permission(owner_type: str) -> Permission:
    """The permission that adding or removing an attachment of ``owner_type`` needs (the screens ask it too)."""
    permission = OWNER_PERMISSIONS.get(owner_type)
    if permission is None:
        raise ValueError(f"no permission declared for attachments of {owner_type!r}")
    return permission


def require_owner_edit(session: Session, owner_type: str, owner_id: int) -> Acting:
    """Refuse unless the session's user may change the owning record; returns who is acting."""
    acting = require(session, owner_permission(owner_type))
    if owner_type == "case_record":
        _require_case_worker(session, acting, owner_id)
    return acting


def _require_case_worker(session: Session, acting: Acting, case_id: int) -> None:
    if acting.is_system or acting.role is Role.ADMIN:
        return
    case = get_or_error(session, CaseRecord, case_id, "个案")
    if case.worker_id != acting.user_id:
        raise UserError("只有本个案的负责社工或管理员可以添加或移除这个个案的附件。")


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    description: str
    original_name: str
    size: int
    added_by: str
    added_at: datetime
    path: Path

    @property
    def size_text(self) -> str:
        return f"{self.size / 1024:.0f} KB" if self.size < 1024 * 1024 else f"{self.size / 1048576:.1f} MB"


def store_dir(db_path: Path) -> Path:
    return db_path.parent / "attachments"


def _stored_path(store: Path, stored_name: str) -> Path:
    return store / stored_name[:2] / stored_name


def _put(store: Path, source: Path, stored_name: str) -> None:
    target = _stored_path(store, stored_name)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    try:
        shutil.copyfile(source, tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def add_attachment(session: Session, db_path: Path, owner_type: str, owner_id: int, source: Path,
                   description: str) -> AttachmentRow:
    """Copy ``source`` into the store and record it; the caller's transaction owns the row."""
    acting = require_owner_edit(session, owner_type, owner_id)
    source = Path(source)
    if not source.is_file():
        raise UserError(f"找不到文件：{source.name}", field="附件")
    ext = source.suffix.lower()
    if ext not in ALLOWED:
        raise UserError(f"不支持的附件类型“{ext or '无扩展名'}”。可用：PDF、图片、Word/Excel/WPS、OFD、文本、ZIP。",
                        field="附件")
    size = source.stat().st_size
    if size == 0 or size > MAX_BYTES:
        raise UserError("附件不能是空文件，也不能超过 50 MB。", field="附件")
    text = (description or source.stem).strip()[:100]
    sha = sha256_file(source)
    _put(store_dir(db_path), source, sha + ext)
    row = Attachment(owner_type=owner_type, owner_id=owner_id, description=text, original_name=source.name[:200],
                     stored_name=sha + ext, size=size, sha256=sha, added_by=acting.username)
    session.add(row)
    session.flush()
    return _row(row, db_path)


def _row(a: Attachment, db_path: Path) -> AttachmentRow:
    return AttachmentRow(a.id, a.description, a.original_name, a.size, a.added_by, a.added_at,
                         _stored_path(store_dir(db_path), a.stored_name))


def list_attachments(session: Session, db_path: Path, owner_type: str, owner_id: int) -> list[AttachmentRow]:
    rows = session.scalars(select(Attachment).where(Attachment.owner_type == owner_type,
                                                    Attachment.owner_id == owner_id).order_by(Attachment.id))
    return [_row(a, db_path) for a in rows]


def remove_attachment(session: Session, attachment_id: int) -> None:
    """Removes the record; the stored file stays (backups and other records may share it)."""
    row = get_or_error(session, Attachment, attachment_id, "附件记录")
    require_owner_edit(session, row.owner_type, row.owner_id)
    session.delete(row)
    session.flush()


def export_copy(row: AttachmentRow, folder: Path) -> Path:
    """Save a copy under its original name in ``folder`` (for printing or sending)."""
    target = folder / row.original_name
    shutil.copyfile(row.path, target)
    return target


def _copy_missing(source: Path, target: Path) -> int:
    """Copy the store files of ``source`` that ``target`` lacks (never a ``.tmp`` left by a cut write)."""
    if not source.exists():
        return 0
    copied = 0
    for path in source.rglob("*"):
        if path.is_file() and not path.name.endswith(".tmp") and not (target / path.relative_to(source)).exists():
            _put(target, path, path.name)
            copied += 1
    return copied


def sync_store(db_path: Path, target_dir: Path) -> int:
    """Copy store files missing from ``target_dir``; returns how many were copied."""
    return _copy_missing(store_dir(db_path), target_dir)


def restore_store(source_dir: Path, db_path: Path) -> int:
    """After a restore: bring back store files the backup folder has and the store lacks."""
    return _copy_missing(source_dir, store_dir(db_path))
