"""The asset register (资产登记): create, correct, find, remove a mistaken entry.

Location and status change only through events (领用、调拨、送修、报废 …), so that every
change is in the asset's history; the edit form corrects the other fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from ...data.models.assets import Asset, AssetEvent, StockTakeLine
from ...data.models.attachments import Attachment
from ...data.numbering import lock_series, starting_with
from ...domain.asset_rules import (
    MAX_VALUE,
    AssetCategory,
    AssetStatus,
    EventKind,
    RequiredItem,
    check_code,
    check_quantity,
    next_asset_code,
)
from ...errors import UserError
from ..fields import clean_text, money, past_day
from ..permissions import Permission, require
from ..records import active_user_names, get_or_error
from .common import check_place, place_names

OWNER_TYPE = "asset"  # attachments of an asset: owner_type in the attachment store
FUNDING_SOURCES = ("财政拨款", "双百工程专项经费", "上级配发", "社会捐赠", "自筹")


@dataclass(frozen=True)
class AssetInput:
    name: str
    category: AssetCategory
    purchase_date: date | str
    value: str | Decimal
    code: str = ""  # blank: the next code of the category and purchase year
    required_item: RequiredItem | None = None
    model_spec: str = ""
    quantity: int = 1
    unit: str = ""
    funding_source: str = ""
    point_id: int | None = None  # None: the station itself
    custodian_name: str = ""
    custodian_staff_id: int | None = None
    status: AssetStatus = AssetStatus.IN_USE  # on registration only: 在用 or 闲置
    notes: str = ""


@dataclass(frozen=True)
class AssetRow:
    id: int
    code: str
    name: str
    category: AssetCategory
    required_item: RequiredItem | None
    model_spec: str
    quantity: int
    unit: str
    purchase_date: date
    value: Decimal
    funding_source: str
    point_id: int | None
    place: str
    custodian_name: str
    custodian_staff_id: int | None
    holder_name: str
    status: AssetStatus
    notes: str
    version: int = 0  # what the form hands back to its save (a save from an older version is refused)

    @property
    def issued(self) -> bool:
        return bool(self.holder_name)

    @property
    def quantity_text(self) -> str:
        return f"{self.quantity} {self.unit}"


def _row(a: Asset, places: dict[int | None, str]) -> AssetRow:
    return AssetRow(a.id, a.code, a.name, AssetCategory(a.category),
                    RequiredItem(a.required_item) if a.required_item else None, a.model_spec, a.quantity, a.unit,
                    a.purchase_date, a.value, a.funding_source, a.point_id, places.get(a.point_id, "（已撤销的社工点）"),
                    a.custodian_name, a.custodian_staff_id, a.holder_name, AssetStatus(a.status), a.notes, a.version)


def suggest_code(session: Session, category: AssetCategory, year: int) -> str:
    """The next code of ``category`` and ``year``, the series locked for the writer's transaction (a code
    handed out on one PC is seen by the next writer on another: data/numbering.py)."""
    lock_series(session, f"asset_code:{category.prefix}-{year:04d}")
    prefix = f"{category.prefix}-{year:04d}-"
    return next_asset_code(category, year, session.scalars(select(Asset.code).where(starting_with(Asset.code, prefix))))


def _check_required_item(item: RequiredItem | None, category: AssetCategory) -> RequiredItem | None:
    if item is not None and RequiredItem(item).category is not category:
        raise UserError(f"“{RequiredItem(item).label}”属于{RequiredItem(item).category.label}类，"
                        f"请把类别选为“{RequiredItem(item).category.label}”。", field="规定配置")
    return RequiredItem(item) if item else None


def asset_values(session: Session, data: AssetInput, asset_id: int | None, today: date) -> dict:
    """The register columns from ``data`` (a blank code: the suggested one), checked by the form's rules;
    nothing is written (the asset import checks its rows with it)."""
    category = AssetCategory(data.category)
    purchased = past_day(data.purchase_date, "购置日期", today)
    code = check_code(data.code) if (data.code or "").strip() else suggest_code(session, category, purchased.year)
    clash = session.scalar(select(Asset).where(func.upper(Asset.code) == code))
    if clash is not None and clash.id != asset_id:
        raise UserError(f"资产编号 {code} 已用于“{clash.name}”，请换一个编号。", field="资产编号")
    if asset_id is None and data.status not in (AssetStatus.IN_USE, AssetStatus.IDLE):
        raise UserError("新登记的资产状态只能是“在用”或“闲置”。", field="状态")
    return dict(
        code=code, name=clean_text(data.name, "名称", 60, required=True), category=category.value,
        required_item=(item := _check_required_item(data.required_item, category)) and item.value,
        model_spec=clean_text(data.model_spec, "规格型号", 80), quantity=check_quantity(data.quantity),
        unit=clean_text(data.unit, "单位", 10) or category.default_unit, purchase_date=purchased,
        value=money(data.value, "原值", MAX_VALUE, hint="赠送或配发的物品可填 0"), funding_source=clean_text(data.funding_source, "经费来源", 40),
        custodian_name=clean_text(data.custodian_name, "保管人", 40), custodian_staff_id=data.custodian_staff_id,
        notes=clean_text(data.notes, "备注", 1000))


def save_asset(session: Session, data: AssetInput, asset_id: int | None = None, today: date | None = None,
               version: int | None = None) -> int:
    """Register a new asset (with its 登记入账 event) or correct an existing one; one call, all rules.
    ``version``: the ``AssetRow.version`` the form was opened on (a save after someone else's is refused)."""
    acting = require(session, Permission.ASSET_EDIT)
    today = today or date.today()
    values = asset_values(session, data, asset_id, today)
    if asset_id is None:
        return _create(session, values, check_place(session, data.point_id), AssetStatus(data.status),
                       acting.username)
    asset = get_or_error(session, Asset, asset_id, "资产记录", version)
    if data.point_id != asset.point_id:
        raise UserError("存放地点请通过“调拨”变更，以便留下记录。", field="存放地点")
    _check_purchase_before_events(session, asset, values["purchase_date"])
    for key, value in values.items():
        setattr(asset, key, value)
    session.flush()
    return asset.id


def _create(session: Session, values: dict, point_id: int | None, status: AssetStatus, by: str) -> int:
    asset = Asset(point_id=point_id, status=status.value, **values)
    session.add(asset)
    session.flush()
    session.add(AssetEvent(asset_id=asset.id, kind=EventKind.REGISTER.value, on_date=asset.purchase_date,
                           to_place=place_names(session).get(point_id, ""), status_after=status.value,
                           point_after=point_id, person_name=asset.custodian_name,
                           created_by=by))
    session.flush()
    return asset.id


def check_purchase_date(session: Session, asset_id: int, purchased: date) -> None:
    """A corrected purchase date may not fall after the asset's first change (nothing is written)."""
    first = session.scalar(select(func.min(AssetEvent.on_date)).where(
        AssetEvent.asset_id == asset_id, AssetEvent.kind != EventKind.REGISTER.value))
    if first is not None and purchased > first:
        raise UserError(f"购置日期不能晚于该资产第一次变动的日期（{first:%Y-%m-%d}）。", field="购置日期")


def _check_purchase_before_events(session: Session, asset: Asset, purchased: date) -> None:
    check_purchase_date(session, asset.id, purchased)
    for event in session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset.id,
                                                          AssetEvent.kind == EventKind.REGISTER.value)):
        event.on_date = purchased


