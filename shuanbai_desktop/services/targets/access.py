"""The one rule of 服务对象与个案 that the permission table cannot express (R4, R7.1).

Who may create residents, edit households, record visits, open or read cases is the table in
``services/permissions.py`` (``require(session, Permission.X)`` in each service, ``ctx.can(...)``
on screen). What stays here is ownership: a case is changed only by its responsible social worker
or an administrator (docs/permissions.md, “Rules beside the table”).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...data.models import User
from ...domain.labels import Role
from ...errors import UserError
from ..permissions import Acting, Permission, allowed, require


def can_edit_case(role: Role, user_id: int, worker_id: int | None) -> bool:
    """Whether a screen offers the case's editing buttons: the same answer ``require_case_editor`` gives."""
    if not allowed(role, Permission.CASE_OPEN):
        return False
    return role is Role.ADMIN or worker_id == user_id


def require_case_editor(session: Session, worker_id: int | None) -> Acting:
    """Refuse unless the session's user may change a case whose responsible worker is ``worker_id``."""
    acting = require(session, Permission.CASE_OPEN)
    if acting.is_system or acting.role is Role.ADMIN:
        return acting
    if worker_id != acting.user_id:
        raise UserError("只有本个案的负责社工或管理员可以修改这个个案。")
    return acting


def acting_name(session: Session, acting: Acting) -> str:
    """The display name recorded as “by whom” (case timeline, sessions); empty for the program itself."""
    if acting.user_id is None:
        return ""
    user = session.get(User, acting.user_id)
    return user.display_name if user is not None else acting.username
