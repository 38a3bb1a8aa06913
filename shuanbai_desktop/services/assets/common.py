"""Helpers shared by the asset services: text cleaning, places, people."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data import audit
from ...data.models import ServicePoint, User
from ...domain.dates import parse_date
from ...errors import UserError

STATION_PLACE = "站本部"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str | None, field: str, limit: int, required: bool = False) -> str:
    """NFC, no control characters, trimmed; empty or too long raises at ``field``."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", value or "")).strip()
    if required and not text:
        raise UserError(f"{field}不能为空。", field=field)
    if len(text) > limit:
        raise UserError(f"{field}不能超过 {limit} 个字（现在 {len(text)} 个）。", field=field)
    return text


def day(raw: date | str | None, field: str, today: date, required: bool = True) -> date | None:
    """A date typed or picked; never later than ``today``."""
    if not required and (raw is None or (isinstance(raw, str) and not raw.strip())):
        return None
    value = parse_date(raw, field)
    if value > today:
        raise UserError(f"{field}不能晚于今天。", field=field)
    return value


def place_names(session: Session) -> dict[int | None, str]:
    """Location id → name; ``None`` is the station itself. Includes closed points (history)."""
    cache = session.info.setdefault("asset_place_names", {})
    if not cache:
        cache[None] = STATION_PLACE
        cache.update(session.execute(select(ServicePoint.id, ServicePoint.name)).all())
    return cache


def active_places(session: Session) -> list[tuple[int | None, str]]:
    """Where an asset may be kept now: the station, then each active service point."""
    points = session.execute(select(ServicePoint.id, ServicePoint.name)
                             .where(ServicePoint.active.is_(True)).order_by(ServicePoint.id))
    return [(None, STATION_PLACE), *((pid, name) for pid, name in points)]


def check_place(session: Session, point_id: int | None, field: str = "存放地点") -> int | None:
    if point_id is None:
        return None
    point = session.get(ServicePoint, point_id)
    if point is None or not point.active:
        raise UserError("所选社工点不存在或已撤销，请重新选择存放地点。", field=field)
    return point_id


def user_names(session: Session) -> list[str]:
    """Names of the station's active accounts, for the people pickers."""
    return list(session.scalars(select(User.display_name).where(User.disabled.is_(False)).order_by(User.id)))


def record_export(session: Session, table: str, summary: str) -> None:
    """Exports and print-outs are not row changes; the audit trail notes them as events."""
    audit.record_event(session, table, "", summary[:200])
