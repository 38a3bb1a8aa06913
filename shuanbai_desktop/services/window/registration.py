"""窗口登记: register a matter in one transaction — ticket, due date, first handling, timeline.

The first responder (首问负责人) is the session's acting user (``Permission.WINDOW_REGISTER``) and is
never changed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from ...data.base import now
from ...data.models import Person
from ...data.models.window import WindowDepartment, WindowEvent, WindowMatterType, WindowRegistration
from ...domain.counter_labels import Channel, EventKind, Handling, Status
from ...domain.idcard import parse_id_number
from ...domain.phone import validate_phone
from ...errors import UserError
from ..fields import clean_text, date_order, parse_day
from . import deadlines, tickets
from .common import lines, require_handler, require_writer

MAX_DUE_AHEAD = timedelta(days=730)


@dataclass(frozen=True)
class RegistrationInput:
    channel: Channel | str
    person_id: int | None
    matter_type_id: int | None
    description: str = ""
    contact_phone: str = ""
    agent_name: str = ""
    agent_id_number: str = ""
    agent_phone: str = ""
    agent_relation: str = ""
    materials_received: tuple[str, ...] = ()
    handling: Handling | str = Handling.ASSIGN
    handler_id: int | None = None
    department_id: int | None = None
    transfer_note: str = ""
    result: str = ""
    due_date: date | str | None = None


@dataclass(frozen=True)
class Saved:
    id: int
    ticket_no: str
    due_date: date
    due_note: str


def _matter(session: Session, matter_id: int | None) -> WindowMatterType:
    matter = session.get(WindowMatterType, matter_id) if matter_id else None
    if matter is None:
        raise UserError("请选择事项（事项不能为空）。", field="事项")
    if not matter.active:
        raise UserError(f"事项“{matter.name}”已在事项目录中停用，请选择其他事项。", field="事项")
    return matter


def _channel(value) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise UserError("请选择来源渠道（来访、来电、代办或其他）。", field="来源渠道") from None


def _handling(value) -> Handling:
    try:
        return Handling(value)
    except ValueError:
        raise UserError("请选择办理方式（当场办结、分办或转办）。", field="办理方式") from None


def _person(session: Session, person_id: int | None, handling: Handling) -> int | None:
    if person_id is None:
        if handling is not Handling.ON_SPOT:
            raise UserError("请选择或新建办事居民（只有当场办结的咨询可以不留姓名）。", field="办事居民")
        return None
    if session.get(Person, person_id) is None:
        raise UserError("找不到所选居民的记录，请重新查找。", field="办事居民")
    return person_id


def _agent(data: RegistrationInput, channel: Channel, today: date) -> tuple[str, str | None, str, str]:
    name = clean_text(data.agent_name, "代办人姓名", 40)
    if channel is Channel.PROXY and not name:
        raise UserError("代办的须填写代办人姓名。", field="代办人姓名")
    number = None
    if (data.agent_id_number or "").strip():
        try:
            number = parse_id_number(data.agent_id_number, today).number
        except UserError as exc:
            raise UserError(exc.message.replace("身份证号", "代办人身份证号", 1), field="代办人身份证号") from None
    phone = validate_phone(data.agent_phone or "", field="代办人电话")
    return name, number, phone, clean_text(data.agent_relation, "与办事人关系", 20)


def _received(matter: WindowMatterType, received: tuple[str, ...]) -> str:
    needed = lines(matter.materials)
    unknown = [m for m in received if m not in needed]
    if unknown:
        raise UserError(f"“{unknown[0]}”不在该事项的材料清单中。", field="已收材料")
    return "\n".join(m for m in needed if m in received)


def _due(session: Session, data: RegistrationInput, matter: WindowMatterType, handling: Handling,
         day: date) -> tuple[date, bool, bool, str]:
    """(due date, estimated, set by hand, note)."""
    if handling is Handling.ON_SPOT:
        return day, False, False, ""
    computed = deadlines.preview(session, day, matter.time_limit_days)
    if data.due_date in (None, ""):
        return computed.due, computed.estimated, False, computed.note
    due = parse_day(data.due_date, "预计办结日期")
    date_order(day, due, "登记日期", "预计办结日期")
    if due - day > MAX_DUE_AHEAD:
        raise UserError("预计办结日期不能晚于登记日期两年以上，请核对。", field="预计办结日期")
    manual = due != computed.due
    return due, computed.estimated and not manual, manual, "" if manual else computed.note


def active_department(session: Session, department_id: int | None) -> WindowDepartment:
    dept = session.get(WindowDepartment, department_id) if department_id else None
    if dept is None:
        raise UserError("转办须选择转办部门。", field="转办部门")
    if not dept.active:
        raise UserError(f"转办部门“{dept.name}”已停用，请选择其他部门。", field="转办部门")
    return dept


def _first_step(session: Session, reg: WindowRegistration, data: RegistrationInput, handling: Handling,
                actor_id: int) -> WindowEvent:
    event = WindowEvent(at=reg.registered_at, actor_id=actor_id, kind=handling.value)
    if handling is Handling.ON_SPOT:
        reg.result = clean_text(data.result, "办理结果", 1000, required=True,
                           message="当场办结须填写办理结果（例如已解答的政策要点）。")
        reg.result_date = reg.registered_on
        reg.closed_by_id = actor_id
        reg.status = Status.DONE.value
        event.kind = EventKind.RESULT.value
        event.on_date = reg.result_date
        event.text = reg.result
    elif handling is Handling.ASSIGN:
        handler = require_handler(session, data.handler_id or actor_id)
        reg.handler_id = handler.id
        reg.status = Status.IN_PROGRESS.value
        event.to_user_id = handler.id
        event.text = clean_text(data.transfer_note, "分办说明", 300)
    else:
        dept = active_department(session, data.department_id)
        reg.department_id = dept.id
        reg.department_name = dept.name
        reg.handler_id = actor_id
        reg.status = Status.TRANSFERRED.value
        event.department_id = dept.id
        event.department_name = dept.name
        event.text = clean_text(data.transfer_note, "转办说明", 300)
    return event


def register(session: Session, data: RegistrationInput, at: datetime | None = None) -> Saved:
    """Check everything, then write the registration and its first steps; nothing is saved on error."""
    actor_id = require_writer(session).user_id
    at = (at or now()).replace(microsecond=0)
    day = at.date()
    channel, handling = _channel(data.channel), _handling(data.handling)
    matter = _matter(session, data.matter_type_id)
    person_id = _person(session, data.person_id, handling)
    agent_name, agent_id, agent_phone, relation = _agent(data, channel, day)
    reg = WindowRegistration(
        registered_at=at, registered_on=day, channel=channel.value, person_id=person_id,
        contact_phone=validate_phone(data.contact_phone or "", field="联系电话"),
        agent_name=agent_name, agent_id_number=agent_id, agent_phone=agent_phone, agent_relation=relation,
        matter_type_id=matter.id, matter_name=matter.name, materials=matter.materials,
        materials_received=_received(matter, tuple(data.materials_received)),
        time_limit_days=matter.time_limit_days, description=clean_text(data.description, "简要情况", 500),
        first_responder_id=actor_id, handling=handling.value, department_name="")
    reg.due_date, reg.due_estimated, reg.due_manual, note = _due(session, data, matter, handling, day)
    step = _first_step(session, reg, data, handling, actor_id)
    reg.ticket_no = tickets.next_ticket(session, day)
    session.add(reg)
    session.flush()
    session.add_all([WindowEvent(registration_id=reg.id, at=at, kind=EventKind.REGISTER.value, actor_id=actor_id,
                                 text=f"{channel.label}登记，事项：{matter.name}"),
                     _attach(step, reg.id)])
    session.flush()
    return Saved(reg.id, reg.ticket_no, reg.due_date, note)


def _attach(event: WindowEvent, registration_id: int) -> WindowEvent:
    event.registration_id = registration_id
    return event
