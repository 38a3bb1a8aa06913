"""Working days on China's statutory calendar (public holidays and 调休 working weekends).

chinese-calendar carries the State Council's arrangement year by year; the installed
1.11.0 knows 2004–2026 (``statutory_years()``). For any other year a day counts as a
working day when it is Monday to Friday, unless the station's own table
(``StationDays``) marks it as a holiday, or marks a weekend day as a 调休 working day.
Results name the years computed that way so that the screen can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import cache

import chinese_calendar
from chinese_calendar import constants

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


NO_STATION_DAYS = StationDays()


def is_workday(day: date, own: StationDays = NO_STATION_DAYS) -> bool:
    """True on a working day: the statutory calendar where known, else weekdays and ``own``."""
    if is_statutory_year(day.year):
        return chinese_calendar.is_workday(day)
    if day in own.workdays:
        return True
    if day in own.holidays:
        return False
    return day.weekday() < 5


@dataclass(frozen=True)
class DueDate:
    due: date
    #: Years stepped through without statutory data (counted on weekends + the station's table).
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
        if not is_statutory_year(day.year):
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
    return (f"{text}的国家法定节假日安排本程序尚未内置，该日期按周末和本站“节假日调休表”推算，"
            "请以国务院公布的安排为准核对。")


def fallback_short(years: tuple[int, ...] | list[int]) -> str:
    """A short form of ``fallback_note`` for narrow places (the full sentence goes in the tooltip)."""
    if not years:
        return ""
    return f"推算：{'、'.join(str(y) for y in years)} 年节假日未内置，按周末和本站调休表计算"
