"""分办转办 and 结果跟踪: every step after registration, each one recorded in the timeline.

Every step needs ``Permission.WINDOW_REGISTER``; the acting user comes from the session. Voiding is
further kept to the first responder (首问负责人) or an administrator.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from ...data import audit
from ...data.base import now
from ...data.models.window import WindowEvent, WindowRegistration
from ...domain.counter_labels import OPEN_STATUSES, EventKind, FollowUpMethod, Satisfaction, Status
from ...domain.labels import Role
from ...errors import UserError
from ..fields import clean_text, date_order, not_after, parse_day
from ..records import get_or_error
from .common import require_handler, require_writer
from .registration import MAX_DUE_AHEAD, active_department


def _load(session: Session, registration_id: int) -> WindowRegistration:
    return get_or_error(session, WindowRegistration, registration_id, "窗口登记")


def _open(session: Session, registration_id: int, action: str) -> WindowRegistration:
    reg = _load(session, registration_id)
    if reg.status not in OPEN_STATUSES:
        raise UserError(f"受理编号 {reg.ticket_no} {Status(reg.status).label}，不能再{action}。")
    return reg


def _event(session: Session, reg: WindowRegistration, kind: EventKind, actor_id: int, at: datetime | None,
           **values) -> WindowEvent:
    event = WindowEvent(registration_id=reg.id, at=(at or now()).replace(microsecond=0), kind=kind.value,
                        actor_id=actor_id, **values)
    session.add(event)
    session.flush()
    return event


def _day(raw: date | str | None, field: str, reg: WindowRegistration, today: date) -> date:
    on = parse_day(raw, field)
    date_order(reg.registered_on, on, "登记日期", field)
    not_after(on, today, field)
    return on


def assign(session: Session, registration_id: int, to_user_id: int | None, note: str,
           at: datetime | None = None) -> None:
    """分办 (or hand on) inside the station; the new handler sees it in their list."""
    actor_id = require_writer(session).user_id
    reg = _open(session, registration_id, "分办")
    handler = require_handler(session, to_user_id)
    text = clean_text(note, "分办说明", 300)
    reg.handler_id = handler.id
    reg.status = Status.IN_PROGRESS.value
    reg.department_id = None
    reg.department_name = ""
    _event(session, reg, EventKind.ASSIGN, actor_id, at, to_user_id=handler.id, text=text)


def transfer(session: Session, registration_id: int, department_id: int | None, note: str,
             at: datetime | None = None) -> None:
    """转办 to another office; the station keeps following it until the result is recorded."""
    actor_id = require_writer(session).user_id
    reg = _open(session, registration_id, "转办")
    dept = active_department(session, department_id)
    text = clean_text(note, "转办说明", 300)
    reg.department_id = dept.id
    reg.department_name = dept.name
    reg.status = Status.TRANSFERRED.value
    _event(session, reg, EventKind.TRANSFER, actor_id, at, department_id=dept.id, department_name=dept.name,
           text=text)


def close(session: Session, registration_id: int, result: str, result_date: date | str | None,
          at: datetime | None = None) -> None:
    """Record the result (办结): its text and date, no earlier than registration, no later than today."""
    actor_id = require_writer(session).user_id
    reg = _open(session, registration_id, "办结")
    text = clean_text(result, "办理结果", 1000, required=True, message="请填写办理结果。")
    today = (at or now()).date()
    day = _day(result_date, "办结日期", reg, today)
    reg.result = text
    reg.result_date = day
    reg.closed_by_id = actor_id
    reg.status = Status.DONE.value
    _event(session, reg, EventKind.RESULT, actor_id, at, on_date=day, text=text)


def follow_up(session: Session, registration_id: int, on_date: date | str | None, method: FollowUpMethod | str,
              satisfaction: Satisfaction | str | None, note: str, at: datetime | None = None) -> None:
    """回访: how the resident judged the outcome. Only for finished matters; the latest counts."""
    actor_id = require_writer(session).user_id
    reg = _load(session, registration_id)
    if reg.status != Status.DONE.value:
        raise UserError(f"受理编号 {reg.ticket_no} 尚未办结，办结后才能回访。")
    today = (at or now()).date()
    day = _day(on_date, "回访日期", reg, today)
    date_order(reg.result_date, day, "办结日期", "回访日期")
    if not satisfaction:
        raise UserError("请选择居民的满意程度。", field="满意度")
    level, how = Satisfaction(satisfaction), FollowUpMethod(method)
    text = clean_text(note, "回访情况", 500)
    reg.follow_up_date = day
    reg.satisfaction = level.value
    _event(session, reg, EventKind.FOLLOW_UP, actor_id, at, on_date=day, satisfaction=level.value,
           method=how.value, text=text)


def reopen(session: Session, registration_id: int, reason: str, new_due: date | str | None,
           at: datetime | None = None) -> None:
    """Back to 办理中 with a reason (e.g. the resident was not satisfied); the old result stays in the timeline."""
    actor_id = require_writer(session).user_id
    reg = _load(session, registration_id)
    if reg.status != Status.DONE.value:
        raise UserError(f"受理编号 {reg.ticket_no} {Status(reg.status).label}，只有已办结的事项才能重新办理。")
    text = clean_text(reason, "重新办理原因", 300, required=True, message="请填写重新办理的原因。")
    today = (at or now()).date()
    if new_due not in (None, ""):
        _set_due(reg, new_due, today)
    reg.status = Status.TRANSFERRED.value if reg.department_id else Status.IN_PROGRESS.value
    reg.handler_id = reg.handler_id or reg.first_responder_id
    reg.result = ""
    reg.result_date = None
    reg.closed_by_id = None
    reg.follow_up_date = None
    reg.satisfaction = ""
    _event(session, reg, EventKind.REOPEN, actor_id, at, on_date=reg.due_date, text=text)


def _set_due(reg: WindowRegistration, raw: date | str | None, today: date) -> None:
    due = parse_day(raw, "预计办结日期")
    date_order(reg.registered_on, due, "登记日期", "预计办结日期")
    if due < today:
        raise UserError("新的预计办结日期不能早于今天。", field="预计办结日期")
    if due - reg.registered_on > MAX_DUE_AHEAD:
        raise UserError("预计办结日期不能晚于登记日期两年以上，请核对。", field="预计办结日期")
    reg.due_date = due
    reg.due_manual = True
    reg.due_estimated = False


def change_due(session: Session, registration_id: int, new_due: date | str | None, reason: str,
               at: datetime | None = None) -> None:
    """调整预计办结日期 (e.g. the receiving department needs longer), with the reason on record."""
    actor_id = require_writer(session).user_id
    reg = _open(session, registration_id, "调整办结日期")
    text = clean_text(reason, "调整原因", 300, required=True, message="请填写调整办结日期的原因。")
    old = reg.due_date
    _set_due(reg, new_due, (at or now()).date())
    _event(session, reg, EventKind.DUE, actor_id, at, on_date=reg.due_date,
           text=f"{old:%Y-%m-%d} → {reg.due_date:%Y-%m-%d}：{text}")


def void(session: Session, registration_id: int, reason: str, at: datetime | None = None) -> None:
    """作废 a registration made by mistake; its number stays used. First responder or administrator."""
    acting = require_writer(session)
    actor_id = acting.user_id
    reg = _open(session, registration_id, "作废")
    if reg.first_responder_id != actor_id and acting.role is not Role.ADMIN:
        raise UserError("只有首问负责人或管理员可以作废这条登记。")
    text = clean_text(reason, "作废原因", 200, required=True, message="请填写作废原因。")
    reg.status = Status.VOID.value
    reg.void_reason = text
    _event(session, reg, EventKind.VOID, actor_id, at, text=text)


def record_print(session: Session, registration_id: int, what: str, at: datetime | None = None) -> None:
    """Note in the timeline and the audit trail that a paper was printed or saved (``what``: 打印一次性告知单 …)."""
    actor_id = require_writer(session).user_id
    reg = _load(session, registration_id)
    _event(session, reg, EventKind.PRINT, actor_id, at, text=what)
    audit.record_event(session, "window_registration", str(reg.id), f"{what}：{reg.ticket_no}")
