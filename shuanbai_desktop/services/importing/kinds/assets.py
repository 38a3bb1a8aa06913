"""资产登记: register rows, each checked by the asset form's rules (``register.asset_values``).

A row matches an asset already registered by its 资产编号; a row without one is a new asset and gets the
next code of its category and purchase year when it is saved, as the form gives it. New assets are saved by
``register.save_asset`` (the form's own save, with its 登记入账 line in the asset's history), one per row.
docs/import.md “人员、合同、资产、档案”.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....data.models.assets import Asset, AssetEvent
from ....domain.asset_rules import AssetCategory, AssetStatus, EventKind, RequiredItem, check_code
from ...assets import register
from ...assets.common import STATION_PLACE, active_places, check_place
from ..base import Checked, Existing, Field, FieldType, ImportKind, RowInvalid, WriteResult
from .rowtools import (
    differences,
    enum_choices,
    given,
    keys_by_title,
    merge,
    optional_id,
    own_keys_first,
    rule,
    stamped,
    titles_of,
    update_existing,
    whole_number,
)

STATION = "station"  # the choice value of 站本部 (an asset kept at the station itself: no service point)

_CATEGORY_WORDS = (("电子设备", "equipment"), ("办公设备", "equipment"), ("电器", "equipment"),
                   ("电器设备", "equipment"), ("通用设备", "equipment"), ("专用设备", "equipment"),
                   ("设备类", "equipment"), ("家具用具", "furniture"), ("家具类", "furniture"),
                   ("桌椅", "furniture"), ("标牌", "signage"), ("牌匾", "signage"), ("标识", "signage"),
                   ("标识牌", "signage"), ("图书", "books"), ("书籍", "books"), ("图书类", "books"),
                   ("其他类", "other"), ("其它", "other"))
_STATUS_WORDS = (("正常", "in_use"), ("使用中", "in_use"), ("在用中", "in_use"), ("在库", "idle"),
                 ("未使用", "idle"), ("待用", "idle"), ("维修中", "repair"), ("待修", "repair"),
                 ("已报废", "scrapped"))
_ITEM_WORDS = (("计算机", "computer"), ("台式电脑", "computer"), ("笔记本电脑", "computer"),
               ("打印一体机", "printer"), ("社工站标牌", "plaque_station"), ("社工点牌匾", "plaque_point"))
_PLACE_WORDS = ((STATION_PLACE, STATION), ("社工站", STATION), ("本站", STATION), ("站内", STATION))

FIELDS = (
    Field("code", "资产编号", synonyms=("编号", "资产编码", "资产代码", "卡片编号", "资产卡片号"),
          hint="空着时按类别和购置年份自动编号（如 SB-2024-001）；与已登记的编号相同时对应该资产"),
    Field("name", "名称", required=True, synonyms=("资产名称", "物品名称", "品名", "设备名称")),
    Field("category", "类别", FieldType.CHOICE, required=True, synonyms=("资产类别", "分类", "资产分类", "类型"),
          choices=enum_choices(AssetCategory), choice_synonyms=_CATEGORY_WORDS),
    Field("required_item", "规定配置", FieldType.CHOICE, synonyms=("对应规定配置", "规定配置项目"),
          choices=enum_choices(RequiredItem), choice_synonyms=_ITEM_WORDS),
    Field("model_spec", "规格型号", synonyms=("型号", "规格", "品牌型号", "品牌规格", "规格（型号）")),
    Field("quantity", "数量", FieldType.NUMBER, hint="空着为 1"),
    Field("unit", "单位", synonyms=("计量单位",), hint="空着时按类别（台、件、块、册）"),
    Field("purchase_date", "购置日期", FieldType.DATE, required=True,
          synonyms=("购买日期", "购入日期", "取得日期", "入账日期", "购置时间", "购置年月")),
    Field("value", "原值", FieldType.NUMBER, required=True,
          synonyms=("原值（元）", "原值(元)", "金额", "金额（元）", "价值", "资产原值", "账面原值"),
          hint="整行的原值（元）；赠送或配发的物品可填 0"),
    Field("funding_source", "经费来源", synonyms=("资金来源", "经费渠道")),
    Field("point_id", "存放地点", FieldType.CHOICE, synonyms=("存放位置", "使用地点", "所在位置", "存放处", "使用部门"),
          choice_synonyms=_PLACE_WORDS, hint="站本部或本站的社工点；已登记资产的地点请通过“调拨”变更"),
    Field("custodian_name", "保管人", synonyms=("使用人", "责任人", "管理人")),
    Field("status", "状态", FieldType.CHOICE, synonyms=("使用状态", "资产状态"),
          choices=enum_choices(AssetStatus), choice_synonyms=_STATUS_WORDS, hint="新登记的只能是在用或闲置；空着为在用"),
    Field("notes", "备注", synonyms=("说明",)),
)

_TITLES = keys_by_title(FIELDS)
_COLUMN_TITLES = {f.key: f.title for f in FIELDS if f.key not in ("point_id", "status")}
#: Kept as they are on an asset already registered: they change only through events (调拨、报废 …).
_BY_EVENTS = ("point_id", "status")


@dataclass
class AssetContext:
    session: Session
    today: date
    codes: dict[str, int] = field(default_factory=dict)  # code (upper case) → asset id


def _current(a: Asset) -> register.AssetInput:
    return register.AssetInput(
        a.name, AssetCategory(a.category), a.purchase_date, a.value, a.code,
        RequiredItem(a.required_item) if a.required_item else None, a.model_spec, a.quantity, a.unit,
        a.funding_source, a.point_id, a.custodian_name, a.custodian_staff_id, AssetStatus(a.status), a.notes)


def _file_input(values: MappingABC[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in given(values, tuple(f.key for f in FIELDS)).items():
        if key == "category":
            out[key] = AssetCategory(value)
        elif key == "required_item":
            out[key] = RequiredItem(value)
        elif key == "status":
            out[key] = AssetStatus(value)
        elif key == "point_id":
            out[key] = None if value == STATION else optional_id(value)
        elif key == "quantity":
            out[key] = whole_number(value, "quantity", "数量")
        else:
            out[key] = value
    return out


class AssetSpec:
    kind = ImportKind.ASSETS
    fields = FIELDS
    key_field = "code"  # a repeated key is reported at this column (batch.py)
    tables: tuple[type, ...] = (Asset,)
    children: tuple[type, ...] = (AssetEvent,)  # its 登记入账 line; any later event changes the asset too

    def choices(self, session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
        return {"point_id": tuple((STATION if pid is None else str(pid), name)
                                  for pid, name in active_places(session))}

    def start(self, session: Session, today: date) -> AssetContext:
        context = AssetContext(session, today)
        for asset_id, code in session.execute(select(Asset.id, Asset.code)):
            context.codes[code.upper()] = asset_id
        return context

    def check(self, context: AssetContext, values: MappingABC[str, Any], row: int) -> Checked:
        data = _file_input(values)
        if "code" in data:
            data["code"] = rule(_TITLES, check_code, data["code"])
        asset_id = context.codes.get(data.get("code", ""))
        if asset_id is not None:
            return self._check_existing(context, data, asset_id, row)
        missing = [(f.key, f"{f.title}不能为空。") for f in FIELDS if f.key in ("name", "category") and f.key not in data]
        if missing:
            raise RowInvalid(missing)
        entry = register.AssetInput(**{"purchase_date": None, "value": None, **data})
        rule(_TITLES, register.asset_values, context.session, entry, None, context.today)
        rule(_TITLES, check_place, context.session, entry.point_id)
        return Checked(row, {"input": entry}, key=data.get("code", ""))

    def _check_existing(self, context: AssetContext, data: dict[str, Any], asset_id: int, row: int) -> Checked:
        session, today = context.session, context.today
        record = register.load_asset(session, asset_id)
        merged = merge(_current(record), {k: v for k, v in data.items() if k not in _BY_EVENTS})
        clean: dict[str, Any] = {}
        for entry in (merged.fill, merged.overwrite):  # the mode is chosen later: both must meet the rules
            clean = rule(_TITLES, register.asset_values, session, entry, asset_id, today)
            rule(_TITLES, register.check_purchase_date, session, asset_id, clean["purchase_date"])
        changes = titles_of(differences(record, clean), _COLUMN_TITLES)
        return Checked(row, {"merged": merged}, existing_id=asset_id, changes=changes, key=record.code)

    def write(self, session: Session, context: AssetContext, rows: list[Checked], existing: Existing,
              batch_id: int, today: date) -> WriteResult:
        with stamped(session, self.tables, batch_id):
            created = 0
            for item in own_keys_first(rows, "code"):
                register.save_asset(session, item.values["input"], None, today)
                created += 1
            updated, skipped, before = update_existing(
                rows, existing, Asset.__tablename__, lambda record_id: register.load_asset(session, record_id),
                lambda entry, record_id: register.asset_values(session, entry, record_id, today),
                lambda entry, record_id: register.save_asset(session, entry, record_id, today),
                also_before=lambda record, old: _register_lines(session, record.id) if "purchase_date" in old else [])
        return WriteResult(created, updated, skipped, tuple(before))


def _register_lines(session: Session, asset_id: int) -> list[tuple[str, int, dict]]:
    """The 登记入账 line moves with a corrected purchase date (``save_asset``): its date from before."""
    lines = session.scalars(select(AssetEvent).where(AssetEvent.asset_id == asset_id,
                                                     AssetEvent.kind == EventKind.REGISTER.value))
    return [(AssetEvent.__tablename__, line.id, {"on_date": line.on_date}) for line in lines]


SPEC = AssetSpec()
