"""Leaving the station: the handover list, bulk reassignment, contract ended, account disabled, audit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry, ServicePoint
from shuanbai_desktop.data.models.staff import StaffMember, StaffVillage
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.staff_labels import ContractStatus, StaffStatus
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.staff import contracts, roster
from shuanbai_desktop.services.staff.contracts import ContractInput
from shuanbai_desktop.services.staff.handover import Move, hand_over, handover_list
from shuanbai_desktop.services.staff.handover_tables import mapped_class
from shuanbai_desktop.services.staff.leaving import LeaveInput, leave_station, rejoin
from tests.conftest import BOTH
from tests.db.test_staff_common import TODAY, add_point, hire, villages

BACKENDS = BOTH


@pytest.fixture
def team(station_db):
    """A liaison with two villages, a colleague with an account, one without; a contract running."""
    codes = villages(station_db)
    point = add_point(station_db, "东湖社工点", codes[:3])
    with station_db.session() as s:
        sg = auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
        sg2 = auth.create_user(s, "sg2", "林丽娟", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
    leaver = hire(station_db, "黄志明", 1, point_id=point, is_liaison=True, village_codes=tuple(codes[:2]),
                  user_id=sg.id)
    receiver = hire(station_db, "林丽娟", 2, point_id=point, village_codes=(codes[1],), user_id=sg2.id)
    plain = hire(station_db, "曾嘉豪", 3, point_id=point)
    with station_db.session() as s:
        contracts.add_contract(s, leaver, ContractInput(date(2024, 7, 1), date(2027, 6, 30)), TODAY)
    return dict(leaver=leaver, receiver=receiver, plain=plain, point=point, codes=codes, user=sg)


def _items(db, staff_id):
    with db.session() as s:
        return handover_list(s, staff_id)


def _leave(db, staff_id, moves, reason="个人辞职", on=TODAY):
    with db.session() as s:
        return leave_station(s, staff_id, LeaveInput(on, reason, tuple(moves)), TODAY)


def test_the_handover_list_names_points_and_villages(station_db, team):
    items = _items(station_db, team["leaver"])
    assert [(i.kind, i.title) for i in items] == [("社工点联络人", "东湖社工点"),
                                                  ("负责的村(居)", items[1].title), ("负责的村(居)", items[2].title)]


def test_leaving_is_refused_while_anything_is_left_and_nothing_changes(station_db, team):
    first = _items(station_db, team["leaver"])[0]
    with pytest.raises(UserError) as err:
        _leave(station_db, team["leaver"], [Move(first.source, first.item_id, team["receiver"])])
    assert err.value.field == "接收人" and "还有 2 项未指定接收人" in err.value.message
    with station_db.session() as s:
        assert s.get(StaffMember, team["leaver"]).status == StaffStatus.ACTIVE.value
        assert s.get(ServicePoint, team["point"]).liaison_name == "黄志明"


def test_only_the_administrator_hands_over_and_signs_a_worker_off(station_db, team):
    """The leaver's own account (a social worker) can neither leave, disable itself nor move items."""
    moves = [Move(i.source, i.item_id, team["receiver"]) for i in _items(station_db, team["leaver"])]
    with pytest.raises(UserError, match="“社工”角色不能维护人员档案"), station_db.session(team["user"].actor) as s:
        leave_station(s, team["leaver"], LeaveInput(TODAY, "个人辞职", tuple(moves)), TODAY)
    with pytest.raises(UserError, match="“社工”角色不能维护人员档案"), station_db.session(team["user"].actor) as s:
        hand_over(s, team["leaver"], moves)
    assert len(_items(station_db, team["leaver"])) == 3
    with station_db.session() as s:
        assert s.get(StaffMember, team["leaver"]).status == StaffStatus.ACTIVE.value
        assert not auth.get_user(s, team["user"].id).disabled


