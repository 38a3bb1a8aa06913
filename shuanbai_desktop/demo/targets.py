"""Demo data for 服务对象与个案: households of the demo residents, target groups, benefits, disability,
visits over the past year, cases at every stage, volunteers and activities. Core bulk inserts only;
the session is marked as the program's own work (``as_system``), as any guarded call in it must be."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from ..data.base import now
from ..data.models import Person, Setting, User
from ..data.models.person import PersonBenefit, PersonGroup
from ..data.models.staff import StaffMember, StaffVillage
from ..data.models.targets import (
    Activity,
    CaseAssessment,
    CaseEvent,
    CaseFollowUp,
    CaseGoal,
    CaseRecord,
    CaseSession,
    Household,
    HouseholdIncome,
    Referral,
    ResourceLink,
    Visit,
    VisitPerson,
    VisitStaff,
    VisitWorker,
    Volunteer,
    VolunteerHours,
)
from ..domain.labels import Role
from ..domain.staff_labels import StaffStatus
from ..domain.target_labels import (
    DisabilityType,
    Housing,
    HousingCondition,
    IncomeSource,
    Relation,
    Risk,
    TargetGroup,
)
from ..services.permissions import as_system
from . import SURNAMES, given_name, target_cases
from .target_texts import FINDINGS, NEEDS, PROVIDERS

BATCH = 5000
DONE_KEY = "demo.targets_last_person"  # residents up to this id already have their demo households
RISK_DAYS = {Risk.HIGH: 7, Risk.MEDIUM: 30, Risk.LOW: 90}


def _insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start:start + BATCH])


def _next_id(session, model) -> int:
    return (session.scalar(select(func.max(model.id))) or 0) + 1


def _age(birth: date | None, today: date) -> int:
    return (today - birth).days // 365 if birth else 40


def _groups(rng: random.Random, age: int, sex: str) -> list[TargetGroup]:
    out = []
    if age < 18 and rng.random() < 0.05:
        out.append(TargetGroup.LEFT_BEHIND_CHILD if rng.random() < 0.7 else TargetGroup.CHILD_IN_DIFFICULTY)
    if age >= 60 and rng.random() < 0.07:
        out.append(TargetGroup.ELDERLY_IN_DIFFICULTY)
    if rng.random() < 0.03:
        out.append(TargetGroup.LOW_INCOME)
    if age >= 50 and rng.random() < 0.012:
        out.append(TargetGroup.EXTREME_POOR)
    if rng.random() < 0.02:
        out.append(TargetGroup.DISABLED)
    if sex == "女" and 20 <= age < 60 and rng.random() < 0.012:
        out.append(TargetGroup.LEFT_BEHIND_WOMAN)
    return out


def _relation(head_age: int, age: int, has_spouse: bool) -> Relation:
    gap = head_age - age
    if gap >= 40:
        return Relation.GRANDCHILD
    if gap >= 15:
        return Relation.CHILD
    if gap <= -15:
        return Relation.PARENT
    return Relation.SIBLING if has_spouse else Relation.SPOUSE


class _Demo:
    def __init__(self, session, rng: random.Random, today: date):
        self.s = session
        self.rng = rng
        self.today = today
        users = session.execute(select(User.id, User.display_name).where(User.role == Role.SOCIAL_WORKER.value)).all() \
            or session.execute(select(User.id, User.display_name).limit(1)).all()
        self.workers = [u[0] for u in users]
        self.worker_names = dict(users)
        self.roster = _roster_without_account(session)
        self.rows: dict[type, list[dict]] = {}

    def add(self, model, **row) -> None:
        self.rows.setdefault(model, []).append(row)

    def flush(self) -> None:
        for model in (Household, HouseholdIncome, PersonGroup, PersonBenefit, Visit, VisitWorker, VisitStaff, VisitPerson,
                      CaseRecord, CaseAssessment, CaseGoal, Referral, ResourceLink, CaseSession, CaseFollowUp,
                      CaseEvent, Volunteer, Activity, VolunteerHours):
            _insert(self.s, model, self.rows.pop(model, []))


def _roster_without_account(session) -> dict[str, int]:
    """Village → the first worker in post serving it who has no account (demo/staff.py runs before this): such
    a worker goes on some of the village's visits, entered by a colleague who can log in (issue 15)."""
    query = (select(StaffVillage.village_code, StaffMember.id).join(StaffMember, StaffMember.id == StaffVillage.staff_id)
             .where(StaffMember.user_id.is_(None), StaffMember.status == StaffStatus.ACTIVE.value)
             .order_by(StaffVillage.village_code, StaffMember.id))
    out: dict[str, int] = {}
    for village, staff_id in session.execute(query):
        out.setdefault(village, staff_id)
    return out


