"""Annual figures (R6.3): the year's months side by side and the year's totals, in the monthly
layout, plus the year-only figures of the October staff assessment and the December evaluation.

Flows are added up over the months, stocks are the last month's value, rates are recomputed
from the year's parts (``aggregate.combine``). The current year runs to the current month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from ...data import audit
from ...errors import UserError
from .aggregate import combine
from .collect import collect, station_header
from .layout import Group, ReportFigures, Row, Sheet, StationHeader, Value
from .sections import month_figures_of

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    station: StationHeader
    months: tuple[int, ...]
    sheets: tuple[Sheet, ...]  # the monthly layout (report.* rows left out)
    by_month: tuple[dict[str, Value], ...]  # one per month in ``months``
    total: dict[str, Value]  # 全年
    year_only: tuple[Group, ...]  # 年度考核与评估
    left_out: tuple[str, ...]
    until: date  # last day counted


def _merge_layout(months: list[ReportFigures]) -> tuple[Sheet, ...]:
    """The last month's sheets, with rows that only earlier months had (a matter since removed) kept."""
    order: dict[tuple[str, str, str], dict[str, Row]] = {}  # (sheet key, group title, family) → rows
    sheets: dict[str, str] = {}
    for figures in reversed(months):
        for sheet in figures.sheets:
            sheets.setdefault(sheet.key, sheet.title)
            for g in sheet.groups:
                rows = order.setdefault((sheet.key, g.title, g.family), {})
                for r in g.rows:
                    if not r.key.startswith("report."):
                        rows.setdefault(r.key, r)
    out = []
    for key, title in sheets.items():
        groups = tuple(Group(key, t, tuple(rows.values()), fam) for (s, t, fam), rows in order.items() if s == key)
        out.append(Sheet(key, title, groups))
    return tuple(out)


def _year_only(session: Session, year: int) -> tuple[Group, ...]:
    if month_figures_of("staff") is None:
        return ()
    from .sections.staff import annual_groups
    return tuple(annual_groups(session, year))


def _check_year(year: int, today: date) -> None:
    if not 2000 <= year <= today.year:
        raise UserError(f"年度 {year} 无效（最晚为今年 {today.year}）。", field="年度")


def year_only(session: Session, year: int, today: date) -> tuple[Group, ...]:
    """The October assessment and December evaluation figures alone (the 年度数据 page's last sheet),
    without counting the year's months: the ``annual`` command prints them."""
    _check_year(year, today)
    return _year_only(session, year)


def annual(session: Session, year: int, progress: Progress | None = None, today: date | None = None) -> AnnualFigures:
    today = today or date.today()
    _check_year(year, today)
    progress = progress or (lambda *_: None)
    last_month = 12 if year < today.year else today.month
    months = []
    for m in range(1, last_month + 1):
        progress(int((m - 1) * 90 / last_month), f"正在统计 {year}年{m}月")
        months.append(collect(session, year, m, today=today))
    sheets = _merge_layout(months)
    rules = [(r.key, r.agg) for s in sheets for r in s.rows()]
    by_month = tuple(f.values() for f in months)
    until = min(today, months[-1].period[1])
    return AnnualFigures(year, station_header(session), tuple(range(1, last_month + 1)), sheets, by_month,
                         combine(by_month, rules, stocks="last"), _year_only(session, year), months[-1].left_out, until)


def export_annual(session: Session, year: int, target: Path, progress: Progress | None = None,
                  figures: AnnualFigures | None = None, today: date | None = None) -> Path:
    """Write the year's workbook and audit it; ``figures`` may have been gathered beforehand
    (on a read-only session, so that the write lock is held only for the audit entry)."""
    from ...exports.report_xlsx import write_annual
    figures = figures or annual(session, year, progress, today)
    s = figures.station
    title = f"{s.name} {year}年度数据"
    columns = [(f"{m}月", values) for m, values in zip(figures.months, figures.by_month, strict=True)]
    columns.append(("全年", figures.total))
    sheets = list(figures.sheets)
    subtitle = (f"{s.city_name}{s.county_name}{s.town_name}（区划代码 {s.town_code}）　"
                f"统计期间 {year}-01-01 至 {figures.until:%Y-%m-%d}")
    notes = [("统计期间", f"{year}-01-01 至 {figures.until:%Y-%m-%d}"),
             ("全年一栏", "本月发生的数（户次、件数、学时等）为各月相加；月末存量（人数、在案个案、在账资产等）取最后一个月；"
                       "比率按全年的分子、分母重新计算，不是各月比率的平均。"),
             ("未纳入的内容", "、".join(figures.left_out) if figures.left_out else "无")]
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    extra = [Sheet("annual", "年度考核与评估", figures.year_only)] if figures.year_only else []
    write_annual(sheets, columns, target, title, subtitle, notes, extra)
    audit.record_event(session, "export", "", f"导出{year}年度数据", {"year": year})
    return target