def test_hand_over_everything_and_leave(station_db, team):
    moves = [Move(i.source, i.item_id, team["receiver"]) for i in _items(station_db, team["leaver"])]
    assert _leave(station_db, team["leaver"], moves) == 3
    with station_db.session() as s:
        leaver, receiver = s.get(StaffMember, team["leaver"]), s.get(StaffMember, team["receiver"])
        point = s.get(ServicePoint, team["point"])
        served = set(s.scalars(select(StaffVillage.village_code).where(StaffVillage.staff_id == receiver.id)))
        history = contracts.contracts_of(s, team["leaver"], TODAY)
        user = auth.get_user(s, team["user"].id)
        event = s.scalar(select(AuditEntry).where(AuditEntry.action == "event", AuditEntry.table_name == "staff_member"))
    assert (leaver.status, leaver.leave_date, leaver.is_liaison) == ("left", TODAY, False)
    assert receiver.is_liaison and (point.liaison_name, point.liaison_phone) == ("林丽娟", "")
    assert served == set(team["codes"][:2]) and _items(station_db, team["leaver"]) == []
    assert history[0].status is ContractStatus.TERMINATED and history[0].termination_reason == "离职：个人辞职"
    assert user.disabled
    assert event.summary == "离职交接：黄志明，移交 3 项，解除合同 1 份"


def test_the_receiver_must_be_someone_else_on_the_staff(station_db, team):
    item = _items(station_db, team["leaver"])[1]
    with pytest.raises(UserError) as err:
        _leave(station_db, team["leaver"], [Move(item.source, item.item_id, team["leaver"])])
    assert err.value.field == "接收人" and "本人" in err.value.message


def test_households_move_by_account_and_assets_by_staff_id(station_db, team):
    household, asset = mapped_class("household", ("worker_id",)), mapped_class("asset", ("custodian_staff_id",))
    if household is None or asset is None:
        pytest.fail("the targets and assets models are part of this build")
    with station_db.session() as s:
        s.add(household(name="张三户", worker_id=team["user"].id))
        s.add(asset(code="SB-2024-001", name="台式电脑", category="equipment", purchase_date=date(2024, 3, 1),
                    value=Decimal("4200"), status="in_use", custodian_name="黄志明",
                    custodian_staff_id=team["leaver"]))
    kinds = {i.kind: i for i in _items(station_db, team["leaver"])}
    assert kinds["负责的户档"].title == "张三户" and kinds["保管的资产"].title == "SB-2024-001 台式电脑"
    with pytest.raises(UserError) as err:
        _leave(station_db, team["leaver"], [Move(i.source, i.item_id, team["plain"])
                                            for i in _items(station_db, team["leaver"])])
    assert "“曾嘉豪”没有关联登录账户" in err.value.message and err.value.field == "接收人"
    _leave(station_db, team["leaver"], [Move(i.source, i.item_id, team["receiver"])
                                        for i in _items(station_db, team["leaver"])])
    with station_db.session() as s:
        h = s.scalar(select(household))
        a = s.scalar(select(asset))
    assert h.worker_id == s.get(StaffMember, team["receiver"]).user_id
    assert (a.custodian_staff_id, a.custodian_name) == (team["receiver"], "林丽娟")


def test_a_worker_who_left_is_listed_as_left(station_db, team):
    moves = [Move(i.source, i.item_id, team["receiver"]) for i in _items(station_db, team["leaver"])]
    _leave(station_db, team["leaver"], moves, on=date(2026, 11, 20))
    with station_db.session() as s:
        left = roster.list_staff(s, StaffStatus.LEFT)
    assert [(r.name, r.leave_date, r.leave_reason) for r in left] == [("黄志明", date(2026, 11, 20), "个人辞职")]
    with pytest.raises(UserError, match="已于 2026-11-20 离职"):
        _leave(station_db, team["leaver"], [])


def test_a_former_worker_rejoins_on_a_later_date(station_db, team):
    moves = [Move(i.source, i.item_id, team["receiver"]) for i in _items(station_db, team["leaver"])]
    _leave(station_db, team["leaver"], moves, on=date(2026, 3, 31))
    with pytest.raises(UserError) as err, station_db.session() as s:
        rejoin(s, team["leaver"], date(2026, 3, 31))
    assert err.value.field == "入职日期"
    with station_db.session() as s:
        rejoin(s, team["leaver"], date(2026, 9, 1))
        row = s.get(StaffMember, team["leaver"])
    with station_db.session() as s:  # the trail as saved (on a server its rows are appended at the commit)
        event = s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "event")
                          .order_by(AuditEntry.id)).all()[-1]
    assert (row.status, row.hire_date, row.leave_date) == ("active", date(2026, 9, 1), None)
    assert event.startswith("重新入职：黄志明，原入职 2021-07-01，离职 2026-03-31")
