"""Default time to the next home visit by risk level (设置 → 走访周期), stored as settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ...data.models import Setting
from ...domain.target_labels import Risk
from ...errors import UserError
from ..permissions import Permission, require


@dataclass(frozen=True)
class Interval:
    risk: Risk
    key: str
    label: str
    default: int


INTERVALS = {i.risk: i for i in (
    Interval(Risk.HIGH, "targets.visit_days.high", "高风险：每隔", 7),
    Interval(Risk.MEDIUM, "targets.visit_days.medium", "中风险：每隔", 30),
    Interval(Risk.LOW, "targets.visit_days.low", "低风险：每隔", 90),
)}
MIN_DAYS, MAX_DAYS = 1, 366


def visit_days(session: Session, risk: Risk) -> int:
    spec = INTERVALS[Risk(risk)]
    row = session.get(Setting, spec.key)
    return int(json.loads(row.value)) if row else spec.default


def all_days(session: Session) -> dict[Risk, int]:
    return {risk: visit_days(session, risk) for risk in INTERVALS}


def set_days(session: Session, values: dict[Risk, int]) -> None:
    """Save all three at once; the higher the risk, the shorter (or equal) the interval.

    A station-wide setting: ``Permission.STATION_EDIT`` (administrators), like the station's own data."""
    require(session, Permission.STATION_EDIT)
    for risk, days in values.items():
        if not MIN_DAYS <= int(days) <= MAX_DAYS:
            raise UserError(f"{INTERVALS[risk].label.removesuffix('：每隔')}的走访周期应在 {MIN_DAYS} 到 {MAX_DAYS} 天之间。",
                            field=INTERVALS[risk].label)
    if not values[Risk.HIGH] <= values[Risk.MEDIUM] <= values[Risk.LOW]:
        raise UserError("走访周期应为：高风险不长于中风险，中风险不长于低风险。", field=INTERVALS[Risk.MEDIUM].label)
    for risk, days in values.items():
        key = INTERVALS[risk].key
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=json.dumps(int(days))))
        elif int(json.loads(row.value)) != int(days):
            row.value = json.dumps(int(days))


def default_next_due(session: Session, risk: Risk, visit_date: date) -> date:
    return visit_date + timedelta(days=visit_days(session, risk))
