"""The asset register: registration with its history line, codes, corrections, refusals that save nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.data.models.assets import Asset
from shuanbai_desktop.domain.asset_rules import AssetCategory, AssetStatus, EventKind, RequiredItem
from shuanbai_desktop.domain.labels import FacilityType, Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import station
from shuanbai_desktop.services.assets import events, register
from shuanbai_desktop.services.assets.register import AssetFilter, AssetInput
from tests.conftest import BOTH

BACKENDS = BOTH

TODAY = date(2024, 6, 15)


def laptop(**changes) -> AssetInput:
    values = dict(name="笔记本电脑", category=AssetCategory.EQUIPMENT, purchase_date=date(2024, 3, 5),
                  value="4599", model_spec="联想 ThinkPad E14", funding_source="双百工程专项经费",
                  custodian_name="李副站长", required_item=RequiredItem.COMPUTER)
    values.update(changes)
    return AssetInput(**values)


def add_point(session, name="东湖社工点") -> int:
    code = station.list_villages(session)[0].code
    return station.save_service_point(session, station.ServicePointInput(
        name, FacilityType.PARTY_CENTER, "", "", "", (code,)))


def _count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(Asset.id)))


def test_register_generates_code_and_first_history_line(station_db, admin):
    with station_db.session(admin.actor) as s:
        first = register.save_asset(s, laptop(), today=TODAY)
        second = register.save_asset(s, laptop(name="台式电脑", value="3,280.50"), today=TODAY)
        chair = register.save_asset(s, AssetInput("办公椅", AssetCategory.FURNITURE, "2023-09-01", "2400",
                                                  quantity=10), today=TODAY)
    with station_db.session() as s:
        rows = {r.id: r for r in register.list_assets(s)}
        history = events.history(s, first)
    assert rows[first].code == "SB-2024-001" and rows[second].code == "SB-2024-002"
    assert rows[second].value == Decimal("3280.50")
    assert (rows[chair].code, rows[chair].unit, rows[chair].quantity_text) == ("JJ-2023-001", "件", "10 件")
    assert rows[first].place == "站本部" and rows[first].status is AssetStatus.IN_USE
    assert [(h.kind, h.on_date) for h in history] == [(EventKind.REGISTER, date(2024, 3, 5))]
    assert history[0].summary == "登记入账，存放于站本部，保管人李副站长"
    assert history[0].created_by == "admin"


def test_register_at_a_point_and_filters(station_db, admin):
    with station_db.session(admin.actor) as s:
        point = add_point(s)
        register.save_asset(s, laptop(point_id=point), today=TODAY)
        register.save_asset(s, AssetInput("社工站牌匾", AssetCategory.SIGNAGE, "2021-06-28", "0",
                                          required_item=RequiredItem.PLAQUE_STATION), today=TODAY)
    with station_db.session() as s:
        assert [r.place for r in register.list_assets(s, AssetFilter(place=point))] == ["东湖社工点"]
        assert [r.name for r in register.list_assets(s, AssetFilter(place=None))] == ["社工站牌匾"]
        assert [r.name for r in register.list_assets(s, AssetFilter(text="thinkpad"))] == ["笔记本电脑"]
        assert [r.name for r in register.list_assets(s, AssetFilter(text="戴尔"))] == []
        assert [r.name for r in register.list_assets(s, AssetFilter(category=AssetCategory.SIGNAGE))] == ["社工站牌匾"]


@pytest.mark.parametrize(("changes", "field", "rule"), [
    (dict(value="-100"), "原值", "负数"),
    (dict(value="99999999"), "原值", "100 万"),
    (dict(quantity=0), "数量", "至少为 1"),
    (dict(purchase_date=date(2024, 6, 16)), "购置日期", "不能晚于今天"),
    (dict(purchase_date="2024-02-30"), "购置日期", "不是有效日期"),
    (dict(name="  "), "名称", "不能为空"),
    (dict(code="SB 01"), "资产编号", "字母、数字"),
    (dict(required_item=RequiredItem.PLAQUE_POINT), "规定配置", "标识标牌"),
    (dict(status=AssetStatus.SCRAPPED), "状态", "在用"),
])
def test_bad_input_names_the_field_and_saves_nothing(station_db, admin, changes, field, rule):
    with pytest.raises(UserError, match=rule) as err, station_db.session(admin.actor) as s:
        register.save_asset(s, laptop(**changes), today=TODAY)
    assert err.value.field == field
    assert _count(station_db) == 0


def test_duplicate_code_refused(station_db, admin):
    with station_db.session(admin.actor) as s:
        register.save_asset(s, laptop(code="SB-2024-001"), today=TODAY)
    with pytest.raises(UserError, match="SB-2024-001 已用于“笔记本电脑”") as err, station_db.session(admin.actor) as s:
        register.save_asset(s, laptop(code="sb-2024-001", name="另一台"), today=TODAY)
    assert err.value.field == "资产编号"
    assert _count(station_db) == 1


def test_edit_corrects_fields_but_not_the_place(station_db, admin):
    with station_db.session(admin.actor) as s:
        point = add_point(s)
        asset_id = register.save_asset(s, laptop(), today=TODAY)
    with station_db.session(admin.actor) as s:
        register.save_asset(s, laptop(name="笔记本电脑（财务用）", purchase_date=date(2024, 3, 1), code="SB-2024-001"),
                            asset_id, today=TODAY)
    with pytest.raises(UserError, match="调拨") as err, station_db.session(admin.actor) as s:
        register.save_asset(s, laptop(code="SB-2024-001", point_id=point), asset_id, today=TODAY)
    assert err.value.field == "存放地点"
    with station_db.session() as s:
        row = register.get_asset(s, asset_id)
        assert row.name == "笔记本电脑（财务用）" and row.point_id is None
        assert events.history(s, asset_id)[0].on_date == date(2024, 3, 1)
        summaries = list(s.scalars(select(AuditEntry.summary).where(AuditEntry.table_name == "asset")))
    assert summaries == ["新增资产「SB-2024-001」", "修改资产「SB-2024-001」"]


def test_purchase_date_cannot_move_after_the_first_event(station_db, admin):
    with station_db.session(admin.actor) as s:
        asset_id = register.save_asset(s, laptop(), today=TODAY)
        events.record_event(s, asset_id, events.EventInput(events.EventKind.ISSUE, "2024-04-01", "黄志明"),
                            today=TODAY)
    with pytest.raises(UserError, match="第一次变动") as err, station_db.session(admin.actor) as s:
        register.save_asset(s, laptop(code="SB-2024-001", purchase_date="2024-05-01"), asset_id, today=TODAY)
    assert err.value.field == "购置日期"


def test_delete_only_a_mistake_without_history(station_db, admin):
    with station_db.session(admin.actor) as s:
        mistake = register.save_asset(s, laptop(), today=TODAY)
        used = register.save_asset(s, laptop(name="台式电脑"), today=TODAY)
        events.record_event(s, used, events.EventInput(events.EventKind.ISSUE, "2024-04-01", "黄志明"), today=TODAY)
    with station_db.session(admin.actor) as s:
        register.delete_asset(s, mistake)
    with pytest.raises(UserError, match="报废"), station_db.session(admin.actor) as s:
        register.delete_asset(s, used)
    with station_db.session() as s:
        assert [r.id for r in register.list_assets(s)] == [used]
        gone = s.scalars(select(AuditEntry.summary).where(AuditEntry.table_name == "asset_event",
                                                           AuditEntry.action == "delete")).all()
    assert len(gone) == 1, "the registration event was removed without an audit entry"


def test_people_and_funding_suggestions(station_db, admin):
    with station_db.session(admin.actor) as s:
        register.save_asset(s, laptop(custodian_name="外聘保管员", funding_source="村委会赠送"), today=TODAY)
        assert register.people_names(s) == ["李副站长", "外聘保管员"]
        assert register.funding_sources(s)[-1] == "村委会赠送"
        assert register.suggest_code(s, AssetCategory.EQUIPMENT, 2024) == "SB-2024-002"


def test_only_an_administrator_deletes_an_entry(station_db, admin):
    """Taking an asset off the register is ASSET_DISPOSE (administrators), as its button always was."""
    from tests.db.test_attachments import add_user
    worker = add_user(station_db, "shegong", Role.SOCIAL_WORKER)
    with station_db.session(worker) as s:
        mistake = register.save_asset(s, laptop(), today=TODAY)
    with pytest.raises(UserError, match="“社工”角色不能报废或处置资产"), station_db.session(worker) as s:
        register.delete_asset(s, mistake)
    assert _count(station_db) == 1
    with station_db.session(admin.actor) as s:
        register.delete_asset(s, mistake)
    assert _count(station_db) == 0