def _visitors(demo: _Demo, visit_id: int, worker: int, village: str | None) -> None:
    """The account's worker visits; every third visit in a village whose own worker has no account that worker
    comes along, every sixth goes alone (by the visit's id, not the random stream: the rest of the demo stays
    as it was)."""
    roster = demo.roster.get(village or "")
    if roster is None or visit_id % 3:
        demo.add(VisitWorker, visit_id=visit_id, user_id=worker)
        return
    demo.add(VisitStaff, visit_id=visit_id, staff_id=roster)
    if visit_id % 6:
        demo.add(VisitWorker, visit_id=visit_id, user_id=worker)


def _people(session, start_after: int):
    cols = (Person.id, Person.village_code, Person.birth_date, Person.sex, Person.address, Person.name)
    return list(session.execute(select(*cols).where(Person.id > start_after, Person.household_id.is_(None))
                                .order_by(Person.village_code, Person.id)).all())


def _households(demo: _Demo, people, hid: int) -> tuple[list, dict, dict]:
    """Group residents of a village into families of 1–5; returns (household id, members) of targets' families."""
    rng, today = demo.rng, demo.today
    families, i = [], 0
    while i < len(people):
        size = rng.choices((1, 2, 3, 4, 5), (12, 25, 28, 22, 13))[0]
        family = [p for p in people[i:i + size] if p.village_code == people[i].village_code]
        families.append(family)
        i += len(family)
    groups: dict[int, list[TargetGroup]] = {}
    for family in families:
        for p in family:
            g = _groups(rng, _age(p.birth_date, today), p.sex)
            if g:
                groups[p.id] = g
    filed, updates = [], {}
    for family in families:
        if not any(p.id in groups for p in family) or rng.random() < 0.08:
            continue  # 8% of target families still without a file: coverage below 100%, as in real life
        family = sorted(family, key=lambda p: p.birth_date or today)
        head_age, spouse = _age(family[0].birth_date, today), False
        for n, p in enumerate(family):
            rel = Relation.HEAD if n == 0 else _relation(head_age, _age(p.birth_date, today), spouse)
            spouse = spouse or rel is Relation.SPOUSE
            updates[p.id] = (hid, rel.value)
        filed.append((hid, family))
        hid += 1
    return filed, updates, groups


def _profile(demo: _Demo, people, groups: dict[int, list[TargetGroup]]) -> None:
    rng, by_id = demo.rng, {p.id: p for p in people}
    disability = [t for t in DisabilityType if t is not DisabilityType.NONE]
    for pid, gs in groups.items():
        since = demo.today - timedelta(days=rng.randint(0, 1500))
        for g in gs:
            demo.add(PersonGroup, person_id=pid, group_code=g.value, since=since)
        amounts = {TargetGroup.LOW_INCOME: ("dibao", rng.choice((580, 720, 850, 1020))),
                   TargetGroup.EXTREME_POOR: ("tekun", rng.choice((1300, 1450))),
                   TargetGroup.DISABLED: ("disability", rng.choice((150, 180, 300)))}
        for g in gs:
            if g in amounts:
                kind, amount = amounts[g]
                demo.add(PersonBenefit, person_id=pid, kind=kind, monthly_amount=Decimal(amount), since=since, note="")
        extra = {}
        if TargetGroup.DISABLED in gs:
            extra.update(disability_type=rng.choice(disability).value, disability_grade=rng.choice("1234"))
        if TargetGroup.ELDERLY_IN_DIFFICULTY in gs:
            extra["health"] = rng.choice(("chronic", "partly_dependent", "dependent", "healthy"))
        if {TargetGroup.LEFT_BEHIND_CHILD, TargetGroup.CHILD_IN_DIFFICULTY} & set(gs):
            relation = rng.choice(("祖母", "祖父", "外祖母", "母亲"))
            surname = by_id[pid].name[0] if relation == "祖父" else rng.choice(SURNAMES)
            extra.update(guardian_name=surname + given_name(rng, "男" if relation == "祖父" else "女", (2,)),
                         guardian_relation=relation)
        if extra:
            demo.rows.setdefault("profile", []).append({"pid": pid, **extra})


def add_demo(session, rng: random.Random, today: date) -> None:
    as_system(session)
    marker = session.get(Setting, DONE_KEY)
    people = _people(session, int(marker.value) if marker else 0)
    if not people:
        return
    last = max(p.id for p in people)
    if marker is None:
        session.add(Setting(key=DONE_KEY, value=str(last)))
    else:
        marker.value = str(last)
    demo = _Demo(session, rng, today)
    filed, updates, groups = _households(demo, people, _next_id(session, Household))
    _profile(demo, people, groups)
    visit_id = _next_id(session, Visit)
    for hid, family in filed:
        visit_id = _household_rows(demo, hid, family, groups, visit_id)
    target_cases.add_cases(demo, filed, groups)
    _station_rows(demo, people)
    demo.flush()
    _update_people(session, updates, demo.rows.pop("profile", []))


