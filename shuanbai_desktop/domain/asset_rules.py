"""Assets (物资资产): categories, statuses, events, asset codes and the required items (R3.1).

Pure rules: no Qt, no database. Categories follow the seven 门类 of GB/T 14885-2022
in a short form a station uses (设备 / 家具 / 标识标牌 / 图书资料 / 其他).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from ..errors import UserError
from .dates import check_order, not_in_future
from .labels import LabelledEnum

MAX_VALUE = Decimal("1000000")  # one register row above 100万元 is a typing error at a station
MAX_QUANTITY = 10_000
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,29}")


class AssetCategory(LabelledEnum):
    EQUIPMENT = ("equipment", "设备")
    FURNITURE = ("furniture", "家具")
    SIGNAGE = ("signage", "标识标牌")
    BOOKS = ("books", "图书资料")
    OTHER = ("other", "其他")

    @property
    def prefix(self) -> str:
        """Two letters of the asset code (pinyin initials of the category)."""
        return {"equipment": "SB", "furniture": "JJ", "signage": "BP", "books": "TS", "other": "QT"}[self.value]

    @property
    def default_unit(self) -> str:
        return {"equipment": "台", "furniture": "件", "signage": "块", "books": "册", "other": "件"}[self.value]


class AssetStatus(LabelledEnum):
    IN_USE = ("in_use", "在用")
    IDLE = ("idle", "闲置")
    REPAIR = ("repair", "维修")
    SCRAPPED = ("scrapped", "报废")


class EventKind(LabelledEnum):
    REGISTER = ("register", "登记入账")
    ISSUE = ("issue", "领用")
    RETURN = ("return", "归还")
    MOVE = ("move", "调拨")
    REPAIR = ("repair", "送修")
    REPAIRED = ("repaired", "修复")
    DISPOSE = ("dispose", "报废处置")
    COUNT = ("count", "盘点")


class RequiredItem(LabelledEnum):
    """What the seed requires at the station and at each service point (惠民发〔2021〕29号)."""

    PLAQUE_STATION = ("plaque_station", "社工站牌匾")
    PLAQUE_ASSOCIATION = ("plaque_association", "社会工作与志愿服务协会牌匾")
    PLAQUE_FEDERATION = ("plaque_federation", "社会组织联合会牌匾")
    PLAQUE_POINT = ("plaque_point", "社工点标牌")
    COMPUTER = ("computer", "电脑")
    PRINTER = ("printer", "打印机")

    @property
    def category(self) -> AssetCategory:
        return AssetCategory.EQUIPMENT if self in (RequiredItem.COMPUTER, RequiredItem.PRINTER) \
            else AssetCategory.SIGNAGE


REQUIRED_AT_STATION = (RequiredItem.PLAQUE_STATION, RequiredItem.PLAQUE_ASSOCIATION,
                       RequiredItem.PLAQUE_FEDERATION, RequiredItem.COMPUTER, RequiredItem.PRINTER)
REQUIRED_AT_POINT = (RequiredItem.PLAQUE_POINT, RequiredItem.COMPUTER, RequiredItem.PRINTER)
COUNTS_AS_PRESENT = (AssetStatus.IN_USE, AssetStatus.IDLE)

# Which statuses an event needs, and the status it leaves (None: unchanged).
EVENT_FROM = {
    EventKind.ISSUE: (AssetStatus.IN_USE, AssetStatus.IDLE),
    EventKind.MOVE: (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.REPAIR),
    EventKind.REPAIR: (AssetStatus.IN_USE, AssetStatus.IDLE),
    EventKind.REPAIRED: (AssetStatus.REPAIR,),
    EventKind.DISPOSE: (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.REPAIR),
}
EVENT_TO = {EventKind.ISSUE: AssetStatus.IN_USE, EventKind.RETURN: AssetStatus.IDLE,
            EventKind.REPAIR: AssetStatus.REPAIR, EventKind.REPAIRED: AssetStatus.IN_USE,
            EventKind.DISPOSE: AssetStatus.SCRAPPED}


def make_asset_code(category: AssetCategory, year: int, seq: int) -> str:
    """``SB-2024-003``: category initials, purchase year, number within both."""
    return f"{category.prefix}-{year:04d}-{seq:03d}"


def next_asset_code(category: AssetCategory, year: int, existing: Iterable[str]) -> str:
    """The first code after the highest one of this category and year already used."""
    pattern = re.compile(rf"{category.prefix}-{year:04d}-(\d+)", re.IGNORECASE)
    used = [int(m.group(1)) for code in existing if (m := pattern.fullmatch(code or ""))]
    return make_asset_code(category, year, max(used, default=0) + 1)


def check_code(code: str) -> str:
    text = (code or "").strip().upper()
    if not text:
        raise UserError("资产编号不能为空。", field="资产编号")
    if not CODE_PATTERN.fullmatch(text):
        raise UserError("资产编号只能由字母、数字和“-”组成，最长 30 位，例如 SB-2024-001。", field="资产编号")
    return text


def check_quantity(quantity: int, field: str = "数量") -> int:
    if not isinstance(quantity, int) or quantity < 1:
        raise UserError(f"{field}至少为 1。", field=field)
    if quantity > MAX_QUANTITY:
        raise UserError(f"{field}不能超过 {MAX_QUANTITY}，请核对。", field=field)
    return quantity


def check_event_allowed(kind: EventKind, status: AssetStatus, issued: bool) -> None:
    """Raise when ``kind`` cannot happen to an asset in ``status`` (``issued``: someone holds it)."""
    if status is AssetStatus.SCRAPPED:
        raise UserError("该资产已报废，不能再办理领用、调拨、维修等变动。")
    if kind is EventKind.RETURN:
        if not issued:
            raise UserError("该资产没有被领用，无需归还。")
        return
    if kind is EventKind.ISSUE and issued:
        raise UserError("该资产已被领用，须先归还才能再次领用。")
    if kind is EventKind.DISPOSE and issued:
        raise UserError("该资产仍在领用人手中，请先办理归还，再报废。")
    if status not in EVENT_FROM.get(kind, ()):
        raise UserError(f"“{status.label}”状态的资产不能办理{kind.label}。")


def check_event_date(on: date, purchased: date, last_event: date | None, today: date, field: str) -> None:
    not_in_future(on, field, today)
    check_order(purchased, on, "购置日期", field)
    check_order(last_event, on, "该资产上一次变动的日期", field)


class CountResult(LabelledEnum):
    """A stock-take line: not yet counted, found as booked, missing (盘亏), found damaged."""

    PENDING = ("pending", "未盘")
    FOUND = ("found", "相符")
    MISSING = ("missing", "未找到")
    DAMAGED = ("damaged", "损坏")


def is_difference(result: CountResult, book_quantity: int, counted: int | None) -> bool:
    """A line belongs in the differences list: missing, damaged or a count unlike the book."""
    if result in (CountResult.MISSING, CountResult.DAMAGED):
        return True
    return result is CountResult.FOUND and counted is not None and counted != book_quantity
