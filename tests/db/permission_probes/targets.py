"""Probes for 服务对象与个案 and the person registry: registering and editing a resident, seeing a full ID
number, household files, visits, opening a case and reading one."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuanbai_desktop.data.models import User
from shuanbai_desktop.domain.target_labels import CaseSource, Relation, Risk, VisitForm
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import cases, households, visits
from shuanbai_desktop.services.targets.case_detail import case_detail
from shuanbai_desktop.services.targets.households import HouseholdInput, MemberInput

from . import World

TODAY = date(2025, 6, 30)
VILLAGE = "441302001001"


def _person(session: Session, name: str, number: str) -> int:
    return persons.save_person(session, PersonInput(name, number, village_code=VILLAGE), confirm_similar=True,
                               today=TODAY)


def setup(session: Session, world: World) -> None:
    head = _person(session, "欧阳建国", "440524194501010011")
    world.ids["targets.person"] = head
    world.ids["targets.loner"] = _person(session, "司马秀兰", "44052419520202002X")
    world.ids["targets.household"] = households.save_household(session, HouseholdInput(
        (MemberInput(head, Relation.HEAD),)))
    world.ids["targets.worker"] = session.scalar(select(User.id).where(User.username == "admin"))
    world.ids["targets.case"] = cases.open_case(session, cases.CaseInput(
        head, "生活困难", CaseSource.SELF, "本人来站求助", date(2025, 6, 2), None), TODAY)


def _create(session: Session, world: World) -> None:
    _person(session, "诸葛明远", "440524198001010013")


def _edit(session: Session, world: World) -> None:
    """What the edit form sends when only the phone changed: the ID number (never revealed) is None."""
    persons.save_person(session, PersonInput("欧阳建国", None, phone="13800138000", village_code=VILLAGE),
                        world.ids["targets.person"], confirm_similar=True, today=TODAY)


def _reveal(session: Session, world: World) -> None:
    persons.reveal_id_number(session, world.ids["targets.person"], "核对高龄津贴申请材料")


def _household(session: Session, world: World) -> None:
    households.save_household(session, HouseholdInput((MemberInput(world.ids["targets.loner"], Relation.HEAD),)))


def _visit(session: Session, world: World) -> None:
    visits.save_visit(session, visits.VisitInput(
        world.ids["targets.household"], date(2025, 6, 27), (world.ids["targets.worker"],),
        (world.ids["targets.person"],), VisitForm.HOME, "独居，身体尚可", Risk.MEDIUM), TODAY)


def _open_case(session: Session, world: World) -> None:
    cases.open_case(session, cases.CaseInput(world.ids["targets.loner"], "独居照料", CaseSource.VISIT,
                                             "走访发现独居，需要照料", date(2025, 6, 27), None), TODAY)


def _read_case(session: Session, world: World) -> None:
    case_detail(session, world.ids["targets.case"])


PROBES = {
    Permission.PERSON_CREATE: _create,
    Permission.PERSON_EDIT: _edit,
    Permission.PERSON_REVEAL_ID: _reveal,
    Permission.HOUSEHOLD_EDIT: _household,
    Permission.VISIT_RECORD: _visit,
    Permission.CASE_OPEN: _open_case,
    Permission.CASE_READ: _read_case,
}
