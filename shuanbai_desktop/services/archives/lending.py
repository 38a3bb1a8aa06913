"""Lending (借阅): who has which file, since when, until when; a lent file cannot be lent again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.archives import ArchiveFile, ArchiveLoan
from ...domain.archive_rules import (
    MAX_LOAN_DAYS,
    Confidentiality,
    check_loan,
    check_return,
    overdue_days,
)
from ...errors import UserError
from ..fields import clean_text, date_order, parse_day
from ..permissions import Permission, require
from ..records import active_user_names, get_or_error
from .catalogue import load_file

SOON_DAYS = 2


@dataclass(frozen=True)
class LoanInput:
    borrower_name: str
    purpose: str
    lent_on: date | str
    due_on: date | str
    borrower_unit: str = ""
    borrower_staff_id: int | None = None
    approver: str = ""


@dataclass(frozen=True)
class LoanRow:
    id: int
    file_id: int
    number: str
    title: str
    confidentiality: Confidentiality
    borrower_name: str
    borrower_unit: str
    purpose: str
    approver: str
    lent_on: date
    due_on: date
    returned_on: date | None
    return_note: str
    lent_by: str
    overdue: int  # days past due today (0: not overdue or returned)

    @property
    def borrower_text(self) -> str:
        return self.borrower_name + (f"（{self.borrower_unit}）" if self.borrower_unit else "")

    @property
    def state_text(self) -> str:
        if self.returned_on:
            late = (self.returned_on - self.due_on).days
            return f"已归还（{self.returned_on:%Y-%m-%d}）" + (f"，逾期 {late} 天" if late > 0 else "")
        return f"超期 {self.overdue} 天" if self.overdue else "借出中"


def open_loan(session: Session, file_id: int) -> ArchiveLoan | None:
    return session.scalar(select(ArchiveLoan).where(ArchiveLoan.file_id == file_id, ArchiveLoan.returned_on.is_(None)))


def lend(session: Session, file_id: int, data: LoanInput, today: date | None = None) -> int:
    """Record a loan; refused for a file already out, a destroyed file, or bad dates."""
    acting = require(session, Permission.ARCHIVE_EDIT)
    today = today or date.today()
    record = load_file(session, file_id)
    if record.destruction_id:
        raise UserError(f"档案 {record.number} 已销毁，不能借出。")
    current = open_loan(session, file_id)
    if current is not None:
        raise UserError(f"档案 {record.number} 已于 {current.lent_on:%Y-%m-%d} 借给{current.borrower_name}，"
                        "尚未归还，不能重复借出。", field="档号")
    lent_on = parse_day(data.lent_on, "借出日期")
    due_on = parse_day(data.due_on, "应还日期")
    check_loan(lent_on, due_on, today)
    date_order(record.filed_on, lent_on, "这件档案的归档日期", "借出日期")
    approver = clean_text(data.approver, "批准人", 40)
    if Confidentiality(record.confidentiality).needs_approval and not approver:
        raise UserError(f"该档案密级为“{Confidentiality(record.confidentiality).label}”，借阅须填写批准人。",
                        field="批准人")
    loan = ArchiveLoan(file_id=file_id, borrower_name=clean_text(data.borrower_name, "借阅人", 40, required=True),
                       borrower_staff_id=data.borrower_staff_id, borrower_unit=clean_text(data.borrower_unit, "借阅单位", 60),
                       purpose=clean_text(data.purpose, "借阅目的", 100, required=True), approver=approver,
                       lent_on=lent_on, due_on=due_on, lent_by=acting.username)
    session.add(loan)
    session.flush()
    return loan.id


def _loan(session: Session, loan_id: int) -> ArchiveLoan:
    return get_or_error(session, ArchiveLoan, loan_id, "借阅记录")


def return_loan(session: Session, loan_id: int, returned_on: date | str, note: str = "",
                today: date | None = None) -> None:
    acting = require(session, Permission.ARCHIVE_EDIT)
    today = today or date.today()
    loan = _loan(session, loan_id)
    if loan.returned_on is not None:
        raise UserError(f"这次借阅已于 {loan.returned_on:%Y-%m-%d} 归还。")
    back = parse_day(returned_on, "归还日期")
    check_return(loan.lent_on, back, today)
    loan.returned_on = back
    loan.return_note = clean_text(note, "归还说明", 200)
    loan.returned_by = acting.username
    session.flush()


def renew(session: Session, loan_id: int, due_on: date | str, today: date | None = None) -> None:
    """续借: a later due date, at most ``MAX_LOAN_DAYS`` from today."""
    require(session, Permission.ARCHIVE_EDIT)
    today = today or date.today()
    loan = _loan(session, loan_id)
    if loan.returned_on is not None:
        raise UserError("已归还的借阅不能续借。")
    new_due = parse_day(due_on, "应还日期")
    if new_due <= loan.due_on:
        raise UserError(f"续借后的应还日期应晚于原应还日期（{loan.due_on:%Y-%m-%d}）。", field="应还日期")
    if new_due > today + timedelta(days=MAX_LOAN_DAYS):
        raise UserError(f"续借后的应还日期最晚为今天起 {MAX_LOAN_DAYS} 天。", field="应还日期")
    loan.due_on = new_due
    session.flush()


@dataclass(frozen=True)
class LoanFilter:
    open_only: bool = False
    overdue_only: bool = False
    text: str = ""
    file_id: int | None = None


def list_loans(session: Session, flt: LoanFilter | None = None, today: date | None = None) -> list[LoanRow]:
    flt, today = flt or LoanFilter(), today or date.today()
    query = select(ArchiveLoan, ArchiveFile).join(ArchiveFile, ArchiveFile.id == ArchiveLoan.file_id)
    if flt.open_only or flt.overdue_only:
        query = query.where(ArchiveLoan.returned_on.is_(None))
    if flt.overdue_only:
        query = query.where(ArchiveLoan.due_on < today)
    if flt.file_id:
        query = query.where(ArchiveLoan.file_id == flt.file_id)
    if flt.text.strip():
        like = f"%{flt.text.strip()}%"
        query = query.where(ArchiveLoan.borrower_name.like(like) | ArchiveFile.number.ilike(like)
                            | ArchiveFile.title.like(like))
    query = query.order_by(ArchiveLoan.returned_on.is_not(None), ArchiveLoan.due_on, ArchiveLoan.id.desc())
    return [_row(loan, f, today) for loan, f in session.execute(query)]


def _row(loan: ArchiveLoan, f: ArchiveFile, today: date) -> LoanRow:
    return LoanRow(loan.id, f.id, f.number, f.title, Confidentiality(f.confidentiality), loan.borrower_name,
                   loan.borrower_unit, loan.purpose, loan.approver, loan.lent_on, loan.due_on, loan.returned_on,
                   loan.return_note, loan.lent_by, overdue_days(loan.due_on, loan.returned_on, today))


def borrower_names(session: Session) -> list[str]:
    names = active_user_names(session)
    used = session.scalars(select(ArchiveLoan.borrower_name).distinct())
    return names + sorted(set(used) - set(names))
