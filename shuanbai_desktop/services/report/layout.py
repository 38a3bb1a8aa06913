"""The report's shape: sheets of groups of rows, each row a figure with its key, label and source.

Every figure has a stable ``key`` (also the county template's ``{{key}}`` placeholder,
docs/report-placeholders.md). Section builders (``sections/<area>.py``) return groups;
``collect.collect`` puts them on the sheets in the fixed order of ``SHEETS``. A sheet whose
features are all missing is left out, never filled with zeros.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

LAYOUT_VERSION = "2"  # 2: 社区社会组织培育 rows (orgs.*), leadership on the PDF (issue 15)
FORMAT_NAME = "shuanbai-monthly-report"

SHEETS: tuple[tuple[str, str], ...] = (
    ("basic", "基本情况"),
    ("staff", "人员"),
    ("targets", "服务对象"),
    ("services", "服务开展"),
    ("window", "窗口经办"),
    ("assets", "资产档案"),
)
SHEET_TITLES = dict(SHEETS)

Value = int | float | Decimal | str | None


@dataclass(frozen=True)
class Row:
    key: str  # stable key, the placeholder name, e.g. "visits.households"
    label: str  # 项目 as printed
    value: Value
    unit: str = ""
    source: str = ""  # 口径/来源: where the number comes from
    agg: str = "sum"  # combining: "sum" | "end" (month-end stock) | "month" | "text" | "rate:a+b/c" (aggregate.py)

    @property
    def is_number(self) -> bool:
        return isinstance(self.value, int | float | Decimal) and not isinstance(self.value, bool)


@dataclass(frozen=True)
class Group:
    sheet: str  # key in SHEETS
    title: str
    rows: tuple[Row, ...]
    family: str = ""  # rows whose keys vary by station (villages, matters): "" for fixed rows


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    groups: tuple[Group, ...]

    def rows(self) -> Iterator[Row]:
        for group in self.groups:
            yield from group.rows


@dataclass(frozen=True)
class RecordRef:
    """A record a check points at: what the user reads and where the app opens it."""

    table: str
    id: int | str
    text: str
    area: str  # navigation key of the screen that edits it ("targets", "window", "settings.station" …)


@dataclass(frozen=True)
class Check:
    key: str
    sheet: str
    level: str  # "error" (须更正) or "warning" (请核实)
    title: str
    hint: str
    count: int
    records: tuple[RecordRef, ...] = ()

    @property
    def level_text(self) -> str:
        return "须更正" if self.level == "error" else "请核实"


@dataclass(frozen=True)
class StationHeader:
    town_code: str
    town_name: str
    name: str
    county_code: str
    county_name: str
    city_name: str
    leader_name: str = ""  # 站长 (R1.2): the cover and the signature block (审核人)
    leader_post: str = ""
    deputy_name: str = ""  # 常务副站长
    deputy_post: str = ""

    @property
    def leadership_text(self) -> str:
        """“站长：张三（镇党委委员、副镇长）　常务副站长：李四（公共服务办主任）”; "" when none is recorded."""
        parts = []
        for title, name, post in (("站长", self.leader_name, self.leader_post),
                                  ("常务副站长", self.deputy_name, self.deputy_post)):
            if name:
                parts.append(f"{title}：{name}" + (f"（{post}）" if post else ""))
        return "　".join(parts)


@dataclass(frozen=True)
class ReportFigures:
    year: int
    month: int
    station: StationHeader
    sheets: tuple[Sheet, ...]
    left_out: tuple[str, ...] = ()  # features not (yet) in this program: their figures are absent
    generated_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    @property
    def month_key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def month_text(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def period(self) -> tuple[date, date]:
        import calendar
        return date(self.year, self.month, 1), date(self.year, self.month,
                                                    calendar.monthrange(self.year, self.month)[1])

    def rows(self) -> Iterator[Row]:
        for sheet in self.sheets:
            yield from sheet.rows()

    def values(self) -> dict[str, Value]:
        return {row.key: row.value for row in self.rows()}


def json_value(value: Value):
    """A value as stored in JSON (exports, manifest): Decimal as text to keep it exact."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def display(value: Value) -> str:
    """A value as the preview and the change list show it."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def percent(part: int | float | Decimal, whole: int | float | Decimal) -> float | None:
    """part/whole in percent with one decimal; None (shown "—") when there is no whole."""
    return round(float(part) * 100 / float(whole), 1) if whole else None
