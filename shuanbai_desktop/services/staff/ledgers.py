"""Staff ledgers (台账) and the printable roster: gather, write, audit the export.

Masked ledgers need ``Permission.LEDGER_EXPORT`` (every role); the roster with full ID numbers and
phones ``Permission.STAFF_EXPORT_FULL``; the pay sheet ``Permission.STAFF_EDIT`` (whoever keeps pay).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data import audit
from ...data.models import Station
from ...data.models.staff import StaffMember
from ...domain.staff_labels import StaffStatus
from ...domain.staff_rules import missing_supervision_months, month_end
from ...exports import staff_pay_xlsx, staff_pdf, staff_xlsx
from ..permissions import Permission, require
from .assessment import assessments, list_evaluations
from .contracts import current_contracts
from .pay import pay_sheet
from .roster import list_staff
from .supervision import list_supervisions
from .training import hours_table, list_trainings

STATUS_TEXT = {StaffStatus.ACTIVE: "在岗人员", StaffStatus.LEFT: "离职人员", None: "全部人员（含离职）"}


def _station(session: Session) -> str:
    return session.scalar(select(Station.name)) or "社工站"


def _audit(session: Session, what: str) -> None:
    audit.record_event(session, "export", "", f"导出{what}")


def export_roster(session: Session, target: Path, status: StaffStatus | None = StaffStatus.ACTIVE,
                  full_ids: bool = False, today: date | None = None) -> Path:
    """The roster ledger; ``full_ids`` writes unmasked ID numbers and phones (``STAFF_EXPORT_FULL``)."""
    require(session, Permission.STAFF_EXPORT_FULL if full_ids else Permission.LEDGER_EXPORT)
    today = today or date.today()
    rows = list_staff(session, status, today=today)
    full = None
    if full_ids:
        found = session.execute(select(StaffMember.id, StaffMember.id_number, StaffMember.phone)
                                .where(StaffMember.id.in_([r.id for r in rows])))
        full = {i: (number, phone) for i, number, phone in found}
    path = staff_xlsx.write_roster(rows, target, _station(session), today, full)
    _audit(session, f"人员名册（{STATUS_TEXT[status]} {len(rows)} 人，{'含完整身份证号' if full_ids else '已脱敏'}）")
    return path


def roster_pdf(session: Session, target: Path, status: StaffStatus | None = StaffStatus.ACTIVE,
               today: date | None = None) -> Path:
    require(session, Permission.LEDGER_EXPORT)
    today = today or date.today()
    rows = list_staff(session, status, today=today)
    path = staff_pdf.write_roster_pdf(rows, target, _station(session), today, STATUS_TEXT[status])
    _audit(session, f"人员名册 PDF（{STATUS_TEXT[status]} {len(rows)} 人）")
    return path


def export_contracts(session: Session, target: Path, today: date | None = None) -> Path:
    require(session, Permission.LEDGER_EXPORT)
    today = today or date.today()
    rows = sorted(current_contracts(session, today),
                  key=lambda c: (c.contract is not None, c.contract.end_date if c.contract else today))
    path = staff_xlsx.write_contracts(rows, target, _station(session), today)
    _audit(session, f"劳动合同到期清单（{len(rows)} 人）")
    return path


def export_training(session: Session, target: Path, year: int) -> Path:
    require(session, Permission.LEDGER_EXPORT)
    path = staff_xlsx.write_training(hours_table(session, year), list_trainings(session, year), year, target,
                                     _station(session))
    _audit(session, f"{year}年培训学时统计表")
    return path


def export_assessments(session: Session, target: Path, year: int) -> Path:
    require(session, Permission.LEDGER_EXPORT)
    path = staff_xlsx.write_assessments(assessments(session, year), list_evaluations(session), year, target,
                                        _station(session))
    _audit(session, f"{year}年度考核结果")
    return path


def export_supervision(session: Session, target: Path, year: int, today: date | None = None) -> Path:
    require(session, Permission.LEDGER_EXPORT)
    today = today or date.today()
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    rows = list(reversed(list_supervisions(session, first, last)))
    missing = _missing_months(session, [r.visit_date for r in rows], year, today)
    text = "、".join(f"{m}月" for _, m in missing)
    path = staff_xlsx.write_supervision(rows, target, _station(session), f"{year}年", text)
    _audit(session, f"{year}年督导记录（{len(rows)} 次）")
    return path


def _missing_months(session: Session, visits: list[date], year: int, today: date) -> list[tuple[int, int]]:
    """Full months of ``year`` since the first worker was hired without a supervision visit."""
    first_hire = session.scalar(select(func.min(StaffMember.hire_date)))
    if first_hire is None or (year == today.year and today.month == 1) or year > today.year:
        return []
    last = month_end(year, 12) if year < today.year else month_end(year, today.month - 1)
    begin = max(date(year, 1, 1), first_hire)
    return missing_supervision_months(visits, begin, last) if begin <= last else []


def export_pay(session: Session, target: Path, year: int, month: int) -> Path:
    require(session, Permission.STAFF_EDIT)
    sheet = pay_sheet(session, year, month)
    path = staff_pay_xlsx.write_pay_sheet(sheet, target, _station(session))
    _audit(session, f"{year}年{month}月工资表（{len(sheet.lines)} 人）")
    return path
