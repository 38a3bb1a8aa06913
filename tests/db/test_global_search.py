"""全局搜索 (services/global_search): every kind is found by its key, grouped; what a role may not read is not
searched (个案 without 查看个案内容; ID and phone digits for the supervisor), and nothing unmasked leaves it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shuanbai_desktop.data import audit
from shuanbai_desktop.data.models import Person, User
from shuanbai_desktop.data.models.archives import ArchiveFile
from shuanbai_desktop.data.models.assets import Asset
from shuanbai_desktop.data.models.cases import CaseRecord
from shuanbai_desktop.data.models.staff import StaffMember
from shuanbai_desktop.data.models.targets import Household
from shuanbai_desktop.data.models.window import WindowRegistration
from shuanbai_desktop.demo import generate_demo
from shuanbai_desktop.services import global_search
from tests.conftest import build_template

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def station_template(station_template, tmp_path_factory):
    return build_template(tmp_path_factory, station_template,
                          lambda db: generate_demo(db, residents=400, today=TODAY))


def _actor(db, username: str) -> audit.Actor:
    with db.session() as s:
        return audit.Actor(s.scalar(select(User.id).where(User.username == username)), username)


def _search(db, text: str, username: str = "admin") -> global_search.SearchResult:
    with db.session(_actor(db, username)) as s:
        return global_search.search(s, text, TODAY)


def _ids(result: global_search.SearchResult, kind: str) -> list[int]:
    return [hit.id for hit in result.hits if hit.kind == kind]


def _resident(db) -> Person:
    """A resident with an ID number, a phone, a household and a case (the demo makes such people)."""
    with db.session() as s:
        query = (select(Person).join(CaseRecord, CaseRecord.person_id == Person.id)
                 .where(Person.household_id.is_not(None), Person.phone != "", Person.id_number.is_not(None))
                 .order_by(Person.id))
        person = s.scalars(query).first()
        s.expunge(person)
        return person


def test_each_kind_is_found_by_its_key(station_db):
    db = station_db
    with db.session() as s:
        ticket = s.scalars(select(WindowRegistration).order_by(WindowRegistration.id)).first()
        case = s.scalars(select(CaseRecord).order_by(CaseRecord.id)).first()
        household = s.scalars(select(Household).order_by(Household.id)).first()
        staff = s.scalars(select(StaffMember).order_by(StaffMember.id)).first()
        asset = s.scalars(select(Asset).order_by(Asset.id)).first()
        archive = s.scalars(select(ArchiveFile).order_by(ArchiveFile.id)).first()
        keys = {"window": (ticket.ticket_no, ticket.id), "case": (case.case_no, case.id),
                "household": (household.name, household.id), "staff": (staff.name, staff.id),
                "asset": (asset.code, asset.id), "archive": (archive.number, archive.id)}
    for kind, (text, record_id) in keys.items():
        result = _search(db, text)
        assert record_id in _ids(result, kind), (kind, text)
        group = next(g for g in result.groups if g.kind == kind)
        assert group.label == global_search.KIND_LABELS[kind]
        hit = next(h for h in group.hits if h.id == record_id)
        assert text in hit.title or text in hit.detail


def test_a_name_finds_the_person_household_and_case(station_db):
    person = _resident(station_db)
    result = _search(station_db, person.name)
    assert person.id in _ids(result, "person")
    assert person.household_id in _ids(result, "household")
    with station_db.session() as s:
        case_ids = set(s.scalars(select(CaseRecord.id).where(CaseRecord.person_id == person.id)))
    assert case_ids & set(_ids(result, "case"))
    kinds = [g.kind for g in result.groups]
    assert kinds == sorted(kinds, key=[k for k, _ in global_search.KINDS].index)  # groups in a fixed order


def test_pinyin_initials_and_id_tail_find_the_resident(station_db):
    person = _resident(station_db)
    by_initials = _search(station_db, person.name_initials)
    tail = _search(station_db, person.id_number[-6:])
    phone = _search(station_db, person.phone[-8:])
    assert person.id in _ids(tail, "person") and person.id in _ids(phone, "person")
    assert person.id in _ids(by_initials, "person") or any(g.more for g in by_initials.groups if g.kind == "person")
    hit = next(h for h in tail.hits if h.id == person.id and h.kind == "person")
    assert person.id_number not in hit.detail and person.id_number[-4:] in hit.detail  # masked, tail shown
    assert person.phone not in "".join(h.detail for h in phone.hits)


def test_many_hits_are_limited_and_say_there_are_more(station_db):
    with station_db.session() as s:
        names = list(s.scalars(select(Person.name)))
    common = max(set(names), key=lambda n: sum(n[0] in other for other in names))[0]
    result = _search(station_db, common)
    group = next(g for g in result.groups if g.kind == "person")
    assert len(group.hits) == global_search.PER_KIND and group.more and group.heading.endswith("+）")


def test_supervisor_sees_no_id_tails_and_cannot_search_by_number(station_db):
    person = _resident(station_db)
    result = _search(station_db, person.id_number[-6:], "dudao")
    assert _ids(result, "person") == [] and _ids(result, "household") == []
    by_name = _search(station_db, person.name, "dudao")
    assert person.id in _ids(by_name, "person")
    details = "".join(h.detail for h in by_name.hits)
    assert person.id_number[-4:] not in details and "*" not in details
    assert "case" in by_name.kinds and _ids(by_name, "case")  # 督导 reads cases (查看个案内容)


def test_counter_clerk_gets_no_cases(station_db):
    person = _resident(station_db)
    with station_db.session() as s:
        case_no = s.scalar(select(CaseRecord.case_no).where(CaseRecord.person_id == person.id))
    clerk = _search(station_db, case_no, "window1")
    assert "case" not in clerk.kinds and _ids(clerk, "case") == []
    assert _ids(_search(station_db, case_no, "sg1"), "case")
    tail = _search(station_db, person.id_number[-6:], "window1")  # the counter finds residents by ID tail
    assert person.id in _ids(tail, "person")


def test_empty_and_odd_text(station_db):
    assert _search(station_db, "   ").groups == ()
    assert _search(station_db, "%").groups == () or all(g.hits for g in _search(station_db, "%").groups)
    nothing = _search(station_db, "不存在的名字甲乙丙")
    assert nothing.groups == () and nothing.hits == []
    _search(station_db, "x" * 500)  # long input is cut, not an error


def test_search_writes_nothing(station_db):
    from shuanbai_desktop.data.models import AuditEntry
    with station_db.session() as s:
        before = len(list(s.scalars(select(AuditEntry.id))))
    _search(station_db, "李")
    with station_db.session() as s:
        assert len(list(s.scalars(select(AuditEntry.id)))) == before
