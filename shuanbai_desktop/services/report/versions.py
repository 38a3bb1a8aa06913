"""Export versions of a month, the list of what changed between them, and the month's status."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.report import LockedMonth, ReportExport
from ...data.month_lock import month_text
from .layout import ReportFigures, Value, display, json_value


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    unit: str
    old: Value  # as stored in JSON when read back from an export (Decimal as text)
    new: Value

    @property
    def row(self) -> tuple[str, str, str, str]:
        """(项目, 单位, old, new) as the workbook and the PDF print them."""
        return self.label, self.unit, display(self.old), display(self.new)


@dataclass(frozen=True)
class ExportInfo:
    id: int
    month: str
    version: int
    exported_at: datetime
    exported_by: str
    package_name: str
    as_zip: bool
    reason: str
    changes: tuple[Change, ...]
    files: tuple[tuple[str, str, int], ...]  # (name, sha256, size)

    @property
    def month_text(self) -> str:
        return month_text(self.month)


@dataclass(frozen=True)
class MonthStatus:
    month: str
    locked: bool
    locked_at: datetime | None
    versions: int

    @property
    def text(self) -> str:
        if not self.locked:
            return "未报送"
        return f"已报送（共 {self.versions} 版，{self.locked_at:%Y-%m-%d %H:%M} 首次导出）"


def figure_rows(figures: ReportFigures) -> list[list]:
    """[[key, label, value, unit], …] as stored with an export."""
    return [[r.key, r.label, json_value(r.value), r.unit] for r in figures.rows()]


def diff(old_rows: list[list], figures: ReportFigures) -> list[Change]:
    """Figures whose value differs from the previous export (added and removed rows included)."""
    old = {key: (label, value, unit) for key, label, value, unit in old_rows}
    out = []
    for row in figures.rows():
        new = json_value(row.value)
        if row.key not in old:
            out.append(Change(row.key, row.label, row.unit, None, row.value))
        elif old[row.key][1] != new:
            out.append(Change(row.key, row.label, row.unit, old[row.key][1], row.value))
    current = {r.key for r in figures.rows()}
    out += [Change(key, label, unit, value, None) for key, (label, value, unit) in old.items() if key not in current]
    return out


def _info(e: ReportExport) -> ExportInfo:
    changes = tuple(Change(*c) for c in json.loads(e.changes or "[]"))
    files = tuple(tuple(f) for f in json.loads(e.files or "[]"))
    return ExportInfo(e.id, e.month, e.version, e.exported_at, e.exported_by, e.package_name, e.as_zip, e.reason,
                      changes, files)


def latest(session: Session, month: str) -> ReportExport | None:
    return session.scalar(select(ReportExport).where(ReportExport.month == month)
                          .order_by(ReportExport.version.desc()).limit(1))


def history(session: Session, month: str | None = None) -> list[ExportInfo]:
    """Exports, newest first; of one month when ``month`` ("YYYY-MM") is given."""
    query = select(ReportExport).order_by(ReportExport.month.desc(), ReportExport.version.desc())
    if month:
        query = query.where(ReportExport.month == month)
    return [_info(e) for e in session.scalars(query)]


def status(session: Session, month: str) -> MonthStatus:
    lock = session.get(LockedMonth, month)
    count = len(session.scalars(select(ReportExport.id).where(ReportExport.month == month)).all())
    return MonthStatus(month, lock is not None, lock.locked_at if lock else None, count)


def locked_months(session: Session) -> list[str]:
    return list(session.scalars(select(LockedMonth.month).order_by(LockedMonth.month.desc())))


def change_json(changes: list[Change]) -> str:
    return json.dumps([[c.key, c.label, c.unit, json_value(c.old), json_value(c.new)] for c in changes],
                      ensure_ascii=False)
