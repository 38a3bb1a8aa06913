"""User-typed dates: accepted spellings, impossible dates, order and future checks."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuanbai_desktop.domain.dates import check_order, format_date, not_in_future, parse_date
from shuanbai_desktop.errors import UserError

FAST = settings(max_examples=300, deadline=None, database=None)
MARCH_5 = date(2024, 3, 5)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-03-05",
        "2024-3-5",
        "2024/3/5",
        "2024/03/05",
        "2024.3.5",
        "2024年3月5日",
        "2024年03月05日",
        "2024 年 3 月 5 日",
        "2024年3月5",
        "20240305",
        " 2024-03-05 ",
        "２０２４－０３－０５",
        MARCH_5,
        datetime(2024, 3, 5, 23, 59),
    ],
)
def test_parse_date_accepts_common_spellings(raw):
    result = parse_date(raw, "服务日期")
    assert result == MARCH_5
    assert type(result) is date


@pytest.mark.parametrize(
    "raw",
    [
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-04-31",
        "20230229",
        "2024年2月30日",
        "2024/3-5",
        "24-3-5",
        "2024-3",
        "2024年3月",
        "2024030",
        "0000-01-01",
        "明天",
        "2024-03-05 10:00",
        "٢٠٢٤-٠٣-٠٥",
    ],
)
def test_parse_date_rejects_bad_dates_naming_the_field(raw):
    with pytest.raises(UserError) as info:
        parse_date(raw, "服务日期")
    assert info.value.message == "服务日期不是有效日期，请按 2024-03-05 的格式填写。"
    assert info.value.field == "服务日期"


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_parse_date_rejects_empty(raw):
    with pytest.raises(UserError) as info:
        parse_date(raw, "出生日期")
    assert info.value.message == "出生日期不能为空。"


def test_leap_day_is_accepted_in_leap_year():
    assert parse_date("2024-02-29", "日期") == date(2024, 2, 29)


@FAST
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_format_then_parse_round_trips(d):
    text = format_date(d)
    assert len(text) == 10
    assert parse_date(text, "日期") == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日", "日期") == d
    assert parse_date(text.replace("-", ""), "日期") == d


def test_format_date():
    assert format_date(MARCH_5) == "2024-03-05"
    assert format_date(datetime(2024, 3, 5, 8, 0)) == "2024-03-05"
    assert format_date(date(999, 1, 2)) == "0999-01-02"
    assert format_date(None) == ""


def test_check_order_rejects_end_before_start():
    with pytest.raises(UserError) as info:
        check_order(date(2024, 3, 5), date(2024, 3, 4), "开始日期", "结束日期")
    assert info.value.message == "结束日期不能早于开始日期（2024-03-05）。"
    assert info.value.field == "结束日期"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (MARCH_5, MARCH_5),
        (MARCH_5, date(2024, 3, 6)),
        (None, MARCH_5),
        (MARCH_5, None),
        (datetime(2024, 3, 5, 18, 0), MARCH_5),
    ],
)
def test_check_order_accepts_same_or_later_and_missing(start, end):
    check_order(start, end, "开始日期", "结束日期")


def test_not_in_future():
    today = date(2024, 3, 5)
    not_in_future(today, "服务日期", today)
    not_in_future(date(2024, 3, 4), "服务日期", today)
    not_in_future(None, "服务日期", today)
    not_in_future(datetime(2024, 3, 5, 23, 59), "服务日期", today)
    with pytest.raises(UserError) as info:
        not_in_future(date(2024, 3, 6), "服务日期", today)
    assert info.value.message == "服务日期不能晚于今天。"
    assert info.value.field == "服务日期"
