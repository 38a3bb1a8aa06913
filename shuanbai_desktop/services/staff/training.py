"""Training (R2.5): one record per training with its attendees; hours per worker and shortfalls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ...data.models.staff import StaffMember
from ...data.models.staff_activity import StaffTraining, StaffTrainingAttendee
from ...domain.staff_labels import StaffStatus, TrainingKind
from ...domain.staff_rules import Shortfall, annual_hours_required, check_training_hours, training_shortfalls
from ...errors import UserError
from ..fields import clean_text, date_order, not_after, number
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new
from .common import pairs, sync_attendees, tenths


@dataclass(frozen=True)
class TrainingInput:
    start_date: date
    title: str
    kind: TrainingKind
    hours: Decimal | str
    staff_ids: tuple[int, ...]
    end_date: date | None = None
    organiser: str = ""
    certificate: str = ""
    notes: str = ""


@dataclass(frozen=True)
class TrainingRow:
    id: int
    start_date: date
    end_date: date
    title: str
    kind: TrainingKind
    organiser: str
    hours: Decimal
    certificate: str
    notes: str
    staff_ids: tuple[int, ...]
    staff_names: tuple[str, ...]

    @property
    def date_text(self) -> str:
        if self.end_date == self.start_date:
            return f"{self.start_date:%Y-%m-%d}"
        return f"{self.start_date:%Y-%m-%d} 至 {self.end_date:%m-%d}"


def _check_attendees(session: Session, ids: tuple[int, ...], start: date, end: date) -> list[StaffMember]:
    if not ids:
        raise UserError("请至少选择一名参加培训的人员。", field="参加人员")
    people = list(session.scalars(select(StaffMember).where(StaffMember.id.in_(ids))))
    if len(people) != len(set(ids)):
        raise UserError("所选人员中有人的档案已不存在，请重新选择。", field="参加人员")
    for s in people:
        if s.hire_date > end or (s.leave_date is not None and s.leave_date < start):
            raise UserError(f"“{s.name}”在培训期间不在岗（入职 {s.hire_date:%Y-%m-%d}），请核对日期或参加人员。",
                            field="参加人员")
    return people


def _check_day_total(session: Session, people: list[StaffMember], day: date, hours: Decimal,
                     training_id: int | None) -> None:
    """One-day trainings of the same worker on the same day may not add up to more than 24 hours."""
    for s in people:
        query = (select(func.coalesce(func.sum(StaffTraining.hours), 0)).join(StaffTrainingAttendee)
                 .where(StaffTrainingAttendee.staff_id == s.id, StaffTraining.start_date == day,
                        StaffTraining.end_date == day))
        if training_id:
            query = query.where(StaffTraining.id != training_id)
        already = tenths(session.scalar(query))
        if already + hours > 24:
            raise UserError(f"“{s.name}”在 {day:%Y-%m-%d} 已登记 {already} 学时培训，加上本次共超过一天 24 小时。",
                            field="学时")


def save_training(session: Session, data: TrainingInput, training_id: int | None = None,
                  today: date | None = None) -> int:
    require(session, Permission.STAFF_EDIT)
    today = today or date.today()
    title = clean_text(data.title, "培训名称", 100, required=True)
    end = data.end_date or data.start_date
    not_after(data.start_date, today, "培训日期")
    date_order(data.start_date, end, "培训日期", "结束日期")
    not_after(end, today, "结束日期")
    hours = number(data.hours, "学时", places=1)
    check_training_hours(hours, data.start_date, end)
    people = _check_attendees(session, tuple(data.staff_ids), data.start_date, end)
    if end == data.start_date:
        _check_day_total(session, people, end, hours, training_id)
    row = get_or_new(session, StaffTraining, training_id, "培训记录")
    row.start_date = data.start_date
    row.end_date = end
    row.title = title
    row.kind = TrainingKind(data.kind).value
    row.organiser = clean_text(data.organiser, "组织单位", 80)
    row.hours = hours
    row.certificate = clean_text(data.certificate, "证书/证明", 60)
    row.notes = clean_text(data.notes, "备注", 200)
    if training_id is None:
        session.add(row)
    sync_attendees(row.attendees, data.staff_ids, StaffTrainingAttendee)
    session.flush()
    return row.id


def delete_training(session: Session, training_id: int) -> None:
    require(session, Permission.STAFF_EDIT)
    session.delete(get_or_error(session, StaffTraining, training_id, "培训记录"))


def list_trainings(session: Session, year: int | None = None) -> list[TrainingRow]:
    names = pairs(session, select(StaffMember.id, StaffMember.name))
    query = select(StaffTraining).options(selectinload(StaffTraining.attendees))
    if year:
        query = query.where(StaffTraining.start_date.between(date(year, 1, 1), date(year, 12, 31)))
    rows = []
    for t in session.scalars(query.order_by(StaffTraining.start_date.desc(), StaffTraining.id.desc())):
        ids = tuple(sorted(a.staff_id for a in t.attendees))
        rows.append(TrainingRow(t.id, t.start_date, t.end_date, t.title, TrainingKind(t.kind), t.organiser, t.hours,
                                t.certificate, t.notes, ids, tuple(names.get(i, "") for i in ids)))
    return rows


def hours_by_staff(session: Session, first: date, last: date, kind: TrainingKind | None = None) -> dict[int, Decimal]:
    """Training hours per worker for trainings starting between ``first`` and ``last``."""
    query = (select(StaffTrainingAttendee.staff_id, func.sum(StaffTraining.hours)).join(StaffTraining)
             .where(StaffTraining.start_date.between(first, last)).group_by(StaffTrainingAttendee.staff_id))
    if kind is not None:
        query = query.where(StaffTraining.kind == kind.value)
    return {sid: tenths(total) for sid, total in session.execute(query)}


@dataclass(frozen=True)
class HoursRow:
    """A worker's training hours for the year: the training hours table and the shortfall list."""

    staff_id: int
    name: str
    hire_date: date
    pre_job_total: Decimal  # all pre-job training ever recorded
    by_kind: dict[TrainingKind, Decimal]  # this year
    year_total: Decimal
    year_required: int
    shortfalls: tuple[Shortfall, ...]


def hours_table(session: Session, year: int) -> list[HoursRow]:
    """Every worker on the staff now (or who left during ``year``), with this year's hours."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    pre_job = hours_by_staff(session, date(1900, 1, 1), last, TrainingKind.PRE_JOB)
    kinds = {k: hours_by_staff(session, first, last, k) for k in TrainingKind}
    staff = session.scalars(select(StaffMember).where(StaffMember.hire_date <= last).where(
        (StaffMember.status == StaffStatus.ACTIVE.value) | (StaffMember.leave_date >= first))
        .order_by(StaffMember.hire_date, StaffMember.id))
    out = []
    for s in staff:
        by_kind = {k: kinds[k].get(s.id, Decimal(0)) for k in TrainingKind}
        total, pre = sum(by_kind.values(), Decimal(0)), pre_job.get(s.id, Decimal(0))
        gaps = training_shortfalls(year, s.hire_date, pre, total) if s.status == StaffStatus.ACTIVE.value else []
        out.append(HoursRow(s.id, s.name, s.hire_date, pre, by_kind, total, annual_hours_required(year, s.hire_date),
                            tuple(gaps)))
    return out
