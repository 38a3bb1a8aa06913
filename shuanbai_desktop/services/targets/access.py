"""Who may do what in 服务对象与个案 (R4, R7.1).

社工 see all residents of the station and edit the cases assigned to them; 窗口 create
residents and see summaries; 督导/只读 read; 管理员 everything.
"""

from __future__ import annotations

from ...domain.labels import Role
from ...errors import UserError


def can_edit_persons(role: Role) -> bool:
    return role in (Role.ADMIN, Role.SOCIAL_WORKER, Role.WINDOW)


def can_edit_households(role: Role) -> bool:
    return role in (Role.ADMIN, Role.SOCIAL_WORKER)


def can_record_visits(role: Role) -> bool:
    return role in (Role.ADMIN, Role.SOCIAL_WORKER)


def can_open_cases(role: Role) -> bool:
    return role in (Role.ADMIN, Role.SOCIAL_WORKER)


def can_read_case_details(role: Role) -> bool:
    """窗口 sees case summaries (number, stage, worker) but not the case record's content."""
    return role is not Role.WINDOW


def can_edit_case(role: Role, user_id: int, worker_id: int | None) -> bool:
    return role is Role.ADMIN or (role is Role.SOCIAL_WORKER and worker_id == user_id)


def require(allowed: bool, what: str) -> None:
    if not allowed:
        raise UserError(f"您的角色不能{what}。如需办理，请联系管理员（站长/副站长）。")


def require_case_editor(user, worker_id: int | None) -> None:
    if user is None:
        return
    if not can_edit_case(user.role, user.id, worker_id):
        raise UserError("只有本个案的负责社工或管理员可以修改这个个案。")
