"""Archive rules: 档号, retention expiry and review, loan dates."""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop.domain.archive_rules import (
    ArchiveCategory,
    Confidentiality,
    Retention,
    check_item_no,
    check_loan,
    check_pages,
    check_return,
    check_year,
    format_number,
    overdue_days,
    parse_number,
    retention_expiry,
    review_due,
)
from shuanbai_desktop.errors import UserError


def test_number_has_category_year_retention_and_item():
    assert format_number(ArchiveCategory.PERSONNEL, 2024, Retention.Y30, 3) == "RS-2024-D30-0003"
    assert format_number(ArchiveCategory.DOCUMENTS, 2021, Retention.PERMANENT, 12) == "WS-2021-Y-0012"
    assert format_number(ArchiveCategory.SAFETY, 2023, Retention.Y10, 150) == "AQ-2023-D10-0150"


def test_number_round_trip_and_refusals():
    for category in ArchiveCategory:
        for retention in Retention:
            text = format_number(category, 2022, retention, 7)
            assert parse_number(text.lower()) == (category, 2022, retention, 7)
    for bad in ("RS-2024-D20-0001", "XX-2024-Y-0001", "RS2024Y0001", ""):
        with pytest.raises(UserError):
            parse_number(bad)


def test_retention_counts_from_the_next_year():
    assert retention_expiry(2014, Retention.Y10) == date(2024, 12, 31)
    assert retention_expiry(2021, Retention.Y30) == date(2051, 12, 31)
    assert retention_expiry(2021, Retention.PERMANENT) is None
    assert not review_due(2014, Retention.Y10, None, date(2024, 12, 31))
    assert review_due(2014, Retention.Y10, None, date(2025, 1, 1))
    assert not review_due(2014, Retention.Y10, date(2029, 12, 31), date(2025, 1, 1))
    assert review_due(2014, Retention.Y10, date(2029, 12, 31), date(2030, 1, 1))
    assert not review_due(1990, Retention.PERMANENT, None, date(2030, 1, 1))


def test_field_ranges():
    today = date(2024, 6, 1)
    assert check_year(2024, today) == 2024
    for call, field in ((lambda: check_year(2025, today), "年度"), (lambda: check_year(1900, today), "年度"),
                        (lambda: check_item_no(0), "件号"), (lambda: check_item_no(10000), "件号"),
                        (lambda: check_pages(0), "页数"), (lambda: check_pages(5001), "页数")):
        with pytest.raises(UserError) as err:
            call()
        assert err.value.field == field


def test_loan_and_return_dates():
    today = date(2024, 6, 10)
    check_loan(date(2024, 6, 10), date(2024, 6, 24), today)
    for lent, due, field, rule in [(date(2024, 6, 11), date(2024, 6, 20), "借出日期", "晚于今天"),
                                   (date(2024, 6, 10), date(2024, 6, 9), "应还日期", "早于借出日期"),
                                   (date(2024, 1, 1), date(2024, 6, 1), "应还日期", "最长 90 天")]:
        with pytest.raises(UserError, match=rule) as err:
            check_loan(lent, due, today)
        assert err.value.field == field
    with pytest.raises(UserError, match="早于借出日期") as err:
        check_return(date(2024, 6, 5), date(2024, 6, 4), today)
    assert err.value.field == "归还日期"
    with pytest.raises(UserError, match="晚于今天"):
        check_return(date(2024, 6, 5), date(2024, 6, 11), today)


def test_overdue_days():
    assert overdue_days(date(2024, 6, 1), None, date(2024, 6, 5)) == 4
    assert overdue_days(date(2024, 6, 1), None, date(2024, 6, 1)) == 0
    assert overdue_days(date(2024, 6, 1), date(2024, 6, 3), date(2024, 6, 5)) == 0
    assert overdue_days(date(2024, 6, 1), date(2024, 6, 9), date(2024, 6, 5)) == 4


def test_secret_files_need_approval():
    assert Confidentiality.SECRET.needs_approval and not Confidentiality.INTERNAL.needs_approval
