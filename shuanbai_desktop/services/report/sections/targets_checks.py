"""Checks on the month's visits, cases and targets before the report goes out."""

from __future__ import annotations

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ....data.models import Person
from ....data.models.person import PersonGroup
from ....data.models.targets import CaseRecord, Household, Visit, VisitPerson, VisitStaff, VisitWorker
from ..layout import Check
from .common import check_from_query, day, month_bounds


def _visit_checks(session: Session, first, last) -> list[Check]:
    base = (select(Visit.id, Visit.visit_date, Household.name).join(Household, Household.id == Visit.household_id)
            .where(Visit.visit_date.between(first, last)).order_by(Visit.visit_date, Visit.id))
    text = lambda d, name: f"{day(d)} 走访 {name}"  # noqa: E731
    return (check_from_query(
                session, base.where(~exists().where(VisitWorker.visit_id == Visit.id),
                                   ~exists().where(VisitStaff.visit_id == Visit.id)),
                key="targets.visit_no_worker", sheet="services", level="error", title="{n} 条走访记录没有填写走访社工",
                hint="打开走访记录，选上参加走访的社工。", table="visit", area="targets.visits", text=text)
            + check_from_query(
                session, base.where(~exists().where(VisitPerson.visit_id == Visit.id)),
                key="targets.visit_no_person", sheet="services", level="warning",
                title="{n} 条走访记录没有记录见到的人（人次会少计）",
                hint="打开走访记录，勾选走访时见到的家庭成员。", table="visit", area="targets.visits", text=text)
            + check_from_query(
                session, base.join(VisitPerson, VisitPerson.visit_id == Visit.id)
                .join(Person, Person.id == VisitPerson.person_id)
                .where(Person.status.in_(("deceased", "moved_out"))).distinct(),
                key="targets.visit_gone_person", sheet="services", level="error",
                title="{n} 条走访记录见到的人已登记为死亡或迁出", hint="走访记录与居民状态互相矛盾，请核对后更正其中之一。",
                table="visit", area="targets.visits", text=text))


def _case_checks(session: Session, first, last) -> list[Check]:
    text = lambda no, title: f"{no} {title}"  # noqa: E731
    closed = select(CaseRecord.id, CaseRecord.case_no, CaseRecord.title).where(
        CaseRecord.closed_on.between(first, last), CaseRecord.outcome == "").order_by(CaseRecord.case_no)
    active = (CaseRecord.opened_on <= last) & or_(CaseRecord.closed_on.is_(None), CaseRecord.closed_on > last)
    no_worker = select(CaseRecord.id, CaseRecord.case_no, CaseRecord.title).where(
        active, CaseRecord.worker_id.is_(None)).order_by(CaseRecord.case_no)
    return (check_from_query(session, closed, key="targets.case_no_outcome", sheet="services", level="error",
                             title="{n} 件本月结案的个案没有填写结案结果",
                             hint="打开个案，在结案处选择结案结果。", table="case_record", area="targets.cases", text=text)
            + check_from_query(session, no_worker, key="targets.case_no_worker", sheet="services", level="warning",
                               title="{n} 件在案个案没有负责社工", hint="打开个案，指定负责社工。",
                               table="case_record", area="targets.cases", text=text))


def _target_checks(session: Session, last) -> list[Check]:
    targets = select(PersonGroup.person_id).join(Person, Person.id == PersonGroup.person_id).where(
        Person.status == "registered", or_(PersonGroup.since.is_(None), PersonGroup.since <= last))
    people = select(Person.id, Person.name).where(Person.id.in_(targets)).order_by(Person.name_pinyin, Person.id)
    text = lambda name: name  # noqa: E731
    return (check_from_query(session, people.where(Person.village_code.is_(None)), key="targets.no_village",
                             sheet="targets", level="warning", title="{n} 名服务对象没有填写所属村(居)",
                             hint="按村(居)统计时无法计入，请在居民信息中补上所属村(居)。", table="person",
                             area="targets.persons", text=text)
            + check_from_query(session, people.where(Person.household_id.is_(None)), key="targets.no_file",
                               sheet="targets", level="warning", title="{n} 名服务对象尚未纳入户档（一户一档）",
                               hint="为其建立户档或加入所在家庭的户档。", table="person", area="targets.persons", text=text))


def checks(session: Session, year: int, month: int) -> list[Check]:
    first, last = month_bounds(year, month)
    return _visit_checks(session, first, last) + _case_checks(session, first, last) + _target_checks(session, last)
