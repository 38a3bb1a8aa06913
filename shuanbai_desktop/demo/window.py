"""Demo window registrations: a few realistic months at the counter, over the demo residents.

Registrations fall on past working days (yesterday backwards, so today's ticket numbers
stay free for real use), 3–12 a day, with the usual mix of channels and matters. Older
matters are mostly finished (a few late), recent ones open (a few overdue), about half
of the finished ones followed up. Rows go in through SQLAlchemy Core in batches.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..data.models import Person, User
from ..data.models.window import WindowDepartment, WindowEvent, WindowMatterType, WindowRegistration
from ..domain.counter_labels import Channel, EventKind, FollowUpMethod, Handling, Satisfaction, Status
from ..domain.labels import Role
from ..domain.workdays import add_workdays, is_workday
from ..services.window.common import lines
from ..services.window.holidays import station_days
from ..services.window.tickets import format_ticket

BATCH = 5_000
CHANNELS = ((Channel.VISIT, 60), (Channel.PHONE, 28), (Channel.PROXY, 9), (Channel.OTHER, 3))
MATTER_WEIGHTS = {"政策咨询": 30, "最低生活保障": 12, "残疾人证办理": 10, "困难残疾人生活补贴和重度残疾人护理补贴": 9,
                  "高龄津贴": 9, "临时救助": 7, "居家养老服务": 7, "特困人员救助供养": 4, "心理疏导": 4,
                  "孤儿和事实无人抚养儿童保障": 2, "其他": 6}
RESULTS = {Handling.ON_SPOT: ("已解答申请条件和办理流程", "已告知所需材料，居民表示清楚", "已解答补贴发放时间"),
           Handling.ASSIGN: ("已上门评估并安排服务", "已完成服务，居民认可", "已联系家属并落实跟进"),
           Handling.TRANSFER: ("接收部门已审批通过", "接收部门已办结并通知居民", "经审核不符合条件，已向居民解释")}
DESCRIPTIONS = ("家庭收入低，申请帮扶", "老人行动不便，咨询办理", "家属代为咨询政策", "材料不全，先行登记",
                "因病致困，申请救助", "咨询补贴发放进度")


@dataclass
class _Ctx:
    rng: random.Random
    today: date
    people: list[int]
    staff: list[int]
    matters: list[WindowMatterType]
    weights: list[int]
    own: object
    due_cache: dict
    next_id: int
    next_event: int


def _setup(session: Session, rng: random.Random, today: date) -> _Ctx | None:
    people = list(session.scalars(select(Person.id).order_by(Person.id).limit(20_000)))
    staff = list(session.scalars(select(User.id).where(User.disabled.is_(False), User.role != Role.SUPERVISOR.value)))
    matters = list(session.scalars(select(WindowMatterType).where(WindowMatterType.active.is_(True))))
    if not people or not staff or not matters:
        return None
    return _Ctx(rng, today, people, staff, matters, [MATTER_WEIGHTS.get(m.name, 3) for m in matters],
                station_days(session), {},
                (session.scalar(select(func.max(WindowRegistration.id))) or 0) + 1,
                (session.scalar(select(func.max(WindowEvent.id))) or 0) + 1)


def _due(c: _Ctx, day: date, days: int) -> tuple[date, bool]:
    key = (day, days)
    if key not in c.due_cache:
        result = add_workdays(day, days, c.own)
        c.due_cache[key] = (result.due, result.estimated)
    return c.due_cache[key]


def _working_days(c: _Ctx, count: int) -> list[date]:
    days, day = [], c.today
    while len(days) < count:
        day -= timedelta(days=1)
        if is_workday(day, c.own):
            days.append(day)
    return days


def _event(c: _Ctx, reg: dict, kind: EventKind, at: datetime, actor: int, **values) -> dict:
    row = {"id": c.next_event, "registration_id": reg["id"], "at": at, "kind": kind.value, "actor_id": actor,
           "to_user_id": None, "department_id": None, "department_name": "", "on_date": None, "satisfaction": "",
           "method": "", "text": ""}
    c.next_event += 1
    row.update(values)
    return row


def _outcome(c: _Ctx, reg: dict, events: list[dict], at: datetime, actor: int) -> None:
    """Finished (on time, now and then late) unless recent; some followed up."""
    age = (c.today - reg["registered_on"]).days
    if reg["handling"] != Handling.ON_SPOT.value and (age < 12 or c.rng.random() < 0.04):
        return  # still open; old open ones are the overdue
    if reg["handling"] == Handling.ON_SPOT.value:
        finished = reg["registered_on"]
    else:
        span = max((reg["due_date"] - reg["registered_on"]).days, 1)
        finished = reg["registered_on"] + timedelta(days=c.rng.randint(1, span + (6 if c.rng.random() < 0.1 else 0)))
        finished = min(finished, c.today - timedelta(days=1))
    text = c.rng.choice(RESULTS[Handling(reg["handling"])])
    reg.update(status=Status.DONE.value, result=text, result_date=finished, closed_by_id=actor)
    when = at if reg["handling"] == Handling.ON_SPOT.value else datetime.combine(finished, time(16, 0))
    events.append(_event(c, reg, EventKind.RESULT, when, actor, on_date=finished, text=text))
    if c.rng.random() < 0.5 and finished + timedelta(days=3) < c.today:
        on = finished + timedelta(days=c.rng.randint(1, 3))
        level = c.rng.choices(list(Satisfaction), (80, 17, 3))[0]
        reg.update(follow_up_date=on, satisfaction=level.value)
        events.append(_event(c, reg, EventKind.FOLLOW_UP, datetime.combine(on, time(10, 30)), actor, on_date=on,
                             satisfaction=level.value, method=FollowUpMethod.PHONE.value))


def _registration(c: _Ctx, day: date, seq: int, minute: int, departments: dict[int, str]) -> tuple[dict, list]:
    matter = c.rng.choices(c.matters, c.weights)[0]
    channel = c.rng.choices([ch for ch, _ in CHANNELS], [w for _, w in CHANNELS])[0]
    handling = Handling(matter.default_handling)
    at = datetime.combine(day, time(8, 30)) + timedelta(minutes=minute)
    actor = c.rng.choice(c.staff)
    due, estimated = (day, False) if handling is Handling.ON_SPOT else _due(c, day, matter.time_limit_days)
    needed = lines(matter.materials)
    reg = {"id": c.next_id, "ticket_no": format_ticket(day, seq), "registered_at": at, "registered_on": day,
           "channel": channel.value, "person_id": c.rng.choice(c.people), "contact_phone": "",
           "agent_name": "家属" if channel is Channel.PROXY else "", "agent_id_number": None, "agent_phone": "",
           "agent_relation": "子女" if channel is Channel.PROXY else "", "matter_type_id": matter.id,
           "matter_name": matter.name, "materials": matter.materials,
           "materials_received": "\n".join(m for m in needed if c.rng.random() < 0.6),
           "time_limit_days": matter.time_limit_days, "description": c.rng.choice(DESCRIPTIONS),
           "first_responder_id": actor, "handling": handling.value, "status": Status.IN_PROGRESS.value,
           "handler_id": actor, "department_id": None, "department_name": "", "due_date": due,
           "due_estimated": estimated, "due_manual": False, "result": "", "result_date": None, "closed_by_id": None,
           "follow_up_date": None, "satisfaction": "", "void_reason": "", "updated_at": at}
    c.next_id += 1
    events = [_event(c, reg, EventKind.REGISTER, at, actor, text=f"{channel.label}登记，事项：{matter.name}")]
    if handling is Handling.TRANSFER and matter.department_id:
        name = departments.get(matter.department_id, "")
        reg.update(status=Status.TRANSFERRED.value, department_id=matter.department_id, department_name=name)
        events.append(_event(c, reg, EventKind.TRANSFER, at, actor, department_id=matter.department_id,
                             department_name=name))
    elif handling is not Handling.ON_SPOT:
        reg.update(handling=Handling.ASSIGN.value, handler_id=c.rng.choice(c.staff))
        events.append(_event(c, reg, EventKind.ASSIGN, at, actor, to_user_id=reg["handler_id"]))
    _outcome(c, reg, events, at, actor)
    return reg, events


def _flush(session: Session, regs: list[dict], events: list[dict]) -> None:
    for start in range(0, len(regs), BATCH):
        session.execute(insert(WindowRegistration), regs[start:start + BATCH])
    for start in range(0, len(events), BATCH):
        session.execute(insert(WindowEvent), events[start:start + BATCH])


def add_registrations(session: Session, rng: random.Random, today: date, total: int, per_day: tuple[int, int]) -> int:
    """``total`` registrations spread over past working days, ``per_day`` (min, max) a day; returns the count."""
    c = _setup(session, rng, today)
    if c is None or total <= 0:
        return 0
    departments = dict(session.execute(select(WindowDepartment.id, WindowDepartment.name)).all())
    used = defaultdict(int)
    for ticket in session.scalars(select(WindowRegistration.ticket_no)):
        day, seq = ticket.split("-", 1)
        used[day] = max(used[day], int(seq))
    regs, events, made = [], [], 0
    for day in _working_days(c, total // max(per_day[0], 1) + 1):
        for i in range(min(rng.randint(*per_day), total - made)):
            used[f"{day:%Y%m%d}"] += 1
            reg, evs = _registration(c, day, used[f"{day:%Y%m%d}"], i * 4 + rng.randint(0, 3), departments)
            regs.append(reg)
            events.extend(evs)
            made += 1
        if len(regs) >= BATCH:
            _flush(session, regs, events)
            regs, events = [], []
        if made >= total:
            break
    _flush(session, regs, events)
    return made


def add_demo(session: Session, rng: random.Random, today: date) -> None:
    """About four months of the counter (≈ 600 registrations); nothing when registrations exist."""
    if session.scalar(select(func.count(WindowRegistration.id))):
        return
    add_registrations(session, rng, today, 600, (3, 12))
