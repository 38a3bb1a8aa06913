"""Probes for 人员: the pay table (STAFF_EDIT), the roster with full ID numbers (STAFF_EXPORT_FULL)
and a supervision visit (SUPERVISION_RECORD)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from shuanbai_desktop.domain.idcard import make_id_number
from shuanbai_desktop.domain.staff_labels import Certificate, Education, Source, StaffRole
from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.services.staff import ledgers, pay_table, supervision
from shuanbai_desktop.services.staff.roster import StaffInput, save_staff

from . import World

TODAY = date(2025, 6, 30)


def setup(session: Session, world: World) -> None:
    world.ids["staff.worker"] = save_staff(session, StaffInput(
        "林丽娟", make_id_number("441302", date(1992, 5, 17), 24), Education.BACHELOR, StaffRole.SERVICE_WORKER,
        Source.RECRUITED, date(2022, 7, 1), phone="13926881234"), today=TODAY)


def _pay_level(session: Session, world: World) -> None:
    pay_table.save_level(session, pay_table.PayLevelInput("二级", Certificate.ASSISTANT, 0, "3400", "1000"))


def _full_roster(session: Session, world: World) -> None:
    ledgers.export_roster(session, world.tmp / "人员名册.xlsx", full_ids=True, today=TODAY)


def _supervision(session: Session, world: World) -> None:
    supervision.save_supervision(session, supervision.SupervisionInput(
        date(2025, 6, 12), "刘督导", "16", (world.ids["staff.worker"],), date(2025, 6, 13), "惠州市双百工程督导中心",
        "个案督导与记录抽查"), today=TODAY)


PROBES = {Permission.STAFF_EDIT: _pay_level, Permission.STAFF_EXPORT_FULL: _full_roster,
          Permission.SUPERVISION_RECORD: _supervision}
