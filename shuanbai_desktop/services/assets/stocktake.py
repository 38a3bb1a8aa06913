"""Stock-taking (盘点): start a count of every asset not scrapped, mark each line, close with a report.

Closing records a 盘点 line in each asset's history. It does not change any asset's status:
a missing item is written off only by a disposal with its own approval.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.base import now
from ...data.models.assets import Asset, AssetEvent, StockTake, StockTakeLine
from ...domain.asset_rules import MAX_QUANTITY, AssetStatus, CountResult, EventKind, is_difference
from ...errors import UserError
from ..fields import clean_text, date_order, past_day
from ..permissions import Permission, require
from ..records import get_or_error
from ..station import get_station
from .common import place_names


@dataclass(frozen=True)
class StockTakeRow:
    id: int
    title: str
    started_on: date
    closed_on: date | None
    counted_by: str
    note: str
    total: int
    pending: int
    found: int  # found as booked
    short: int  # found, but fewer than booked (数量不符)
    missing: int
    damaged: int
    differences: int

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def state_text(self) -> str:
        return "进行中" if self.is_open else f"已结束（{self.closed_on:%Y-%m-%d}）"


@dataclass(frozen=True)
class LineRow:
    id: int
    asset_id: int
    code: str
    name: str
    model_spec: str
    unit: str
    value: Decimal
    book_place: str
    book_quantity: int
    book_status: AssetStatus
    book_custodian: str
    result: CountResult
    counted_quantity: int | None
    note: str

    @property
    def is_difference(self) -> bool:
        return is_difference(self.result, self.book_quantity, self.counted_quantity)

    @property
    def result_text(self) -> str:
        """The result as the report words it: a partial count is 数量不符."""
        if self.result is CountResult.FOUND and self.is_difference:
            return "数量不符"
        return self.result.label

    @property
    def difference(self) -> int:
        """Counted minus booked (negative: fewer found); 0 while not counted."""
        if self.result is CountResult.PENDING or self.counted_quantity is None:
            return 0
        return self.counted_quantity - self.book_quantity


def _open(session: Session) -> StockTake | None:
    return session.scalar(select(StockTake).where(StockTake.closed_on.is_(None)))


def start_stocktake(session: Session, title: str, counted_by: str, started_on: date | str,
                    note: str = "", today: date | None = None) -> int:
    """One line per asset not scrapped, with the book's place, quantity, status and custodian."""
    acting = require(session, Permission.ASSET_EDIT)
    today = today or date.today()
    current = _open(session)
    if current is not None:
        raise UserError(f"“{current.title}”还没有结束，一次只能进行一个盘点。", field="盘点名称")
    take = StockTake(title=clean_text(title, "盘点名称", 60, required=True), started_on=past_day(started_on, "开始日期", today),
                     counted_by=clean_text(counted_by, "盘点人", 60, required=True), note=clean_text(note, "备注", 200),
                     created_by=acting.username)
    assets = list(session.scalars(select(Asset).where(Asset.status != AssetStatus.SCRAPPED.value)
                                  .order_by(Asset.point_id.is_not(None), Asset.point_id, Asset.code)))
    if not assets:
        raise UserError("还没有在账的资产，无需盘点。请先登记资产。")
    session.add(take)
    session.flush()
    places = place_names(session)
    session.add_all(StockTakeLine(stocktake_id=take.id, asset_id=a.id, book_place=places.get(a.point_id, ""),
                                  book_quantity=a.quantity, book_status=a.status,
                                  book_custodian=a.holder_name or a.custodian_name) for a in assets)
    session.flush()
    return take.id


def _take(session: Session, stocktake_id: int, must_be_open: bool = True) -> StockTake:
    take = get_or_error(session, StockTake, stocktake_id, "盘点记录")
    if must_be_open and take.closed_on is not None:
        raise UserError(f"“{take.title}”已经结束，结果不能再修改。")
    return take


def mark_lines(session: Session, stocktake_id: int, line_ids: list[int], result: CountResult,
               counted_quantity: int | None = None, note: str | None = None) -> int:
    """Mark lines found / missing / damaged; ``counted_quantity`` for a partial count (one line)."""
    require(session, Permission.ASSET_EDIT)
    _take(session, stocktake_id)
    result = CountResult(result)
    if counted_quantity is not None and not 0 <= counted_quantity <= MAX_QUANTITY:
        raise UserError(f"实盘数量应在 0 到 {MAX_QUANTITY} 之间。", field="实盘数量")
    lines = list(session.scalars(select(StockTakeLine).where(StockTakeLine.stocktake_id == stocktake_id,
                                                             StockTakeLine.id.in_(line_ids))))
    if not lines:
        raise UserError("请先选择要标记的资产。")
    text = None if note is None else clean_text(note, "盘点说明", 200)
    for line in lines:
        _mark(line, result, counted_quantity, text)
    session.flush()
    return len(lines)


