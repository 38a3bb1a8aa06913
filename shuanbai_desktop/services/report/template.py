"""County template mode: the county's own xlsx form with ``{{key}}`` placeholders, filled from
the same figures as the standard workbook (docs/report-placeholders.md lists the keys).

A cell holding only a placeholder gets the figure itself (a number stays a number); a
placeholder inside other text is replaced by the figure's text. An unknown key stops
the export and is reported with its cell address. The template is kept in the database
(table ``report_template``), so backups carry it; loading a new one keeps the old ones.
Loading or retiring the station's template needs ``Permission.REPORT_EXPORT``.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.report import ReportTemplate
from ...errors import UserError
from ..permissions import Permission, require
from ..workbook_guard import TEMPLATE_LIMITS, open_workbook
from .layout import ReportFigures, display

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
MAX_BYTES = 10 * 1024 * 1024
MAX_LISTED = 20


@dataclass(frozen=True)
class Placeholder:
    sheet: str
    cell: str
    key: str

    @property
    def address(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    file_name: str
    sha256: str
    size: int
    placeholders: int
    loaded_at: datetime
    loaded_by: str


def _open(content: bytes, name: str):
    """The form loaded whole (to be filled and saved), through the guarded reader."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise UserError(f"“{name}”不是 xlsx 格式的 Excel 文件（旧的 .xls 请先用 Excel/WPS 另存为 .xlsx）。",
                        field="县级报表模板")
    return open_workbook(content, name=name, limits=TEMPLATE_LIMITS, read_only=False, field="县级报表模板")


def _cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "{{" in cell.value:
                    yield ws, cell


def scan(wb) -> list[Placeholder]:
    return [Placeholder(ws.title, cell.coordinate, m.group(1)) for ws, cell in _cells(wb)
            for m in PLACEHOLDER.finditer(cell.value)]


def unknown_message(unknown: list[Placeholder]) -> str:
    listed = "；".join(f"{p.address} {{{{{p.key}}}}}" for p in unknown[:MAX_LISTED])
    more = f"等共 {len(unknown)} 处" if len(unknown) > MAX_LISTED else f"共 {len(unknown)} 处"
    return (f"县级报表模板中有本程序不认识的占位符（{more}）：{listed}。"
            "请对照《占位符清单》更正模板后重新载入；报表没有导出。")


def _check_known(placeholders: list[Placeholder], keys) -> None:
    unknown = [p for p in placeholders if p.key not in keys]
    if unknown:
        raise UserError(unknown_message(unknown), field="县级报表模板")


def fill(content: bytes, figures: ReportFigures, target: Path) -> int:
    """Fill every placeholder and save to ``target``; returns how many were filled."""
    from ...exports.xlsx import save_atomic, set_value
    wb = _open(content, "县级报表模板")
    values = figures.values()
    _check_known(scan(wb), values)
    filled = 0
    for _ws, cell in list(_cells(wb)):
        whole = PLACEHOLDER.fullmatch(cell.value.strip())
        if whole:
            value = values[whole.group(1)]
            set_value(cell, "—" if value is None else value)
            filled += 1
        else:
            text = PLACEHOLDER.sub(lambda m: display(values[m.group(1)]), cell.value)
            filled += len(PLACEHOLDER.findall(cell.value))
            set_value(cell, text)
    save_atomic(wb, target)
    return filled


def _info(t: ReportTemplate) -> TemplateInfo:
    return TemplateInfo(t.id, t.file_name, t.sha256, t.size, t.placeholders, t.loaded_at, t.loaded_by)


def active(session: Session) -> ReportTemplate | None:
    return session.scalar(select(ReportTemplate).where(ReportTemplate.active.is_(True))
                          .order_by(ReportTemplate.id.desc()).limit(1))


def active_info(session: Session) -> TemplateInfo | None:
    row = active(session)
    return _info(row) if row else None


@dataclass(frozen=True)
class TemplateFile:
    """A form used for one export without being stored (command line ``--template``)."""

    content: bytes
    sha256: str


def _read(path: Path) -> bytes:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError("县级报表模板应为 .xlsx 文件。", field="县级报表模板")
    try:
        content = path.read_bytes()
    except OSError:
        raise UserError(f"无法读取县级报表模板“{path.name}”。", field="县级报表模板") from None
    if not content or len(content) > MAX_BYTES:
        raise UserError("县级报表模板不能是空文件，也不能超过 10 MB。", field="县级报表模板")
    return content


def from_file(path: Path) -> TemplateFile:
    content = _read(path)
    _open(content, Path(path).name)
    return TemplateFile(content, hashlib.sha256(content).hexdigest())


def load(session: Session, path: Path, figures: ReportFigures) -> TemplateInfo:
    """Check the county's form against ``figures`` (keys available now) and keep it as the active
    template, recorded as loaded by the session's user."""
    loaded_by = require(session, Permission.REPORT_EXPORT).username
    path = Path(path)
    content = _read(path)
    placeholders = scan(_open(content, path.name))
    if not placeholders:
        raise UserError(f"“{path.name}”中没有找到任何占位符（形如 {{{{visits.households}}}}）。", field="县级报表模板")
    _check_known(placeholders, figures.values())
    for old in session.scalars(select(ReportTemplate).where(ReportTemplate.active.is_(True))):
        old.active = False
    row = ReportTemplate(file_name=path.name[:200], content=content, sha256=hashlib.sha256(content).hexdigest(),
                         size=len(content), placeholders=len(placeholders), loaded_by=loaded_by, active=True)
    session.add(row)
    session.flush()
    return _info(row)


def deactivate(session: Session) -> None:
    """Stop using the template (it stays in the database; nothing is lost)."""
    require(session, Permission.REPORT_EXPORT)
    row = active(session)
    if row is not None:
        row.active = False


def placeholder_rows(figures: ReportFigures) -> list[tuple[str, str, str, str, str]]:
    """(占位符, 项目, 单位, 所在表, 分组) of every figure available now."""
    return [("{{" + r.key + "}}", r.label.strip("　"), r.unit, s.title, g.title)
            for s in figures.sheets for g in s.groups for r in g.rows]


def export_placeholders(figures: ReportFigures, target: Path) -> Path:
    from ...exports.report_xlsx import write_placeholders
    return write_placeholders(Path(target), f"{figures.station.name}月度报表占位符清单", placeholder_rows(figures))


def content_of(session: Session) -> tuple[str, bytes] | None:
    """(file name, bytes) of the active template, to save a copy."""
    row = active(session)
    return (row.file_name, row.content) if row else None
