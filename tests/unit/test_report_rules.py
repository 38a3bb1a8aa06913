"""Pure rules of the report: combining months and towns, percent, how values print."""

from __future__ import annotations

from decimal import Decimal

from shuanbai_desktop.exports.report_pdf import number_text
from shuanbai_desktop.services.report.aggregate import combine, rate_parts
from shuanbai_desktop.services.report.layout import display, percent

RULES = [("visits", "sum"), ("staff", "end"), ("done", "sum"), ("on_time", "sum"),
         ("rate", "rate:on_time/done"), ("happy", "sum"), ("fair", "sum"), ("asked", "sum"),
         ("sat", "rate:happy+fair/asked"), ("name", "text"), ("money", "sum")]
MONTHS = [{"visits": 3, "staff": 10, "done": 2, "on_time": 2, "rate": 100.0, "happy": 1, "fair": 0, "asked": 2,
           "sat": 50.0, "name": "一月", "money": Decimal("10.50")},
          {"visits": 4, "staff": 12, "done": 1, "on_time": 0, "rate": 0.0, "happy": 0, "fair": 1, "asked": 1,
           "sat": 100.0, "name": "二月", "money": Decimal("0.25")}]


def test_a_year_adds_flows_keeps_the_last_stock_and_recomputes_rates():
    year = combine(MONTHS, RULES, stocks="last")
    assert year["visits"] == 7 and year["staff"] == 12 and year["name"] == "二月"
    assert year["rate"] == 66.7  # 2 of 3, not the average of 100 and 0
    assert year["sat"] == 66.7  # (1 + 1) of 3
    assert year["money"] == Decimal("10.75") and str(year["money"]) == "10.75"


def test_a_county_adds_stocks_too():
    assert combine(MONTHS, RULES, stocks="sum")["staff"] == 22


def test_missing_features_are_not_zeros():
    county = combine([{"visits": 3}, {}], [("visits", "sum"), ("staff", "end"), ("rate", "rate:on_time/done")],
                     stocks="sum")
    assert county == {"visits": 3}


def test_rate_without_a_denominator_is_no_number():
    assert combine([{"done": 0, "on_time": 0, "rate": None}], RULES[2:5], stocks="sum")["rate"] is None
    assert percent(1, 0) is None and percent(1, 3) == 33.3
    assert rate_parts("rate:a+b/c") == (("a", "b"), "c") and rate_parts("sum") is None


def test_how_values_are_shown():
    assert display(None) == "—" and display(66.66) == "66.7" and display(3) == "3"
    assert number_text(Decimal("12345.5"), "元") == "12,345.50" and number_text(Decimal("2.5"), "小时") == "2.5"
    assert number_text(None) == "—" and number_text(75.0) == "75.0"
