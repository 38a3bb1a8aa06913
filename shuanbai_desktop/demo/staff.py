"""Demo staff for the demo station: the three 事务性 posts, one 服务性 social worker per village,
their contracts (with renewals), the county pay table, training, assessments, the third-party
evaluation, monthly supervision and last month's pay sheet. Everything goes through the staff
services, so the demo obeys the same rules as typed data."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..data.models.staff import StaffMember
from ..domain.idcard import make_id_number
from ..domain.labels import Role
from ..domain.staff_labels import Certificate, Education, Grade, Source, StaffRole, TrainingKind
from ..domain.staff_rules import add_years, default_contract_end
from ..services import auth, station
from ..services.permissions import SYSTEM_KEY, as_system
from ..services.staff import assessment, contracts, pay, pay_table, supervision, training
from ..services.staff.handover import Move
from ..services.staff.leaving import LeaveInput, leave_station
from ..services.staff.roster import StaffInput, save_staff
from . import given_name, id_sequence

SURNAMES = "陈李黄张林刘吴叶何罗杨郑梁谢赖钟曾徐周邓朱冯彭苏蔡卢邱江廖温"
MAJORS = ("社会工作", "社会工作", "社会工作", "社会学", "心理学", "公共事业管理", "行政管理")
LEVELS = (("一级", Certificate.NONE, 0, 3000, 800), ("二级", Certificate.ASSISTANT, 0, 3400, 1000),
          ("三级", Certificate.ASSISTANT, 3, 3700, 1100), ("四级", Certificate.INTERMEDIATE, 0, 4000, 1200),
          ("五级", Certificate.INTERMEDIATE, 3, 4300, 1300), ("六级", Certificate.SENIOR, 0, 5000, 1500))
STATION_OPENED = date(2021, 7, 1)  # 全市社工站统一挂牌开始运作
RECRUITS_START = date(2022, 7, 1)  # 新招聘人员于2022年7月1日起统一上岗
FAILED_LAST_YEAR = 7  # the worker whose contract ends in 25 days: latest assessment 不合格
TOPICS = ("社会救助政策解读", "困境儿童关爱服务实务", "特困人员供养服务规范", "个案管理与记录书写",
          "残疾人两项补贴政策", "小组工作方法", "社区走访与需求评估", "心理疏导基本技巧", "养老服务政策与实务")


def _name(rng: random.Random, used: set[str], sex: str) -> str:
    while True:
        name = rng.choice(SURNAMES) + given_name(rng, sex, (1, 2, 2))
        if name not in used:
            used.add(name)
            return name


def _person(rng: random.Random, county: str, today: date, age: int, sex: str) -> tuple[str, str]:
    """An ID number whose sex digit is ``sex``'s, and a mobile number."""
    birth = today - timedelta(days=age * 365 + rng.randrange(300))
    phone = rng.choice(("138", "139", "137", "159", "186", "189")) + f"{rng.randrange(10 ** 8):08d}"
    return make_id_number(county, birth, id_sequence(rng, sex, 1, 998)), phone


def _pay_levels(session: Session) -> None:
    for name, cert, years, base, perf in LEVELS:
        pay_table.save_level(session, pay_table.PayLevelInput(name, cert, years, base, perf))


def _plan(session: Session, rng: random.Random, today: date) -> list[dict]:
    """Who works at the station: role, certificate, hire date, point and village."""
    users = {u.username: u.id for u in auth.list_users(session)}
    admin = next((u.id for u in auth.list_users(session) if u.role is Role.ADMIN), None)
    plan = [dict(role=StaffRole.DEPUTY_HEAD, cert=Certificate.INTERMEDIATE, hire=STATION_OPENED, user=admin),
            dict(role=StaffRole.AFFAIRS_WORKER, cert=Certificate.ASSISTANT, hire=STATION_OPENED, name="陈晓红",
                 sex="女", user=users.get("window1")),
            dict(role=StaffRole.DISABILITY_OFFICER, cert=Certificate.NONE, hire=STATION_OPENED)]
    named = {0: ("黄志明", "男", "sg1"), 1: ("林丽娟", "女", "sg2"), 2: ("曾嘉豪", "男", "sg3")}
    soon = {4: 25, 7: 50, 10: 80}  # contracts ending this many days from today
    for i, point in enumerate(_village_points(session)):
        code, point_id, first = point
        hire = STATION_OPENED if i % 3 else RECRUITS_START
        if i in soon:
            hire = add_years(today + timedelta(days=soon[i] + 1), -3)
        cert = rng.choice((Certificate.ASSISTANT, Certificate.ASSISTANT, Certificate.INTERMEDIATE, Certificate.NONE))
        name, sex, username = named.get(i, (None, None, None))
        plan.append(dict(role=StaffRole.SERVICE_WORKER, cert=cert, hire=min(hire, today - timedelta(days=40)),
                         point=point_id, village=code, liaison=first, name=name, sex=sex, user=users.get(username)))
    return plan


