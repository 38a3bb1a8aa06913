"""Asset events: issue and return, moves, repair, disposal; refusals leave the asset unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models.assets import AssetEvent
from shuanbai_desktop.domain.asset_rules import AssetStatus, EventKind
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.assets import events, register
from shuanbai_desktop.services.assets.events import EventInput
from tests.conftest import BOTH
from tests.db.test_assets_register import TODAY, add_point, laptop
from tests.db.test_attachments import add_user

BACKENDS = BOTH


@pytest.fixture
def asset_id(station_db, admin):
    with station_db.session(admin.actor) as s:
        return register.save_asset(s, laptop(), today=TODAY)


def _do(db, admin, asset_id, data):
    with db.session(admin.actor) as s:
        return events.record_event(s, asset_id, data, today=TODAY)


def _state(db, asset_id):
    with db.session() as s:
        row = register.get_asset(s, asset_id)
        count = s.scalar(select(func.count(AssetEvent.id)).where(AssetEvent.asset_id == asset_id))
    return row, count


def test_issue_a_laptop_and_get_it_back(station_db, admin, asset_id):
    _do(station_db, admin, asset_id, EventInput(EventKind.ISSUE, "2024-04-01", "黄志明", reason="入户走访使用"))
    row, _ = _state(station_db, asset_id)
    assert row.holder_name == "黄志明" and row.issued and row.status is AssetStatus.IN_USE
    _do(station_db, admin, asset_id, EventInput(EventKind.RETURN, "2024-05-20"))
    row, count = _state(station_db, asset_id)
    assert row.holder_name == "" and row.status is AssetStatus.IDLE and count == 3
    with station_db.session() as s:
        lines = [(h.kind, h.summary) for h in events.history(s, asset_id)]
    assert lines[1:] == [(EventKind.ISSUE, "由黄志明领用；入户走访使用"), (EventKind.RETURN, "黄志明归还")]


def test_return_before_the_issue_is_refused(station_db, admin, asset_id):
    _do(station_db, admin, asset_id, EventInput(EventKind.ISSUE, "2024-04-01", "黄志明"))
    with pytest.raises(UserError, match="上一次变动") as err:
        _do(station_db, admin, asset_id, EventInput(EventKind.RETURN, "2024-03-20"))
    assert err.value.field == "归还日期"
    row, count = _state(station_db, asset_id)
    assert row.holder_name == "黄志明" and count == 2


@pytest.mark.parametrize(("data", "field", "rule"), [
    (EventInput(EventKind.ISSUE, "2024-04-01", ""), "领用人", "不能为空"),
    (EventInput(EventKind.ISSUE, "2024-06-16", "黄志明"), "领用日期", "晚于今天"),
    (EventInput(EventKind.ISSUE, "2024-03-01", "黄志明"), "领用日期", "购置日期"),
    (EventInput(EventKind.DISPOSE, "2024-04-01", approver="李站长"), "报废原因", "不能为空"),
    (EventInput(EventKind.DISPOSE, "2024-04-01", reason="主板损坏无法修复"), "审批人", "不能为空"),
    (EventInput(EventKind.MOVE, "2024-04-01", to_point_id=None), "调入地点", "相同"),
    (EventInput(EventKind.REPAIR, "2024-04-01"), "故障情况", "不能为空"),
])
def test_bad_events_name_the_field_and_change_nothing(station_db, admin, asset_id, data, field, rule):
    with pytest.raises(UserError, match=rule) as err:
        _do(station_db, admin, asset_id, data)
    assert err.value.field == field
    row, count = _state(station_db, asset_id)
    assert row.status is AssetStatus.IN_USE and count == 1


def test_move_repair_and_dispose(station_db, admin, asset_id):
    with station_db.session(admin.actor) as s:
        point = add_point(s)
    _do(station_db, admin, asset_id, EventInput(EventKind.MOVE, "2024-04-01", to_point_id=point))
    assert _state(station_db, asset_id)[0].place == "东湖社工点"
    _do(station_db, admin, asset_id, EventInput(EventKind.REPAIR, "2024-04-10", reason="屏幕不亮"))
    with pytest.raises(UserError, match="“维修”状态"):
        _do(station_db, admin, asset_id, EventInput(EventKind.ISSUE, "2024-04-11", "黄志明"))
    _do(station_db, admin, asset_id, EventInput(EventKind.REPAIRED, "2024-04-20", cost="350"))
    assert _state(station_db, asset_id)[0].status is AssetStatus.IN_USE
    _do(station_db, admin, asset_id, EventInput(EventKind.DISPOSE, "2024-06-01", approver="李站长",
                                                approval_ref="桥东社工站〔2024〕3号", reason="主板损坏，维修费用超过残值"))
    row, count = _state(station_db, asset_id)
    assert row.status is AssetStatus.SCRAPPED and count == 5
    with pytest.raises(UserError, match="已报废"):
        _do(station_db, admin, asset_id, EventInput(EventKind.MOVE, "2024-06-02", to_point_id=None))
    with station_db.session() as s:
        summaries = [h.summary for h in events.history(s, asset_id)]
    assert summaries[1:] == ["从站本部调拨到东湖社工点", "送修；屏幕不亮", "修复，恢复使用，维修费用 350.00 元",
                             "报废，审批人李站长（桥东社工站〔2024〕3号）；主板损坏，维修费用超过残值"]


def test_issued_asset_must_come_back_before_repair_or_disposal(station_db, admin, asset_id):
    _do(station_db, admin, asset_id, EventInput(EventKind.ISSUE, "2024-04-01", "黄志明"))
    with pytest.raises(UserError, match="先办理归还"):
        _do(station_db, admin, asset_id, EventInput(EventKind.REPAIR, "2024-04-02", reason="键盘失灵"))
    with pytest.raises(UserError, match="先办理归还"):
        _do(station_db, admin, asset_id, EventInput(EventKind.DISPOSE, "2024-04-02", approver="李站长", reason="丢失"))
    with pytest.raises(UserError, match="已被领用"):
        _do(station_db, admin, asset_id, EventInput(EventKind.ISSUE, "2024-04-02", "林丽娟"))


def test_register_and_count_cannot_be_entered_by_hand(station_db, admin, asset_id):
    with pytest.raises(UserError, match="不能手工登记"):
        _do(station_db, admin, asset_id, EventInput(EventKind.COUNT, "2024-04-02"))


def test_a_counter_worker_issues_but_only_an_administrator_scraps(station_db, admin, asset_id):
    """Disposal was admin-only only because its button was hidden (issue 12); the service refuses it now."""
    window = add_user(station_db, "chuangkou", Role.WINDOW)
    dispose = EventInput(EventKind.DISPOSE, "2024-06-01", approver="李站长", reason="屏幕损坏")
    with pytest.raises(UserError, match="“窗口”角色不能报废或处置资产"), station_db.session(window) as s:
        events.record_event(s, asset_id, dispose, today=TODAY)
    _, count = _state(station_db, asset_id)
    assert count == 1
    with station_db.session(window) as s:
        events.record_event(s, asset_id, EventInput(EventKind.ISSUE, "2024-04-01", "黄志明"), today=TODAY)
    _do(station_db, admin, asset_id, EventInput(EventKind.RETURN, "2024-05-20"))
    _do(station_db, admin, asset_id, dispose)
    row, _ = _state(station_db, asset_id)
    assert row.status is AssetStatus.SCRAPPED


def test_a_supervisor_records_no_event(station_db, asset_id):
    supervisor = add_user(station_db, "dudao", Role.SUPERVISOR)
    with pytest.raises(UserError, match="“督导”角色不能登记资产"), station_db.session(supervisor) as s:
        events.record_event(s, asset_id, EventInput(EventKind.ISSUE, "2024-04-01", "黄志明"), today=TODAY)
    assert _state(station_db, asset_id)[1] == 1


def test_the_history_names_the_user_the_database_knows(station_db, asset_id):
    window = add_user(station_db, "chuangkou", Role.WINDOW)
    forged = type(window)(window.user_id, "admin")  # a counter user's id under the administrator's name
    with station_db.session(forged) as s:
        events.record_event(s, asset_id, EventInput(EventKind.ISSUE, "2024-04-01", "黄志明"), today=TODAY)
    with station_db.session() as s:
        assert events.history(s, asset_id)[-1].created_by == "chuangkou"
