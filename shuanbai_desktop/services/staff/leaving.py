"""A worker leaves the station: handover, status, contract ended, account disabled — one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data import audit
from ...data.models.staff import StaffContract
from ...domain.staff_labels import StaffStatus
from ...errors import UserError
from .. import auth
from ..fields import clean_text, date_order
from ..permissions import Acting, Permission, require
from .common import member
from .handover import Move, hand_over, handover_list


@dataclass(frozen=True)
class LeaveInput:
    leave_date: date
    reason: str
    moves: tuple[Move, ...] = ()
    disable_account: bool = True


def _end_contracts(session: Session, staff_id: int, on: date, reason: str) -> int:
    """Contracts still running (or not yet started) on the leaving day are ended as 已解除."""
    ended = 0
    for c in session.scalars(select(StaffContract).where(StaffContract.staff_id == staff_id,
                                                         StaffContract.terminated_on.is_(None),
                                                         StaffContract.end_date >= on)):
        c.terminated_on = max(on, c.start_date)
        c.termination_reason = f"离职：{reason}"[:200]
        ended += 1
    return ended


def leave_station(session: Session, staff_id: int, data: LeaveInput, today: date | None = None) -> int:
    """Hand everything over and mark the worker 离职; refused while anything is left in their name.

    Needs ``Permission.STAFF_EDIT``; disabling the worker's account goes through ``auth.set_disabled``
    as the session's own user (its rules: not one's own account, not the last administrator).
    """
    acting = require(session, Permission.STAFF_EDIT)
    today = today or date.today()
    staff = member(session, staff_id)
    if staff.status == StaffStatus.LEFT.value:
        raise UserError(f"“{staff.name}”已于 {staff.leave_date:%Y-%m-%d} 离职。")
    reason = clean_text(data.reason, "离职原因", 200, required=True)
    date_order(staff.hire_date, data.leave_date, "入职日期", "离职日期")
    if (data.leave_date - today).days > 90:
        raise UserError("离职日期不能晚于今天 90 天以上。", field="离职日期")
    moved = hand_over(session, staff_id, list(data.moves))
    left = handover_list(session, staff_id)
    if left:
        kinds = "、".join(sorted({i.kind for i in left}))
        raise UserError(f"还有 {len(left)} 项未指定接收人（{kinds}），全部移交后才能办理离职。", field="接收人")
    staff.status = StaffStatus.LEFT.value
    staff.leave_date = data.leave_date
    staff.leave_reason = reason
    staff.is_liaison = False
    ended = _end_contracts(session, staff_id, data.leave_date, reason)
    if data.disable_account and staff.user_id is not None:
        user = auth.get_user(session, staff.user_id)
        if not user.disabled:
            _disable_account(session, acting, staff.user_id)
    audit.record_event(session, "staff_member", str(staff_id),
                       f"离职交接：{staff.name}，移交 {moved} 项，解除合同 {ended} 份",
                       {"leave_date": data.leave_date.isoformat(), "moved": moved})
    return moved


def _disable_account(session: Session, acting: Acting, user_id: int) -> None:
    """The session's user as the database knows them (never a caller's claim) disables the account."""
    if acting.user_id is None:
        raise UserError("停用登录账户须由登录的管理员办理，请取消“同时停用其登录账户”后再试。")
    auth.set_disabled(session, user_id, True)  # Permission.USERS_MANAGE, as the session's user


def rejoin(session: Session, staff_id: int, on: date) -> None:
    """A worker who left comes back: on the staff again from ``on`` (the earlier dates stay in the audit trail)."""
    require(session, Permission.STAFF_EDIT)
    staff = member(session, staff_id)
    if staff.status != StaffStatus.LEFT.value:
        raise UserError(f"“{staff.name}”仍在岗，无需重新入职。")
    if staff.leave_date is not None and on <= staff.leave_date:
        raise UserError(f"重新入职日期应晚于离职日期（{staff.leave_date:%Y-%m-%d}）。", field="入职日期")
    previous = f"原入职 {staff.hire_date:%Y-%m-%d}，离职 {staff.leave_date:%Y-%m-%d}（{staff.leave_reason}）"
    staff.status = StaffStatus.ACTIVE.value
    staff.hire_date = on
    staff.leave_date = None
    staff.leave_reason = ""
    audit.record_event(session, "staff_member", str(staff_id), f"重新入职：{staff.name}，{previous}"[:200])
