"""Helpers shared by the staff services: text, dates, hours and money typed by the user."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models import Station
from ...data.models.staff import StaffMember
from ...domain.dates import parse_date
from ...errors import UserError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str | None, field: str, limit: int, required: bool = False) -> str:
    """NFC, no control characters, trimmed; empty (when required) or too long raises at ``field``."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", value or "")).strip()
    if required and not text:
        raise UserError(f"{field}不能为空。", field=field)
    if len(text) > limit:
        raise UserError(f"{field}不能超过 {limit} 个字（现在 {len(text)} 个）。", field=field)
    return text


def day(raw: date | str | None, field: str, required: bool = True) -> date | None:
    if not required and (raw is None or (isinstance(raw, str) and not raw.strip())):
        return None
    return parse_date(raw, field)


def not_after(value: date | None, limit: date, field: str, what: str = "今天") -> None:
    if value is not None and value > limit:
        raise UserError(f"{field}不能晚于{what}。", field=field)


def decimal(raw, field: str, places: int = 2, required: bool = True) -> Decimal | None:
    """A number typed by the user ("12", "7.5", "１２"); None when optional and empty."""
    if isinstance(raw, Decimal | int | float):
        value = Decimal(str(raw))
    else:
        text = unicodedata.normalize("NFKC", raw or "").strip().replace(",", "")
        if not text:
            if required:
                raise UserError(f"{field}不能为空。", field=field)
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise UserError(f"{field}应为数字，例如 12 或 7.5。", field=field) from None
    if not value.is_finite():
        raise UserError(f"{field}应为数字，例如 12 或 7.5。", field=field)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise UserError(f"{field}最多保留 {places} 位小数。", field=field)
    return value


def employer_name(session: Session) -> str:
    """The town government that signs the contracts (乡镇人民政府 / 街道办事处)."""
    town = session.scalar(select(Station.town_name)) or ""
    if town.endswith("街道"):
        return f"{town}办事处"
    return f"{town}人民政府" if town else ""


def member(session: Session, staff_id: int) -> StaffMember:
    row = session.get(StaffMember, staff_id)
    if row is None:
        raise UserError("找不到这位工作人员的档案（可能已被删除）。")
    return row


def staff_names(session: Session) -> dict[int, str]:
    return pairs(session, select(StaffMember.id, StaffMember.name))


def tenths(value) -> Decimal:
    """A sum of hours read back from SQLite (float or Decimal) as Decimal tenths: 7.5, 48.0."""
    return Decimal(str(value or 0)).quantize(Decimal("0.1"))


def pairs(session: Session, query) -> dict:
    """A two-column query as a dict (``dict(result)`` would take the result for a mapping)."""
    return {key: value for key, value in session.execute(query)}
