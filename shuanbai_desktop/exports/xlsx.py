"""Safe, tidy openpyxl writing shared by every export.

- Text that starts with ``= + - @`` (or tab/CR) stays text: never a formula.
- Control characters that openpyxl refuses are removed instead of crashing mid-export.
- Files are written to ``.tmp`` beside the target and renamed when complete.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FONT_NAME = "宋体"
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def clean_text(value: str) -> str:
    return ILLEGAL.sub("", value)


def set_value(cell: Cell, value) -> Cell:
    """Write a value: numbers and dates as themselves, every string as inert text."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, int | float | Decimal | date | datetime):
        cell.value = value
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    else:
        text = clean_text(str(value))
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever it starts with
    return cell


def write_table(ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence], widths: Sequence[int],
                title: str | None = None, first_row: int = 1) -> int:
    """A titled table with bordered header, frozen header row and print setup; returns the last row."""
    row = first_row
    if title:
        set_value(ws.cell(row, 1), title).font = Font(name=FONT_NAME, bold=True, size=14)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        row += 1
    for col, header in enumerate(headers, 1):
        cell = set_value(ws.cell(row, col), header)
        cell.font, cell.fill, cell.border = Font(name=FONT_NAME, bold=True), HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_row = row
    for values in rows:
        row += 1
        for col, value in enumerate(values, 1):
            cell = set_value(ws.cell(row, col), value)
            cell.border, cell.font = BORDER, Font(name=FONT_NAME)
    for col, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A{first_row}:{get_column_letter(len(headers))}{max(row, header_row)}"
    ws.page_setup.orientation = "landscape" if len(headers) > 7 else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return row


def save_atomic(wb: Workbook, target: Path) -> Path:
    """Save to ``target`` through a temporary file in the same folder; no half file on failure."""
    tmp = target.with_name(target.name + ".tmp")
    try:
        wb.save(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
