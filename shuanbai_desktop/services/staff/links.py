"""What ties a worker to the rest of the station: the point they lead, their records."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from ...data.models import ServicePoint
from ...data.models.staff import StaffContract, StaffMember, StaffPayMonth
from ...data.models.staff_activity import StaffAssessment, StaffSupervisionAttendee, StaffTrainingAttendee
from ...domain.staff_labels import StaffStatus
from ..records import get_or_error


def sync_liaison(session: Session, row: StaffMember) -> None:
    """A worker marked 社工点联络人 becomes the point's liaison (one per point, name and phone on the point)."""
    if not (row.is_liaison and row.point_id and row.status == StaffStatus.ACTIVE.value):
        return
    others = session.scalars(select(StaffMember).where(StaffMember.point_id == row.point_id,
                                                       StaffMember.is_liaison.is_(True),
                                                       StaffMember.id != row.id))
    for other in others:
        other.is_liaison = False
    point = get_or_error(session, ServicePoint, row.point_id, "社工点")
    if point.liaison_name != row.name:
        point.liaison_name = row.name
    if point.liaison_phone != row.phone:
        point.liaison_phone = row.phone
    session.flush()


def has_history(session: Session, staff_id: int) -> bool:
    from ...data.models.targets import VisitStaff
    tables = ((StaffContract, StaffContract.staff_id), (StaffPayMonth, StaffPayMonth.staff_id),
              (StaffAssessment, StaffAssessment.staff_id), (StaffTrainingAttendee, StaffTrainingAttendee.staff_id),
              (StaffSupervisionAttendee, StaffSupervisionAttendee.staff_id), (VisitStaff, VisitStaff.staff_id))
    return any(session.scalar(select(exists().where(column == staff_id))) for _, column in tables)

