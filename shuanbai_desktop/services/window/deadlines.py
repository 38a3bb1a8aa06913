"""限时办理: due dates on the statutory calendar (station table beyond it) and their urgency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from ...domain.counter_labels import OPEN_STATUSES
from ...domain.workdays import DueDate, Urgency, add_workdays, fallback_note, urgency
from .holidays import station_days


@dataclass(frozen=True)
class DuePreview:
    """What the registration form shows before saving."""

    due: date
    days: int
    note: str  # empty, or the sentence saying the date is computed without statutory data

    @property
    def estimated(self) -> bool:
        return bool(self.note)


def compute_due(session: Session, registered_on: date, days: int) -> DueDate:
    return add_workdays(registered_on, days, station_days(session))


def preview(session: Session, registered_on: date, days: int) -> DuePreview:
    result = compute_due(session, registered_on, days)
    return DuePreview(result.due, days, fallback_note(result.fallback_years))


def urgency_of(session: Session, status: str, due: date, today: date) -> Urgency | None:
    """None for matters that are finished or void; otherwise overdue / soon / normal."""
    if status not in OPEN_STATUSES:
        return None
    return urgency(due, today, station_days(session))


URGENCY_LABELS = {Urgency.OVERDUE: "已超期", Urgency.SOON: "即将到期", Urgency.NORMAL: ""}
