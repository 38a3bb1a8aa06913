"""Issue 15: a visit by workers on the roster who have no account; the logged-in user is 录入人."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shuanbai_desktop.data.models.targets import Household, VisitStaff, VisitWorker
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import Relation, Risk, VisitForm
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.report import ledgers_people
from shuanbai_desktop.services.staff import leaving, roster
from shuanbai_desktop.services.targets import households, visits
from tests.conftest import BOTH

from .test_staff_common import hire

BACKENDS = BOTH

TODAY = date(2026, 11, 28)
VILLAGE = "441302001001"


@pytest.fixture
def setting(station_db):
    """A worker with an account (sg1, on the roster), one without, one who left, and a household."""
    with station_db.session() as s:
        account = auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, "Shegong2024", must_change=False).id
        head = persons.save_person(s, PersonInput("陈伯", "440524194501010011", village_code=VILLAGE), today=TODAY)
        hid = households.save_household(s, households.HouseholdInput((households.MemberInput(head, Relation.HEAD),)))
    with_account = hire(station_db, "黄志明", 1, user_id=account)
    without = hire(station_db, "林小红", 2)
    gone = hire(station_db, "周离", 3)
    with station_db.session() as s:
        leaving.leave_station(s, gone, leaving.LeaveInput(date(2026, 6, 30), "调动"), TODAY)
    return {"account": account, "with_account": with_account, "without": without, "gone": gone, "hid": hid,
            "head": head}


def _visit(d, workers=(), roster_ids=()):
    return visits.VisitInput(d["hid"], date(2026, 11, 2), workers, (d["head"],), VisitForm.HOME, "情况稳定",
                             Risk.LOW, staff_ids=roster_ids)


def test_any_roster_worker_can_be_the_visitor(station_db, setting):
    d = setting
    worker = auth.log_in(station_db, "sg1", "Shegong2024")
    with station_db.session() as s:
        choices = visits.visitor_choices(s)
    names = [c.name for c in choices]
    assert "林小红" in names and "黄志明" in names and "周离" not in names
    assert names.count("黄志明") == 1  # the roster record and its account are one choice
    mine = [c for c in choices if c.name == "黄志明"][0]
    assert (mine.staff_id, mine.user_id, mine.key) == (d["with_account"], d["account"], f"staff:{d['with_account']}")
    # an account not on the roster (the administrator) can still be chosen
    assert any(c.staff_id is None and c.user_id is not None for c in choices)
    with station_db.session(worker.actor) as s:
        vid = visits.save_visit(s, _visit(d, roster_ids=(d["without"], d["with_account"])), TODAY)
    with station_db.session() as s:
        # the roster worker with an account is stored by the account (the due lists count it)
        assert set(s.scalars(select(VisitWorker.user_id).where(VisitWorker.visit_id == vid))) == {d["account"]}
        assert set(s.scalars(select(VisitStaff.staff_id).where(VisitStaff.visit_id == vid))) == {d["without"]}
        row, data = visits.get_visit(s, vid)
        assert set(row.workers.split("、")) == {"黄志明", "林小红"}
        assert row.recorded_by == "黄志明（sg1）"
        assert data.staff_ids == (d["without"],) and data.worker_ids == (d["account"],)
        assert s.get(Household, d["hid"]).worker_id == d["account"]
        ledger = list(ledgers_people._visits(s, date(2026, 11, 1), date(2026, 11, 30)))
        assert set(ledger[0][4].split("、")) == {"黄志明", "林小红"} and ledger[0][-1] == "sg1"
        # the one who left is offered again when their old visit is corrected
        keep = visits.VisitInput(d["hid"], date(2026, 5, 2), (), (d["head"],), VisitForm.HOME, "x", Risk.LOW,
                                 staff_ids=(d["gone"],))
        assert "周离" in [c.name for c in visits.visitor_choices(s, keep)]
        # a worker who visited cannot be deleted as "entered by mistake"
        with pytest.raises(UserError, match="走访记录"):
            roster.delete_staff(s, d["without"])


def test_a_visit_by_roster_workers_alone_keeps_the_household_worker_unset(station_db, setting):
    d = setting
    with station_db.session() as s:
        vid = visits.save_visit(s, _visit(d, roster_ids=(d["without"],)), TODAY)
        assert s.get(Household, d["hid"]).worker_id is None
        assert visits.get_visit(s, vid)[0].workers == "林小红"
        visits.save_visit(s, _visit(d, roster_ids=(d["gone"],)), TODAY, visit_id=vid)  # corrected: another worker
        assert visits.get_visit(s, vid)[0].workers == "周离"
        visits.delete_visit(s, vid)
        assert s.scalars(select(VisitStaff)).all() == []


def test_nobody_or_an_unknown_worker_is_refused(station_db, setting):
    d = setting
    with station_db.session() as s:
        with pytest.raises(UserError, match="至少选择一位走访社工") as err:
            visits.save_visit(s, _visit(d), TODAY)
        assert err.value.field == "走访社工"
        with pytest.raises(UserError, match="不在人员名册中"):
            visits.save_visit(s, _visit(d, roster_ids=(9999,)), TODAY)
