"""Required signage and equipment per place on 工作台, and the month's asset figures."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from shuanbai_desktop.domain.asset_rules import AssetCategory, EventKind, RequiredItem
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import workbench
from shuanbai_desktop.services.assets import checks, events, month_figures, register, stocktake
from shuanbai_desktop.services.assets.checks import required_checks
from shuanbai_desktop.services.assets.register import AssetInput
from shuanbai_desktop.services.workbench import Level, WorkbenchContext
from tests.conftest import BOTH
from tests.db.test_assets_register import TODAY, add_point, laptop

BACKENDS = BOTH


def _items(db, at: datetime):
    """This feature's due items (its providers are registered on 工作台)."""
    assert {checks._missing_items, checks._stocktake_items} <= set(workbench.PROVIDERS)
    with db.session() as s:
        ctx = WorkbenchContext(s, at, db.path, Role.ADMIN)
        return checks._missing_items(ctx) + checks._stocktake_items(ctx)


def _sign(item: RequiredItem, point_id=None) -> AssetInput:
    return AssetInput(item.label, item.category, "2021-06-28", "0", required_item=item, point_id=point_id)


def test_missing_signage_and_equipment_per_place(station_db, admin):
    with station_db.session(admin.actor) as s:
        point = add_point(s)
        for item in (RequiredItem.PLAQUE_STATION, RequiredItem.PLAQUE_ASSOCIATION):
            register.save_asset(s, _sign(item), today=TODAY)
        register.save_asset(s, laptop(), today=TODAY)
        printer = register.save_asset(s, laptop(name="打印机", required_item=RequiredItem.PRINTER, point_id=point),
                                      today=TODAY)
        events.record_event(s, printer, events.EventInput(EventKind.REPAIR, "2024-06-01", reason="卡纸"), today=TODAY)
    with station_db.session() as s:
        checks = {c.place: c for c in required_checks(s)}
    assert checks["站本部"].missing == (RequiredItem.PLAQUE_FEDERATION, RequiredItem.PRINTER)
    assert checks["东湖社工点"].missing == (RequiredItem.PLAQUE_POINT, RequiredItem.COMPUTER, RequiredItem.PRINTER)
    assert [i.text for i in checks["东湖社工点"].items] == ["缺", "缺", "维修中"]
    items = _items(station_db, datetime(2024, 6, 15, 9))
    assert [(i.level, i.title) for i in items] == [
        (Level.TODO, "站本部缺少社会组织联合会牌匾、打印机"),
        (Level.TODO, "东湖社工点缺少社工点标牌、电脑、打印机")]
    assert {i.area for i in items} == {"assets.checks"}


def test_everything_in_place_leaves_workbench_quiet(station_db, admin):
    with station_db.session(admin.actor) as s:
        for item in (RequiredItem.PLAQUE_STATION, RequiredItem.PLAQUE_ASSOCIATION, RequiredItem.PLAQUE_FEDERATION,
                     RequiredItem.COMPUTER, RequiredItem.PRINTER):
            register.save_asset(s, _sign(item), today=TODAY)
    assert _items(station_db, datetime(2024, 6, 15, 9)) == []
    # in December a year without a closed stock-take is a to-do
    december = _items(station_db, datetime(2024, 12, 2, 9))
    assert [(i.title, i.area) for i in december] == [("2024 年尚未完成资产盘点", "assets.stocktake")]
    with station_db.session(admin.actor) as s:
        take = stocktake.start_stocktake(s, "年中盘点", "李副站长", "2024-06-01", today=TODAY)
    assert _items(station_db, datetime(2024, 6, 20, 9)) == []
    assert [i.title for i in _items(station_db, datetime(2024, 7, 2, 9))] == ["资产盘点“年中盘点”已进行 31 天"]
    with station_db.session(admin.actor) as s:
        line_ids = [line.id for line in stocktake.lines(s, take)]
        stocktake.mark_lines(s, take, line_ids, stocktake.CountResult.FOUND)
        stocktake.close_stocktake(s, take, "2024-06-15", today=TODAY)
    assert _items(station_db, datetime(2024, 12, 2, 9)) == []


def test_month_figures(station_db, admin):
    with station_db.session(admin.actor) as s:
        point = add_point(s)
        a = register.save_asset(s, laptop(purchase_date=date(2024, 3, 5)), today=TODAY)
        b = register.save_asset(s, laptop(name="打印机", value="1200.50", purchase_date=date(2024, 4, 2)), today=TODAY)
        register.save_asset(s, AssetInput("办公椅", AssetCategory.FURNITURE, "2024-04-20", "2400", quantity=10,
                                          point_id=point), today=TODAY)
        events.record_event(s, a, events.EventInput(EventKind.ISSUE, "2024-04-03", "黄志明"), today=TODAY)
        events.record_event(s, b, events.EventInput(EventKind.MOVE, "2024-04-10", to_point_id=point), today=TODAY)
        events.record_event(s, b, events.EventInput(EventKind.REPAIR, "2024-05-10", reason="卡纸"), today=TODAY)
        events.record_event(s, a, events.EventInput(EventKind.RETURN, "2024-05-12"), today=TODAY)
        events.record_event(s, a, events.EventInput(EventKind.DISPOSE, "2024-05-20", approver="李站长",
                                                    reason="进水损坏"), today=TODAY)
    with station_db.session() as s:
        march, april, may = (month_figures(s, 2024, m) for m in (3, 4, 5))
    assert (march.total, march.total_value, march.added, march.at_station) == (1, Decimal("4599.00"), 1, 1)
    assert (april.total, april.added, april.added_value) == (3, 2, Decimal("3600.50"))
    assert (april.in_use, april.at_station, april.at_points) == (3, 1, 2)
    assert (april.value_at_points, april.issued, april.moved) == (Decimal("3600.50"), 1, 1)
    assert (may.total, may.in_use, may.in_repair, may.scrapped) == (2, 1, 1, 1)
    assert (may.disposed, may.disposed_value, may.returned, may.sent_to_repair) == (1, Decimal("4599.00"), 1, 1)
    assert may.total_value == Decimal("3600.50") and may.added == 0
    assert may.places_missing_required == 2
