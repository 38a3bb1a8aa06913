"""Stock-taking: a count that finds a missing item, closed with differences; one open count at a time."""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop.domain.asset_rules import AssetCategory, AssetStatus, CountResult, EventKind
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.assets import events, register, stocktake
from shuanbai_desktop.services.assets.register import AssetInput
from tests.db.test_assets_register import TODAY, laptop
from tests.db.test_attachments import add_user


@pytest.fixture
def assets(station_db, admin):
    with station_db.session(admin.actor) as s:
        ids = [register.save_asset(s, laptop(), today=TODAY),
               register.save_asset(s, laptop(name="激光打印机", value="1299"), today=TODAY),
               register.save_asset(s, AssetInput("办公椅", AssetCategory.FURNITURE, "2023-09-01", "2400",
                                                 quantity=10), today=TODAY)]
        old = register.save_asset(s, laptop(name="旧显示器", value="800"), today=TODAY)
        events.record_event(s, old, events.EventInput(EventKind.DISPOSE, "2024-04-01", approver="李站长",
                                                      reason="老化"), today=TODAY)
    return ids


def _start(db, admin, title="2024年年中盘点"):
    with db.session(admin.actor) as s:
        return stocktake.start_stocktake(s, title, "李副站长、陈晓红", "2024-06-10", today=TODAY)


def _line_ids(db, take_id):
    with db.session() as s:
        return {line.name: line.id for line in stocktake.lines(s, take_id)}


def test_count_finds_a_missing_item(station_db, admin, assets):
    take = _start(station_db, admin)
    ids = _line_ids(station_db, take)
    assert set(ids) == {"笔记本电脑", "激光打印机", "办公椅"}  # the scrapped monitor is not counted
    with station_db.session(admin.actor) as s:
        stocktake.mark_lines(s, take, [ids["激光打印机"]], CountResult.FOUND)
        stocktake.mark_lines(s, take, [ids["笔记本电脑"]], CountResult.MISSING, note="遍寻未见")
        stocktake.mark_lines(s, take, [ids["办公椅"]], CountResult.FOUND, counted_quantity=8)
    with pytest.raises(UserError, match="早于开始日期") as err, station_db.session(admin.actor) as s:
        stocktake.close_stocktake(s, take, "2024-06-09", today=TODAY)
    assert err.value.field == "结束日期"
    with station_db.session(admin.actor) as s:
        stocktake.close_stocktake(s, take, "2024-06-14", today=TODAY)
    with station_db.session() as s:
        report = stocktake.report(s, take)
        history = events.history(s, assets[0])
        laptop_row = register.get_asset(s, assets[0])
    assert report.station_name == "桥东街道社会工作服务站"
    assert (report.take.found, report.take.short, report.take.missing, report.take.differences) == (1, 1, 1, 2)
    assert [(d.name, d.difference) for d in report.differences] == [("办公椅", -2), ("笔记本电脑", -1)]
    assert str(report.missing_value) == "5079.00"  # 4599 + 2/10 of 2400
    assert history[-1].kind is EventKind.COUNT and history[-1].summary == "2024年年中盘点：未找到，实盘 0；遍寻未见"
    assert laptop_row.status is AssetStatus.IN_USE  # written off only by a disposal with approval


def test_cannot_close_with_unmarked_lines_or_change_a_closed_count(station_db, admin, assets):
    take = _start(station_db, admin)
    ids = _line_ids(station_db, take)
    with station_db.session(admin.actor) as s:
        stocktake.mark_lines(s, take, [ids["笔记本电脑"], ids["办公椅"]], CountResult.FOUND)
    with pytest.raises(UserError, match="还有 1 项"), station_db.session(admin.actor) as s:
        stocktake.close_stocktake(s, take, "2024-06-14", today=TODAY)
    with station_db.session(admin.actor) as s:
        stocktake.mark_lines(s, take, [ids["激光打印机"]], CountResult.DAMAGED, note="卡纸")
        stocktake.close_stocktake(s, take, "2024-06-14", today=TODAY)
    with pytest.raises(UserError, match="已经结束"), station_db.session(admin.actor) as s:
        stocktake.mark_lines(s, take, [ids["激光打印机"]], CountResult.FOUND)
    with station_db.session() as s:
        assert stocktake.get_stocktake(s, take).state_text == "已结束（2024-06-14）"


