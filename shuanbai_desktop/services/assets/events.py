"""Asset events: issue, return, move, repair, disposal; each one a line in the asset's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models.assets import Asset, AssetEvent
from ...domain.asset_rules import (
    EVENT_TO,
    MAX_VALUE,
    AssetStatus,
    EventKind,
    check_event_allowed,
    check_event_date,
)
from ...errors import UserError
from ..fields import clean_text, money, parse_day
from ..permissions import Permission, require
from .common import check_place, place_names
from .register import load_asset

DATE_FIELD = {EventKind.ISSUE: "领用日期", EventKind.RETURN: "归还日期", EventKind.MOVE: "调拨日期",
              EventKind.REPAIR: "送修日期", EventKind.REPAIRED: "修复日期", EventKind.DISPOSE: "报废日期"}


@dataclass(frozen=True)
class EventInput:
    kind: EventKind
    on_date: date | str
    person_name: str = ""  # 领用人 (issue) / 归还人 (return, default the holder)
    person_staff_id: int | None = None
    to_point_id: int | None = None  # move: None is the station
    approver: str = ""  # disposal
    approval_ref: str = ""
    reason: str = ""  # disposal reason, fault description, purpose, note
    cost: str = ""  # repair cost, yuan


@dataclass(frozen=True)
class EventRow:
    id: int
    kind: EventKind
    on_date: date
    summary: str
    created_by: str
    created_at: datetime


def _last_event_date(session: Session, asset_id: int) -> date | None:
    return session.scalar(select(func.max(AssetEvent.on_date)).where(
        AssetEvent.asset_id == asset_id, AssetEvent.kind != EventKind.COUNT.value))


def record_event(session: Session, asset_id: int, data: EventInput, today: date | None = None) -> int:
    """Check the event against the asset's state and dates, apply it, add it to the history.

    A disposal needs ASSET_DISPOSE (administrators); the other events ASSET_EDIT."""
    kind = EventKind(data.kind)
    acting = require(session, Permission.ASSET_DISPOSE if kind is EventKind.DISPOSE else Permission.ASSET_EDIT)
    today = today or date.today()
    if kind not in DATE_FIELD:
        raise UserError(f"不能手工登记“{kind.label}”。")
    asset = load_asset(session, asset_id)
    check_event_allowed(kind, AssetStatus(asset.status), bool(asset.holder_name))
    if kind is EventKind.REPAIR and asset.holder_name:
        raise UserError("该资产仍在领用人手中，请先办理归还，再送修。")
    field = DATE_FIELD[kind]
    on = parse_day(data.on_date, field)
    check_event_date(on, asset.purchase_date, _last_event_date(session, asset_id), today, field)
    event = AssetEvent(asset_id=asset.id, kind=kind.value, on_date=on, created_by=acting.username,
                       from_place=place_names(session).get(asset.point_id, ""),
                       reason=clean_text(data.reason, _reason_field(kind), 200, required=kind in _REASON_REQUIRED))
    _APPLY[kind](session, asset, event, data)
    if kind in EVENT_TO:
        asset.status = EVENT_TO[kind].value
    event.status_after = asset.status
    event.point_after = asset.point_id
    session.add(event)
    session.flush()
    return event.id


_REASON_REQUIRED = (EventKind.REPAIR, EventKind.DISPOSE)


def _reason_field(kind: EventKind) -> str:
    return {EventKind.REPAIR: "故障情况", EventKind.DISPOSE: "报废原因"}.get(kind, "说明")


def _issue(session: Session, asset: Asset, event: AssetEvent, data: EventInput) -> None:
    event.person_name = clean_text(data.person_name, "领用人", 40, required=True)
    event.person_staff_id = data.person_staff_id
    asset.holder_name = event.person_name
    asset.holder_staff_id = data.person_staff_id


def _return(session: Session, asset: Asset, event: AssetEvent, data: EventInput) -> None:
    event.person_name = clean_text(data.person_name, "归还人", 40) or asset.holder_name
    event.person_staff_id = data.person_staff_id or asset.holder_staff_id
    asset.holder_name = ""
    asset.holder_staff_id = None


def _move(session: Session, asset: Asset, event: AssetEvent, data: EventInput) -> None:
    target = check_place(session, data.to_point_id, field="调入地点")
    if target == asset.point_id:
        raise UserError("调入地点与现存放地点相同，请选择另一个地点。", field="调入地点")
    asset.point_id = target
    event.to_place = place_names(session).get(target, "")


def _repair(session: Session, asset: Asset, event: AssetEvent, data: EventInput) -> None:
    pass  # the fault description is the reason


def _repaired(session: Session, asset: Asset, event: AssetEvent, data: EventInput) -> None:
    if (data.cost or "").strip():
        event.cost = money(data.cost, "维修费用", MAX_VALUE)


def _dispose(session: Session, asset: Asset, event: AssetEvent, data: EventInput) -> None:
    event.approver = clean_text(data.approver, "审批人", 40, required=True)
    event.approval_ref = clean_text(data.approval_ref, "审批单号", 60)


_APPLY = {EventKind.ISSUE: _issue, EventKind.RETURN: _return, EventKind.MOVE: _move,
          EventKind.REPAIR: _repair, EventKind.REPAIRED: _repaired, EventKind.DISPOSE: _dispose}


def _summary(e: AssetEvent) -> str:
    kind = EventKind(e.kind)
    parts = {
        EventKind.REGISTER: f"登记入账，存放于{e.to_place}" + (f"，保管人{e.person_name}" if e.person_name else ""),
        EventKind.ISSUE: f"由{e.person_name}领用",
        EventKind.RETURN: f"{e.person_name}归还" if e.person_name else "归还",
        EventKind.MOVE: f"从{e.from_place}调拨到{e.to_place}",
        EventKind.REPAIR: "送修",
        EventKind.REPAIRED: "修复，恢复使用" + (f"，维修费用 {e.cost:,.2f} 元" if e.cost is not None else ""),
        EventKind.DISPOSE: f"报废，审批人{e.approver}" + (f"（{e.approval_ref}）" if e.approval_ref else ""),
        EventKind.COUNT: "",
    }[kind]
    return "；".join(p for p in (parts, e.reason) if p)


def history(session: Session, asset_id: int) -> list[EventRow]:
    """The asset's events, oldest first."""
    events = session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset_id)
                             .order_by(AssetEvent.on_date, AssetEvent.id))
    return [EventRow(e.id, EventKind(e.kind), e.on_date, _summary(e), e.created_by, e.created_at) for e in events]

