"""Staffing checks (R1.2, R1.4) for the station page and 工作台."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ...data.models import ServicePoint
from ...data.models.staff import StaffMember
from ...domain.staff_labels import Certificate, StaffRole, StaffStatus
from ...domain.staff_staffing import StaffingChecks, Worker
from ...domain.staff_staffing import staffing_checks as compute
from ..records import village_names
from .common import pairs


def staffing_checks(session: Session) -> StaffingChecks:
    """事务性 posts filled, 服务性 headcount against villages, each point staffed, certified share."""
    staff = session.scalars(select(StaffMember).where(StaffMember.status == StaffStatus.ACTIVE.value)
                            .options(selectinload(StaffMember.villages)))
    workers = [Worker(s.name, StaffRole(s.role), Certificate(s.certificate), s.point_id,
                      tuple(v.village_code for v in s.villages)) for s in staff]
    villages = village_names(session)
    points = pairs(session, (select(ServicePoint.id, ServicePoint.name)
                                  .where(ServicePoint.active.is_(True)).order_by(ServicePoint.id)))
    return compute(workers, villages, points)