def load_asset(session: Session, asset_id: int) -> Asset:
    return get_or_error(session, Asset, asset_id, "资产记录")


def get_asset(session: Session, asset_id: int) -> AssetRow:
    return _row(load_asset(session, asset_id), place_names(session))


@dataclass(frozen=True)
class AssetFilter:
    text: str = ""
    category: AssetCategory | None = None
    place: int | None | str = "all"  # "all", None (the station) or a service point id
    status: AssetStatus | None = None
    include_scrapped: bool = True


def _filtered(query, flt: AssetFilter):
    text = (flt.text or "").strip()
    if text:
        like = f"%{text}%"
        query = query.where(or_(Asset.code.ilike(like), Asset.name.like(like), Asset.model_spec.like(like),
                                Asset.custodian_name.like(like), Asset.holder_name.like(like)))
    if flt.category:
        query = query.where(Asset.category == flt.category.value)
    if flt.place != "all":
        query = query.where(Asset.point_id.is_(None) if flt.place is None else Asset.point_id == flt.place)
    if flt.status:
        query = query.where(Asset.status == flt.status.value)
    elif not flt.include_scrapped:
        query = query.where(Asset.status != AssetStatus.SCRAPPED.value)
    return query


def list_assets(session: Session, flt: AssetFilter | None = None) -> list[AssetRow]:
    order = case({c.value: i for i, c in enumerate(AssetCategory)}, value=Asset.category, else_=99)
    query = _filtered(select(Asset), flt or AssetFilter()).order_by(order, Asset.code)
    places = place_names(session)
    return [_row(a, places) for a in session.scalars(query)]


