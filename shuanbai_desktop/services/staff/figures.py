"""The staff figures of one month for the monthly report to the county bureau (R6.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models.staff import StaffContract, StaffMember
from ...domain.staff_labels import Certificate, Post, StaffRole
from ...domain.staff_rules import EXPIRY_WARNINGS, month_end
from .supervision import hours_in
from .training import hours_by_staff


@dataclass(frozen=True)
class StaffFigures:
    headcount: int  # workers on the staff on the last day of the month
    affairs: int  # of whom in 事务性 posts (副站长, 事务性岗位社工, 残疾人专职委员)
    service: int  # of whom 服务性岗位社工
    deputy_heads: int  # of whom 副站长
    disability_officers: int  # of whom 残疾人专职委员
    certified: int  # of whom holding 助理社会工作师 or higher
    assistant: int  # of whom 助理社会工作师
    intermediate: int  # of whom 社会工作师
    senior: int  # of whom 高级社会工作师
    supervisor_certs: int  # of whom holding a 督导证
    joiners: int  # workers hired during the month
    leavers: int  # workers who left during the month
    contracts_ending: int  # contracts (not renewed, not ended early) whose end date falls in the month
    contracts_expiring_90: int  # contracts of workers on the staff ending within 90 days after the month
    training_hours: Decimal  # training hours of all workers, trainings starting in the month
    training_hours_ytd: Decimal  # the same from 1 January to the end of the month
    trained_workers: int  # workers with at least one training in the month
    supervision_sessions: int  # supervision visits starting in the month
    supervision_hours: Decimal  # their hours
    supervision_hours_ytd: Decimal  # supervision hours from 1 January to the end of the month


def _on_staff(last: date):
    return (StaffMember.hire_date <= last) & ((StaffMember.leave_date.is_(None)) | (StaffMember.leave_date > last))


def _counts(session: Session, last: date) -> dict[str, int]:
    rows = session.execute(select(StaffMember.role, StaffMember.certificate, StaffMember.supervisor_cert)
                           .where(_on_staff(last))).all()
    roles = [StaffRole(r) for r, _, _ in rows]
    certs = [Certificate(c) for _, c, _ in rows]
    return {"headcount": len(rows), "affairs": sum(r.post is Post.AFFAIRS for r in roles),
            "service": sum(r.post is Post.SERVICE for r in roles),
            "deputy_heads": roles.count(StaffRole.DEPUTY_HEAD),
            "disability_officers": roles.count(StaffRole.DISABILITY_OFFICER),
            "certified": sum(c.certified for c in certs), "assistant": certs.count(Certificate.ASSISTANT),
            "intermediate": certs.count(Certificate.INTERMEDIATE), "senior": certs.count(Certificate.SENIOR),
            "supervisor_certs": sum(bool(s) for _, _, s in rows)}


def _contracts(session: Session, first: date, last: date) -> tuple[int, int]:
    renewed = select(StaffContract.previous_id).where(StaffContract.previous_id.is_not(None))
    open_ = (StaffContract.terminated_on.is_(None)) & StaffContract.id.not_in(renewed)
    ending = session.execute(select(func.count()).select_from(StaffContract).where(
        open_, StaffContract.end_date.between(first, last))).scalar_one()
    horizon = last + timedelta(days=max(EXPIRY_WARNINGS))
    expiring = session.execute(select(func.count()).select_from(StaffContract).join(StaffMember).where(
        open_, _on_staff(last), StaffContract.end_date > last, StaffContract.end_date <= horizon)).scalar_one()
    return ending, expiring


def month_figures(session: Session, year: int, month: int) -> StaffFigures:
    first, last = date(year, month, 1), month_end(year, month)
    month_hours = hours_by_staff(session, first, last)
    sessions, sup_hours = hours_in(session, first, last)
    ending, expiring = _contracts(session, first, last)
    joiners = session.execute(select(func.count()).select_from(StaffMember).where(
        StaffMember.hire_date.between(first, last))).scalar_one()
    leavers = session.execute(select(func.count()).select_from(StaffMember).where(
        StaffMember.leave_date.between(first, last))).scalar_one()
    return StaffFigures(
        **_counts(session, last), joiners=joiners, leavers=leavers, contracts_ending=ending,
        contracts_expiring_90=expiring, training_hours=sum(month_hours.values(), Decimal(0)),
        training_hours_ytd=sum(hours_by_staff(session, date(year, 1, 1), last).values(), Decimal(0)),
        trained_workers=len(month_hours), supervision_sessions=sessions, supervision_hours=sup_hours,
        supervision_hours_ytd=hours_in(session, date(year, 1, 1), last)[1])
