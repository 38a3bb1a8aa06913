"""One registration in full (masked for the screen) and its timeline of steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.window import WindowEvent, WindowRegistration
from ...domain.counter_labels import Channel, EventKind, FollowUpMethod, Handling, Satisfaction, Status
from ...domain.idcard import mask_id_number
from ...domain.phone import mask_phone
from ...domain.workdays import Urgency
from ..records import get_or_error, user_names
from .common import lines
from .deadlines import urgency_of
from .queries import ANONYMOUS


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: EventKind
    actor: str
    text: str


@dataclass(frozen=True)
class RegistrationDetail:
    id: int
    ticket_no: str
    registered_at: datetime
    channel: Channel
    person_id: int | None
    person_name: str
    person_id_masked: str
    phone_masked: str
    agent_text: str
    matter_type_id: int
    matter_name: str
    materials: tuple[str, ...]
    received: tuple[str, ...]
    time_limit_days: int
    description: str
    first_responder_id: int
    first_responder: str
    handling: Handling
    status: Status
    handler_id: int | None
    handler: str
    department_id: int | None
    department_name: str
    due_date: date
    due_estimated: bool
    due_manual: bool
    result: str
    result_date: date | None
    follow_up_date: date | None
    satisfaction: Satisfaction | None
    void_reason: str
    urgency: Urgency | None
    timeline: tuple[TimelineEntry, ...]
    case_id: int | None = None  # 窗口转介: the case opened from this matter
    case_no: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in (Status.IN_PROGRESS, Status.TRANSFERRED)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(m for m in self.materials if m not in self.received)


def agent_text(reg: WindowRegistration) -> str:
    if not reg.agent_name:
        return ""
    parts = [reg.agent_name]
    if reg.agent_relation:
        parts.append(f"（{reg.agent_relation}）")
    if reg.agent_id_number:
        parts.append(f" 身份证 {mask_id_number(reg.agent_id_number)}")
    if reg.agent_phone:
        parts.append(f" 电话 {mask_phone(reg.agent_phone)}")
    return "".join(parts)


def _event_text(e: WindowEvent, names: dict[int, str]) -> str:
    kind, note = EventKind(e.kind), (f"：{e.text}" if e.text else "")
    if kind is EventKind.ASSIGN:
        return f"分办给 {names.get(e.to_user_id or 0, '')}{note}"
    if kind is EventKind.TRANSFER:
        return f"转办至 {e.department_name}{note}"
    if kind is EventKind.RESULT:
        return f"办结（{e.on_date:%Y-%m-%d}）{note}"
    if kind is EventKind.FOLLOW_UP:
        level = Satisfaction(e.satisfaction).label if e.satisfaction else ""
        how = FollowUpMethod(e.method).label if e.method else "回访"
        return f"{how}（{e.on_date:%Y-%m-%d}），{level}{note}"
    if kind is EventKind.REOPEN:
        return f"重新办理，预计办结日期 {e.on_date:%Y-%m-%d}{note}"
    if kind in (EventKind.PRINT, EventKind.CASE):
        return e.text
    return f"{kind.label}{note}" if kind is not EventKind.REGISTER else e.text


def timeline(session: Session, registration_id: int) -> tuple[TimelineEntry, ...]:
    names = user_names(session)
    events = session.scalars(select(WindowEvent).where(WindowEvent.registration_id == registration_id)
                             .order_by(WindowEvent.at, WindowEvent.id))
    return tuple(TimelineEntry(e.at, EventKind(e.kind), names.get(e.actor_id, ""), _event_text(e, names))
                 for e in events)


def get_detail(session: Session, registration_id: int, today: date) -> RegistrationDetail:
    reg = get_or_error(session, WindowRegistration, registration_id, "窗口登记")
    person = session.get(Person, reg.person_id) if reg.person_id else None
    names = user_names(session)
    phone = reg.contact_phone or (person.phone if person else "")
    return RegistrationDetail(
        reg.id, reg.ticket_no, reg.registered_at, Channel(reg.channel), reg.person_id,
        person.name if person else ANONYMOUS, mask_id_number(person.id_number or "") if person else "",
        mask_phone(phone), agent_text(reg), reg.matter_type_id, reg.matter_name, tuple(lines(reg.materials)),
        tuple(lines(reg.materials_received)), reg.time_limit_days, reg.description, reg.first_responder_id,
        names.get(reg.first_responder_id, ""), Handling(reg.handling), Status(reg.status), reg.handler_id,
        names.get(reg.handler_id or 0, ""), reg.department_id, reg.department_name, reg.due_date,
        reg.due_estimated, reg.due_manual, reg.result, reg.result_date, reg.follow_up_date,
        Satisfaction(reg.satisfaction) if reg.satisfaction else None, reg.void_reason,
        urgency_of(session, reg.status, reg.due_date, today), timeline(session, reg.id), *_case_of(session, reg.id))


def _case_of(session: Session, registration_id: int) -> tuple[int | None, str]:
    from ...data.models.targets import CaseRecord
    row = session.execute(select(CaseRecord.id, CaseRecord.case_no)
                          .where(CaseRecord.window_matter_id == registration_id)).first()
    return (row[0], row[1]) if row else (None, "")