def _village_points(session: Session) -> list[tuple[str, int, bool]]:
    out = []
    for p in station.list_service_points(session):
        out += [(code, p.id, n == 0) for n, code in enumerate(p.village_codes)]
    return out


def _hire(session: Session, rng: random.Random, county: str, today: date, p: dict, used: set[str]) -> int:
    sex = p.get("sex") or rng.choice(("男", "女"))
    number, phone = _person(rng, county, today, rng.randint(24, 45), sex)
    cert = p["cert"]
    data = StaffInput(
        p.get("name") or _name(rng, used, sex), number, rng.choice((Education.BACHELOR, Education.BACHELOR, Education.COLLEGE)),
        p["role"], Source.INTEGRATED if p["hire"] <= STATION_OPENED else Source.RECRUITED, p["hire"], phone,
        rng.choice(MAJORS), cert, f"{cert.rank}{rng.randrange(10 ** 9):09d}" if cert.certified else "",
        p["hire"] - timedelta(days=rng.randint(200, 900)) if cert.certified else None,
        p["role"] is StaffRole.DEPUTY_HEAD, "DD2022" + f"{rng.randrange(10 ** 4):04d}" if p["role"] is
        StaffRole.DEPUTY_HEAD else "", bool(p.get("liaison")), p.get("point"),
        (p["village"],) if p.get("village") else (), p["hire"] - timedelta(days=rng.randint(0, 1500)), p.get("user"))
    staff_id = save_staff(session, data, today=today)
    row = session.get(StaffMember, staff_id)
    row.pay_level_id = pay_table.suggested_level_id(session, cert, 3 if p["hire"] <= STATION_OPENED else 1)
    return staff_id


def _assess(session: Session, rng: random.Random, staff_id: int, hire: date, today: date, fail_last: bool) -> None:
    last = today.year if today.month > 10 else today.year - 1
    for year in range(max(hire.year, 2021), last + 1):
        if date(year, 10, 1) <= hire:
            continue
        grade = Grade.FAIL if fail_last and year == last else rng.choice((Grade.GOOD, Grade.PASS, Grade.PASS, Grade.EXCELLENT))
        score = {Grade.EXCELLENT: 93, Grade.GOOD: 85, Grade.PASS: 74, Grade.FAIL: 55}[grade] + rng.randint(0, 5)
        assessment.save_assessment(session, assessment.AssessmentInput(staff_id, year, grade, score,
                                                                        date(year, 10, rng.randint(15, 28))), today=today)


def _contracts(session: Session, staff_id: int, hire: date, today: date) -> None:
    level = session.get(StaffMember, staff_id).pay_level_id
    start, previous = hire, None
    while start <= today:
        data = contracts.ContractInput(start, default_contract_end(start), signed_on=start - timedelta(days=3),
                                       probation_months=0 if previous else 2, pay_level_id=level)
        if previous is None:
            previous = contracts.add_contract(session, staff_id, data, today)
        else:
            previous = contracts.renew_contract(session, previous, data, "经镇(街道)研究同意续聘，并督促尽快取得职业资格证书",
                                                today=today)
        start = default_contract_end(start) + timedelta(days=1)


