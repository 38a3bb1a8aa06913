"""节假日调休表: the station's own holidays and 调休 working days for years the statutory
calendar data does not cover (chinese-calendar 1.11.0 ends with 2026)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.window import WindowHoliday
from ...domain.counter_labels import HolidayKind
from ...domain.workdays import StationDays, is_statutory_year
from ...errors import UserError
from ..fields import clean_text, parse_day
from ..permissions import Permission, require


@dataclass(frozen=True)
class HolidayEntry:
    day: date
    kind: HolidayKind
    name: str

    @property
    def weekday_text(self) -> str:
        return "星期" + "一二三四五六日"[self.day.weekday()]


def list_entries(session: Session, year: int | None = None) -> list[HolidayEntry]:
    query = select(WindowHoliday).order_by(WindowHoliday.day)
    if year is not None:
        query = query.where(WindowHoliday.day >= date(year, 1, 1), WindowHoliday.day <= date(year, 12, 31))
    return [HolidayEntry(h.day, HolidayKind(h.kind), h.name) for h in session.scalars(query)]


def station_days(session: Session) -> StationDays:
    """The table as the working-day rules use it (cached for the session's transaction)."""
    cached = session.info.get("window_station_days")
    if cached is None:
        rows = session.execute(select(WindowHoliday.day, WindowHoliday.kind)).all()
        cached = StationDays(frozenset(d for d, k in rows if k == HolidayKind.HOLIDAY.value),
                             frozenset(d for d, k in rows if k == HolidayKind.WORKDAY.value))
        session.info["window_station_days"] = cached
    return cached


def _forget(session: Session) -> None:
    session.info.pop("window_station_days", None)


def save_entry(session: Session, day: date | str, kind: HolidayKind, name: str) -> date:
    """Add or change one day. Days of years with statutory data are refused (the law decides them)."""
    require(session, Permission.WINDOW_SETTINGS)
    day = parse_day(day, "日期")
    if is_statutory_year(day.year):
        raise UserError(f"{day.year} 年的法定节假日和调休安排已内置，无需也不能在这里填写。", field="日期")
    kind = HolidayKind(kind)
    if kind is HolidayKind.WORKDAY and day.weekday() < 5:
        raise UserError(f"{day:%Y-%m-%d} 是工作日（星期{'一二三四五'[day.weekday()]}），"
                        "“调休上班”只用于周六、周日。", field="日期")
    if kind is HolidayKind.HOLIDAY and day.weekday() >= 5:
        raise UserError(f"{day:%Y-%m-%d} 是周末，本来就不上班，无需登记为放假。", field="日期")
    text = clean_text(name, "名称", 20, required=True, message="请填写名称，例如“元旦”“春节”。")
    row = session.get(WindowHoliday, day)
    if row is None:
        session.add(WindowHoliday(day=day, kind=kind.value, name=text))
    else:
        row.kind = kind.value
        row.name = text
    session.flush()
    _forget(session)
    return day


def remove_entry(session: Session, day: date) -> None:
    require(session, Permission.WINDOW_SETTINGS)
    row = session.get(WindowHoliday, day)
    if row is not None:
        session.delete(row)
        session.flush()
    _forget(session)


def years_missing_table(session: Session, years: list[int] | tuple[int, ...]) -> list[int]:
    """Of ``years`` (without statutory data), those the station has not entered any day for."""
    known = {d.year for d in station_days(session).holidays | station_days(session).workdays}
    return sorted({y for y in years if not is_statutory_year(y) and y not in known})
