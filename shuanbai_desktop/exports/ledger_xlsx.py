"""The one ledger (台账) writer: any register as an xlsx, streamed row by row.

openpyxl's write-only mode keeps memory flat for 100,000 rows and more. Title, subtitle
and the Chinese header row come first; the header is frozen and repeated on printed
pages, columns have fixed widths, the print area covers the table. ID numbers and
phones are masked unless ``full`` (an administrator's audited choice, decided by the
caller). Strings are written as inert text: one starting with ``= + - @`` is never a
formula, control characters are removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..domain.idcard import mask_id_number
from ..domain.phone import mask_phone
from .xlsx import BORDER, FONT_NAME, FORMULA_START, HEADER_FILL, ILLEGAL, save_atomic

PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class LedgerColumn:
    header: str
    width: int
    kind: str = ""  # "id" (ID number), "phone": masked unless full


def _text_cell(ws, value: str):
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _styled(ws, value, font: Font, header: bool = False):
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    if header:
        cell.fill, cell.border = HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _converter(ws, columns: Sequence[LedgerColumn], full: bool) -> Callable[[Sequence], list]:
    maskers = {i: (mask_id_number if c.kind == "id" else mask_phone)
               for i, c in enumerate(columns) if c.kind in ("id", "phone") and not full}

    def convert(row: Sequence) -> list:
        out = list(row)
        for i, mask in maskers.items():
            if out[i]:
                out[i] = mask(str(out[i]))
        for i, value in enumerate(out):
            if value.__class__ is str and value:
                if ILLEGAL.search(value):
                    value = out[i] = ILLEGAL.sub("", value)
                if value.startswith(FORMULA_START):
                    out[i] = _text_cell(ws, value)
            elif value.__class__ is bool:
                out[i] = "是" if value else "否"
        return out
    return convert


def _head(ws, title: str, subtitle: str, columns: Sequence[LedgerColumn]) -> None:
    for i, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape" if len(columns) > 7 else "portrait"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.append([_styled(ws, title, Font(name=FONT_NAME, bold=True, size=14))])
    ws.append([_styled(ws, subtitle, Font(name=FONT_NAME, size=10))])
    bold = Font(name=FONT_NAME, bold=True)
    ws.append([_styled(ws, c.header, bold, header=True) for c in columns])


def write_ledger(target: Path, sheet_title: str, title: str, subtitle: str, columns: Sequence[LedgerColumn],
                 rows: Iterable[Sequence], full: bool = False,
                 progress: Callable[[int], None] | None = None) -> int:
    """Stream ``rows`` (values in column order) into ``target`` atomically; returns the row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet_title[:31])
    _head(ws, title, subtitle, columns)
    convert, count = _converter(ws, columns, full), 0
    for row in rows:
        ws.append(convert(row))
        count += 1
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    ws.print_area = f"A1:{get_column_letter(len(columns))}{count + 3}"
    wb.properties.title, wb.properties.creator = title, title
    save_atomic(wb, Path(target))
    return count