def _household_rows(demo: _Demo, hid: int, family, groups, visit_id: int) -> int:
    rng, today = demo.rng, demo.today
    head = family[0]
    worker = demo.workers[int(head.village_code or 0) % len(demo.workers)]
    risk = rng.choices((Risk.HIGH, Risk.MEDIUM, Risk.LOW), (10, 40, 50))[0]
    demo.add(Household, id=hid, name=f"{head.name}户", village_code=head.village_code, address=head.address,
             housing=rng.choice([h for h in Housing if h.value]).value,
             housing_condition=rng.choices([c for c in HousingCondition if c.value], (30, 45, 20, 5))[0].value,
             housing_note="", worker_id=worker, notes="", last_visit_date=None, last_risk="", next_visit_due=None,
             created_at=now(), updated_at=now())
    for source in rng.sample([s for s in IncomeSource], rng.randint(1, 3)):
        demo.add(HouseholdIncome, household_id=hid, source=source.value,
                 yearly_amount=Decimal(rng.randrange(2000, 60000, 100)), note="")
    day, last = today - timedelta(days=rng.randint(330, 365)), None
    skip_tail = rng.random() < 0.12  # some households fall behind: overdue on 工作台
    while day <= today - timedelta(days=RISK_DAYS[risk] if skip_tail else 0):
        due = day + timedelta(days=RISK_DAYS[risk])
        need = rng.random() < 0.3
        demo.add(Visit, id=visit_id, household_id=hid, visit_date=day, form=rng.choices(("home", "phone", "group"),
                                                                                       (75, 20, 5))[0],
                 findings=rng.choice(FINDINGS), need_material=rng.choice(NEEDS["material"]) if need else "",
                 need_spiritual=rng.choice(NEEDS["spiritual"]) if need and rng.random() < 0.5 else "",
                 need_social="", risk=risk.value, next_due=due, recorded_by="", created_at=now())
        _visitors(demo, visit_id, worker, head.village_code)
        for p in family[:rng.randint(1, len(family))]:
            demo.add(VisitPerson, visit_id=visit_id, person_id=p.id)
        last, visit_id = (day, due), visit_id + 1
        day = due + timedelta(days=rng.randint(-2, 3))
    if last:
        row = demo.rows[Household][-1]
        row.update(last_visit_date=last[0], last_risk=risk.value, next_visit_due=last[1])
    return visit_id


def _station_rows(demo: _Demo, people) -> None:
    rng, today = demo.rng, demo.today
    vid, aid = _next_id(demo.s, Volunteer), _next_id(demo.s, Activity)
    villages = sorted({p.village_code for p in people if p.village_code})
    for k in range(min(40, max(5, len(people) // 500))):
        p = rng.choice(people)
        demo.add(Volunteer, id=vid + k, name=p.name, phone="", village_code=p.village_code,
                 organisation=rng.choice(("社区志愿服务队", "巾帼志愿队", "青年志愿者协会", "党员先锋队")), skills="",
                 active=1, created_at=now())
        for _ in range(rng.randint(3, 15)):
            demo.add(VolunteerHours, volunteer_id=vid + k, served_on=today - timedelta(days=rng.randint(0, 360)),
                     hours=Decimal(rng.choice(("1.5", "2.0", "3.0", "4.0"))), activity_id=None, case_id=None,
                     content="探访独居老人")
    for k in range(60):
        demo.add(Activity, id=aid + k, held_on=today - timedelta(days=rng.randint(0, 360)),
                 kind=rng.choice(("group", "community", "training")),
                 title=rng.choice(("长者生日会", "四点半课堂", "防诈骗讲座", "亲子阅读小组", "残疾人康复互助小组")),
                 village_code=rng.choice(villages) if villages else None, participants=rng.randint(8, 60),
                 partner=rng.choice(PROVIDERS), summary="", recorded_by="")


def _update_people(session, updates: dict, profiles: list[dict]) -> None:
    from sqlalchemy import bindparam, update
    rows = [{"pid": pid, "hid": hid, "rel": rel} for pid, (hid, rel) in updates.items() if hid]
    stmt = update(Person).where(Person.id == bindparam("pid")).values(household_id=bindparam("hid"),
                                                                      relation=bindparam("rel"))
    for start in range(0, len(rows), BATCH):
        session.connection().execute(stmt, rows[start:start + BATCH])
    for keys in {tuple(sorted(k for k in p if k != "pid")) for p in profiles}:
        batch = [p for p in profiles if tuple(sorted(k for k in p if k != "pid")) == keys]
        stmt = update(Person).where(Person.id == bindparam("pid")).values({k: bindparam(k) for k in keys})
        session.connection().execute(stmt, batch)
