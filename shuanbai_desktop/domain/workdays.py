"""Working days on China's statutory calendar (public holidays and 调休 working weekends).

Each year is reckoned from the best source there is for it, in this order:

1. chinese-calendar, which carries the State Council's arrangement year by year (1.11.0 knows
   2004–2026, ``statutory_years()``); a newer release that knows a later year wins for that year.
2. The station's own table (``StationDays``, 设置 → 节假日调休表) for a year it holds any day of:
   the administrator has entered the official arrangement, so the year is no longer estimated.
3. Otherwise an estimate from the law (``holiday_estimate``): Monday to Friday, less the statutory
   festivals (元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆; the lunar ones from a lunar calendar) and
   their 补假. Results name the years estimated so that staff screens can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import cache, cached_property

import chinese_calendar
from chinese_calendar import constants

from .holiday_estimate import estimated_holidays

#: A count of working days never needs to look further than this (a year and a half).
MAX_SCAN_DAYS = 550


@cache
def statutory_years() -> frozenset[int]:
    """The years chinese-calendar has the official holiday arrangement for."""
    return frozenset(d.year for d in constants.holidays) | frozenset(d.year for d in constants.workdays)


def is_statutory_year(year: int) -> bool:
    return year in statutory_years()


@dataclass(frozen=True)
class StationDays:
    """The station's own holiday/调休 table, used only for years without statutory data."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @cached_property
    def years(self) -> frozenset[int]:
        """The years the station has entered its table for (any day of them)."""
        return frozenset(d.year for d in self.holidays | self.workdays)


NO_STATION_DAYS = StationDays()


def is_estimated_year(year: int, own: StationDays = NO_STATION_DAYS) -> bool:
    """True when ``year``'s working days rest on the estimate (no statutory data, no station table)."""
    return not is_statutory_year(year) and year not in own.years


def is_workday(day: date, own: StationDays = NO_STATION_DAYS) -> bool:
    """True on a working day: the statutory calendar where known, else ``own``, else the estimate."""
    if is_statutory_year(day.year):
        return chinese_calendar.is_workday(day)
    if day.year in own.years:
        if day in own.workdays:
            return True
        if day in own.holidays:
            return False
        return day.weekday() < 5
    return day.weekday() < 5 and day not in estimated_holidays(day.year)


@dataclass(frozen=True)
class DueDate:
    due: date
    #: Years stepped through on the estimate (no statutory data and no station table for them).
    fallback_years: tuple[int, ...] = ()

    @property
    def estimated(self) -> bool:
        return bool(self.fallback_years)


def add_workdays(start: date, days: int, own: StationDays = NO_STATION_DAYS) -> DueDate:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted).

    ``days == 0`` gives ``start``: the matter is due the same day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    fallback: set[int] = set()
    for _ in range(MAX_SCAN_DAYS):
        if counted == days:
            return DueDate(day, tuple(sorted(fallback)))
        day += timedelta(days=1)
        if is_estimated_year(day.year, own):
            fallback.add(day.year)
        counted += is_workday(day, own)
    raise ValueError(f"no {days} working days within {MAX_SCAN_DAYS} days of {start}")


def workdays_after(today: date, until: date, own: StationDays = NO_STATION_DAYS, stop_at: int | None = None) -> int:
    """Working days in (``today``, ``until``]; 0 when ``until`` is not after ``today``.

    Counting stops early once the count passes ``stop_at`` (enough to tell "not soon").
    """
    count, day = 0, today
    while day < until:
        day += timedelta(days=1)
        count += is_workday(day, own)
        if stop_at is not None and count > stop_at:
            break
    return count


class Urgency(Enum):
    OVERDUE = "overdue"
    SOON = "soon"
    NORMAL = "normal"


SOON_WORKDAYS = 2


def urgency(due: date, today: date, own: StationDays = NO_STATION_DAYS, soon: int = SOON_WORKDAYS) -> Urgency:
    """Overdue once ``due`` has passed; soon when due today or within ``soon`` working days."""
    if due < today:
        return Urgency.OVERDUE
    if workdays_after(today, due, own, stop_at=soon) <= soon:
        return Urgency.SOON
    return Urgency.NORMAL


def fallback_note(years: tuple[int, ...] | list[int]) -> str:
    """The sentence the screen shows beside a due date computed without statutory data."""
    if not years:
        return ""
    text = "、".join(f"{y} 年" for y in years)
    return (f"{text}的国家法定节假日安排本程序尚未内置，本站“节假日调休表”也未填写，该日期按法定节日"
            "（元旦、春节、清明、劳动节、端午、中秋、国庆及周末补假）推算，未计调休，请以国务院公布的安排为准核对。")


def fallback_short(years: tuple[int, ...] | list[int]) -> str:
    """A short form of ``fallback_note`` for narrow places (the full sentence goes in the tooltip)."""
    if not years:
        return ""
    return f"推算：{'、'.join(str(y) for y in years)} 年按法定节日推算，未计调休"
