"""The report workbooks in their fixed layout (docs/report-format.md): monthly, annual, county.

A report sheet has a title row, a subtitle row, the header row
序号 | 项目 | <value columns> | 单位 | 口径与来源 (frozen, repeated on every printed page), then
each group as a shaded caption row followed by its figures. The monthly report has one
value column (数值), the annual figures thirteen (1月 … 12月, 全年). Numbers are numbers,
texts are inert text, nothing is a formula. ``write_report`` returns where each figure
landed ({key: "'基本情况'!C5"}), which the manifest records and the county merge checks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname

from .xlsx import BORDER, FONT_NAME, HEADER_FILL, save_atomic, set_value, write_table

if TYPE_CHECKING:
    from ..services.report.layout import ReportFigures, Row, Sheet

FIRST_DATA_ROW = 4
GROUP_FILL = PatternFill("solid", fgColor="EEF2F6")
Column = tuple[str, Mapping]  # (header, {key: value})


def number_format(value, unit: str) -> str | None:
    if isinstance(value, Decimal):
        return "#,##0.00" if unit == "元" else "0.0"
    if isinstance(value, float):
        return "0.0"
    return "0" if isinstance(value, int) and not isinstance(value, bool) else None


def _merged(ws, text: str, row: int, width: int, size: int, bold: bool) -> None:
    cell = set_value(ws.cell(row, 1), text)
    cell.font = Font(name=FONT_NAME, bold=bold, size=size)
    cell.alignment = Alignment(vertical="center")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _header(ws, headers: Sequence[str]) -> None:
    for col, text in enumerate(headers, 1):
        cell = set_value(ws.cell(FIRST_DATA_ROW - 1, col), text)
        cell.font, cell.border, cell.fill = Font(name=FONT_NAME, bold=True), BORDER, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _group_row(ws, r: int, title: str, width: int) -> None:
    _merged(ws, title, r, width, 11, True)
    for col in range(1, width + 1):
        ws.cell(r, col).fill, ws.cell(r, col).border = GROUP_FILL, BORDER


def _figure_row(ws, r: int, number: int, row: Row, columns: Sequence[Column]) -> None:
    values = [number, row.label, *(c.get(row.key) for _, c in columns), row.unit, row.source]
    for col, v in enumerate(values, 1):
        is_value = 3 <= col < 3 + len(columns)
        cell = set_value(ws.cell(r, col), "—" if is_value and v is None else v)
        cell.border, cell.font = BORDER, Font(name=FONT_NAME)
        numeric = isinstance(v, int | float | Decimal)
        cell.alignment = Alignment(horizontal="right" if is_value and numeric else None, vertical="center",
                                   wrap_text=col in (2, len(values)) or (is_value and isinstance(v, str)))
        fmt = number_format(v, row.unit) if is_value else None
        if fmt:
            cell.number_format = fmt


def _setup_print(ws, last_row: int, widths: Sequence[int]) -> None:
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"
    ws.print_title_rows = f"{FIRST_DATA_ROW - 1}:{FIRST_DATA_ROW - 1}"
    ws.print_area = f"A1:{get_column_letter(len(widths))}{last_row}"
    ws.page_setup.orientation = "portrait" if len(widths) <= 5 else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def report_sheet(wb: Workbook, title: str, subtitle: str, sheet: Sheet, columns: Sequence[Column]) -> dict[str, str]:
    """One sheet of the layout; returns {key: address} of the first value column."""
    ws = wb.create_sheet(sheet.title)
    widths = (6, 36, *([14] if len(columns) == 1 else [9] * len(columns)), 8, 62 if len(columns) == 1 else 40)
    _merged(ws, f"{title} · {sheet.title}", 1, len(widths), 14, True)
    _merged(ws, subtitle, 2, len(widths), 10, False)
    _header(ws, ("序号", "项目", *(h for h, _ in columns), "单位", "口径与来源"))
    cells, r, number = {}, FIRST_DATA_ROW, 0
    for group in sheet.groups:
        _group_row(ws, r, group.title, len(widths))
        r += 1
        for row in group.rows:
            number += 1
            _figure_row(ws, r, number, row, columns)
            cells[row.key] = f"{quote_sheetname(sheet.title)}!C{r}"
            r += 1
    _setup_print(ws, r - 1, widths)
    return cells


def notes_sheet(wb: Workbook, title: str, notes: Sequence[tuple[str, str]]) -> None:
    ws = wb.create_sheet("说明")
    write_table(ws, ("事项", "内容"), notes, (24, 90), title=title)
    for row in ws.iter_rows(min_row=3):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def _changes_sheet(wb: Workbook, changes: Sequence[Sequence], version: int) -> None:
    ws = wb.create_sheet("变更说明")
    rows = [(i, *c) for i, c in enumerate(changes, 1)] or [(None, "与上一版相比没有数字变化", "", "", "")]
    write_table(ws, ("序号", "项目", "单位", f"第 {version - 1} 版", f"第 {version} 版"), rows, (6, 46, 8, 16, 16),
                title=f"第 {version} 版与第 {version - 1} 版相比变化的数字")


def _workbook(title: str, creator: str) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title, wb.properties.creator = title, creator
    return wb


def write_report(figures: ReportFigures, target: Path, subtitle: str, notes: Sequence[tuple[str, str]] = (),
                 version: int = 1, changes: Sequence[Sequence] = ()) -> dict[str, str]:
    """The monthly workbook; ``changes`` rows (项目, 单位, old, new) are listed from version 2 on."""
    title = f"{figures.station.name} {figures.month_text}月度报表"
    wb = _workbook(title, figures.station.name)
    cells: dict[str, str] = {}
    for sheet in figures.sheets:
        cells.update(report_sheet(wb, title, subtitle, sheet, [("数值", figures.values())]))
    if version > 1:
        _changes_sheet(wb, changes, version)
    if notes:
        notes_sheet(wb, f"{title}说明", notes)
    save_atomic(wb, target)
    return cells


def write_annual(sheets: Sequence[Sheet], columns: Sequence[Column], target: Path, title: str, subtitle: str,
                 notes: Sequence[tuple[str, str]], year_only: Sequence[Sheet] = ()) -> Path:
    """The annual figures: the monthly layout with one column per month and 全年; ``year_only``
    sheets (the year's assessment and evaluation) carry their own values in one 全年 column."""
    wb = _workbook(title, title)
    for sheet in sheets:
        report_sheet(wb, title, subtitle, sheet, columns)
    for sheet in year_only:
        report_sheet(wb, title, subtitle, sheet, [("全年", {r.key: r.value for r in sheet.rows()})])
    notes_sheet(wb, f"{title}说明", notes)
    return save_atomic(wb, target)


def write_county(target: Path, title: str, headers: Sequence[str], rows: Sequence[Sequence],
                 missing: Sequence[Sequence], results: Sequence[Sequence], creator: str) -> Path:
    """The county summary: one row per town with a 合计 row, towns missing, and each package's check."""
    wb = _workbook(title, creator)
    ws = wb.create_sheet("汇总")
    write_table(ws, headers, rows, (6, 16, 12, 26, 6) + (12,) * (len(headers) - 5), title=title)
    ws.freeze_panes = "F3"
    for row in ws.iter_rows(min_row=3):
        for cell in row[5:]:
            fmt = number_format(cell.value, "元" if "（元）" in str(ws.cell(2, cell.column).value) else "")
            if fmt:
                cell.number_format = fmt
    write_table(wb.create_sheet("未报送"), ("序号", "乡镇(街道)", "区划代码"), missing, (6, 24, 14),
                title=f"{title} · 本月未报送的乡镇(街道)")
    write_table(wb.create_sheet("校验结果"), ("序号", "文件", "乡镇(街道)", "月份", "版本", "结果", "原因"), results,
                (6, 40, 16, 10, 6, 10, 60), title=f"{title} · 各站报表校验结果")
    return save_atomic(wb, target)


def write_placeholders(target: Path, title: str, rows: Sequence[Sequence]) -> Path:
    """The list of placeholders for the county's form designers: (占位符, 项目, 单位, 所在表)."""
    wb = _workbook(title, title)
    write_table(wb.create_sheet("占位符"), ("占位符", "项目", "单位", "所在表", "分组"), rows, (40, 36, 8, 12, 30),
                title=title)
    return save_atomic(wb, target)
