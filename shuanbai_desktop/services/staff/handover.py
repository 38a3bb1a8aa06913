"""Handover (离职交接): everything in a worker's name, reassigned in bulk in one audited transaction.

Sources are pluggable. This module knows the staff's own (service points led, villages served)
and reads the other features' tables by their names when those tables exist (cases and
households by account, window matters by handler, assets and archive loans by staff id).
A feature may add its own with ``register_source``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models import ServicePoint, Village
from ...data.models.staff import StaffVillage
from ...domain.staff_labels import StaffRole, StaffStatus
from ...errors import UserError
from ..permissions import Permission, require
from .common import member


@dataclass(frozen=True)
class Holder:
    staff_id: int
    user_id: int | None
    name: str


@dataclass(frozen=True)
class HandoverItem:
    source: str
    item_id: str
    kind: str  # what it is, e.g. "未结个案"
    title: str
    detail: str = ""


@dataclass(frozen=True)
class HandoverSource:
    key: str
    label: str
    needs_account: bool  # the receiver must have a log-in account (records kept by account)
    list_items: Callable[[Session, Holder], list[HandoverItem]]
    reassign: Callable[[Session, list[str], Holder, Holder], None]


SOURCES: dict[str, HandoverSource] = {}


def register_source(source: HandoverSource) -> HandoverSource:
    SOURCES[source.key] = source
    return source


def holder_of(session: Session, staff_id: int) -> Holder:
    s = member(session, staff_id)
    return Holder(s.id, s.user_id, s.name)


# --- the staff's own -----------------------------------------------------------------
def _points_led(session: Session, holder: Holder) -> list[HandoverItem]:
    s = member(session, holder.staff_id)
    query = select(ServicePoint).where(ServicePoint.active.is_(True))
    points = [p for p in session.scalars(query.order_by(ServicePoint.id))
              if (s.is_liaison and s.point_id == p.id) or p.liaison_name == holder.name]
    return [HandoverItem("staff.point", str(p.id), "社工点联络人", p.name) for p in points]


def _reassign_points(session: Session, ids: list[str], old: Holder, new: Holder) -> None:
    leaver = member(session, old.staff_id)
    receiver = member(session, new.staff_id)
    for point in session.scalars(select(ServicePoint).where(ServicePoint.id.in_([int(i) for i in ids]))):
        point.liaison_name = receiver.name
        point.liaison_phone = receiver.phone
        if leaver.point_id == point.id:
            leaver.is_liaison = False
        if receiver.role == StaffRole.SERVICE_WORKER.value and receiver.point_id in (None, point.id):
            receiver.point_id = point.id
            receiver.is_liaison = True


def _villages_served(session: Session, holder: Holder) -> list[HandoverItem]:
    query = (select(Village.code, Village.name).join(StaffVillage, StaffVillage.village_code == Village.code)
             .where(StaffVillage.staff_id == holder.staff_id).order_by(Village.code))
    return [HandoverItem("staff.village", code, "负责的村(居)", name) for code, name in session.execute(query)]


def _reassign_villages(session: Session, ids: list[str], old: Holder, new: Holder) -> None:
    leaver = member(session, old.staff_id)
    receiver = member(session, new.staff_id)
    have = {v.village_code for v in receiver.villages}
    for link in [v for v in leaver.villages if v.village_code in ids]:
        leaver.villages.remove(link)
        if link.village_code not in have:
            receiver.villages.append(StaffVillage(village_code=link.village_code))


register_source(HandoverSource("staff.point", "社工点联络人", False, _points_led, _reassign_points))
register_source(HandoverSource("staff.village", "负责的村(居)", False, _villages_served, _reassign_villages))


# --- moving items -----------------------------------------------------------------
def handover_list(session: Session, staff_id: int) -> list[HandoverItem]:
    """Everything in the worker's name, source by source (cases, matters, assets, loans, points …)."""
    from . import handover_tables  # noqa: F401  (registers the other features' sources)
    holder = holder_of(session, staff_id)
    return [item for source in SOURCES.values() for item in source.list_items(session, holder)]


@dataclass(frozen=True)
class Move:
    source: str
    item_id: str
    to_staff_id: int


def _receiver(session: Session, staff_id: int, leaver: Holder) -> Holder:
    row = member(session, staff_id)
    if row.id == leaver.staff_id:
        raise UserError(f"不能移交给“{row.name}”本人，请选择其他接收人。", field="接收人")
    if row.status != StaffStatus.ACTIVE.value:
        raise UserError(f"“{row.name}”已离职，不能接收移交。", field="接收人")
    return Holder(row.id, row.user_id, row.name)


def hand_over(session: Session, from_staff_id: int, moves: list[Move]) -> int:
    """Reassign the chosen items; every item must still be in the leaver's name. Returns how many moved."""
    require(session, Permission.STAFF_EDIT)
    leaver = holder_of(session, from_staff_id)
    current = {(i.source, i.item_id): i for i in handover_list(session, from_staff_id)}
    groups: dict[tuple[str, int], list[str]] = {}
    for move in moves:
        item = current.get((move.source, move.item_id))
        if item is None:
            raise UserError("有事项已不在该人员名下（可能刚被别人处理过），请关闭后重新打开交接清单。")
        groups.setdefault((move.source, move.to_staff_id), []).append(move.item_id)
    for (key, to_id), ids in groups.items():
        receiver, source = _receiver(session, to_id, leaver), SOURCES[key]
        if source.needs_account and receiver.user_id is None:
            raise UserError(f"“{receiver.name}”没有关联登录账户，不能接收“{source.label}”。"
                            "请先在其人员档案中关联登录账户，或选择其他接收人。", field="接收人")
        source.reassign(session, ids, leaver, receiver)
    session.flush()
    return len(moves)
