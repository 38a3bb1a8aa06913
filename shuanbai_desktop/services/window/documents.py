"""What the 一次性告知单 and the 转办单 say, gathered from one registration (no Qt, no PDF here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.window import WindowDepartment, WindowEvent, WindowMatterType, WindowRegistration
from ...domain.counter_labels import EventKind, Handling, Status
from ...domain.idcard import mask_id_number
from ...domain.phone import mask_phone
from ...domain.workdays import add_workdays, fallback_note
from ...errors import UserError
from .. import persons, station
from ..records import get_or_error, user_names
from .common import lines, require_writer
from .details import agent_text
from .holidays import station_days
from .print_settings import get_print_settings
from .queries import ANONYMOUS


@dataclass(frozen=True)
class StationHeader:
    name: str
    address: str
    phone: str


@dataclass(frozen=True)
class NoticeData:
    station: StationHeader
    paper: str
    ticket_no: str
    registered_at: datetime
    person_name: str
    person_id_masked: str
    phone_masked: str
    matter_name: str
    materials: tuple[tuple[str, bool], ...]  # (material, already received)
    guidance: str
    handling_text: str
    result: str
    time_limit_days: int
    due_date: date
    due_note: str
    return_place: str
    office_hours: str
    note: str
    first_responder: str


@dataclass(frozen=True)
class TransferData:
    station: StationHeader
    paper: str
    ticket_no: str
    registered_at: datetime
    transferred_at: datetime
    department_name: str
    department_contact: str
    person_name: str
    person_id_masked: str
    person_phone: str  # in full: the receiving department must be able to call the resident
    person_address: str
    agent_text: str
    matter_name: str
    description: str
    received: tuple[str, ...]
    missing: tuple[str, ...]
    transfer_note: str
    due_date: date
    due_note: str
    first_responder: str


def _header(session: Session) -> StationHeader:
    info = station.get_station(session)
    return StationHeader(info.name, info.address, info.phone) if info else StationHeader("社会工作服务站", "", "")


def _load(session: Session, registration_id: int) -> WindowRegistration:
    reg = get_or_error(session, WindowRegistration, registration_id, "窗口登记")
    if reg.status == Status.VOID.value:
        raise UserError(f"受理编号 {reg.ticket_no} 已作废，不能打印。")
    return reg


def _due_note(session: Session, reg: WindowRegistration) -> str:
    if not reg.due_estimated:
        return ""
    years = add_workdays(reg.registered_on, reg.time_limit_days, station_days(session)).fallback_years
    return fallback_note(years)


def _handling_text(reg: WindowRegistration, names: dict[int, str]) -> str:
    if reg.status == Status.DONE.value and reg.handling == Handling.ON_SPOT.value:
        return "当场办结"
    if reg.status == Status.TRANSFERRED.value:
        return f"转办至{reg.department_name}办理，本站跟踪办理结果"
    if reg.status == Status.DONE.value:
        return "已办结"
    return f"由本站社工{names.get(reg.handler_id or 0, '')}办理"


def notice_data(session: Session, registration_id: int) -> NoticeData:
    """Printing is the counter's work (``Permission.WINDOW_REGISTER``): asked before anything is printed."""
    require_writer(session)
    reg = _load(session, registration_id)
    person = session.get(Person, reg.person_id) if reg.person_id else None
    names, settings, header = user_names(session), get_print_settings(session), _header(session)
    received = set(lines(reg.materials_received))
    matter = session.get(WindowMatterType, reg.matter_type_id)
    place = settings.return_place or "、".join(p for p in (header.name, header.address) if p)
    return NoticeData(
        header, settings.paper, reg.ticket_no, reg.registered_at, person.name if person else ANONYMOUS,
        mask_id_number(person.id_number or "") if person else "",
        mask_phone(reg.contact_phone or (person.phone if person else "")), reg.matter_name,
        tuple((m, m in received) for m in lines(reg.materials)), matter.guidance if matter else "",
        _handling_text(reg, names), reg.result if reg.handling == Handling.ON_SPOT.value else "",
        reg.time_limit_days, reg.due_date, _due_note(session, reg), place, settings.office_hours, settings.note,
        names.get(reg.first_responder_id, ""))


def _last_transfer(session: Session, reg: WindowRegistration) -> WindowEvent | None:
    return session.scalar(select(WindowEvent).where(WindowEvent.registration_id == reg.id,
                                                    WindowEvent.kind == EventKind.TRANSFER.value)
                          .order_by(WindowEvent.at.desc(), WindowEvent.id.desc()).limit(1))


def transfer_data(session: Session, registration_id: int) -> TransferData:
    """The 转办单 carries the resident's full phone number: the counter's work (``WINDOW_REGISTER``)."""
    require_writer(session)
    reg = _load(session, registration_id)
    event = _last_transfer(session, reg)
    if event is None:
        raise UserError(f"受理编号 {reg.ticket_no} 没有转办记录，无需打印转办单。")
    person = session.get(Person, reg.person_id) if reg.person_id else None
    dept = session.get(WindowDepartment, event.department_id) if event.department_id else None
    contact = " ".join(p for p in (dept.contact, dept.phone, dept.address) if p) if dept else ""
    received = set(lines(reg.materials_received))
    info = persons.rows_for(session, [person.id])[0] if person else None  # masked row: village and address
    address = "".join(p for p in (info.village_name, info.address) if p) if info else ""
    return TransferData(
        _header(session), get_print_settings(session).paper, reg.ticket_no, reg.registered_at, event.at,
        event.department_name, contact, person.name if person else ANONYMOUS,
        mask_id_number(person.id_number or "") if person else "",
        reg.contact_phone or (person.phone if person else ""), address, agent_text(reg), reg.matter_name,
        reg.description, tuple(m for m in lines(reg.materials) if m in received),
        tuple(m for m in lines(reg.materials) if m not in received), event.text, reg.due_date,
        _due_note(session, reg), user_names(session).get(reg.first_responder_id, ""))
