"""Statutory holidays of a year the installed chinese-calendar does not know, estimated from the law.

《全国年节及纪念日放假办法》 (as in force from 2025) gives every citizen 元旦 (1 day, 1 January),
春节 (4 days: 除夕 and 正月初一 to 初三), 清明节 (1 day, the solar term), 劳动节 (2 days, 1–2 May),
端午节 (1 day, 五月初五), 中秋节 (1 day, 八月十五) and 国庆节 (3 days, 1–3 October); a holiday that
falls on a Saturday or Sunday is made up on a working day (补假). The lunar dates and the solar term
come from lunar-python (6tail; pure Python, computes the lunar calendar and the 24 solar terms
astronomically for any year, with no year table to run out).

What cannot be estimated is the State Council's 调休 (weekend days swapped to make longer breaks):
the estimate gives the statutory days plus their 补假 on the next weekdays after each festival, and
nothing more. Every date reckoned with it is marked as estimated until the administrator enters the
year's official table (or a newer chinese-calendar that knows the year is installed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from lunar_python import Lunar


@dataclass(frozen=True)
class Festival:
    name: str
    #: The statutory days, first to last (a festival's days are consecutive).
    days: tuple[date, ...]


def _lunar(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _qingming(year: int) -> date:
    # The jieqi table of the lunar year that begins in ``year`` holds that spring's 清明.
    solar = Lunar.fromYmd(year, 3, 1).getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _run(first: date, count: int) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range(count))


def festivals(year: int) -> tuple[Festival, ...]:
    """The statutory festivals of ``year`` with their days, in date order."""
    spring = _lunar(year, 1, 1)
    found = [
        Festival("元旦", (date(year, 1, 1),)),
        Festival("春节", _run(spring - timedelta(days=1), 4)),
        Festival("清明节", (_qingming(year),)),
        Festival("劳动节", _run(date(year, 5, 1), 2)),
        Festival("端午节", (_lunar(year, 5, 5),)),
        Festival("中秋节", (_lunar(year, 8, 15),)),
        Festival("国庆节", _run(date(year, 10, 1), 3)),
    ]
    return tuple(sorted(found, key=lambda f: f.days[0]))


@cache
def estimated_holidays(year: int) -> dict[date, str]:
    """Days off in ``year`` by the law alone: each statutory day, and a weekday 补假 for each one that
    falls on a weekend or on another festival's day (中秋 within 国庆), placed on the first free
    weekdays after the festival. Maps the day to the festival's name."""
    off: dict[date, str] = {}
    for festival in festivals(year):
        owed = 0
        for day in festival.days:
            if day.weekday() >= 5 or day in off:
                owed += 1
            else:
                off[day] = festival.name
        day = festival.days[-1]
        while owed:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in off:
                off[day] = f"{festival.name}（补假）"
                owed -= 1
    return dict(sorted(off.items()))
