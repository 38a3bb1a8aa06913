"""The record of each case stage: assessment, goals, referrals and resources, sessions, follow-ups.

Every change needs ``Permission.CASE_OPEN`` and the case's ownership rule (``access.require_case_editor``);
the worker named on a session or follow-up is the session's user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from ...data.models.targets import (
    CaseAssessment,
    CaseFollowUp,
    CaseGoal,
    CaseRecord,
    CaseSession,
    Referral,
    ResourceLink,
)
from ...domain.target_labels import (
    CaseStage,
    GoalResult,
    NeedType,
    ReferralStatus,
    ResourceKind,
    SessionMethod,
)
from ...errors import UserError
from ..fields import clean_text, date_order, optional_money, parse_day, past_day
from ..permissions import Acting, Permission, require
from ..records import get_or_error
from . import access
from .case_rules import require_reached
from .organisations import linked_org, org_named

MAX_VALUE = Decimal("10000000")


def _case_for(session: Session, case_id: int, stage: CaseStage) -> CaseRecord:
    return _case_and_actor(session, case_id, stage)[0]


def _case_and_actor(session: Session, case_id: int, stage: CaseStage) -> tuple[CaseRecord, Acting]:
    require(session, Permission.CASE_OPEN)
    case = get_or_error(session, CaseRecord, case_id, "个案")
    acting = access.require_case_editor(session, case.worker_id)
    require_reached(case, stage)
    return case, acting


def _of_case(session: Session, model, row_id: int, case_id: int, what: str, version: int | None = None):
    """A stage record of this case (a record of another case is “not found”, never changed from here); at
    ``version`` when one is given (``get_or_error``)."""
    row = get_or_error(session, model, row_id, what, version)
    if row.case_id != case_id:
        raise UserError(f"找不到这条{what}（可能已被删除）。")
    return row


def _dated(case: CaseRecord, value: date | None, field: str, today: date | None) -> date:
    on = past_day(value, field, today or date.today())
    date_order(case.opened_on, on, "开案日期", field)
    return on


@dataclass(frozen=True)
class AssessmentInput:
    assessed_on: date
    need_types: tuple[NeedType, ...]
    assessment: str


def save_assessment(session: Session, case_id: int, data: AssessmentInput, today: date | None = None) -> None:
    case = _case_for(session, case_id, CaseStage.ASSESS)
    day = _dated(case, data.assessed_on, "评估日期", today)
    if not data.need_types:
        raise UserError("请至少选择一种需求类型。", field="需求类型")
    text = clean_text(data.assessment, "评估内容", 4000, required=True)
    row = session.get(CaseAssessment, case_id) or CaseAssessment(case_id=case_id)
    row.assessed_on = day
    row.assessment = text
    row.need_types = ",".join(NeedType(n).value for n in dict.fromkeys(data.need_types))
    session.add(row)
    session.flush()


@dataclass(frozen=True)
class GoalInput:
    goal: str
    actions: str
    start_on: date
    due_on: date


def save_goal(session: Session, case_id: int, data: GoalInput, goal_id: int | None = None) -> int:
    case = _case_for(session, case_id, CaseStage.PLAN)
    goal = clean_text(data.goal, "服务目标", 300, required=True)
    actions = clean_text(data.actions, "行动措施", 1000, required=True)
    start = parse_day(data.start_on, "开始日期")
    date_order(case.opened_on, start, "开案日期", "开始日期")
    due = parse_day(data.due_on, "完成期限")
    date_order(start, due, "开始日期", "完成期限")
    row = _of_case(session, CaseGoal, goal_id, case_id, "服务目标") if goal_id else CaseGoal(case_id=case_id)
    row.goal = goal
    row.actions = actions
    row.start_on = start
    row.due_on = due
    if case.plan_date is None:
        case.plan_date = start
    session.add(row)
    session.flush()
    return row.id


def delete_goal(session: Session, goal_id: int) -> None:
    require(session, Permission.CASE_OPEN)
    goal = get_or_error(session, CaseGoal, goal_id, "服务目标")
    _case_for(session, goal.case_id, CaseStage.PLAN)
    session.delete(goal)


def evaluate_goal(session: Session, goal_id: int, result: GoalResult, evaluation: str, evaluated_on: date,
                  today: date | None = None) -> None:
    require(session, Permission.CASE_OPEN)
    goal = get_or_error(session, CaseGoal, goal_id, "服务目标")
    case = _case_for(session, goal.case_id, CaseStage.FOLLOW_UP)
    if GoalResult(result) is GoalResult.PENDING:
        raise UserError("请选择目标达成情况。", field="达成情况")
    goal.evaluated_on = _dated(case, evaluated_on, "评估日期", today)
    goal.result = GoalResult(result).value
    goal.evaluation = clean_text(evaluation, "评估说明", 1000, required=True)
    session.flush()


@dataclass(frozen=True)
class ReferralInput:
    referred_on: date
    to_org: str
    matter: str
    status: ReferralStatus = ReferralStatus.SENT
    result: str = ""


def save_referral(session: Session, case_id: int, data: ReferralInput, referral_id: int | None = None,
                  today: date | None = None, version: int | None = None) -> int:
    """A new referral of the case, or one corrected (``version``: the ``ReferralRow.version`` the form was
    filled from; a save after someone else's is refused)."""
    case = _case_for(session, case_id, CaseStage.RESOURCES)
    row = (_of_case(session, Referral, referral_id, case_id, "转介", version) if referral_id
           else Referral(case_id=case_id))
    referred_on = _dated(case, data.referred_on, "转介日期", today)  # every field checked before the row changes
    to_org = clean_text(data.to_org, "转介单位", 80, required=True)
    matter = clean_text(data.matter, "转介事项", 300, required=True)
    status = ReferralStatus(data.status).value
    result = clean_text(data.result, "转介结果", 300)
    row.person_id = case.person_id
    row.referred_on = referred_on
    row.to_org = to_org
    row.matter = matter
    row.status = status
    row.result = result
    session.add(row)
    session.flush()
    return row.id


@dataclass(frozen=True)
class ResourceInput:
    linked_on: date
    kind: ResourceKind
    provider: str
    description: str
    value_yuan: str | Decimal | None = None
    org_id: int | None = None  # a community organisation of the register that provides it (organisations.py)


def save_resource(session: Session, case_id: int, data: ResourceInput, today: date | None = None) -> int:
    case = _case_for(session, case_id, CaseStage.RESOURCES)
    linked_on = _dated(case, data.linked_on, "链接日期", today)
    org = linked_org(session, data.org_id, linked_on, "资源提供方")
    provider = data.provider if org is None or (data.provider or "").strip() else org.name
    if org is None:  # a provider typed with the exact name of a registered organisation is that organisation
        org = org_named(session, clean_text(provider, "资源提供方", 80), linked_on)
    row = ResourceLink(case_id=case_id, person_id=case.person_id, kind=ResourceKind(data.kind).value,
                       linked_on=linked_on, org_id=org.id if org is not None else None,
                       provider=clean_text(provider, "资源提供方", 80, required=True),
                       description=clean_text(data.description, "资源内容", 300, required=True),
                       value_yuan=optional_money(data.value_yuan, "折合金额", MAX_VALUE) or Decimal("0.00"))
    session.add(row)
    session.flush()
    return row.id


def set_resource_note(session: Session, case_id: int, note: str) -> None:
    case = _case_for(session, case_id, CaseStage.RESOURCES)
    case.resource_note = clean_text(note, "无需外部资源的说明", 500)
    session.flush()


@dataclass(frozen=True)
class SessionInput:
    session_date: date
    method: SessionMethod
    minutes: int
    content: str


def add_session(session: Session, case_id: int, data: SessionInput, today: date | None = None) -> int:
    case, acting = _case_and_actor(session, case_id, CaseStage.INTERVENE)
    if not 1 <= int(data.minutes) <= 24 * 60:
        raise UserError("服务时长应在 1 到 1440 分钟之间。", field="时长")
    row = CaseSession(case_id=case_id, session_date=_dated(case, data.session_date, "服务日期", today),
                      method=SessionMethod(data.method).value, minutes=int(data.minutes),
                      content=clean_text(data.content, "服务内容", 4000, required=True),
                      worker=access.acting_name(session, acting))
    session.add(row)
    session.flush()
    return row.id


def add_followup(session: Session, case_id: int, followup_date: date, content: str,
                 today: date | None = None) -> int:
    case, acting = _case_and_actor(session, case_id, CaseStage.FOLLOW_UP)
    row = CaseFollowUp(case_id=case_id, followup_date=_dated(case, followup_date, "回访日期", today),
                       content=clean_text(content, "回访情况", 4000, required=True),
                       worker=access.acting_name(session, acting))
    session.add(row)
    session.flush()
    return row.id
