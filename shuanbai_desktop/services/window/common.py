"""Small helpers shared by the window services: clean text, user names, the acting user."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models import User
from ...domain.labels import Role
from ...errors import UserError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str | None, field: str, limit: int, required: bool = False, message: str = "") -> str:
    """NFC, control characters removed, trimmed; empty or too long raises a message naming ``field``."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", value or "")).strip()
    if required and not text:
        raise UserError(message or f"{field}不能为空。", field=field)
    if len(text) > limit:
        raise UserError(f"{field}不能超过 {limit} 个字（现在 {len(text)} 个）。", field=field)
    return text


def lines(text: str) -> list[str]:
    """Non-empty trimmed lines (material lists are stored one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def user_names(session: Session) -> dict[int, str]:
    cache = session.info.setdefault("window_user_names", {})
    if not cache:
        cache.update(session.execute(select(User.id, User.display_name)).all())
    return cache


def require_writer(session: Session, user_id: int) -> User:
    """The acting user: must exist, be enabled and not be a read-only supervisor."""
    user = session.get(User, user_id)
    if user is None or user.disabled:
        raise UserError("当前账户不可用，请重新登录。")
    if user.role == Role.SUPERVISOR.value:
        raise UserError("督导账户只能查看窗口登记，不能登记或办理。")
    return user


def require_handler(session: Session, user_id: int | None, field: str = "承办人") -> User:
    """A colleague a matter can be assigned to: an enabled account that is not read-only."""
    user = session.get(User, user_id) if user_id else None
    if user is None:
        raise UserError("分办须选择承办人。", field=field)
    if user.disabled or user.role == Role.SUPERVISOR.value:
        raise UserError(f"“{user.display_name}”的账户已停用或为只读账户，不能承办。", field=field)
    return user


def swap_order(session: Session, model, row_id: int, step: int) -> None:
    """Move a row of an ordered table up (-1) or down (+1); orders become 1, 2, 3 …"""
    rows = list(session.scalars(select(model).order_by(model.sort_order, model.id)))
    index = next((i for i, r in enumerate(rows) if r.id == row_id), None)
    if index is None or not 0 <= index + step < len(rows):
        return
    rows[index], rows[index + step] = rows[index + step], rows[index]
    for order, row in enumerate(rows, 1):
        if row.sort_order != order:
            row.sort_order = order


def list_staff(session: Session) -> list[tuple[int, str]]:
    """Accounts a matter can be assigned to (enabled, not read-only), as (id, name)."""
    rows = session.execute(select(User.id, User.display_name).where(
        User.disabled.is_(False), User.role != Role.SUPERVISOR.value).order_by(User.id))
    return [(uid, name) for uid, name in rows]


def list_all_staff(session: Session) -> list[tuple[int, str]]:
    """Every account, for filters over past registrations."""
    return [(uid, name) for uid, name in session.execute(select(User.id, User.display_name).order_by(User.id))]
