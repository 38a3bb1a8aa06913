"""事项目录: the station's matters with their materials, default handling, time limit and department.

The shipped entries are defaults for the station to adjust to its county's rules. A
registration copies name, materials and time limit when it is made, so editing a
matter here never changes past registrations. Changes need ``Permission.WINDOW_SETTINGS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models.window import WindowDepartment, WindowMatterType, WindowRegistration
from ...domain.counter_labels import Handling
from ...errors import UserError
from ..fields import clean_text
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new
from .common import lines, next_order, swap_order

MAX_LIMIT_DAYS = 365
MAX_MATERIALS = 30


@dataclass(frozen=True)
class MatterType:
    id: int
    name: str
    materials: tuple[str, ...]
    guidance: str
    default_handling: Handling
    time_limit_days: int
    department_id: int | None
    department_name: str
    active: bool
    sort_order: int
    registrations: int = 0
    version: int = 0  # what the edit form hands back to save_matter (a stale save is refused)

    @property
    def limit_text(self) -> str:
        return "当场办结" if self.time_limit_days == 0 else f"{self.time_limit_days} 个工作日"


@dataclass(frozen=True)
class MatterInput:
    name: str
    materials: str = ""
    guidance: str = ""
    default_handling: Handling = Handling.ASSIGN
    time_limit_days: int = 5
    department_id: int | None = None
    active: bool = True


def _row(m: WindowMatterType, departments: dict[int, str], counts: dict[int, int]) -> MatterType:
    return MatterType(m.id, m.name, tuple(lines(m.materials)), m.guidance, Handling(m.default_handling),
                      m.time_limit_days, m.department_id, departments.get(m.department_id or 0, ""),
                      m.active, m.sort_order, counts.get(m.id, 0), m.version)


def list_matters(session: Session, include_inactive: bool = False, with_counts: bool = False) -> list[MatterType]:
    query = select(WindowMatterType).order_by(WindowMatterType.sort_order, WindowMatterType.id)
    if not include_inactive:
        query = query.where(WindowMatterType.active.is_(True))
    departments = dict(session.execute(select(WindowDepartment.id, WindowDepartment.name)).all())
    counts = dict(session.execute(select(WindowRegistration.matter_type_id, func.count())
                                  .group_by(WindowRegistration.matter_type_id)).all()) if with_counts else {}
    return [_row(m, departments, counts) for m in session.scalars(query)]


def get_matter(session: Session, matter_id: int | None) -> MatterType:
    m = session.get(WindowMatterType, matter_id) if matter_id else None
    if m is None:
        raise UserError("请选择事项。", field="事项")
    departments = dict(session.execute(select(WindowDepartment.id, WindowDepartment.name)).all())
    return _row(m, departments, {})


def _validated(session: Session, data: MatterInput, matter_id: int | None) -> MatterInput:
    name = clean_text(data.name, "事项名称", 40, required=True)
    clash = session.scalar(select(WindowMatterType.id).where(WindowMatterType.name == name))
    if clash and clash != matter_id:
        raise UserError(f"事项目录中已有“{name}”。", field="事项名称")
    materials = [clean_text(line, "所需材料", 120) for line in lines(data.materials)]
    if len(materials) > MAX_MATERIALS:
        raise UserError(f"所需材料最多 {MAX_MATERIALS} 项（现在 {len(materials)} 项）。", field="所需材料")
    try:
        days = int(data.time_limit_days)
    except (TypeError, ValueError):
        raise UserError("办理时限应填写工作日天数（整数）。", field="办理时限") from None
    if not 0 <= days <= MAX_LIMIT_DAYS:
        raise UserError(f"办理时限应在 0 到 {MAX_LIMIT_DAYS} 个工作日之间（0 表示当场办结）。", field="办理时限")
    handling = Handling(data.default_handling)
    dept = session.get(WindowDepartment, data.department_id) if data.department_id else None
    if handling is Handling.TRANSFER and dept is None:
        raise UserError("默认办理方式为转办时，须选择接收部门。", field="接收部门")
    if dept is not None and not dept.active:
        raise UserError(f"转办部门“{dept.name}”已停用，请选择其他部门。", field="接收部门")
    return MatterInput(name, "\n".join(materials), clean_text(data.guidance, "办理说明", 500), handling, days,
                       dept.id if dept else None, bool(data.active))


def save_matter(session: Session, data: MatterInput, matter_id: int | None = None,
                version: int | None = None) -> int:
    """``version``: the ``MatterType.version`` the form was opened on (a save after someone else's is refused)."""
    require(session, Permission.WINDOW_SETTINGS)
    clean_data = _validated(session, data, matter_id)
    matter = get_or_new(session, WindowMatterType, matter_id, "事项", version)
    matter.name = clean_data.name
    matter.materials = clean_data.materials
    matter.guidance = clean_data.guidance
    matter.default_handling = clean_data.default_handling.value
    matter.time_limit_days = clean_data.time_limit_days
    matter.department_id = clean_data.department_id
    matter.active = clean_data.active
    if matter_id is None:
        matter.sort_order = next_order(session, WindowMatterType)
        session.add(matter)
    session.flush()
    return matter.id


def set_active(session: Session, matter_id: int, active: bool) -> None:
    """Matters are never deleted (past registrations refer to them); they are stopped instead."""
    require(session, Permission.WINDOW_SETTINGS)
    matter = get_or_error(session, WindowMatterType, matter_id, "事项")
    matter.active = active


def move(session: Session, matter_id: int, step: int) -> None:
    require(session, Permission.WINDOW_SETTINGS)
    swap_order(session, WindowMatterType, matter_id, step)