def test_one_open_count_and_cancel_only_when_untouched(station_db, admin, assets):
    take = _start(station_db, admin)
    with pytest.raises(UserError, match="一次只能进行一个盘点"):
        _start(station_db, admin, "另一次")
    ids = _line_ids(station_db, take)
    with station_db.session(admin.actor) as s:
        stocktake.mark_lines(s, take, [ids["办公椅"]], CountResult.FOUND)
    with pytest.raises(UserError, match="不能撤销"), station_db.session(admin.actor) as s:
        stocktake.cancel_stocktake(s, take)
    with station_db.session(admin.actor) as s:
        stocktake.mark_lines(s, take, [ids["办公椅"]], CountResult.PENDING)
        stocktake.cancel_stocktake(s, take)
        assert stocktake.list_stocktakes(s) == []


def test_bad_counts(station_db, admin, assets):
    take = _start(station_db, admin)
    ids = _line_ids(station_db, take)
    with pytest.raises(UserError, match="0 到") as err, station_db.session(admin.actor) as s:
        stocktake.mark_lines(s, take, [ids["办公椅"]], CountResult.FOUND, counted_quantity=-1)
    assert err.value.field == "实盘数量"
    with pytest.raises(UserError, match="未找到"), station_db.session(admin.actor) as s:
        stocktake.mark_lines(s, take, [ids["办公椅"]], CountResult.FOUND, counted_quantity=0)


def test_counter_is_required(station_db, admin, assets):
    with pytest.raises(UserError, match="盘点人不能为空") as err, station_db.session(admin.actor) as s:
        stocktake.start_stocktake(s, "2024年盘点", " ", "2024-06-10", today=TODAY)
    assert err.value.field == "盘点人"


def test_nothing_to_count(station_db, admin):
    with pytest.raises(UserError, match="还没有在账的资产"), station_db.session(admin.actor) as s:
        stocktake.start_stocktake(s, "2024年盘点", "李副站长", date(2024, 6, 1), today=TODAY)


def test_a_counter_worker_counts_and_a_supervisor_does_not(station_db, admin, assets):
    window, supervisor = add_user(station_db, "chuangkou", Role.WINDOW), add_user(station_db, "dudao", Role.SUPERVISOR)
    with pytest.raises(UserError, match="“督导”角色不能登记资产、领用归还维修和盘点"), station_db.session(supervisor) as s:
        stocktake.start_stocktake(s, "年中盘点", "刘督导", "2024-06-10", today=TODAY)
    with station_db.session() as s:
        assert stocktake.list_stocktakes(s) == []
    with station_db.session(window) as s:
        take = stocktake.start_stocktake(s, "2024年年中盘点", "陈晓红", "2024-06-10", today=TODAY)
    lines = list(_line_ids(station_db, take).values())
    with pytest.raises(UserError, match="督导"), station_db.session(supervisor) as s:
        stocktake.mark_lines(s, take, lines, CountResult.FOUND)
    with station_db.session(window) as s:
        stocktake.mark_lines(s, take, lines, CountResult.FOUND)
    with pytest.raises(UserError, match="督导"), station_db.session(supervisor) as s:
        stocktake.close_stocktake(s, take, "2024-06-12", today=TODAY)
    with station_db.session(window) as s:
        stocktake.close_stocktake(s, take, "2024-06-12", today=TODAY)
        row = stocktake.get_stocktake(s, take)
    assert not row.is_open
