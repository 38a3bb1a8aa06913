"""Gather one month's figures from every feature present, and the checks before export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from ...errors import UserError
from .. import station
from .layout import SHEETS, Check, Group, ReportFigures, Sheet, StationHeader
from .sections import builders, month_figures_of

Progress = Callable[[int, str], None]  # (percent 0–100, what is being done)

_LEVEL_ORDER = {"error": 0, "warning": 1}


def check_month(year: int, month: int, today: date | None = None) -> None:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise UserError(f"月份 {year}-{month:02d} 无效，应为 YYYY-MM。", field="月份")
    today = today or date.today()
    if (year, month) > (today.year, today.month):
        raise UserError(f"{year}年{month}月还没有到，不能生成报表。", field="月份")


def parse_month(text: str, today: date | None = None) -> tuple[int, int]:
    """"2024-05" → (2024, 5), with a Chinese message for anything else (or a month after ``today``)."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
    except ValueError:
        raise UserError(f"月份“{text}”格式不对，应为 YYYY-MM，例如 2024-05。", field="月份") from None
    check_month(year, month, today)
    return year, month


def station_header(session: Session) -> StationHeader:
    info = station.get_station(session)
    if info is None:
        raise UserError("本数据库还没有设立社工站，不能生成报表。")
    return StationHeader(info.town_code, info.town_name, info.name, info.county_code, info.county_name,
                         info.city_name, info.leader_name, info.leader_post, info.deputy_name, info.deputy_post)


def _present():
    found = []
    for builder in builders():
        fn = month_figures_of(builder.PACKAGE) if builder.PACKAGE else None
        found.append((builder, fn, builder.PACKAGE is None or fn is not None))
    return found


def collect(session: Session, year: int, month: int, progress: Progress | None = None,
            today: date | None = None) -> ReportFigures:
    """The month's figures; features not in this program are listed in ``left_out``.

    Stock figures of the running month are taken on ``today`` (the caller's date; the clock only
    when the caller passes none), so the report is a function of the month and ``today``."""
    today = today or date.today()
    check_month(year, month, today)
    header = station_header(session)
    groups: list[Group] = []
    left_out: list[str] = []
    found = _present()
    for i, (builder, fn, present) in enumerate(found):
        if progress:
            progress(int(i * 100 / len(found)), f"正在统计：{builder.LABEL}")
        if not present:
            left_out.append(builder.LABEL)
            continue
        groups.extend(builder.groups(session, year, month, fn, today))
    sheets = tuple(Sheet(key, title, tuple(g for g in groups if g.sheet == key)) for key, title in SHEETS)
    return ReportFigures(year, month, header, tuple(s for s in sheets if s.groups), tuple(left_out))


def run_checks(session: Session, year: int, month: int, today: date | None = None) -> list[Check]:
    """Records with missing data and contradicting numbers, errors first (as on ``today``)."""
    today = today or date.today()
    check_month(year, month, today)
    out: list[Check] = []
    for builder, _fn, present in _present():
        if present:
            out.extend(builder.checks(session, year, month, today))
    return sorted(out, key=lambda c: _LEVEL_ORDER[c.level])
