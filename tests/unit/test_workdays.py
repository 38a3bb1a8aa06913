"""Working days: statutory calendar where known, weekends plus the station's table beyond it."""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop.domain.holiday_estimate import estimated_holidays, festivals
from shuanbai_desktop.domain.workdays import (
    StationDays,
    Urgency,
    add_workdays,
    fallback_note,
    fallback_short,
    is_estimated_year,
    is_statutory_year,
    is_workday,
    statutory_years,
    urgency,
    workdays_after,
)


def test_library_years_are_read_from_its_data():
    years = statutory_years()
    assert 2026 in years and 2004 in years
    assert 2027 not in years and not is_statutory_year(2027)


def test_national_day_2026_is_skipped():
    # Sept 30 (Wed) + 5: Oct 1–7 holiday, Oct 8, 9, Sat Oct 10 (调休 working), Oct 12, Oct 13.
    result = add_workdays(date(2026, 9, 30), 5)
    assert result.due == date(2026, 10, 13)
    assert not result.estimated


def test_a_tiaoxiu_saturday_counts_as_a_working_day():
    saturday = date(2026, 10, 10)
    assert saturday.weekday() == 5
    assert is_workday(saturday)
    assert add_workdays(date(2026, 10, 9), 1).due == saturday


def test_ordinary_weekend_and_holiday_are_not_working_days():
    assert not is_workday(date(2026, 11, 28))  # Saturday
    assert not is_workday(date(2026, 10, 1))   # National Day
    assert is_workday(date(2026, 11, 27))      # Friday


def test_crossing_into_a_year_without_data_is_estimated_and_skips_new_year():
    result = add_workdays(date(2026, 12, 28), 5)
    # Dec 29, 30, 31, (Fri Jan 1 2027 元旦: estimated holiday), Mon Jan 4, Tue Jan 5.
    assert result.due == date(2027, 1, 5)
    assert result.fallback_years == (2027,)
    assert result.estimated


def test_spring_festival_2027_is_estimated_from_the_lunar_calendar():
    # 除夕 Fri Feb 5, 初一–初二 on the weekend (补假 Tue 9, Wed 10), 初三 Mon Feb 8.
    assert [d for d in estimated_holidays(2027) if d.month == 2] == [
        date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10)]
    result = add_workdays(date(2027, 2, 4), 1)
    assert result.due == date(2027, 2, 11) and result.estimated
    assert not is_workday(date(2027, 2, 5)) and is_workday(date(2027, 2, 11))


def test_lunar_festivals_and_qingming_of_later_years():
    names = {d: n for d, n in estimated_holidays(2028).items()}
    assert names[date(2028, 1, 26)] == "春节"          # 正月初一 2028
    assert names[date(2028, 4, 4)] == "清明节"
    assert names[date(2028, 1, 3)] == "元旦（补假）"   # 1 Jan 2028 is a Saturday
    # 中秋 (3 Oct 2028) falls within 国庆: made up after it, as 国庆's own Sunday is.
    assert names[date(2028, 10, 4)] == "国庆节（补假）" and names[date(2028, 10, 5)] == "中秋节（补假）"
    assert [f.days[0] for f in festivals(2029) if f.name in ("端午节", "中秋节")] == [
        date(2029, 6, 16), date(2029, 9, 22)]


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_estimate_never_calls_an_official_working_day_a_holiday(year):
    import chinese_calendar

    estimate = estimated_holidays(year)
    assert len(estimate) == 13  # 13 statutory days a year since 2025
    assert [d for d in estimate if chinese_calendar.is_workday(d)] == []


def test_a_newer_library_that_knows_the_year_wins(monkeypatch):
    from shuanbai_desktop.domain import workdays

    monkeypatch.setattr(workdays, "statutory_years", lambda: frozenset({2026, 2027}))
    monkeypatch.setattr(workdays.chinese_calendar, "is_workday", lambda day: day != date(2027, 1, 4))
    result = add_workdays(date(2026, 12, 31), 1)
    assert result.due == date(2027, 1, 1) and not result.estimated
    assert not is_workday(date(2027, 1, 4))


def test_once_the_station_enters_a_year_it_is_no_longer_estimated():
    own = StationDays(holidays=frozenset({date(2027, 1, 1)}))
    result = add_workdays(date(2026, 12, 28), 5, own)
    assert result.due == date(2027, 1, 5) and not result.estimated
    # The station's table replaces the estimate for that year: 5 Feb (除夕) is a working day in it.
    assert is_workday(date(2027, 2, 5), own) and not is_workday(date(2027, 2, 5))
    assert is_estimated_year(2028, own) and not is_estimated_year(2027, own)


def test_station_table_applies_to_years_without_data():
    own = StationDays(holidays=frozenset({date(2027, 1, 1)}), workdays=frozenset({date(2027, 1, 9)}))
    assert not is_workday(date(2027, 1, 1), own)
    assert is_workday(date(2027, 1, 9), own)  # a Saturday the station declared working
    assert add_workdays(date(2026, 12, 28), 5, own).due == date(2027, 1, 5)


def test_station_table_does_not_override_statutory_years():
    own = StationDays(holidays=frozenset({date(2026, 11, 27)}), workdays=frozenset({date(2026, 11, 28)}))
    assert is_workday(date(2026, 11, 27), own)
    assert not is_workday(date(2026, 11, 28), own)


def test_zero_days_is_the_same_day_and_registration_on_a_weekend_counts_from_monday():
    assert add_workdays(date(2026, 11, 28), 0).due == date(2026, 11, 28)
    assert add_workdays(date(2026, 11, 28), 1).due == date(2026, 11, 30)


def test_negative_days_and_endless_holiday_tables_are_refused():
    with pytest.raises(ValueError):
        add_workdays(date(2026, 1, 5), -1)
    every_day = frozenset(date.fromordinal(date(2027, 1, 1).toordinal() + i) for i in range(800))
    with pytest.raises(ValueError):
        add_workdays(date(2026, 12, 31), 3, StationDays(holidays=every_day))


def test_workdays_after_counts_only_later_working_days():
    assert workdays_after(date(2026, 9, 30), date(2026, 10, 9)) == 2
    assert workdays_after(date(2026, 11, 27), date(2026, 11, 27)) == 0
    assert workdays_after(date(2026, 11, 27), date(2026, 11, 20)) == 0


def test_urgency_overdue_soon_normal():
    today = date(2026, 11, 27)  # Friday
    assert urgency(date(2026, 11, 26), today) is Urgency.OVERDUE
    assert urgency(today, today) is Urgency.SOON
    assert urgency(date(2026, 12, 1), today) is Urgency.SOON     # Mon 30th, Tue 1st: 2 working days
    assert urgency(date(2026, 12, 2), today) is Urgency.NORMAL   # 3 working days
    # Over National Day: Sept 30 → Oct 9 is only 2 working days away.
    assert urgency(date(2026, 10, 9), date(2026, 9, 30)) is Urgency.SOON


def test_fallback_note_names_the_years():
    assert fallback_note(()) == "" and fallback_short(()) == ""
    assert fallback_short((2027, 2028)) == "推算：2027、2028 年按法定节日推算，未计调休"
    assert "2027 年" in fallback_note((2027,)) and "节假日调休表" in fallback_note((2027,))
