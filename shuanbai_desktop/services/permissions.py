"""Who may do what (R7.1, R7.4): one table of roles × actions, enforced in the services.

Every service that writes, or reveals full personal data, calls ``require(session, Permission.X)``
first. ``require`` reads the acting user from the session (``session.info["actor"]``, set by
``ctx.session()`` in the GUI and by the CLI after its log-in) and looks the user's role up in the
database: a role or ``is_admin`` passed in by a caller is never trusted. The screens ask the same
table (``allowed(role, Permission.X)``) which buttons to show. docs/permissions.md shows the table.

Trusted program code that acts for nobody (set-up of a new station, the demo generator, the
automatic backup) marks its session with ``as_system(session)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..data.models import User
from ..domain.labels import Role
from ..domain.permissions import (
    ROLE_PERMISSIONS,
    SYSTEM_KEY,
    Permission,
    allowed,
    markdown_table,
    table,
)
from ..errors import UserError

__all__ = ["ROLE_PERMISSIONS", "SYSTEM_KEY", "Acting", "Permission", "acting_user", "allowed", "as_system",
           "denied_message", "markdown_table", "require", "table"]


@dataclass(frozen=True)
class Acting:
    """The user a session acts for, as the database knows them (never as a caller claims)."""

    user_id: int | None
    username: str
    role: Role | None

    @property
    def is_system(self) -> bool:
        return self.role is None


def as_system(session: Session) -> Session:
    """Mark a session as the program's own work (station set-up, demo data, automatic backup)."""
    session.info[SYSTEM_KEY] = True
    return session


def acting_user(session: Session) -> Acting:
    """The logged-in user of this session, looked up in the database; refused when there is none."""
    if session.info.get(SYSTEM_KEY):
        return Acting(None, "system", None)
    actor = session.info.get("actor")
    user = session.get(User, actor.user_id) if actor is not None and actor.user_id is not None else None
    if user is None:
        raise UserError("没有登录的用户，操作未执行。请先登录。")
    if user.disabled:
        raise UserError("该账户已停用，操作未执行。")
    return Acting(user.id, user.username, Role(user.role))


def denied_message(role: Role, permission: Permission) -> str:
    return (f"“{role.short}”角色不能{permission.label}。操作未执行；"
            "如需办理，请联系管理员（站长/副站长）。")


def require(session: Session, permission: Permission) -> Acting:
    """Raise a Chinese ``UserError`` unless the session's user may take ``permission``."""
    acting = acting_user(session)
    if acting.role is not None and not allowed(acting.role, permission):
        raise UserError(denied_message(acting.role, permission))
    return acting
