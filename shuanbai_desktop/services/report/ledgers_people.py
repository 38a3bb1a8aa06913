"""Ledgers of people and services: residents, household files, visits, cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...domain.labels import PersonStatus
from .ledgers import C, Ledger, day_range, labels, stream, user_names, village_names


def _residents(session: Session, first: date, last: date):
    from ...data.models.person import PersonGroup
    from ...domain.target_labels import TargetGroup
    villages, groups, status = village_names(session), labels(TargetGroup), labels(PersonStatus)
    codes = select(func.group_concat(PersonGroup.group_code, ",")).where(
        PersonGroup.person_id == Person.id).scalar_subquery()
    start, end = day_range(first, last)
    query = (select(Person.name, Person.sex, Person.birth_date, Person.id_number, Person.phone, Person.village_code,
                    Person.address, codes, Person.status, Person.created_at)
             .where(Person.created_at >= start, Person.created_at < end).order_by(Person.created_at, Person.id))
    for name, sex, birth, number, phone, village, address, group_codes, st, created in stream(session, query):
        group_text = "、".join(groups.get(g, g) for g in group_codes.split(",")) if group_codes else ""
        yield (name, sex, birth, number or "", phone, villages.get(village, ""), address, group_text,
               status.get(st, st), created.date())


def _households(session: Session, first: date, last: date):
    from ...data.models.person import PersonGroup
    from ...data.models.targets import Household
    villages, users = village_names(session), user_names(session)
    members = select(func.count(Person.id)).where(Person.household_id == Household.id).scalar_subquery()
    targets = select(func.count(Person.id)).where(Person.household_id == Household.id, Person.id.in_(
        select(PersonGroup.person_id))).scalar_subquery()
    start, end = day_range(first, last)
    query = (select(Household.name, Household.village_code, Household.address, members, targets, Household.worker_id,
                    Household.last_visit_date, Household.next_visit_due, Household.created_at)
             .where(Household.created_at >= start, Household.created_at < end).order_by(Household.created_at))
    for name, village, address, n, t, worker, last_visit, next_due, created in stream(session, query):
        yield (name, villages.get(village, ""), address, n, t, users.get(worker, ""), last_visit, next_due,
               created.date())


def _visits(session: Session, first: date, last: date):
    from ...data.models import User
    from ...data.models.staff import StaffMember
    from ...data.models.targets import Household, Visit, VisitPerson, VisitStaff, VisitWorker
    from ...domain.target_labels import Risk, VisitForm
    villages, forms, risks = village_names(session), labels(VisitForm), labels(Risk)
    workers = (select(func.group_concat(User.display_name, "、")).join(VisitWorker, VisitWorker.user_id == User.id)
               .where(VisitWorker.visit_id == Visit.id).scalar_subquery())
    roster = (select(func.group_concat(StaffMember.name, "、")).join(VisitStaff, VisitStaff.staff_id == StaffMember.id)
              .where(VisitStaff.visit_id == Visit.id).scalar_subquery())
    seen = select(func.count()).where(VisitPerson.visit_id == Visit.id).scalar_subquery()
    query = (select(Visit.visit_date, Household.name, Household.village_code, Visit.form, workers, roster, seen,
                    Visit.risk, Visit.next_due, Visit.recorded_by).join(Household, Household.id == Visit.household_id)
             .where(Visit.visit_date.between(first, last)).order_by(Visit.visit_date, Visit.id))
    for day, household, village, form, names, others, n, risk, next_due, by in stream(session, query):
        visitors = "、".join(part for part in (names, others) if part)
        yield (day, household, villages.get(village, ""), forms.get(form, form), visitors, n,
               risks.get(risk, risk), next_due, by)


def _cases(session: Session, first: date, last: date):
    from ...data.models.targets import CaseRecord
    from ...domain.target_labels import CaseOutcome, CaseSource, CaseStage, CaseStatus
    users, sources, stages = user_names(session), labels(CaseSource), labels(CaseStage)
    statuses, outcomes = labels(CaseStatus), labels(CaseOutcome)
    query = (select(CaseRecord.case_no, Person.name, Person.id_number, CaseRecord.title, CaseRecord.source,
                    CaseRecord.worker_id, CaseRecord.opened_on, CaseRecord.stage, CaseRecord.status,
                    CaseRecord.closed_on, CaseRecord.outcome).join(Person, Person.id == CaseRecord.person_id)
             .where(CaseRecord.opened_on <= last, or_(CaseRecord.closed_on.is_(None), CaseRecord.closed_on >= first))
             .order_by(CaseRecord.opened_on, CaseRecord.id))
    for no, name, number, title, source, worker, opened, stage, status, closed, outcome in stream(session, query):
        yield (no, name, number or "", title, sources.get(source, source), users.get(worker, ""), opened,
               stages.get(stage, stage), statuses.get(status, status), closed, outcomes.get(outcome, outcome))


PEOPLE = (
    Ledger("residents", "居民台账", "登记日期在此期间", None, (
        C("姓名", 10), C("性别", 5), C("出生日期", 11), C("身份证号", 20, "id"), C("联系电话", 14, "phone"),
        C("所属村(居)", 18), C("地址", 28), C("服务对象类别", 24), C("状态", 8), C("登记日期", 11)), _residents),
    Ledger("households", "户档台账", "建档日期在此期间", "targets", (
        C("户名", 14), C("所属村(居)", 18), C("地址", 28), C("家庭人口", 8), C("其中服务对象", 10), C("负责社工", 10),
        C("最近走访", 11), C("下次应走访", 11), C("建档日期", 11)), _households),
    Ledger("visits", "走访台账", "走访日期在此期间", "targets", (
        C("走访日期", 11), C("户名", 14), C("所属村(居)", 18), C("形式", 6), C("走访社工", 18), C("见到人数", 8),
        C("风险等级", 8), C("下次应走访", 11), C("记录人", 10)), _visits),
    Ledger("cases", "个案台账", "此期间内在案（开案不晚于截止日期、未在起始日期前结案）", "targets", (
        C("个案编号", 14), C("服务对象", 10), C("身份证号", 20, "id"), C("个案标题", 26), C("来源", 10),
        C("负责社工", 10), C("开案日期", 11), C("当前阶段", 10), C("状态", 8), C("结案日期", 11), C("结案结果", 14)),
        _cases),
)
