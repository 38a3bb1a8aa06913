"""一人一案 service plans (R4.2): a light plan for most service targets; a case (cases.py) for a matter.

A plan holds the person's needs (物质/精神/社会), the services agreed, their frequency, the responsible
worker (from the staff roster: most workers have no account) and the date of the next review. A review
(复核) records its outcome and sets the next date, or ends the plan. A plan that needs the full six-stage
process is escalated: a case is opened for the person with the plan's content and takes it over (the plan
is then “已转个案” and names the case).

One person has at most one current plan, and none beside an open case (the case holds the plan then).
Writing needs ``Permission.CASE_OPEN`` (the same workers who open cases; no ownership rule: the
responsible worker may have no account), reading ``Permission.CASE_READ``. The monthly report's
一人一案 coverage counts persons with a current plan or an open case at the month's end
(``covered_persons``); 工作台 lists the plans whose review is due (``_plan_items``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select, union
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.plans import ServicePlan, ServicePlanReview
from ...data.models.staff import StaffMember
from ...data.models.targets import CaseRecord
from ...data.numbering import next_number, starting_with
from ...domain.staff_labels import StaffRole, StaffStatus
from ...domain.target_labels import CaseSource, CaseStatus, PlanFrequency, PlanReviewOutcome, PlanStatus
from ...errors import UserError
from .. import workbench
from ..fields import clean_text, parse_day, past_day
from ..permissions import Permission, require
from ..records import get_or_error, village_names
from ..workbench import DueItem, Level, WorkbenchContext
from . import access
from .cases import CaseInput, open_case

SOON_DAYS = 7  # 工作台: reviews due within a week
MAX_REVIEW_DAYS = 366  # the next review is at most a year ahead


@dataclass(frozen=True)
class PlanInput:
    person_id: int
    staff_id: int | None  # 负责社工 (staff roster)
    need_material: str
    need_spiritual: str
    need_social: str
    services: str
    frequency: PlanFrequency
    start_on: date
    review_due: date


@dataclass(frozen=True)
class ReviewInput:
    reviewed_on: date
    outcome: PlanReviewOutcome
    note: str
    next_review: date | None


@dataclass(frozen=True)
class PlanRow:
    id: int
    plan_no: str
    person_id: int
    person_name: str
    village_name: str
    staff_id: int | None
    staff_name: str
    frequency: PlanFrequency
    start_on: date
    review_due: date
    status: PlanStatus
    ended_on: date | None
    case_id: int | None
    case_no: str

    def overdue(self, today: date) -> bool:
        return self.status is PlanStatus.ACTIVE and self.review_due < today


@dataclass(frozen=True)
class ReviewRow:
    id: int
    reviewed_on: date
    outcome: PlanReviewOutcome
    note: str
    next_review: date | None
    by: str


@dataclass(frozen=True)
class PlanDetail:
    row: PlanRow
    need_material: str
    need_spiritual: str
    need_social: str
    services: str
    reviews: tuple[ReviewRow, ...]
    version: int = 0  # what the form hands back to its save (a save from an older version is refused)


@dataclass(frozen=True)
class PlanFilter:
    status: PlanStatus | None = PlanStatus.ACTIVE
    staff_id: int | None = None
    person_id: int | None = None
    due_by: date | None = None  # only active plans whose review is due on or before this day
    text: str = ""


# ---- the responsible worker ---------------------------------------------------------------------------

def plan_workers(session: Session) -> list[tuple[int, str]]:
    """Workers on the roster who may be responsible for a plan: in post, 服务性岗位社工 first, by name."""
    rows = session.execute(select(StaffMember.id, StaffMember.name, StaffMember.role)
                           .where(StaffMember.status == StaffStatus.ACTIVE.value)
                           .order_by(StaffMember.name_pinyin, StaffMember.id)).all()
    service = [(sid, name) for sid, name, role in rows if role == StaffRole.SERVICE_WORKER.value]
    others = [(sid, name) for sid, name, role in rows if role != StaffRole.SERVICE_WORKER.value]
    return service + others


def worker_account(session: Session, staff_id: int | None) -> int | None:
    """The account of a roster worker, if they have one (the case worker when a plan is escalated)."""
    if staff_id is None:
        return None
    return session.scalar(select(StaffMember.user_id).where(StaffMember.id == staff_id))


# ---- writing ------------------------------------------------------------------------------------------

def _next_number(session: Session, year: int) -> str:
    prefix = f"J{year}-"

    def highest() -> int:
        last = session.scalar(select(func.max(ServicePlan.plan_no)).where(starting_with(ServicePlan.plan_no, prefix)))
        return int(last.split("-")[1]) if last else 0
    seq = next_number(session, f"plan_no:{year}", highest)
    return f"{prefix}{seq:04d}"


def _check_review_day(start: date, due: date, field: str = "下次复核日期") -> None:
    if due <= start:
        raise UserError(f"{field}应晚于{'开始日期' if field == '下次复核日期' else '复核日期'}（{start:%Y-%m-%d}）。",
                        field=field)
    if (due - start).days > MAX_REVIEW_DAYS:
        raise UserError(f"{field}不能超过一年以后：服务计划至少每年复核一次。", field=field)


def _current_of(session: Session, person_id: int, exclude: int | None) -> None:
    """Refuse a second current plan, or a plan beside an open case (the case holds the plan)."""
    query = select(ServicePlan.plan_no).where(ServicePlan.person_id == person_id,
                                              ServicePlan.status == PlanStatus.ACTIVE.value)
    if exclude is not None:
        query = query.where(ServicePlan.id != exclude)
    existing = session.scalar(query)
    if existing:
        raise UserError(f"这位服务对象已有执行中的服务计划 {existing}（一人一案）。请打开该计划修改或复核。",
                        field="服务对象")
    case_no = session.scalar(select(CaseRecord.case_no).where(CaseRecord.person_id == person_id,
                                                              CaseRecord.status == CaseStatus.OPEN.value))
    if case_no:
        raise UserError(f"这位服务对象有进行中的个案 {case_no}，服务计划在个案的“制定计划”中填写。", field="服务对象")


def save_plan(session: Session, plan_id: int | None, data: PlanInput, today: date | None = None,
              version: int | None = None) -> int:
    """A new plan (``plan_id`` None) or changes to a current one; returns its id. ``version``: the
    ``PlanDetail.version`` the form was opened on (a save after someone else's is refused)."""
    require(session, Permission.CASE_OPEN)
    today = today or date.today()
    get_or_error(session, Person, data.person_id, "居民记录")
    if plan_id is None:
        plan = ServicePlan(person_id=data.person_id, status=PlanStatus.ACTIVE.value)
    else:
        plan = get_or_error(session, ServicePlan, plan_id, "服务计划", version)
        if plan.status != PlanStatus.ACTIVE.value:
            raise UserError(f"服务计划{PlanStatus(plan.status).label}，不能再修改。")
        if plan.person_id != data.person_id:
            raise UserError("服务计划的服务对象不能更改；请为另一位服务对象新建计划。", field="服务对象")
    _current_of(session, data.person_id, plan_id)
    start = past_day(data.start_on, "开始日期", today)
    due = parse_day(data.review_due, "下次复核日期")
    _check_review_day(start, due)
    if data.staff_id is not None:
        get_or_error(session, StaffMember, data.staff_id, "人员档案")
    needs = [clean_text(data.need_material, "物质需求", 500), clean_text(data.need_spiritual, "精神需求", 500),
             clean_text(data.need_social, "社会需求", 500)]
    if not any(needs):
        raise UserError("请至少填写一项需求（物质、精神或社会）。", field="物质需求")
    plan.need_material, plan.need_spiritual, plan.need_social = needs
    plan.services = clean_text(data.services, "服务内容", 2000, required=True)
    plan.frequency = PlanFrequency(data.frequency).value
    plan.staff_id = data.staff_id
    plan.start_on = start
    plan.review_due = due
    if plan_id is None:
        plan.plan_no = _next_number(session, start.year)
        session.add(plan)
    session.flush()
    return plan.id


def review_plan(session: Session, plan_id: int, data: ReviewInput, today: date | None = None) -> None:
    """复核: the outcome; the next review date, or the end of the plan."""
    acting = require(session, Permission.CASE_OPEN)
    today = today or date.today()
    plan = get_or_error(session, ServicePlan, plan_id, "服务计划")
    if plan.status != PlanStatus.ACTIVE.value:
        raise UserError(f"服务计划{PlanStatus(plan.status).label}，不能再复核。")
    day = past_day(data.reviewed_on, "复核日期", today)
    if day < plan.start_on:
        raise UserError(f"复核日期不能早于计划开始日期（{plan.start_on:%Y-%m-%d}）。", field="复核日期")
    outcome = PlanReviewOutcome(data.outcome)
    note = clean_text(data.note, "复核情况", 2000, required=True)
    next_review = None
    if outcome is PlanReviewOutcome.END:
        plan.status = PlanStatus.ENDED.value
        plan.ended_on = day
    else:
        if data.next_review is None:
            raise UserError("请填写下次复核日期（继续执行的计划须定期复核）。", field="下次复核日期")
        next_review = parse_day(data.next_review, "下次复核日期")
        _check_review_day(day, next_review)
        plan.review_due = next_review
    session.add(ServicePlanReview(plan_id=plan.id, reviewed_on=day, outcome=outcome.value, note=note,
                                  next_review=next_review, by=access.acting_name(session, acting)))
    session.flush()


def case_description(detail: PlanDetail) -> str:
    """What the new case starts from: the plan's needs, services and reviews."""
    lines = [f"由服务计划 {detail.row.plan_no}（{detail.row.start_on:%Y-%m-%d} 起）转为个案。"]
    for label, text in (("物质需求", detail.need_material), ("精神需求", detail.need_spiritual),
                        ("社会需求", detail.need_social)):
        if text:
            lines.append(f"{label}：{text}")
    lines.append(f"已商定的服务（{detail.row.frequency.label}）：{detail.services}")
    for review in detail.reviews:
        lines.append(f"{review.reviewed_on:%Y-%m-%d} 复核（{review.outcome.label}）：{review.note}")
    return "\n".join(lines)


def escalate_plan(session: Session, plan_id: int, title: str, description: str, worker_id: int | None,
                  today: date | None = None) -> int:
    """Open a case for the plan's person that takes the plan over; returns the case id.

    The case is opened today (source 服务计划转入, its description the plan's content unless another is
    given); the plan ends the same day as “已转个案” and names the case. A case opened for the person
    from 个案 → 新开个案 takes the plan over in the same way (``cases.take_over_plan``)."""
    require(session, Permission.CASE_OPEN)
    today = today or date.today()
    plan = get_or_error(session, ServicePlan, plan_id, "服务计划")
    if plan.status != PlanStatus.ACTIVE.value:
        raise UserError(f"服务计划{PlanStatus(plan.status).label}，不能再转为个案。")
    if today < plan.start_on:
        raise UserError(f"服务计划 {plan.start_on:%Y-%m-%d} 才开始，不能在此之前转为个案。")
    text = description.strip() or case_description(get_plan(session, plan_id))
    # open_case takes the person's current plan over (status, end date, case id): cases.take_over_plan
    return open_case(session, CaseInput(plan.person_id, title, CaseSource.PLAN, text, today, worker_id,
                                        f"服务计划 {plan.plan_no}"), today)


# ---- reading ------------------------------------------------------------------------------------------

def _select():
    return (select(ServicePlan, Person.name, Person.village_code, StaffMember.name, CaseRecord.case_no)
            .join(Person, Person.id == ServicePlan.person_id)
            .outerjoin(StaffMember, StaffMember.id == ServicePlan.staff_id)
            .outerjoin(CaseRecord, CaseRecord.id == ServicePlan.case_id))


def _row(plan: ServicePlan, person: str, village: str | None, staff: str | None, case_no: str | None,
         villages: dict[str, str]) -> PlanRow:
    return PlanRow(plan.id, plan.plan_no, plan.person_id, person, villages.get(village or "", ""), plan.staff_id,
                   staff or "未指定", PlanFrequency(plan.frequency), plan.start_on, plan.review_due,
                   PlanStatus(plan.status), plan.ended_on, plan.case_id, case_no or "")


def list_plans(session: Session, flt: PlanFilter, limit: int = 5000) -> list[PlanRow]:
    require(session, Permission.CASE_READ)
    query = _select()
    if flt.status is not None:
        query = query.where(ServicePlan.status == flt.status.value)
    if flt.staff_id:
        query = query.where(ServicePlan.staff_id == flt.staff_id)
    if flt.person_id:
        query = query.where(ServicePlan.person_id == flt.person_id)
    if flt.due_by is not None:
        query = query.where(ServicePlan.status == PlanStatus.ACTIVE.value, ServicePlan.review_due <= flt.due_by)
    text = flt.text.strip()
    if text:
        like = f"%{text}%"
        query = query.where(or_(Person.name.like(like), Person.name_pinyin.like(like),
                                ServicePlan.plan_no.like(like), StaffMember.name.like(like)))
    villages = village_names(session)
    order = (ServicePlan.status, ServicePlan.review_due, ServicePlan.id)
    rows = session.execute(query.order_by(*order).limit(limit)).all()
    return [_row(plan, person, village, staff, case_no, villages) for plan, person, village, staff, case_no in rows]


def get_plan(session: Session, plan_id: int) -> PlanDetail:
    require(session, Permission.CASE_READ)
    found = session.execute(_select().where(ServicePlan.id == plan_id)).first()
    if found is None:
        raise UserError("找不到这条服务计划（可能已被删除）。")
    plan, person, village, staff, case_no = found
    reviews = session.scalars(select(ServicePlanReview).where(ServicePlanReview.plan_id == plan_id)
                              .order_by(ServicePlanReview.reviewed_on, ServicePlanReview.id))
    return PlanDetail(_row(plan, person, village, staff, case_no, village_names(session)), plan.need_material, plan.need_spiritual,
                      plan.need_social, plan.services,
                      tuple(ReviewRow(r.id, r.reviewed_on, PlanReviewOutcome(r.outcome), r.note, r.next_review, r.by)
                            for r in reviews), plan.version)


def current_plan_id(session: Session, person_id: int) -> int | None:
    """The person's plan in force (执行中), if any."""
    return session.scalar(select(ServicePlan.id).where(ServicePlan.person_id == person_id,
                                                       ServicePlan.status == PlanStatus.ACTIVE.value))


# ---- the monthly report and 工作台 --------------------------------------------------------------------

def covered_persons(end: date):
    """Person ids with a current plan or an open case at the end of the day ``end`` (a select).

    By dates, not by status, so that a past month counts as it stood: a plan started by ``end`` and not
    ended by then (an escalated plan ends the day its case opens), a case opened by ``end`` and not closed."""
    plans = select(ServicePlan.person_id).where(
        ServicePlan.start_on <= end, or_(ServicePlan.ended_on.is_(None), ServicePlan.ended_on > end))
    cases = select(CaseRecord.person_id).where(
        CaseRecord.opened_on <= end, or_(CaseRecord.closed_on.is_(None), CaseRecord.closed_on > end))
    return union(plans, cases)


@workbench.provider
def _plan_items(ctx: WorkbenchContext) -> list[DueItem]:
    if not ctx.can(Permission.CASE_OPEN):
        return []
    today = ctx.now.date()
    active = ServicePlan.status == PlanStatus.ACTIVE.value
    names = (select(Person.name).join(ServicePlan, ServicePlan.person_id == Person.id).where(active)
             .order_by(ServicePlan.review_due, ServicePlan.id))
    items = []
    overdue = ctx.session.execute(select(func.count(ServicePlan.id)).where(
        active, ServicePlan.review_due < today)).scalar_one()
    if overdue:
        first = list(ctx.session.scalars(names.where(ServicePlan.review_due < today).limit(5)))
        items.append(DueItem(Level.OVERDUE, "targets.plans", f"{overdue} 份服务计划待复核（已过复核日期）",
                             f"最早到期的：{'、'.join(first)}{'等' if overdue > 5 else ''}。"
                             "请在“服务对象与个案 → 服务计划”中复核。"))
    soon_end = today + timedelta(days=SOON_DAYS)
    soon = ctx.session.execute(select(func.count(ServicePlan.id)).where(
        active, ServicePlan.review_due >= today, ServicePlan.review_due <= soon_end)).scalar_one()
    if soon:
        first = list(ctx.session.scalars(names.where(ServicePlan.review_due >= today,
                                                     ServicePlan.review_due <= soon_end).limit(5)))
        items.append(DueItem(Level.SOON, "targets.plans", f"{soon} 份服务计划 {SOON_DAYS} 天内待复核",
                             f"如：{'、'.join(first)}{'等' if soon > 5 else ''}。"))
    return items