def rows_for(session: Session, ids: list[int]) -> list[AssetRow]:
    """Rows for the given ids, in that order (label printing of a selection)."""
    assets = {a.id: a for a in session.scalars(select(Asset).where(Asset.id.in_(ids)))}
    places = place_names(session)
    return [_row(assets[i], places) for i in ids if i in assets]


def delete_asset(session: Session, asset_id: int) -> None:
    """Remove an entry made by mistake: only while it has no history beyond its registration.

    Taking an asset off the register is an administrator's act, like a disposal (ASSET_DISPOSE)."""
    require(session, Permission.ASSET_DISPOSE)
    asset = load_asset(session, asset_id)
    events = session.scalar(select(func.count()).where(AssetEvent.asset_id == asset_id,
                                                        AssetEvent.kind != EventKind.REGISTER.value))
    counted = session.scalar(select(func.count()).where(StockTakeLine.asset_id == asset_id))
    if events or counted:
        raise UserError(f"“{asset.name}”已有领用、调拨或盘点等记录，不能删除；不再使用的资产请办理报废。")
    attached = session.scalars(select(Attachment).where(Attachment.owner_type == OWNER_TYPE,
                                                        Attachment.owner_id == asset_id))
    for row in attached:
        session.delete(row)
    # The registration event goes through the session too (audited, month-locked), not by CASCADE.
    for event in session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset_id)):
        session.delete(event)
    session.flush()  # before the asset: its ON DELETE CASCADE would otherwise remove them unaudited
    session.delete(asset)
    session.flush()


def people_names(session: Session) -> list[str]:
    """Names for the 保管人/领用人 pickers: active accounts, then names already used."""
    used = session.scalars(select(Asset.custodian_name).distinct().where(Asset.custodian_name != ""))
    held = session.scalars(select(Asset.holder_name).distinct().where(Asset.holder_name != ""))
    names = active_user_names(session)
    return names + sorted({*used, *held} - set(names))


def funding_sources(session: Session) -> list[str]:
    used = session.scalars(select(Asset.funding_source).distinct().where(Asset.funding_source != ""))
    return list(FUNDING_SOURCES) + sorted(set(used) - set(FUNDING_SOURCES))


def totals(rows: list[AssetRow]) -> tuple[int, Decimal]:
    """Rows not scrapped and their 原值 (for the list's summary line)."""
    live = [r for r in rows if r.status is not AssetStatus.SCRAPPED]
    return len(live), sum((r.value for r in live), Decimal("0.00"))
