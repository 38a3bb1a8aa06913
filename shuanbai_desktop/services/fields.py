"""What the user typed, cleaned and checked the same way in every area: text, dates, numbers, money.

Every check raises ``UserError`` with a message that names the field (the Chinese label of the form field)
and the rule, and ends with “。”; ``field=`` lets the screen outline that widget. Dates are parsed and
compared by ``domain/dates.py`` (one message for each rule); this module is the services' way in.
Looking up records and the names of accounts and villages: ``services/records.py``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from ..domain.dates import check_order, not_after, not_in_future, parse_date
from ..errors import UserError

__all__ = [
    "clean_text",
    "date_order",
    "money",
    "not_after",
    "number",
    "optional_day",
    "optional_money",
    "optional_number",
    "parse_day",
    "past_day",
    "required_text",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CENT = Decimal("0.01")

date_order = check_order  # date_order(start, end, start_field, end_field): “结束日期不能早于开始日期（…）。”


# ---- text -------------------------------------------------------------------------------------------

def clean_text(value: str | None, field: str, limit: int, required: bool = False, message: str = "") -> str:
    """NFC, control characters removed, trimmed; empty (when required) or too long raises at ``field``.

    ``message`` replaces the empty-field message where the form needs a hint (“请选择事项（事项不能为空）。”).
    """
    text = _CONTROL.sub("", unicodedata.normalize("NFC", value or "")).strip()
    if required and not text:
        raise UserError(message or f"{field}不能为空。", field=field)
    if len(text) > limit:
        raise UserError(f"{field}不能超过 {limit} 个字（现在 {len(text)} 个）。", field=field)
    return text


def required_text(value: str | None, field: str, limit: int, message: str = "") -> str:
    """``clean_text`` of a field that must be filled in."""
    return clean_text(value, field, limit, required=True, message=message)


# ---- dates ------------------------------------------------------------------------------------------

def parse_day(raw: date | str | None, field: str) -> date:
    """A date picked or typed (2024-03-05, 2024/3/5, 2024年3月5日 …); empty raises “…不能为空。”."""
    return parse_date(raw, field)


def optional_day(raw: date | str | None, field: str) -> date | None:
    """A date that may be left empty (``None``)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse_date(raw, field)


def past_day(raw: date | str | None, field: str, today: date) -> date:
    """A date that must be given and not after ``today`` (“…不能晚于今天。”)."""
    value = parse_date(raw, field)
    not_in_future(value, field, today)
    return value


# ---- numbers and money ------------------------------------------------------------------------------

def _decimal(raw: object, field: str, wrong: str) -> Decimal | None:
    """The typed text as a finite Decimal ("１２" and "1,200" too); ``None`` when empty."""
    if isinstance(raw, Decimal | int | float):
        text = str(raw)
    else:
        text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    text = text.replace(",", "").removesuffix("元").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise UserError(wrong, field=field) from None
    if not value.is_finite():
        raise UserError(wrong, field=field)
    return value


def optional_number(raw: object, field: str, places: int = 2, minimum: Decimal | int | None = None,
                    maximum: Decimal | int | None = None, unit: str = "") -> Decimal | None:
    """A number typed by the user ("12", "7.5", "１２") with at most ``places`` decimals; ``None`` when empty.

    With ``minimum``/``maximum``: “服务时数应在 0 到 24 小时之间。” (``unit="小时"``), “得分应在 0 到 100 之间。”."""
    value = _decimal(raw, field, f"{field}应为数字，例如 12 或 7.5。")
    if value is None:
        return None
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise UserError(f"{field}最多保留 {places} 位小数。", field=field)
    low = Decimal(minimum) if minimum is not None else None
    high = Decimal(maximum) if maximum is not None else None
    unit_text = f" {unit}" if unit else " "
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            raise UserError(f"{field}应在 {low} 到 {high}{unit_text}之间。", field=field)
        if low is not None:
            raise UserError(f"{field}不能小于 {low}{unit_text.rstrip()}。", field=field)
        raise UserError(f"{field}不能大于 {high}{unit_text.rstrip()}。", field=field)
    return value


def number(raw: object, field: str, places: int = 2, minimum: Decimal | int | None = None,
           maximum: Decimal | int | None = None, unit: str = "") -> Decimal:
    """``optional_number`` of a field that must be filled in (“…不能为空。”)."""
    value = optional_number(raw, field, places, minimum, maximum, unit)
    if value is None:
        raise UserError(f"{field}不能为空。", field=field)
    return value


def _yuan(amount: Decimal) -> str:
    """100 万元, 10 万元, 5,000 元: how a limit reads in a message."""
    if amount >= 10_000 and amount % 10_000 == 0:
        return f"{amount / 10_000:,.0f} 万元"
    return f"{amount:,.0f} 元"


def optional_money(raw: object, field: str, maximum: Decimal | int | None = None) -> Decimal | None:
    """Yuan ("4599", "4,599.5", "12元", "１２"): 0 to ``maximum``, at most two decimals (分); ``None`` when empty."""
    value = _decimal(raw, field, f"{field}应为金额数字（元），例如 1050 或 1050.50。")
    if value is None:
        return None
    if value < 0:
        raise UserError(f"{field}不能为负数。", field=field)
    if maximum is not None and value > Decimal(maximum):
        raise UserError(f"{field}超过 {_yuan(Decimal(maximum))}，请核对。", field=field)
    if value != value.quantize(_CENT):
        raise UserError(f"{field}最多保留两位小数（分）。", field=field)
    return value.quantize(_CENT)


def money(raw: object, field: str, maximum: Decimal | int | None = None, hint: str = "") -> Decimal:
    """``optional_money`` of a field that must be filled in; ``hint`` follows the empty-field message."""
    value = optional_money(raw, field, maximum)
    if value is None:
        raise UserError(f"{field}不能为空{'；' + hint if hint else ''}。", field=field)
    return value

