"""Asset rules: codes, values, quantities, which event may happen when, event dates."""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop.domain.asset_rules import (
    AssetCategory,
    AssetStatus,
    CountResult,
    EventKind,
    RequiredItem,
    check_code,
    check_event_allowed,
    check_event_date,
    check_quantity,
    is_difference,
    make_asset_code,
    next_asset_code,
)
from shuanbai_desktop.errors import UserError


def test_codes_follow_category_and_year():
    assert make_asset_code(AssetCategory.EQUIPMENT, 2024, 3) == "SB-2024-003"
    existing = ["SB-2024-001", "SB-2024-007", "sb-2024-009", "SB-2023-050", "JJ-2024-011", "自编号"]
    assert next_asset_code(AssetCategory.EQUIPMENT, 2024, existing) == "SB-2024-010"
    assert next_asset_code(AssetCategory.SIGNAGE, 2021, existing) == "BP-2021-001"
    assert next_asset_code(AssetCategory.EQUIPMENT, 2024, ["SB-2024-999"]) == "SB-2024-1000"


@pytest.mark.parametrize(("raw", "rule"), [("", "不能为空"), ("SB 2024", "字母、数字"), ("电脑-1", "字母、数字"),
                                           ("A" * 31, "最长 30 位")])
def test_bad_codes(raw, rule):
    with pytest.raises(UserError, match=rule) as err:
        check_code(raw)
    assert err.value.field == "资产编号"


def test_code_is_trimmed_and_upper_case():
    assert check_code(" sb-2024-001 ") == "SB-2024-001"


@pytest.mark.parametrize("quantity", [0, -3, 10_001])
def test_bad_quantities(quantity):
    with pytest.raises(UserError) as err:
        check_quantity(quantity)
    assert err.value.field == "数量"


def test_event_allowed_by_status_and_holder():
    check_event_allowed(EventKind.ISSUE, AssetStatus.IDLE, issued=False)
    check_event_allowed(EventKind.RETURN, AssetStatus.IN_USE, issued=True)
    check_event_allowed(EventKind.REPAIRED, AssetStatus.REPAIR, issued=False)
    cases = [(EventKind.ISSUE, AssetStatus.IN_USE, True, "已被领用"),
             (EventKind.RETURN, AssetStatus.IDLE, False, "没有被领用"),
             (EventKind.DISPOSE, AssetStatus.IN_USE, True, "先办理归还"),
             (EventKind.ISSUE, AssetStatus.REPAIR, False, "“维修”状态"),
             (EventKind.REPAIRED, AssetStatus.IN_USE, False, "“在用”状态"),
             (EventKind.MOVE, AssetStatus.SCRAPPED, False, "已报废")]
    for kind, status, issued, rule in cases:
        with pytest.raises(UserError, match=rule):
            check_event_allowed(kind, status, issued)


def test_event_dates():
    bought, today = date(2024, 3, 1), date(2024, 6, 1)
    check_event_date(date(2024, 3, 1), bought, None, today, "领用日期")
    for on, last, rule in [(date(2024, 6, 2), None, "晚于今天"), (date(2024, 2, 28), None, "早于购置日期"),
                           (date(2024, 4, 1), date(2024, 5, 1), "上一次变动")]:
        with pytest.raises(UserError, match=rule) as err:
            check_event_date(on, bought, last, today, "领用日期")
        assert err.value.field == "领用日期"


def test_required_items_belong_to_their_category():
    assert RequiredItem.PRINTER.category is AssetCategory.EQUIPMENT
    assert RequiredItem.PLAQUE_FEDERATION.category is AssetCategory.SIGNAGE


def test_differences():
    assert not is_difference(CountResult.FOUND, 10, 10)
    assert is_difference(CountResult.FOUND, 10, 8)
    assert is_difference(CountResult.MISSING, 1, 0)
    assert is_difference(CountResult.DAMAGED, 1, 1)
    assert not is_difference(CountResult.PENDING, 1, None)
