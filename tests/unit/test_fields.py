"""services/fields.py: the one way every area cleans text, dates, numbers and money typed by the user."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import fields

TODAY = date(2024, 6, 15)


def _error(call, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        call(*args, **kwargs)
    return caught.value


def test_text_is_normalised_trimmed_and_stripped_of_control_characters():
    assert fields.clean_text("  Jose\u0301\x07张三\t\n", "姓名", 10) == "José张三"
    assert fields.clean_text(None, "备注", 10) == ""


def test_text_rules_name_the_field_in_one_dialect():
    empty = _error(fields.required_text, "  ", "借阅人", 40)
    assert (empty.message, empty.field) == ("借阅人不能为空。", "借阅人")
    long = _error(fields.clean_text, "一二三四", "单位", 3)
    assert long.message == "单位不能超过 3 个字（现在 4 个）。" and long.field == "单位"
    hinted = _error(fields.required_text, "", "事项", 10, message="请选择事项（事项不能为空）。")
    assert hinted.message == "请选择事项（事项不能为空）。" and hinted.field == "事项"


def test_dates_parse_and_check_with_one_message_per_rule():
    assert fields.parse_day("2024年3月5日", "培训日期") == date(2024, 3, 5)
    assert fields.optional_day("  ", "文件日期") is None
    assert fields.past_day(TODAY, "走访日期", TODAY) == TODAY
    future = _error(fields.past_day, "2024-06-16", "走访日期", TODAY)
    assert (future.message, future.field) == ("走访日期不能晚于今天。", "走访日期")
    assert _error(fields.parse_day, "", "开始日期").message == "开始日期不能为空。"
    assert _error(fields.parse_day, "2024-02-30", "开始日期").message == "开始日期不是有效日期，请按 2024-03-05 的格式填写。"
    order = _error(fields.date_order, date(2024, 3, 5), date(2024, 3, 4), "开案日期", "结案日期")
    assert (order.message, order.field) == ("结案日期不能早于开案日期（2024-03-05）。", "结案日期")
    later = _error(fields.not_after, date(2025, 7, 1), date(2025, 6, 15), "入职日期", "一年以后")
    assert later.message == "入职日期不能晚于一年以后。"
    fields.date_order(None, date(2024, 3, 4), "开始日期", "结束日期")  # a missing date passes


@pytest.mark.parametrize(("raw", "value"), [("4599", "4599.00"), ("4,599.5", "4599.50"), ("0", "0.00"),
                                            ("1000000", "1000000.00"), ("12元", "12.00"), (Decimal("3.1"), "3.10"),
                                            ("１２", "12.00"), ("1，200", "1200.00"), (7.5, "7.50")])
def test_money(raw, value):
    assert fields.money(raw, "原值", Decimal("1000000")) == Decimal(value)


@pytest.mark.parametrize(("raw", "rule"), [("-1", "原值不能为负数。"), ("1000000.01", "原值超过 100 万元，请核对。"),
                                           ("12.345", "原值最多保留两位小数（分）。"),
                                           ("abc", "原值应为金额数字（元），例如 1050 或 1050.50。"),
                                           ("NaN", "金额数字"), ("-Infinity", "金额数字"),
                                           ("", "原值不能为空；赠送或配发的物品可填 0。")])
def test_bad_money(raw, rule):
    error = _error(fields.money, raw, "原值", Decimal("1000000"), hint="赠送或配发的物品可填 0")
    assert rule in error.message and error.field == "原值"


@given(st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2))
def test_amounts_with_cents_round_trip(value):
    assert fields.optional_money(f"{value}", "金额", Decimal("100000")) == value
    assert fields.optional_money(f"{value}元", "金额", Decimal("100000")) == value


@given(st.decimals(min_value=Decimal("-99999"), max_value=Decimal("-0.01"), places=2))
def test_negative_amounts_are_refused(value):
    assert _error(fields.optional_money, str(value), "金额").message == "金额不能为负数。"


def test_numbers():
    assert fields.number("７.5", "学时", places=1) == Decimal("7.5")
    assert fields.optional_number("", "得分", places=1) is None
    assert _error(fields.number, "", "学时").message == "学时不能为空。"
    assert _error(fields.number, "7.25", "学时", places=1).message == "学时最多保留 1 位小数。"
    assert _error(fields.number, "七", "学时").message == "学时应为数字，例如 12 或 7.5。"
    out_of_range = _error(fields.number, "25", "服务时数", minimum=0, maximum=24, unit="小时")
    assert out_of_range.message == "服务时数应在 0 到 24 小时之间。" and out_of_range.field == "服务时数"
    assert _error(fields.optional_number, "101", "得分", minimum=0, maximum=100).message == "得分应在 0 到 100 之间。"
