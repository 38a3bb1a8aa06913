"""个案 (一人一案/一事一案例): open, advance through the six stages, close, reopen; list and timeline.

Opening needs ``Permission.CASE_OPEN``; changing a case also its ownership rule (its responsible
worker or an administrator, ``access.require_case_editor``). The timeline names the session's user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.plans import ServicePlan
from ...data.models.targets import CaseEvent, CaseRecord, Visit
from ...data.numbering import next_number, starting_with
from ...domain.labels import Role
from ...domain.target_labels import CaseOutcome, CaseSource, CaseStage, CaseStatus, PlanStatus
from ...errors import UserError
from ..fields import clean_text, date_order, past_day
from ..permissions import Acting, Permission, require
from ..records import get_or_error, user_names
from . import access
from .case_rules import NEEDED, missing, stage_done


@dataclass(frozen=True)
class CaseInput:
    person_id: int
    title: str
    source: CaseSource
    description: str
    opened_on: date
    worker_id: int | None
    source_detail: str = ""
    source_visit_id: int | None = None
    window_matter_id: int | None = None


@dataclass(frozen=True)
class CaseRow:
    id: int
    case_no: str
    person_id: int
    person_name: str
    title: str
    worker_id: int | None
    worker_name: str
    stage: CaseStage
    status: CaseStatus
    opened_on: date
    closed_on: date | None
    source: CaseSource

    @property
    def stage_text(self) -> str:
        if self.status is CaseStatus.CLOSED:
            return "已结案"
        return f"{self.stage.number}. {self.stage.label}"


def _event(session: Session, case_id: int, day: date, kind: str, text: str, acting: Acting) -> None:
    session.add(CaseEvent(case_id=case_id, event_date=day, kind=kind, text=text,
                          by=access.acting_name(session, acting)))


def _next_number(session: Session, year: int) -> str:
    prefix = f"{year}-"

    def highest() -> int:
        last = session.scalar(select(func.max(CaseRecord.case_no)).where(starting_with(CaseRecord.case_no, prefix)))
        return int(last.split("-")[1]) if last else 0
    seq = next_number(session, f"case_no:{year}", highest)
    return f"{prefix}{seq:04d}"


def open_case(session: Session, data: CaseInput, today: date | None = None) -> int:
    """识别对象: a new case with its source and first description (the first stage's record)."""
    acting = require(session, Permission.CASE_OPEN)
    today = today or date.today()
    get_or_error(session, Person, data.person_id, "居民记录")
    opened = past_day(data.opened_on, "开案日期", today)
    title = clean_text(data.title, "个案事由", 80, required=True)
    description = clean_text(data.description, "基本情况", 4000, required=True)
    if data.source_visit_id is not None:
        get_or_error(session, Visit, data.source_visit_id, "走访记录")
    if data.window_matter_id is not None:
        existing = session.scalar(select(CaseRecord.case_no).where(CaseRecord.window_matter_id == data.window_matter_id))
        if existing:
            raise UserError(f"这件窗口事项已转为个案 {existing}，不能重复转介。")
        _window_matter(session, data.window_matter_id)
    case = CaseRecord(case_no=_next_number(session, opened.year), person_id=data.person_id, worker_id=data.worker_id,
                      title=title, source=CaseSource(data.source).value,
                      source_detail=clean_text(data.source_detail, "来源说明", 200),
                      source_visit_id=data.source_visit_id, window_matter_id=data.window_matter_id,
                      description=description, opened_on=opened, stage=CaseStage.IDENTIFY.value,
                      status=CaseStatus.OPEN.value)
    session.add(case)
    session.flush()
    _event(session, case.id, opened, "opened", f"开案（{CaseSource(data.source).label}）：{title}", acting)
    take_over_plan(session, case)
    if data.window_matter_id is not None and acting.user_id is not None:
        _window_event(session, data.window_matter_id, case.case_no, acting.user_id)
    session.flush()
    return case.id


def _window_matter(session: Session, matter_id: int):
    """The window matter a case is opened from (窗口转介): it must exist and not be voided."""
    from ...data.models.window import WindowRegistration
    from ...domain.counter_labels import Status
    reg = get_or_error(session, WindowRegistration, matter_id, "窗口登记")
    if reg.status == Status.VOID.value:
        raise UserError(f"受理编号 {reg.ticket_no} 已作废，不能转为个案。")
    return reg


def _window_event(session: Session, matter_id: int, case_no: str, actor_id: int) -> None:
    """The matter's timeline says which case took it over (the link both ways)."""
    from ...data.base import now
    from ...data.models.window import WindowEvent
    from ...domain.counter_labels import EventKind
    session.add(WindowEvent(registration_id=matter_id, at=now().replace(microsecond=0), kind=EventKind.CASE.value,
                            actor_id=actor_id, text=f"转为个案 {case_no}"))


def take_over_plan(session: Session, case: CaseRecord) -> None:
    """一人一案: a case opened for a person with a current service plan takes the plan over (plans.py):
    the plan ends as “已转个案” the day the case opens (not before it began) and names the case."""
    plan = session.scalar(select(ServicePlan).where(ServicePlan.person_id == case.person_id,
                                                    ServicePlan.status == PlanStatus.ACTIVE.value))
    if plan is None:
        return
    plan.status = PlanStatus.ESCALATED.value
    plan.ended_on = max(case.opened_on, plan.start_on)
    plan.case_id = case.id


def open_case_from_window(session: Session, matter_id: int, person_id: int, title: str, description: str,
                          worker_id: int | None, today: date | None = None) -> int:
    """窗口转介: a window matter becomes a case; the case keeps the matter's id, the matter's timeline
    names the case (``window.details.get_detail`` shows it)."""
    today = today or date.today()
    ticket = _window_matter(session, matter_id).ticket_no
    return open_case(session, CaseInput(person_id, title, CaseSource.WINDOW, description, today, worker_id,
                                        f"窗口事项 {ticket}", window_matter_id=matter_id), today)


def _case_to_change(session: Session, case_id: int, version: int | None = None) -> tuple[CaseRecord, Acting]:
    require(session, Permission.CASE_OPEN)
    case = get_or_error(session, CaseRecord, case_id, "个案", version)
    return case, access.require_case_editor(session, case.worker_id)


def update_identification(session: Session, case_id: int, data: CaseInput, today: date | None = None,
                          version: int | None = None) -> None:
    """The 识别对象 record corrected; ``version``: the ``CaseDetail.version`` the window showed (a save
    after someone else's change of the case is refused)."""
    case, acting = _case_to_change(session, case_id, version)
    from .case_rules import require_reached
    require_reached(case, CaseStage.IDENTIFY)
    case.title = clean_text(data.title, "个案事由", 80, required=True)
    case.description = clean_text(data.description, "基本情况", 4000, required=True)
    case.source = CaseSource(data.source).value
    case.source_detail = clean_text(data.source_detail, "来源说明", 200)
    case.opened_on = past_day(data.opened_on, "开案日期", today or date.today())
    if acting.is_system or acting.role is Role.ADMIN:  # only an administrator reassigns a case
        case.worker_id = data.worker_id


def advance(session: Session, case_id: int, today: date | None = None) -> CaseStage:
    """Move to the next stage when the current stage's record exists; else say what is missing."""
    case, acting = _case_to_change(session, case_id)
    stage = CaseStage(case.stage)
    if case.status == CaseStatus.CLOSED.value:
        raise UserError("个案已结案。如需继续服务，请先“重新开案”。")
    nxt = stage.next
    if nxt is None:
        raise UserError("已是最后一步“跟踪问效”。服务完成后请“结案”并填写结案结果。")
    if not stage_done(session, case, stage):
        raise UserError(f"还不能进入“{nxt.label}”：“{stage.label}”缺少{NEEDED[stage]}。", field=stage.label)
    case.stage = nxt.value
    _event(session, case.id, today or date.today(), "advanced", f"进入第 {nxt.number} 步“{nxt.label}”", acting)
    session.flush()
    return nxt


def close_case(session: Session, case_id: int, outcome: CaseOutcome, reason: str, closed_on: date,
               today: date | None = None) -> None:
    case, acting = _case_to_change(session, case_id)
    if case.status == CaseStatus.CLOSED.value:
        raise UserError("个案已经结案。")
    closed = past_day(closed_on, "结案日期", today or date.today())
    date_order(case.opened_on, closed, "开案日期", "结案日期")
    outcome = CaseOutcome(outcome)
    reason = clean_text(reason, "结案说明", 500, required=True)
    complete = case.stage == CaseStage.FOLLOW_UP.value and stage_done(session, case, CaseStage.FOLLOW_UP)
    if not complete and not outcome.early_allowed:
        lack = "；".join(missing(session, case)) or f"个案还在“{CaseStage(case.stage).label}”"
        raise UserError(f"个案尚未完成“跟踪问效”（{lack}），不能以“{outcome.label}”结案。"
                        "提前结案只能选择：转介其他机构、对象迁出或去世、对象拒绝服务。", field="结案结果")
    case.status = CaseStatus.CLOSED.value
    case.closed_on = closed
    case.outcome = outcome.value
    case.close_reason = reason
    _event(session, case.id, closed, "closed", f"结案：{outcome.label}。{reason}", acting)
    session.flush()


def reopen_case(session: Session, case_id: int, reason: str, today: date | None = None) -> None:
    case, acting = _case_to_change(session, case_id)
    if case.status != CaseStatus.CLOSED.value:
        raise UserError("个案没有结案，无需重新开案。")
    reason = clean_text(reason, "重新开案原因", 500, required=True)
    case.status = CaseStatus.OPEN.value
    case.closed_on = None
    case.outcome = ""
    case.close_reason = ""
    _event(session, case.id, today or date.today(), "reopened", f"重新开案：{reason}", acting)
    session.flush()


@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus | None = None
    worker_id: int | None = None
    person_id: int | None = None
    person_ids: tuple[int, ...] | None = None
    stage: CaseStage | None = None
    text: str = ""


def list_cases(session: Session, flt: CaseFilter, limit: int = 2000) -> list[CaseRow]:
    query = select(CaseRecord, Person.name).join(Person, Person.id == CaseRecord.person_id)
    if flt.status:
        query = query.where(CaseRecord.status == flt.status.value)
    if flt.worker_id:
        query = query.where(CaseRecord.worker_id == flt.worker_id)
    if flt.person_id:
        query = query.where(CaseRecord.person_id == flt.person_id)
    if flt.person_ids is not None:
        query = query.where(CaseRecord.person_id.in_(flt.person_ids))
    if flt.stage:
        query = query.where(CaseRecord.stage == flt.stage.value, CaseRecord.status == CaseStatus.OPEN.value)
    if flt.text.strip():
        like = f"%{flt.text.strip()}%"
        query = query.where((Person.name.like(like)) | (CaseRecord.title.like(like)) | (CaseRecord.case_no.like(like)))
    users = user_names(session)
    rows = session.execute(query.order_by(CaseRecord.status.desc(), CaseRecord.opened_on.desc(),
                                          CaseRecord.id.desc()).limit(limit))
    return [_row(c, name, users) for c, name in rows]


def _row(c: CaseRecord, person_name: str, users: dict[int, str]) -> CaseRow:
    return CaseRow(c.id, c.case_no, c.person_id, person_name, c.title, c.worker_id, users.get(c.worker_id or 0, "未指定"),
                   CaseStage(c.stage), CaseStatus(c.status), c.opened_on, c.closed_on, CaseSource(c.source))
