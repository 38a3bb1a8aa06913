"""One view of everything about a household: members, groups, benefits, visits, cases, window matters,
attachments (一户一档). Other areas add their lines through ``MATTER_SOURCES``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from .. import attachments, persons
from ..attachments import AttachmentRow
from ..persons import PersonDetail
from .cases import CaseFilter, CaseRow, list_cases
from .households import HouseholdInfo, get_household
from .visits import VisitFilter, VisitRow, list_visits


@dataclass(frozen=True)
class MatterLine:
    """A line another area (the service window) shows in the household file."""

    day: date
    person_name: str
    title: str
    state: str


#: ``fn(session, person_ids) -> list[MatterLine]``; the service window registers one for its matters.
MATTER_SOURCES: list[Callable[[Session, list[int]], list[MatterLine]]] = []


@dataclass(frozen=True)
class HouseholdFile:
    info: HouseholdInfo
    members: tuple[PersonDetail, ...]
    visits: tuple[VisitRow, ...]
    cases: tuple[CaseRow, ...]
    matters: tuple[MatterLine, ...]
    attachments: tuple[tuple[str, AttachmentRow], ...]  # (whose: 户档 / member name / case no, row)


def household_file(session: Session, db_path: Path, household_id: int, visits_limit: int = 50) -> HouseholdFile:
    info = get_household(session, household_id)
    ids = [m.person_id for m in info.members]
    members = tuple(persons.get_person(session, pid) for pid in ids)
    visits = tuple(list_visits(session, VisitFilter(household_id=household_id), limit=visits_limit))
    cases = tuple(list_cases(session, CaseFilter(person_ids=tuple(ids)))) if ids else ()
    matters = tuple(sorted((line for source in MATTER_SOURCES for line in source(session, ids)),
                           key=lambda m: m.day, reverse=True))
    files = [("户档", a) for a in attachments.list_attachments(session, db_path, "household", household_id)]
    files += [(m.name, a) for m in members for a in attachments.list_attachments(session, db_path, "person", m.id)]
    files += [(c.case_no, a) for c in cases
              for a in attachments.list_attachments(session, db_path, "case_record", c.id)]
    return HouseholdFile(info, members, visits, cases, matters, tuple(files))
