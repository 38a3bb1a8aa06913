"""资产档案 (archives part): the catalogue, filing, lending and destruction of the month (R3.2),
from ``services.archives.month_figures``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..layout import Check, Group, Row
from .common import check_from_query, day, month_bounds

LABEL = "档案"
PACKAGE = "archives"


def groups(session: Session, year: int, month: int, month_figures, today: date) -> list[Group]:
    f = month_figures(session, year, month, today)
    return [Group("assets", "档案（R3.2）", (
        Row("archives.total", "月末在库档案", f.total, "件", "档案目录：已归档、未销毁（含借出的）", "end"),
        Row("archives.added", "本月归档", f.added, "件", "归档日期在本月"),
        Row("archives.added_pages", "本月归档页数", f.added_pages, "页", "同上，页数相加"),
        Row("archives.lent", "本月借出", f.lent, "次", "借阅记录：借出日期在本月"),
        Row("archives.returned", "本月归还", f.returned, "次", "借阅记录：归还日期在本月"),
        Row("archives.on_loan", "月末借出未还", f.on_loan, "件", "月末（本月则为今天）", "end"),
        Row("archives.overdue", "其中：超期未还", f.overdue, "件", "已过应还日期", "end"),
        Row("archives.destroyed", "本月鉴定销毁", f.destroyed, "件", "销毁记录：日期在本月"),
        Row("archives.due_for_review", "已过保管期限待鉴定", f.due_for_review, "件", "月末（本月则为今天）", "end"),
    ))]


def checks(session: Session, year: int, month: int, today: date) -> list[Check]:
    from ....data.models.archives import ArchiveFile, ArchiveLoan
    _, last = month_bounds(year, month)
    ref = min(last, today)
    query = (select(ArchiveLoan.id, ArchiveFile.number, ArchiveLoan.borrower_name, ArchiveLoan.due_on)
             .join(ArchiveFile, ArchiveFile.id == ArchiveLoan.file_id)
             .where(ArchiveLoan.lent_on <= ref, ArchiveLoan.due_on < ref,
                    ArchiveLoan.returned_on.is_(None) | (ArchiveLoan.returned_on > ref))
             .order_by(ArchiveLoan.due_on))
    return check_from_query(session, query, key="archives.overdue", sheet="assets", level="warning",
                            title="{n} 件借出的档案超期未还", hint="请催还或办理续借。", table="archive_loan",
                            area="archives.loans",
                            text=lambda no, who, due: f"{no}（{who}，应于 {day(due)} 归还）")


