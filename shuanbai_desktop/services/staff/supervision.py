"""Supervision (督导, R2.7): visits with supervisor, hours, topics, attendees; months without one.

Recorded with ``Permission.SUPERVISION_RECORD`` (the administrator and the visiting supervisor)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...data.models.staff import StaffMember
from ...data.models.staff_activity import StaffSupervision, StaffSupervisionAttendee
from ...domain.staff_rules import SUPERVISION_VISIT_HOURS, missing_supervision_months, month_end
from ...errors import UserError
from ..fields import clean_text, date_order, not_after, number
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new
from .common import pairs, sync_attendees, tenths


@dataclass(frozen=True)
class SupervisionInput:
    visit_date: date
    supervisor: str
    hours: Decimal | str
    staff_ids: tuple[int, ...]
    end_date: date | None = None
    organisation: str = ""
    topics: str = ""
    notes: str = ""


@dataclass(frozen=True)
class SupervisionRow:
    id: int
    visit_date: date
    end_date: date
    supervisor: str
    organisation: str
    hours: Decimal
    topics: str
    notes: str
    staff_ids: tuple[int, ...]
    staff_names: tuple[str, ...]

    @property
    def short(self) -> bool:
        return self.hours < SUPERVISION_VISIT_HOURS

    @property
    def date_text(self) -> str:
        if self.end_date == self.visit_date:
            return f"{self.visit_date:%Y-%m-%d}"
        return f"{self.visit_date:%Y-%m-%d} 至 {self.end_date:%m-%d}"


def _check(session: Session, data: SupervisionInput, today: date) -> tuple[date, Decimal]:
    end = data.end_date or data.visit_date
    not_after(data.visit_date, today, "督导日期")
    date_order(data.visit_date, end, "督导日期", "结束日期")
    not_after(end, today, "结束日期")
    hours = number(data.hours, "督导时长", places=1)
    days = (end - data.visit_date).days + 1
    if hours <= 0:
        raise UserError("督导时长必须大于 0。", field="督导时长")
    if hours > 24 * days:
        raise UserError(f"督导时长不能超过每天 24 小时（{days} 天最多 {24 * days} 小时）。"
                        "一次督导跨多天的，请填写结束日期。", field="督导时长")
    if not data.staff_ids:
        raise UserError("请至少选择一名参加督导的人员。", field="参加人员")
    found = session.scalar(select(func.count()).select_from(StaffMember).where(StaffMember.id.in_(data.staff_ids)))
    if found != len(set(data.staff_ids)):
        raise UserError("所选人员中有人的档案已不存在，请重新选择。", field="参加人员")
    return end, hours


def save_supervision(session: Session, data: SupervisionInput, supervision_id: int | None = None,
                     today: date | None = None) -> int:
    require(session, Permission.SUPERVISION_RECORD)
    end, hours = _check(session, data, today or date.today())
    row = get_or_new(session, StaffSupervision, supervision_id, "督导记录")
    row.visit_date = data.visit_date
    row.end_date = end
    row.hours = hours
    row.supervisor = clean_text(data.supervisor, "督导员", 40, required=True)
    row.organisation = clean_text(data.organisation, "督导机构", 80)
    row.topics = clean_text(data.topics, "督导内容", 2000)
    row.notes = clean_text(data.notes, "备注", 200)
    if supervision_id is None:
        session.add(row)
    sync_attendees(row.attendees, data.staff_ids, StaffSupervisionAttendee)
    session.flush()
    return row.id


def delete_supervision(session: Session, supervision_id: int) -> None:
    require(session, Permission.SUPERVISION_RECORD)
    session.delete(get_or_error(session, StaffSupervision, supervision_id, "督导记录"))


def list_supervisions(session: Session, first: date | None = None, last: date | None = None) -> list[SupervisionRow]:
    names = pairs(session, select(StaffMember.id, StaffMember.name))
    query = select(StaffSupervision).options(selectinload(StaffSupervision.attendees))
    if first:
        query = query.where(StaffSupervision.visit_date >= first)
    if last:
        query = query.where(StaffSupervision.visit_date <= last)
    out = []
    for v in session.scalars(query.order_by(StaffSupervision.visit_date.desc(), StaffSupervision.id.desc())):
        ids = tuple(sorted(a.staff_id for a in v.attendees))
        out.append(SupervisionRow(v.id, v.visit_date, v.end_date, v.supervisor, v.organisation, v.hours, v.topics,
                                  v.notes, ids, tuple(names.get(i, "") for i in ids)))
    return out


@dataclass(frozen=True)
class SupervisionCheck:
    """Full months of this year (since the staff began) without a visit, and visits shorter than 16 hours."""

    missing: tuple[tuple[int, int], ...]
    short: tuple[SupervisionRow, ...]
    this_month: int  # visits so far this month

    @property
    def missing_text(self) -> str:
        return "、".join(f"{y}年{m}月" for y, m in self.missing)


def supervision_check(session: Session, today: date | None = None) -> SupervisionCheck:
    today = today or date.today()
    first_hire = session.scalar(select(func.min(StaffMember.hire_date)))
    first_visit = session.scalar(select(func.min(StaffSupervision.visit_date)))
    starts = [d for d in (first_hire, first_visit) if d is not None]
    year_start = date(today.year, 1, 1)
    rows = list_supervisions(session, year_start, today)
    this_month = sum(1 for r in rows if (r.visit_date.year, r.visit_date.month) == (today.year, today.month))
    if not starts or today.month == 1:
        return SupervisionCheck((), tuple(r for r in rows if r.short), this_month)
    begin = max(year_start, min(starts))
    last_full = month_end(today.year, today.month - 1)
    missing = missing_supervision_months([r.visit_date for r in rows], begin, last_full) if begin <= last_full else []
    return SupervisionCheck(tuple(missing), tuple(r for r in rows if r.short), this_month)


def hours_in(session: Session, first: date, last: date) -> tuple[int, Decimal]:
    """(visits, hours) of supervision visits starting between ``first`` and ``last``."""
    count, hours = session.execute(select(func.count(StaffSupervision.id), func.coalesce(func.sum(StaffSupervision.hours), 0))
                                   .where(StaffSupervision.visit_date.between(first, last))).one()
    return count, tenths(hours)
