"""Small helpers shared by the window services: material lines, the acting user, handlers, list order.

Who may register and handle matters is ``Permission.WINDOW_REGISTER`` (services/permissions.py); the
acting user is read from the session by ``require_writer``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models import User
from ...domain.labels import Role
from ...errors import UserError
from ..permissions import Permission, allowed, require


def lines(text: str) -> list[str]:
    """Non-empty trimmed lines (material lists are stored one per line)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _may_handle(role: str) -> bool:
    """Whether an account's role may register and handle matters (the permission table decides)."""
    return allowed(Role(role), Permission.WINDOW_REGISTER)


@dataclass(frozen=True)
class Writer:
    """The person registering or handling a matter: always an account (never the system)."""

    user_id: int
    role: Role


def require_writer(session: Session) -> Writer:
    """The acting user of the session, who must be allowed to register and handle matters.

    The user comes from the session (never from a parameter) and must be a person: a registration and
    every step on it name who did it (首问负责人, the timeline), so a system session is refused too.
    """
    acting = require(session, Permission.WINDOW_REGISTER)
    if acting.user_id is None or acting.role is None:
        raise UserError("窗口登记和办理须由登录的工作人员进行，操作未执行。")
    return Writer(acting.user_id, acting.role)


def require_handler(session: Session, user_id: int | None, field: str = "承办人") -> User:
    """A colleague a matter can be assigned to: an enabled account whose role may handle matters."""
    user = session.get(User, user_id) if user_id else None
    if user is None:
        raise UserError("分办须选择承办人。", field=field)
    if user.disabled or not _may_handle(user.role):
        raise UserError(f"“{user.display_name}”的账户已停用或为只读账户，不能承办。", field=field)
    return user


def next_order(session: Session, model) -> int:
    """The place of a new row of an ordered table: after the last."""
    return (session.scalar(select(func.max(model.sort_order))) or 0) + 1


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
    """Accounts a matter can be assigned to (enabled, a role that may handle matters), as (id, name)."""
    handling_roles = [role.value for role in Role if allowed(role, Permission.WINDOW_REGISTER)]
    rows = session.execute(select(User.id, User.display_name).where(
        User.disabled.is_(False), User.role.in_(handling_roles)).order_by(User.id))
    return [(uid, name) for uid, name in rows]


def list_all_staff(session: Session) -> list[tuple[int, str]]:
    """Every account, for filters over past registrations."""
    return [(uid, name) for uid, name in session.execute(select(User.id, User.display_name).order_by(User.id))]
