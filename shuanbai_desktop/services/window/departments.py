"""转办部门: the offices and departments the station transfers matters to (edited with
``Permission.WINDOW_SETTINGS``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.window import WindowDepartment, WindowMatterType
from ...domain.phone import validate_phone
from ...errors import UserError
from ..fields import clean_text
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new
from .common import next_order, swap_order


@dataclass(frozen=True)
class Department:
    id: int
    name: str
    contact: str
    phone: str
    address: str
    active: bool
    sort_order: int


@dataclass(frozen=True)
class DepartmentInput:
    name: str
    contact: str = ""
    phone: str = ""
    address: str = ""
    active: bool = True


def _row(d: WindowDepartment) -> Department:
    return Department(d.id, d.name, d.contact, d.phone, d.address, d.active, d.sort_order)


def list_departments(session: Session, include_inactive: bool = False) -> list[Department]:
    query = select(WindowDepartment).order_by(WindowDepartment.sort_order, WindowDepartment.id)
    if not include_inactive:
        query = query.where(WindowDepartment.active.is_(True))
    return [_row(d) for d in session.scalars(query)]


def save_department(session: Session, data: DepartmentInput, department_id: int | None = None) -> int:
    require(session, Permission.WINDOW_SETTINGS)
    name = clean_text(data.name, "部门名称", 40, required=True)
    clash = session.scalar(select(WindowDepartment.id).where(WindowDepartment.name == name))
    if clash and clash != department_id:
        raise UserError(f"已有名为“{name}”的转办部门。", field="部门名称")
    dept = get_or_new(session, WindowDepartment, department_id, "转办部门")
    dept.name = name
    dept.contact = clean_text(data.contact, "联系人", 60)
    dept.phone = validate_phone(data.phone or "", field="部门电话")
    dept.address = clean_text(data.address, "地址", 120)
    dept.active = bool(data.active)
    if department_id is None:
        dept.sort_order = next_order(session, WindowDepartment)
        session.add(dept)
    session.flush()
    return dept.id


def set_active(session: Session, department_id: int, active: bool) -> None:
    """Departments are never deleted (past transfers name them); they are stopped instead."""
    require(session, Permission.WINDOW_SETTINGS)
    dept = get_or_error(session, WindowDepartment, department_id, "转办部门")
    if not active:
        users = session.scalars(select(WindowMatterType.name).where(
            WindowMatterType.department_id == department_id, WindowMatterType.active.is_(True))).all()
        if users:
            raise UserError(f"事项“{'、'.join(users[:3])}”默认转办到“{dept.name}”，"
                            "请先在事项目录中改为其他部门，再停用。", field="部门名称")
    dept.active = active


def move(session: Session, department_id: int, step: int) -> None:
    """Move a department up (-1) or down (+1) in the list order."""
    require(session, Permission.WINDOW_SETTINGS)
    swap_order(session, WindowDepartment, department_id, step)

