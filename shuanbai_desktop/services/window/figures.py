"""The month's window figures for the monthly report (R6.1): numbers only, from the register itself.

The month's *registrations* (not voided) are split by matter, channel and first handling;
*closed* counts matters whose result date falls in the month, whenever registered;
*overdue* counts matters still unfinished at the month's end (or today, for the current
month) whose due date had passed; follow-ups are those made in the month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ...data.models.window import WindowEvent, WindowMatterType
from ...data.models.window import WindowRegistration as R
from ...domain.counter_labels import OPEN_STATUSES, Channel, EventKind, Handling, Satisfaction, Status


@dataclass(frozen=True)
class WindowFigures:
    year: int  #: the report year
    month: int  #: the report month (1–12)
    registrations: int  #: matters registered in the month, voided ones left out
    by_matter: tuple[tuple[str, int], ...]  #: registrations per matter name (as registered), catalogue order
    by_channel: tuple[tuple[str, int], ...]  #: registrations per channel: 来访, 来电, 代办, 其他 (zeros kept)
    done_on_spot: int  #: registrations of the month done on the spot (当场办结)
    assigned: int  #: registrations of the month first assigned inside the station (分办)
    transferred: int  #: registrations of the month first transferred to another office (转办)
    transferred_by_department: tuple[tuple[str, int], ...]  #: those transfers per receiving department
    voided: int  #: registrations of the month voided as entered by mistake (作废)
    closed: int  #: matters whose result date is in the month (办结), whatever month they were registered
    closed_on_time: int  #: of those, finished on or before their due date
    closed_late: int  #: of those, finished after their due date
    on_time_rate: float | None  #: closed_on_time / closed (0–1); None when nothing was closed
    overdue_open: int  #: unfinished at the month's end (or today) with the due date passed (超期未办结)
    open_at_end: int  #: all matters unfinished at the month's end (or today), overdue or not
    follow_ups: int  #: follow-up calls/visits (回访) made in the month
    satisfied: int  #: follow-ups answered 满意
    fairly_satisfied: int  #: follow-ups answered 基本满意
    unsatisfied: int  #: follow-ups answered 不满意
    satisfaction_rate: float | None  #: (满意 + 基本满意) / follow_ups (0–1); None without follow-ups


def _bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _pairs(rows) -> tuple[tuple[str, int], ...]:
    return tuple((str(name), int(n)) for name, n in rows)


def _registrations(session: Session, first: date, last: date):
    in_month = and_(R.registered_on >= first, R.registered_on <= last)
    live = and_(in_month, R.status != Status.VOID.value)
    n = lambda *c: session.scalar(select(func.count()).select_from(R).where(*c)) or 0  # noqa: E731
    matters = session.execute(
        select(R.matter_name, func.count()).outerjoin(WindowMatterType, WindowMatterType.id == R.matter_type_id)
        .where(live).group_by(R.matter_name).order_by(func.min(WindowMatterType.sort_order), R.matter_name))
    channels = dict(session.execute(select(R.channel, func.count()).where(live).group_by(R.channel)).all())
    handling = dict(session.execute(select(R.handling, func.count()).where(live).group_by(R.handling)).all())
    return (n(live), _pairs(matters), tuple((c.label, channels.get(c.value, 0)) for c in Channel),
            handling, n(in_month, R.status == Status.VOID.value))


def _transfers_by_department(session: Session, first: date, last: date):
    """The month's registrations first handled by 转办, per department of their first transfer."""
    first_transfer = (select(func.min(WindowEvent.id).label("event_id"))
                      .join(R, R.id == WindowEvent.registration_id)
                      .where(R.registered_on >= first, R.registered_on <= last, R.status != Status.VOID.value,
                             R.handling == Handling.TRANSFER.value, WindowEvent.kind == EventKind.TRANSFER.value)
                      .group_by(WindowEvent.registration_id).subquery())
    rows = session.execute(
        select(WindowEvent.department_name, func.count())
        .join(first_transfer, first_transfer.c.event_id == WindowEvent.id)
        .group_by(WindowEvent.department_name).order_by(func.count().desc(), WindowEvent.department_name))
    return _pairs(rows)


def _closed(session: Session, first: date, last: date) -> tuple[int, int]:
    # a result date exists only on finished matters (reopening clears it), so no status test is needed
    base = and_(R.result_date >= first, R.result_date <= last)
    total = session.scalar(select(func.count()).select_from(R).where(base)) or 0
    on_time = session.scalar(select(func.count()).select_from(R).where(base, R.result_date <= R.due_date)) or 0
    return total, on_time


def _open_at(session: Session, last: date, today: date) -> tuple[int, int]:
    """Unfinished at the end of ``last``: open now, or finished only after ``last`` (two index scans)."""
    cutoff = min(last + timedelta(days=1), today)  # due before this day and not finished → overdue
    groups = (and_(R.status.in_(OPEN_STATUSES), R.registered_on <= last),
              and_(R.result_date > last, R.registered_on <= last))  # finished after the month
    total = sum(session.scalar(select(func.count()).select_from(R).where(g)) or 0 for g in groups)
    overdue = sum(session.scalar(select(func.count()).select_from(R).where(g, R.due_date < cutoff)) or 0
                  for g in groups)
    return total, overdue


def _follow_ups(session: Session, first: date, last: date) -> dict[str, int]:
    rows = session.execute(select(WindowEvent.satisfaction, func.count())
                           .where(WindowEvent.kind == EventKind.FOLLOW_UP.value,
                                  WindowEvent.on_date >= first, WindowEvent.on_date <= last)
                           .group_by(WindowEvent.satisfaction))
    return dict(rows.all())


def month_figures(session: Session, year: int, month: int, today: date | None = None) -> WindowFigures:
    first, last = _bounds(year, month)
    today = today or date.today()
    total, matters, channels, handling, voided = _registrations(session, first, last)
    closed, on_time = _closed(session, first, last)
    open_end, overdue = _open_at(session, last, today)
    follow = _follow_ups(session, first, last)
    n_follow = sum(follow.values())
    good = follow.get(Satisfaction.SATISFIED.value, 0) + follow.get(Satisfaction.FAIR.value, 0)
    return WindowFigures(
        year, month, total, matters, channels, handling.get(Handling.ON_SPOT.value, 0),
        handling.get(Handling.ASSIGN.value, 0), handling.get(Handling.TRANSFER.value, 0),
        _transfers_by_department(session, first, last), voided, closed, on_time, closed - on_time,
        on_time / closed if closed else None, overdue, open_end, n_follow,
        follow.get(Satisfaction.SATISFIED.value, 0), follow.get(Satisfaction.FAIR.value, 0),
        follow.get(Satisfaction.UNSATISFIED.value, 0), good / n_follow if n_follow else None)
