"""Helpers shared by the target services: text and date rules, names of users and villages."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models import User, Village
from ...domain.dates import check_order, not_in_future
from ...errors import UserError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

__all__ = ["clean_text", "user_names", "village_names", "past_date", "required_date", "not_before"]


def clean_text(value: str | None, field: str, limit: int, required: bool = False) -> str:
    """NFC, control characters removed, trimmed; required and length rules name the field."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", value or "")).strip()
    if required and not text:
        raise UserError(f"{field}不能为空。", field=field)
    if len(text) > limit:
        raise UserError(f"{field}不能超过 {limit} 个字（现在 {len(text)} 个）。", field=field)
    return text


def user_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(User.id, User.display_name)).all())


def village_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Village.code, Village.name)).all())


def required_date(value: date | None, field: str) -> date:
    if value is None:
        raise UserError(f"请填写{field}。", field=field)
    return value


def past_date(value: date | None, field: str, today: date) -> date:
    """A date that must be given and not after today."""
    value = required_date(value, field)
    not_in_future(value, field, today)
    return value


def not_before(value: date, start: date, field: str, start_field: str) -> None:
    check_order(start, value, start_field, field)


def get_or_error(session: Session, model, key, what: str):
    obj = session.get(model, key) if key is not None else None
    if obj is None:
        raise UserError(f"找不到这条{what}（可能已被删除）。")
    return obj
