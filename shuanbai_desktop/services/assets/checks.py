"""Required signage and equipment per place, and the asset items on 工作台.

The seed (惠民发〔2021〕29号) asks the station to hang the 社工站, 社会工作与志愿服务协会
and 社会组织联合会 plaques, each service point to carry the 社工点 plate, and both to be
equipped with a computer and a printer. An asset counts when it is marked with that
required item, kept at that place, and 在用 or 闲置.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models.assets import Asset, StockTake
from ...domain.asset_rules import (
    COUNTS_AS_PRESENT,
    REQUIRED_AT_POINT,
    REQUIRED_AT_STATION,
    AssetStatus,
    RequiredItem,
)
from .. import workbench
from ..workbench import DueItem, Level, WorkbenchContext
from .common import active_places

OPEN_STOCKTAKE_DAYS = 30


@dataclass(frozen=True)
class ItemCheck:
    item: RequiredItem
    present: int  # rows in use or idle at the place
    in_repair: int

    @property
    def ok(self) -> bool:
        return self.present > 0

    @property
    def text(self) -> str:
        if self.ok:
            return f"有（{self.present}）"
        return "维修中" if self.in_repair else "缺"


@dataclass(frozen=True)
class PlaceCheck:
    point_id: int | None
    place: str
    items: tuple[ItemCheck, ...]

    @property
    def missing(self) -> tuple[RequiredItem, ...]:
        return tuple(i.item for i in self.items if not i.ok)


def _counts(session: Session) -> dict[tuple[int | None, str, str], int]:
    query = (select(Asset.point_id, Asset.required_item, Asset.status, func.count())
             .where(Asset.required_item.is_not(None))
             .group_by(Asset.point_id, Asset.required_item, Asset.status))
    counts: dict[tuple[int | None, str, str], int] = {}
    for point_id, item, status, n in session.execute(query):
        if item is not None:  # the query leaves these out; this tells the type checker
            counts[(point_id, item, status)] = n
    return counts


def required_checks(session: Session) -> list[PlaceCheck]:
    """For the station and each active service point: each required item, present or not."""
    counts = _counts(session)
    out = []
    for point_id, place in active_places(session):
        needed = REQUIRED_AT_STATION if point_id is None else REQUIRED_AT_POINT
        items = tuple(ItemCheck(item, sum(counts.get((point_id, item.value, s.value), 0) for s in COUNTS_AS_PRESENT),
                                counts.get((point_id, item.value, AssetStatus.REPAIR.value), 0)) for item in needed)
        out.append(PlaceCheck(point_id, place, items))
    return out


@workbench.provider
def _missing_items(ctx: WorkbenchContext) -> list[DueItem]:
    items = []
    for check in required_checks(ctx.session):
        if check.missing:
            names = "、".join(i.label for i in check.missing)
            items.append(DueItem(Level.TODO, "assets.checks", f"{check.place}缺少{names}",
                                 "按“双百工程”要求应悬挂的牌匾和配齐的电脑、打印机。已有的请在“资产 → 资产登记”中登记，"
                                 "并在“规定配置”一栏选上对应项目。"))
    return items


@workbench.provider
def _stocktake_items(ctx: WorkbenchContext) -> list[DueItem]:
    today = ctx.now.date()
    current = ctx.session.scalar(select(StockTake).where(StockTake.closed_on.is_(None)))
    if current is not None:
        days = (today - current.started_on).days
        if days >= OPEN_STOCKTAKE_DAYS:
            return [DueItem(Level.TODO, "assets.stocktake", f"资产盘点“{current.title}”已进行 {days} 天",
                            "请标记余下资产的盘点结果并结束盘点，生成盘点报告。")]
        return []
    return _year_end_item(ctx.session, today)


def _year_end_item(session: Session, today: date) -> list[DueItem]:
    if today.month != 12 or not session.scalar(select(func.count(Asset.id))):
        return []
    done = session.scalar(select(func.count(StockTake.id)).where(StockTake.closed_on >= date(today.year, 1, 1)))
    if done:
        return []
    return [DueItem(Level.TODO, "assets.stocktake", f"{today.year} 年尚未完成资产盘点",
                    "年底前应对全部资产（含各社工点）盘点一次，核对账实是否相符。")]
