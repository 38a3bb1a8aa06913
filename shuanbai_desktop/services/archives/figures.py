"""The month's archive figures for the monthly report to the county."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ...data.models.archives import ArchiveDestruction, ArchiveFile, ArchiveLoan
from ...domain.archive_rules import Retention, review_due


@dataclass(frozen=True)
class ArchiveFigures:
    total: int  # 月末在库档案件数（已归档、未销毁；含借出的）
    added: int  # 本月归档（归档日期在本月）的件数
    added_pages: int  # 本月归档档案的页数合计
    lent: int  # 本月借出次数
    returned: int  # 本月归还次数
    on_loan: int  # 月末（本月则为今天）借出未还的件数
    overdue: int  # 其中已超过应还日期的件数
    destroyed: int  # 本月经鉴定销毁的件数
    due_for_review: int  # 月末（本月则为今天）已过保管期限、待鉴定的件数


def _between(column, first: date, end: date):
    return column.between(first, end)


def month_figures(session: Session, year: int, month: int, today: date | None = None) -> ArchiveFigures:
    first = date(year, month, 1)
    end = date(year, month, calendar.monthrange(year, month)[1])
    ref = min(end, today or date.today())

    def count(query: Select[int]) -> int:
        return session.execute(query).scalar_one()  # an aggregate without GROUP BY: always one row

    destroyed_by = select(ArchiveDestruction.id).where(ArchiveDestruction.destroyed_on <= end)
    files = list(session.execute(select(ArchiveFile.year, ArchiveFile.retention, ArchiveFile.extended_until)
                                 .where(ArchiveFile.filed_on <= end, ArchiveFile.destruction_id.is_(None)
                                        | ArchiveFile.destruction_id.not_in(destroyed_by))))
    out_at_ref = (ArchiveLoan.lent_on <= ref) & (ArchiveLoan.returned_on.is_(None) | (ArchiveLoan.returned_on > ref))
    return ArchiveFigures(
        total=len(files),
        added=count(select(func.count()).where(_between(ArchiveFile.filed_on, first, end))),
        added_pages=count(select(func.coalesce(func.sum(ArchiveFile.pages), 0))
                          .where(_between(ArchiveFile.filed_on, first, end))),
        lent=count(select(func.count()).where(_between(ArchiveLoan.lent_on, first, end))),
        returned=count(select(func.count()).where(_between(ArchiveLoan.returned_on, first, end))),
        on_loan=count(select(func.count()).where(out_at_ref)),
        overdue=count(select(func.count()).where(out_at_ref, ArchiveLoan.due_on < ref)),
        destroyed=count(select(func.count()).select_from(ArchiveFile).join(
            ArchiveDestruction, ArchiveDestruction.id == ArchiveFile.destruction_id)
            .where(_between(ArchiveDestruction.destroyed_on, first, end))),
        due_for_review=sum(1 for y, r, ext in files if review_due(y, Retention(r), ext, ref)))
