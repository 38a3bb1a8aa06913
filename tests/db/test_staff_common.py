"""Helpers for the staff tests (imported by them; this module's own test checks the helpers)."""

from __future__ import annotations

from datetime import date

from shuanbai_desktop.domain.idcard import make_id_number
from shuanbai_desktop.domain.labels import FacilityType
from shuanbai_desktop.domain.staff_labels import Certificate, Education, Source, StaffRole
from shuanbai_desktop.services import station
from shuanbai_desktop.services.staff import roster
from shuanbai_desktop.services.staff.roster import StaffInput

TODAY = date(2026, 11, 28)
HIRED = date(2021, 7, 1)


def id_number(seq: int, birth: date = date(1990, 5, 17)) -> str:
    return make_id_number("441302", birth, seq)


def staff_input(name: str, seq: int, role: StaffRole = StaffRole.SERVICE_WORKER,
                cert: Certificate = Certificate.ASSISTANT, hire_date: date = HIRED, **kw) -> StaffInput:
    return StaffInput(name, id_number(seq), kw.pop("education", Education.BACHELOR), role,
                      kw.pop("source", Source.INTEGRATED), hire_date, certificate=cert, **kw)


def hire(db, name: str, seq: int, role: StaffRole = StaffRole.SERVICE_WORKER,
         cert: Certificate = Certificate.ASSISTANT, hire_date: date = HIRED, **kw) -> int:
    with db.session() as s:
        return roster.save_staff(s, staff_input(name, seq, role, cert, hire_date, **kw), today=TODAY)


def villages(db) -> list[str]:
    with db.session() as s:
        return [v.code for v in station.list_villages(s)]


def add_point(db, name: str, codes: list[str], liaison: str = "") -> int:
    with db.session() as s:
        return station.save_service_point(s, station.ServicePointInput(
            name, FacilityType.PARTY_CENTER, "", liaison, "", tuple(codes)))


def test_helpers_make_valid_distinct_numbers():
    assert id_number(1) != id_number(2) and len(id_number(3)) == 18
