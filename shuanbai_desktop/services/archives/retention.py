"""Retention (保管期限): files past their period are listed for appraisal (鉴定); the result is
either a longer keeping (extended_until) or a recorded destruction. Records are never deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models.archives import ArchiveDestruction, ArchiveFile
from ...domain.archive_rules import Retention
from ...errors import UserError
from ..fields import clean_text, parse_day, past_day
from ..permissions import Permission, require
from .catalogue import ArchiveRow, rows_of
from .lending import open_loan

MAX_EXTENSION_YEARS = 30


def due_for_review(session: Session, today: date | None = None) -> list[ArchiveRow]:
    """Files not destroyed whose retention period (or last extension) has ended, oldest first."""
    today = today or date.today()
    query = (select(ArchiveFile).where(ArchiveFile.destruction_id.is_(None),
                                       ArchiveFile.retention != Retention.PERMANENT.value)
             .order_by(ArchiveFile.year, ArchiveFile.number))
    return [r for r in rows_of(session, list(session.scalars(query))) if r.is_review_due(today)]


def _files(session: Session, file_ids: list[int]) -> list[ArchiveFile]:
    files = list(session.scalars(select(ArchiveFile).where(ArchiveFile.id.in_(file_ids))
                                 .order_by(ArchiveFile.number)))
    if not files:
        raise UserError("请先选择档案。")
    return files


def _check_due(session: Session, files: list[ArchiveFile], today: date) -> None:
    due = {r.id for r in due_for_review(session, today)}
    early = [f.number for f in files if f.id not in due]
    if early:
        raise UserError(f"档案 {early[0]} 未到保管期限（或为永久保管、已销毁），不能鉴定处理。")


def extend_retention(session: Session, file_ids: list[int], until: date | str, note: str,
                     today: date | None = None) -> int:
    """Appraisal result "keep": the files are kept until ``until`` and listed again after it."""
    require(session, Permission.ARCHIVE_DESTROY)
    today = today or date.today()
    files = _files(session, file_ids)
    _check_due(session, files, today)
    end = parse_day(until, "延长保管至")
    if end <= today:
        raise UserError("延长保管的截止日期应晚于今天。", field="延长保管至")
    if end.year > today.year + MAX_EXTENSION_YEARS:
        raise UserError(f"一次最多延长 {MAX_EXTENSION_YEARS} 年。", field="延长保管至")
    text = clean_text(note, "鉴定意见", 200, required=True)
    for f in files:
        f.extended_until = end
        f.review_note = text
    session.flush()
    return len(files)


@dataclass(frozen=True)
class DestructionInput:
    destroyed_on: date | str
    approved_by: str
    supervisor: str  # 监销人
    approval_ref: str = ""
    method: str = "粉碎"
    reason: str = "保管期满，经鉴定无继续保存价值"


def destroy(session: Session, file_ids: list[int], data: DestructionInput, today: date | None = None) -> int:
    """Record the destruction of files past retention; the catalogue keeps them, marked destroyed."""
    acting = require(session, Permission.ARCHIVE_DESTROY)
    today = today or date.today()
    files = _files(session, file_ids)
    _check_due(session, files, today)
    lent = next((f for f in files if open_loan(session, f.id)), None)
    if lent is not None:
        raise UserError(f"档案 {lent.number} 尚在借出中，须归还后才能销毁。")
    approved_by = clean_text(data.approved_by, "批准人", 40, required=True)
    supervisor = clean_text(data.supervisor, "监销人", 40, required=True)
    if supervisor == approved_by:
        raise UserError("监销人应由批准人以外的人员担任。", field="监销人")
    record = ArchiveDestruction(destroyed_on=past_day(data.destroyed_on, "销毁日期", today), approved_by=approved_by,
                                approval_ref=clean_text(data.approval_ref, "批准文号", 60), supervisor=supervisor,
                                method=clean_text(data.method, "销毁方式", 20, required=True),
                                reason=clean_text(data.reason, "销毁原因", 200, required=True), created_by=acting.username)
    session.add(record)
    session.flush()
    for f in files:
        f.destruction_id = record.id
    session.flush()
    return record.id


@dataclass(frozen=True)
class DestructionRow:
    id: int
    destroyed_on: date
    approved_by: str
    approval_ref: str
    supervisor: str
    method: str
    reason: str
    created_by: str
    files: int


def list_destructions(session: Session) -> list[DestructionRow]:
    counts = dict(session.execute(select(ArchiveFile.destruction_id, func.count()).where(
        ArchiveFile.destruction_id.is_not(None)).group_by(ArchiveFile.destruction_id)).all())
    records = session.scalars(select(ArchiveDestruction).order_by(ArchiveDestruction.destroyed_on.desc()))
    return [DestructionRow(d.id, d.destroyed_on, d.approved_by, d.approval_ref, d.supervisor, d.method, d.reason,
                           d.created_by, counts.get(d.id, 0)) for d in records]


def destroyed_files(session: Session, destruction_id: int) -> list[ArchiveRow]:
    query = select(ArchiveFile).where(ArchiveFile.destruction_id == destruction_id).order_by(ArchiveFile.number)
    return rows_of(session, list(session.scalars(query)))
