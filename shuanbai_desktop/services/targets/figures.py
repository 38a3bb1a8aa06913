"""Figures of 服务对象与个案 for the monthly report (R6.1): targets, files, plans, visits, cases, resources."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.person import PersonGroup
from ...data.models.targets import (
    Activity,
    CaseRecord,
    Referral,
    ResourceLink,
    Visit,
    VisitPerson,
    VolunteerHours,
)
from ...domain.target_labels import CaseStage, TargetGroup
from .plans import covered_persons


@dataclass(frozen=True)
class TargetsFigures:
    targets_total: int  # 在册服务对象人数（月末，属任一类别）
    dibao: int  # 低保对象人数
    tekun: int  # 特困人员人数
    disabled: int  # 残疾人人数
    child_difficulty: int  # 困境儿童人数
    child_left_behind: int  # 留守儿童人数
    elderly: int  # 特殊困难老年人人数
    woman_left_behind: int  # 留守妇女人数
    other_group: int  # 其他类别人数
    targets_by_village: tuple[tuple[str, int], ...]  # (村(居)12位代码, 服务对象人数)，代码作键
    new_targets: int  # 本月新增服务对象人数（首次列入任一类别）
    households_with_file: int  # 建档户数：有服务对象成员的户档数
    targets_with_file: int  # 已纳入户档的服务对象人数
    file_coverage_percent: float  # 一户一档覆盖率 = 已纳入户档的服务对象 / 服务对象总数 × 100
    persons_with_plan: int  # 一人一案：月末有执行中的服务计划或在案个案的服务对象人数
    plan_coverage_percent: float  # 一人一案覆盖率 = 有服务计划的服务对象 / 服务对象总数 × 100
    visit_household_times: int  # 本月入户走访户次
    visit_person_times: int  # 本月走访见到的人次
    cases_opened: int  # 本月新开个案数
    cases_active: int  # 月末在案（未结案）个案数
    cases_closed: int  # 本月结案个案数
    active_identify: int  # 月末在案个案处于“识别对象”的数量
    active_assess: int  # …处于“分析需求”
    active_plan: int  # …处于“制定计划”
    active_resources: int  # …处于“协调资源”
    active_intervene: int  # …处于“专业介入”
    active_follow_up: int  # …处于“跟踪问效”
    referrals: int  # 本月转介次数
    resources_linked: int  # 本月链接资源笔数
    resources_value_yuan: Decimal  # 本月链接资源折合金额（元）
    volunteer_hours: Decimal  # 本月志愿服务时数（小时）
    activities: int  # 本月开展小组/社区活动次数
    activity_participants: int  # 本月活动参加人次


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _scalar(session: Session, query) -> int:
    return int(session.scalar(query) or 0)


def _targets(end: date):
    """Person ids in a target group by the month's end (registered persons)."""
    return select(PersonGroup.person_id).join(Person, Person.id == PersonGroup.person_id).where(
        Person.status == "registered", or_(PersonGroup.since.is_(None), PersonGroup.since <= end)).distinct()


def _target_figures(session: Session, start: date, end: date) -> dict:
    targets = _targets(end).subquery()
    total = _scalar(session, select(func.count()).select_from(targets))
    by_group = dict(session.execute(select(PersonGroup.group_code, func.count(distinct(PersonGroup.person_id)))
                                    .where(PersonGroup.person_id.in_(select(targets.c.person_id)))
                                    .group_by(PersonGroup.group_code)).all())
    by_village = session.execute(select(Person.village_code, func.count(Person.id))
                                 .where(Person.id.in_(select(targets.c.person_id)), Person.village_code.is_not(None))
                                 .group_by(Person.village_code).order_by(Person.village_code))
    first_query = select(PersonGroup.person_id, func.min(PersonGroup.since).label("first"))
    first = first_query.group_by(PersonGroup.person_id).subquery()
    new = _scalar(session, select(func.count()).select_from(first).where(first.c.first.between(start, end)))
    with_file = _scalar(session, select(func.count(Person.id)).where(
        Person.id.in_(select(targets.c.person_id)), Person.household_id.is_not(None)))
    households = _scalar(session, select(func.count(distinct(Person.household_id))).where(
        Person.id.in_(select(targets.c.person_id)), Person.household_id.is_not(None)))
    covered = covered_persons(end).subquery()
    planned = _scalar(session, select(func.count()).select_from(covered).where(
        covered.c.person_id.in_(select(targets.c.person_id))))
    out = {g.value: by_group.get(g.value, 0) for g in TargetGroup if g is not TargetGroup.OTHER}

    def percent(n: int) -> float:
        return round(n * 100 / total, 1) if total else 0.0
    return dict(out, targets_total=total, other_group=by_group.get(TargetGroup.OTHER.value, 0),
                targets_by_village=tuple((code, n) for code, n in by_village), new_targets=new,
                households_with_file=households, targets_with_file=with_file,
                file_coverage_percent=percent(with_file), persons_with_plan=planned,
                plan_coverage_percent=percent(planned))


def _case_figures(session: Session, start: date, end: date) -> dict:
    active = (CaseRecord.opened_on <= end) & (or_(CaseRecord.closed_on.is_(None), CaseRecord.closed_on > end))
    stages = dict(session.execute(select(CaseRecord.stage, func.count(CaseRecord.id)).where(active)
                                  .group_by(CaseRecord.stage)).all())
    return {"cases_opened": _scalar(session, select(func.count(CaseRecord.id)).where(
                CaseRecord.opened_on.between(start, end))),
            "cases_active": _scalar(session, select(func.count(CaseRecord.id)).where(active)),
            "cases_closed": _scalar(session, select(func.count(CaseRecord.id)).where(
                CaseRecord.closed_on.between(start, end))),
            **{f"active_{s.value}": stages.get(s.value, 0) for s in CaseStage}}


def _activity_figures(session: Session, start: date, end: date) -> dict:
    visits = select(Visit.id).where(Visit.visit_date.between(start, end))
    value = session.scalar(select(func.sum(ResourceLink.value_yuan)).where(ResourceLink.linked_on.between(start, end)))
    hours = session.scalar(select(func.sum(VolunteerHours.hours)).where(VolunteerHours.served_on.between(start, end)))
    return {"visit_household_times": _scalar(session, select(func.count()).select_from(visits.subquery())),
            "visit_person_times": _scalar(session, select(func.count()).select_from(VisitPerson).where(
                VisitPerson.visit_id.in_(visits))),
            "referrals": _scalar(session, select(func.count(Referral.id)).where(Referral.referred_on.between(start, end))),
            "resources_linked": _scalar(session, select(func.count(ResourceLink.id)).where(
                ResourceLink.linked_on.between(start, end))),
            "resources_value_yuan": Decimal(str(value or 0)).quantize(Decimal("0.01")),
            "volunteer_hours": Decimal(str(hours or 0)).quantize(Decimal("0.1")),
            "activities": _scalar(session, select(func.count(Activity.id)).where(Activity.held_on.between(start, end))),
            "activity_participants": _scalar(session, select(func.sum(Activity.participants)).where(
                Activity.held_on.between(start, end)))}


def month_figures(session: Session, year: int, month: int) -> TargetsFigures:
    start, end = _month(year, month)
    return TargetsFigures(**_target_figures(session, start, end), **_case_figures(session, start, end),
                          **_activity_figures(session, start, end))
