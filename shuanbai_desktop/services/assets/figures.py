"""The month's asset figures for the monthly report to the county."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.assets import Asset, AssetEvent
from ...domain.asset_rules import AssetStatus, EventKind
from .checks import required_checks

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class AssetFigures:
    total: int  # 月末在账资产条数（未报废）
    total_value: Decimal  # 月末在账资产原值合计，元
    in_use: int  # 月末状态为“在用”的条数
    idle: int  # 月末状态为“闲置”的条数
    in_repair: int  # 月末状态为“维修”的条数
    scrapped: int  # 截至月末累计报废的条数
    at_station: int  # 月末存放在站本部的在账条数
    at_points: int  # 月末存放在各社工点的在账条数
    value_at_station: Decimal  # 站本部在账资产原值，元
    value_at_points: Decimal  # 各社工点在账资产原值，元
    added: int  # 本月新增（登记入账日期在本月）条数
    added_value: Decimal  # 本月新增资产原值，元
    disposed: int  # 本月报废条数
    disposed_value: Decimal  # 本月报废资产原值，元
    issued: int  # 本月领用次数
    returned: int  # 本月归还次数
    moved: int  # 本月调拨次数
    sent_to_repair: int  # 本月送修次数
    places_missing_required: int  # 现在缺少规定牌匾或电脑、打印机的地点数（站本部+社工点）


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _state_at(session: Session, end: date) -> dict[int, tuple[str, int | None]]:
    """Each asset's (status, point) after its last event up to ``end``; assets not yet registered are absent."""
    query = (select(AssetEvent.asset_id, AssetEvent.status_after, AssetEvent.point_after)
             .where(AssetEvent.on_date <= end).order_by(AssetEvent.on_date, AssetEvent.id))
    return {asset_id: (status, point) for asset_id, status, point in session.execute(query)}


def month_figures(session: Session, year: int, month: int) -> AssetFigures:
    first, end = _month(year, month)
    values = dict(session.execute(select(Asset.id, Asset.value)).all())
    state = _state_at(session, end)
    live = {a: s for a, s in state.items() if s[0] != AssetStatus.SCRAPPED.value}
    statuses = Counter(s for s, _ in state.values())
    station = [a for a, (_, p) in live.items() if p is None]
    points = [a for a, (_, p) in live.items() if p is not None]
    events = list(session.execute(select(AssetEvent.asset_id, AssetEvent.kind).where(
        AssetEvent.on_date >= first, AssetEvent.on_date <= end)))
    kinds = Counter(k for _, k in events)
    added = [a for a, k in events if k == EventKind.REGISTER.value]
    disposed = [a for a, k in events if k == EventKind.DISPOSE.value]

    def value(ids) -> Decimal:
        return sum((values.get(i, ZERO) for i in ids), ZERO)

    return AssetFigures(
        len(live), value(live), statuses[AssetStatus.IN_USE.value], statuses[AssetStatus.IDLE.value],
        statuses[AssetStatus.REPAIR.value], statuses[AssetStatus.SCRAPPED.value], len(station), len(points),
        value(station), value(points), len(added), value(added), len(disposed), value(disposed),
        kinds[EventKind.ISSUE.value], kinds[EventKind.RETURN.value], kinds[EventKind.MOVE.value],
        kinds[EventKind.REPAIR.value], sum(1 for c in required_checks(session) if c.missing))
