"""Helpers shared by the staff services: the employer's name, a worker's file, hours, attendee lists.

Text, dates, numbers and money typed by the user are checked by ``services/fields.py``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models import Station
from ...data.models.staff import StaffMember
from ..records import get_or_error


def employer_name(session: Session) -> str:
    """The town government that signs the contracts (乡镇人民政府 / 街道办事处)."""
    town = session.scalar(select(Station.town_name)) or ""
    if town.endswith("街道"):
        return f"{town}办事处"
    return f"{town}人民政府" if town else ""


def member(session: Session, staff_id: int) -> StaffMember:
    return get_or_error(session, StaffMember, staff_id, "工作人员档案")


def staff_names(session: Session) -> dict[int, str]:
    return pairs(session, select(StaffMember.id, StaffMember.name))


def tenths(value) -> Decimal:
    """A sum of hours read back from SQLite (float or Decimal) as Decimal tenths: 7.5, 48.0."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def pairs(session: Session, query) -> dict:
    """A two-column query as a dict (``dict(result)`` would take the result for a mapping)."""
    return {key: value for key, value in session.execute(query)}


def sync_attendees(attendees: list[Any], wanted: Iterable[int], make: Callable[..., Any]) -> None:
    """Make a training's or supervision's attendee rows name exactly the ``wanted`` staff ids."""
    wanted = set(wanted)
    current = {a.staff_id: a for a in attendees}
    for staff_id in set(current) - wanted:
        attendees.remove(current[staff_id])
    for staff_id in sorted(wanted - set(current)):
        attendees.append(make(staff_id=staff_id))
