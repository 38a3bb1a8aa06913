"""Everything about one case, for its screen and its printed summary, with the timeline.

Reading a case's content needs ``Permission.CASE_READ`` (窗口 sees the case list only); the person's
ID number is masked (``persons.reveal_id_numbers`` for the full one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.targets import (
    CaseAssessment,
    CaseEvent,
    CaseFollowUp,
    CaseGoal,
    CaseRecord,
    CaseSession,
    Referral,
    ResourceLink,
)
from ...domain.idcard import mask_id_number
from ...domain.target_labels import (
    CaseOutcome,
    CaseStage,
    GoalResult,
    NeedType,
    ReferralStatus,
    ResourceKind,
    SessionMethod,
)
from ..permissions import Permission, require
from ..records import get_or_error, user_names, village_names
from .case_rules import missing, stage_done
from .cases import CaseRow, _row


@dataclass(frozen=True)
class GoalRow:
    id: int
    goal: str
    actions: str
    start_on: date
    due_on: date
    result: GoalResult
    evaluation: str
    evaluated_on: date | None


@dataclass(frozen=True)
class ReferralRow:
    id: int
    referred_on: date
    to_org: str
    matter: str
    status: ReferralStatus
    result: str
    version: int = 0  # what the edit form hands back to save_referral (a stale save is refused)


@dataclass(frozen=True)
class ResourceRow:
    id: int
    linked_on: date
    kind: ResourceKind
    provider: str
    description: str
    value_yuan: Decimal


@dataclass(frozen=True)
class SessionRow:
    id: int
    session_date: date
    method: SessionMethod
    minutes: int
    content: str
    worker: str


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    followup_date: date
    content: str
    worker: str


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    stage: str
    text: str


@dataclass(frozen=True)
class CaseDetail:
    row: CaseRow
    id_masked: str  # the person's ID number, masked ("" when none)
    person_village: str
    source_detail: str
    description: str
    assessment: tuple[date, tuple[NeedType, ...], str] | None
    goals: tuple[GoalRow, ...]
    referrals: tuple[ReferralRow, ...]
    resources: tuple[ResourceRow, ...]
    resource_note: str
    sessions: tuple[SessionRow, ...]
    followups: tuple[FollowUpRow, ...]
    outcome: CaseOutcome | None
    close_reason: str
    done: dict[CaseStage, bool]
    missing: tuple[str, ...]
    timeline: tuple[TimelineEntry, ...]
    window_matter_id: int | None
    window_ticket_no: str = ""  # the 受理编号 of that window matter (窗口转介)
    version: int = 0  # the case record's version: what the 识别对象 form hands back (a stale save is refused)


def _all(session: Session, model, case_id: int, order):
    return list(session.scalars(select(model).where(model.case_id == case_id).order_by(order, model.id)))


def case_detail(session: Session, case_id: int) -> CaseDetail:
    require(session, Permission.CASE_READ)
    c = get_or_error(session, CaseRecord, case_id, "个案")
    person = get_or_error(session, Person, c.person_id, "居民记录")
    a = session.get(CaseAssessment, case_id)
    assessment = (a.assessed_on, tuple(NeedType(n) for n in a.need_types.split(",") if n), a.assessment) if a else None
    goals = tuple(GoalRow(g.id, g.goal, g.actions, g.start_on, g.due_on, GoalResult(g.result), g.evaluation,
                          g.evaluated_on) for g in _all(session, CaseGoal, case_id, CaseGoal.start_on))
    referrals = tuple(ReferralRow(r.id, r.referred_on, r.to_org, r.matter, ReferralStatus(r.status), r.result,
                                  r.version)
                      for r in _all(session, Referral, case_id, Referral.referred_on))
    resources = tuple(ResourceRow(r.id, r.linked_on, ResourceKind(r.kind), r.provider, r.description, r.value_yuan)
                      for r in _all(session, ResourceLink, case_id, ResourceLink.linked_on))
    sessions = tuple(SessionRow(s.id, s.session_date, SessionMethod(s.method), s.minutes, s.content, s.worker)
                     for s in _all(session, CaseSession, case_id, CaseSession.session_date))
    followups = tuple(FollowUpRow(f.id, f.followup_date, f.content, f.worker)
                      for f in _all(session, CaseFollowUp, case_id, CaseFollowUp.followup_date))
    events = _all(session, CaseEvent, case_id, CaseEvent.event_date)
    return CaseDetail(
        _row(c, person.name, user_names(session)), mask_id_number(person.id_number or ""),
        village_names(session).get(person.village_code or "", ""), c.source_detail, c.description, assessment,
        goals, referrals, resources, c.resource_note, sessions, followups,
        CaseOutcome(c.outcome) if c.outcome else None, c.close_reason,
        {stage: stage_done(session, c, stage) for stage in CaseStage}, tuple(missing(session, c)),
        _timeline(events, assessment, goals, referrals, resources, sessions, followups), c.window_matter_id,
        _ticket_no(session, c.window_matter_id), c.version)


def _ticket_no(session: Session, matter_id: int | None) -> str:
    if matter_id is None:
        return ""
    from ...data.models.window import WindowRegistration
    return session.scalar(select(WindowRegistration.ticket_no).where(WindowRegistration.id == matter_id)) or ""


def _timeline(events, assessment, goals, referrals, resources, sessions, followups) -> tuple[TimelineEntry, ...]:
    entries = [TimelineEntry(e.event_date, "进程", e.text + (f"（{e.by}）" if e.by else "")) for e in events]
    if assessment:
        entries.append(TimelineEntry(assessment[0], CaseStage.ASSESS.label,
                                     "需求评估：" + "、".join(n.label for n in assessment[1])))
    entries += [TimelineEntry(g.start_on, CaseStage.PLAN.label, f"服务目标：{g.goal}（期限 {g.due_on:%Y-%m-%d}）")
                for g in goals]
    entries += [TimelineEntry(r.referred_on, CaseStage.RESOURCES.label, f"转介至{r.to_org}：{r.matter}（{r.status.label}）")
                for r in referrals]
    entries += [TimelineEntry(r.linked_on, CaseStage.RESOURCES.label,
                              f"链接资源：{r.provider} {r.description}（{r.kind.label}，{r.value_yuan:.2f} 元）")
                for r in resources]
    entries += [TimelineEntry(s.session_date, CaseStage.INTERVENE.label,
                              f"{s.method.label} {s.minutes} 分钟：{s.content}") for s in sessions]
    entries += [TimelineEntry(f.followup_date, CaseStage.FOLLOW_UP.label, f"回访：{f.content}") for f in followups]
    entries += [TimelineEntry(g.evaluated_on, CaseStage.FOLLOW_UP.label, f"目标评估：{g.goal} — {g.result.label}")
                for g in goals if g.evaluated_on]
    return tuple(sorted(entries, key=lambda e: e.day))
