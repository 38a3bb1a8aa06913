"""Lists: today's register, open matters by due date, filtered searches, one matter's timeline."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.window import WindowRegistration as R
from ...domain.counter_labels import OPEN_STATUSES, Channel, Handling, Satisfaction, Status
from ...domain.idcard import mask_id_number
from ...domain.labels import LabelledEnum
from ...domain.workdays import SOON_WORKDAYS, Urgency, add_workdays
from ..records import user_names
from .deadlines import URGENCY_LABELS, urgency_of
from .holidays import station_days

LIST_LIMIT = 500
ANONYMOUS = "（未留姓名）"


class View(LabelledEnum):
    OPEN = ("open", "在办")
    OVERDUE = ("overdue", "已超期")
    SOON = ("soon", "即将到期")
    DONE = ("done", "已办结")
    VOID = ("void", "已作废")
    ALL = ("all", "全部")


@dataclass(frozen=True)
class RegistrationRow:
    id: int
    ticket_no: str
    registered_at: datetime
    channel: Channel
    person_name: str
    person_id_masked: str
    matter_name: str
    handling: Handling
    status: Status
    first_responder: str
    handler: str
    department_name: str
    due_date: date
    due_estimated: bool
    result_date: date | None
    satisfaction: Satisfaction | None
    urgency: Urgency | None

    @property
    def status_text(self) -> str:
        if self.status is Status.TRANSFERRED and self.department_name:
            return f"已转办（{self.department_name}）"
        if self.status is Status.IN_PROGRESS and self.handler:
            return f"办理中（{self.handler}）"
        return self.status.label

    @property
    def urgency_text(self) -> str:
        return URGENCY_LABELS.get(self.urgency, "") if self.urgency else ""

    @property
    def on_time(self) -> bool | None:
        return None if self.result_date is None else self.result_date <= self.due_date

    @property
    def due_text(self) -> str:
        return f"{self.due_date:%Y-%m-%d}" + ("（推算）" if self.due_estimated else "")


@dataclass(frozen=True)
class RegistrationFilter:
    view: View = View.OPEN
    matter_type_id: int | None = None
    staff_id: int | None = None  # first responder or current handler
    channel: Channel | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""  # a ticket number (or part of it), or a resident's name / pinyin / initials


@dataclass(frozen=True)
class ListResult:
    rows: list[RegistrationRow]
    total: int

    @property
    def limited(self) -> bool:
        return self.total > len(self.rows)


_COLUMNS = (R.id, R.ticket_no, R.registered_at, R.channel, Person.name, Person.id_number, R.matter_name,
            R.handling, R.status, R.first_responder_id, R.handler_id, R.department_name, R.due_date,
            R.due_estimated, R.result_date, R.satisfaction)


def _row(session: Session, values, names: dict[int, str], today: date) -> RegistrationRow:
    (rid, ticket, at, channel, name, number, matter, handling, status, first, handler, dept, due, estimated,
     result_date, satisfaction) = values
    return RegistrationRow(rid, ticket, at, Channel(channel), name or ANONYMOUS, mask_id_number(number or ""),
                           matter, Handling(handling), Status(status), names.get(first, ""),
                           names.get(handler or 0, ""), dept, due, estimated, result_date,
                           Satisfaction(satisfaction) if satisfaction else None,
                           urgency_of(session, status, due, today))


def _text_condition(text: str):
    """A ticket number (or its start), else a resident by name, pinyin or initials (via the person index)."""
    query = unicodedata.normalize("NFKC", text).strip()
    if not query:
        return None
    if re.fullmatch(r"\d{8}(-\d*)?", query):
        return R.ticket_no.between(query, query + "\uffff")  # a prefix: the unique index answers it
    if re.fullmatch(r"[\d-]+", query):
        return R.ticket_no.like(f"%{query}%")
    if query.isascii() and re.fullmatch(r"[A-Za-z ]+", query):
        key = query.replace(" ", "").lower()
        who = or_(Person.name_initials.like(f"{key}%"), Person.name_pinyin.like(f"{key}%"))
    else:
        who = Person.name.like(f"%{query}%")
    return R.person_id.in_(select(Person.id).where(who))


def _view_condition(session: Session, view: View, today: date):
    if view is View.OPEN:
        return R.status.in_(OPEN_STATUSES)
    if view is View.OVERDUE:
        return R.status.in_(OPEN_STATUSES) & (R.due_date < today)
    if view is View.SOON:
        limit = add_workdays(today, SOON_WORKDAYS, station_days(session)).due
        return R.status.in_(OPEN_STATUSES) & (R.due_date >= today) & (R.due_date <= limit)
    if view is View.DONE:
        return R.status == Status.DONE.value
    if view is View.VOID:
        return R.status == Status.VOID.value
    return None


def _conditions(session: Session, flt: RegistrationFilter, today: date) -> list:
    conds = [_view_condition(session, View(flt.view), today), _text_condition(flt.text)]
    if flt.matter_type_id:
        conds.append(R.matter_type_id == flt.matter_type_id)
    if flt.staff_id:
        conds.append(or_(R.first_responder_id == flt.staff_id, R.handler_id == flt.staff_id))
    if flt.channel:
        conds.append(R.channel == Channel(flt.channel).value)
    if flt.date_from:
        conds.append(R.registered_on >= flt.date_from)
    if flt.date_to:
        conds.append(R.registered_on <= flt.date_to)
    return [c for c in conds if c is not None]


def _order(view: View):
    if view in (View.OPEN, View.OVERDUE, View.SOON):
        return (R.due_date, R.registered_at)
    return (R.registered_at.desc(), R.id.desc())


def list_registrations(session: Session, flt: RegistrationFilter, today: date,
                       limit: int = LIST_LIMIT) -> ListResult:
    conds = _conditions(session, flt, today)
    base = select(*_COLUMNS).select_from(R).outerjoin(Person, Person.id == R.person_id).where(*conds)
    total = session.execute(select(func.count()).select_from(R).where(*conds)).scalar_one()
    names = user_names(session)
    order = _order(View(flt.view))
    rows = [_row(session, v, names, today) for v in session.execute(base.order_by(*order).limit(limit))]
    return ListResult(rows, total)


def today_register(session: Session, today: date) -> list[RegistrationRow]:
    """Everything registered today, newest first (the counter's 今日登记)."""
    return list_registrations(session, RegistrationFilter(view=View.ALL, date_from=today, date_to=today),
                              today, limit=1000).rows


def row_for(session: Session, registration_id: int, today: date) -> RegistrationRow | None:
    values = session.execute(select(*_COLUMNS).select_from(R).outerjoin(Person, Person.id == R.person_id)
                             .where(R.id == registration_id)).first()
    return _row(session, values, user_names(session), today) if values else None


@dataclass(frozen=True)
class Counts:
    open: int
    overdue: int
    soon: int
    today: int
    mine: int


def counts(session: Session, today: date, user_id: int | None) -> Counts:
    def n(*conds) -> int:
        return session.scalar(select(func.count()).select_from(R).where(*conds)) or 0

    open_ = R.status.in_(OPEN_STATUSES)
    mine = n(open_, R.handler_id == user_id) if user_id else 0
    return Counts(n(open_), n(_view_condition(session, View.OVERDUE, today)),
                  n(_view_condition(session, View.SOON, today)), n(R.registered_on == today), mine)