def _trainings(session: Session, rng: random.Random, hires: dict[int, date], today: date) -> None:
    for staff_id, hire in hires.items():
        day = min(hire + timedelta(days=7), today)
        training.save_training(session, training.TrainingInput(
            day, "双百工程社工岗前培训", TrainingKind.PRE_JOB, 16, (staff_id,), day + timedelta(days=1) if day < today
            else day, "惠州市民政局", "结业证书"), today=today)
    month = date(today.year - 1, 1, 10)
    while month <= today:
        on_staff = [s for s, h in hires.items() if h <= month]
        kind = rng.choice((TrainingKind.ON_JOB, TrainingKind.TOPIC, TrainingKind.CONTINUING))
        people = tuple(sorted(rng.sample(on_staff, k=max(1, int(len(on_staff) * rng.uniform(0.6, 1.0))))))
        if people:
            training.save_training(session, training.TrainingInput(
                month, rng.choice(TOPICS), kind, rng.choice((4, 6, 6, 8)), people, None,
                rng.choice(("惠城区民政局", "惠州市民政局", "市双百督导中心"))), today=today)
        month = (month.replace(day=1) + timedelta(days=32)).replace(day=rng.randint(8, 20))


def _supervision(session: Session, rng: random.Random, hires: dict[int, date], today: date) -> None:
    skip = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    month = date(today.year - 1, 1, 1)
    while month.replace(day=12) < today:
        if month != skip:
            day = min(month.replace(day=rng.randint(8, 18)), today - timedelta(days=1))  # ended by today
            hours = 8 if (month.month == 3) else 16
            people = tuple(s for s, h in hires.items() if h <= day)
            if people:
                supervision.save_supervision(session, supervision.SupervisionInput(
                    day, "刘督导", hours, people, day + timedelta(days=1), "惠州市双百工程督导中心",
                    rng.choice(TOPICS) + "；个案督导与记录抽查"), today=today)
        month = (month + timedelta(days=32)).replace(day=1)


def add_demo(session: Session, rng: random.Random, today: date) -> None:
    """The demo station's staff files; does nothing when workers are already entered.

    The generator is the program's own work: the staff services are called as the system.
    """
    if session.scalar(select(func.count(StaffMember.id))):
        return
    was_system = session.info.get(SYSTEM_KEY, False)
    as_system(session)
    try:
        _add(session, rng, today)
    finally:
        if not was_system:
            session.info.pop(SYSTEM_KEY, None)


def _add(session: Session, rng: random.Random, today: date) -> None:
    info = station.get_station(session)
    _pay_levels(session)
    used = {"陈晓红", "黄志明", "林丽娟", "曾嘉豪"}
    plan, hires = _plan(session, rng, today), {}
    for n, p in enumerate(plan):
        staff_id = _hire(session, rng, info.county_code, today, p, used)
        hires[staff_id] = p["hire"]
        _assess(session, rng, staff_id, p["hire"], today, n == FAILED_LAST_YEAR)
        _contracts(session, staff_id, p["hire"], today)
    _former_worker(session, rng, info.county_code, today, list(hires)[-1], used)
    _trainings(session, rng, hires, today)
    _supervision(session, rng, hires, today)
    for year in range(2021, today.year):
        assessment.save_evaluation(session, assessment.EvaluationInput(
            year, "广东省社会工作评估中心", Grade.GOOD, 86 + year % 5, date(year, 12, 18)), today=today)
    last_month = today.replace(day=1) - timedelta(days=1)
    pay.generate_month(session, last_month.year, last_month.month, today)
    pay.generate_month(session, today.year, today.month, today)


def _former_worker(session: Session, rng: random.Random, county: str, today: date, successor: int,
                   used: set[str]) -> None:
    """A worker who left last year and handed their village to a colleague."""
    successor_row = session.get(StaffMember, successor)
    p = dict(role=StaffRole.SERVICE_WORKER, cert=Certificate.ASSISTANT, hire=STATION_OPENED,
             point=successor_row.point_id, village=successor_row.villages[0].village_code)
    staff_id = _hire(session, rng, county, today, p, used)
    _contracts(session, staff_id, STATION_OPENED, min(today, date(today.year - 1, 3, 1)))
    leave_on = date(today.year - 1, 3, 31)
    moves = (Move("staff.village", p["village"], successor),)
    leave_station(session, staff_id, LeaveInput(leave_on, "考取事业单位，个人辞职", moves, False), today)
