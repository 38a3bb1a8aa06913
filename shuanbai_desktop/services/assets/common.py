"""Helpers shared by the asset services: places (the station and its service points), export events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data import audit
from ...data.models import ServicePoint
from ...errors import UserError

STATION_PLACE = "站本部"


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


def record_export(session: Session, table: str, summary: str) -> None:
    """Exports and print-outs are not row changes; the audit trail notes them as events."""
    audit.record_event(session, table, "", summary[:200])