def _mark(line: StockTakeLine, result: CountResult, counted: int | None, note: str | None) -> None:
    if result is CountResult.MISSING:
        counted = 0
    elif result is CountResult.PENDING:
        counted = None
    elif counted is None:
        counted = line.book_quantity
    if result is CountResult.FOUND and counted == 0:
        raise UserError("实盘数量为 0 时请标记为“未找到”。", field="实盘数量")
    line.result = result.value
    line.counted_quantity = counted
    line.marked_at = None if result is CountResult.PENDING else now()
    if note is not None:
        line.note = note


def close_stocktake(session: Session, stocktake_id: int, closed_on: date | str, today: date | None = None) -> None:
    """End the count: every line must be marked; each asset's history gets a 盘点 line."""
    acting = require(session, Permission.ASSET_EDIT)
    today = today or date.today()
    take = _take(session, stocktake_id)
    closed = past_day(closed_on, "结束日期", today)
    date_order(take.started_on, closed, "开始日期", "结束日期")
    lines = list(session.scalars(select(StockTakeLine).where(StockTakeLine.stocktake_id == stocktake_id)))
    pending = [line for line in lines if line.result == CountResult.PENDING.value]
    if pending:
        raise UserError(f"还有 {len(pending)} 项资产没有标记盘点结果，全部标记后才能结束盘点。")
    take.closed_on = closed
    by = acting.username
    for line in lines:
        asset = get_or_error(session, Asset, line.asset_id, "资产记录")
        result = CountResult(line.result)
        text = f"{take.title}：{result.label}" + (f"，实盘 {line.counted_quantity}" if line.counted_quantity
                                                  != line.book_quantity else "") + (f"；{line.note}" if line.note else "")
        session.add(AssetEvent(asset_id=asset.id, kind=EventKind.COUNT.value, on_date=closed, reason=text[:200],
                               status_after=asset.status, point_after=asset.point_id, created_by=by))
    session.flush()


def cancel_stocktake(session: Session, stocktake_id: int) -> None:
    """Withdraw a count started by mistake, only while nothing in it has been marked."""
    require(session, Permission.ASSET_EDIT)
    take = _take(session, stocktake_id)
    marked = session.scalar(select(func.count()).where(StockTakeLine.stocktake_id == stocktake_id,
                                                        StockTakeLine.result != CountResult.PENDING.value))
    if marked:
        raise UserError(f"“{take.title}”已有 {marked} 项标记了结果，不能撤销；请继续盘点并结束它。")
    session.delete(take)
    session.flush()


def _summary(t: StockTake, rows: list[LineRow]) -> StockTakeRow:
    by = Counter(r.result for r in rows)
    short = sum(1 for r in rows if r.result is CountResult.FOUND and r.is_difference)
    return StockTakeRow(t.id, t.title, t.started_on, t.closed_on, t.counted_by, t.note, len(rows),
                        by[CountResult.PENDING], by[CountResult.FOUND] - short, short, by[CountResult.MISSING],
                        by[CountResult.DAMAGED], sum(1 for r in rows if r.is_difference))


def list_stocktakes(session: Session) -> list[StockTakeRow]:
    takes = session.scalars(select(StockTake).order_by(StockTake.started_on.desc(), StockTake.id.desc()))
    return [_summary(t, lines(session, t.id)) for t in takes]


def get_stocktake(session: Session, stocktake_id: int) -> StockTakeRow:
    return _summary(_take(session, stocktake_id, must_be_open=False), lines(session, stocktake_id))


def lines(session: Session, stocktake_id: int) -> list[LineRow]:
    query = (select(StockTakeLine, Asset).join(Asset, Asset.id == StockTakeLine.asset_id)
             .where(StockTakeLine.stocktake_id == stocktake_id).order_by(StockTakeLine.id))
    return [LineRow(line.id, a.id, a.code, a.name, a.model_spec, a.unit, a.value, line.book_place,
                    line.book_quantity, AssetStatus(line.book_status), line.book_custodian, CountResult(line.result),
                    line.counted_quantity, line.note) for line, a in session.execute(query)]


@dataclass(frozen=True)
class StockTakeReport:
    """What the stock-take report (PDF and xlsx) shows."""

    station_name: str
    take: StockTakeRow
    lines: tuple[LineRow, ...]

    @property
    def differences(self) -> tuple[LineRow, ...]:
        return tuple(r for r in self.lines if r.is_difference)

    @property
    def book_value(self) -> Decimal:
        return sum((r.value for r in self.lines), Decimal("0.00"))

    @property
    def missing_value(self) -> Decimal:
        """原值 of what was not found (whole rows missing, or the missing share of a partial count)."""
        total = Decimal("0.00")
        for r in self.lines:
            if r.difference < 0 and r.book_quantity:
                total += (r.value * -r.difference / r.book_quantity).quantize(Decimal("0.01"))
        return total


def report(session: Session, stocktake_id: int) -> StockTakeReport:
    info = get_station(session)
    return StockTakeReport(info.name if info else "", get_stocktake(session, stocktake_id),
                           tuple(lines(session, stocktake_id)))
