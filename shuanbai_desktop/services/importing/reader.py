"""Reading a station's ledger for 导入数据: xlsx/xlsm, xls, ods (python-calamine) and csv/txt (the csv module).

``inspect_file`` reads the file once: its size against the limits, its SHA-256, its real format (by its
first bytes, not its name: government systems write xlsx or HTML under “.xls”), the sheet names, and for
csv the encoding (UTF-8 with or without BOM, GB18030/GBK; charset-normalizer when neither fits; the user
may choose another). ``read_sheet`` reads one sheet as a ``Grid``: ``rows[i][j]`` is the cell in Excel row
i + 1, column j (A = 0), empty cells ``None``; formulas are their cached values; macros, external links
and pictures are never read.

A workbook is scanned before calamine sees it (``prescan``): calamine cannot be interrupted and aborts
the process on a sheet that asks for too much memory. Every refusal is a ``WorkbookRefused``
(a ``UserError``) in Chinese naming the file and the rule. Nothing of the file is kept.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from ...errors import UserError
from ..workbook_guard import DEFAULT_LIMITS, MB, Limits, reading_guard
from . import prescan
from .base import Cell, ProgressFn

#: The limits of an imported file: as every workbook the program reads (workbook_guard), a file of at
#: most 100 MB, 300,000 rows and 10 million cells (a 100,000 × 20 roster is 2 million), five minutes.
LIMITS: Limits = replace(DEFAULT_LIMITS, max_file_bytes=100 * MB)

#: Encodings the user may choose for a csv/txt file (codec names; “自动” is ``None``).
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8-sig", "UTF-8（含 BOM，Excel 另存的“CSV UTF-8”）"),
    ("utf-8", "UTF-8"),
    ("gb18030", "GB18030 / GBK（WPS、旧系统导出的中文 CSV）"),
    ("big5", "Big5（繁体）"),
    ("utf-16", "UTF-16（Excel 的“Unicode 文本”）"),
)

SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "csv", ".txt": "csv"}
SAMPLE = 256 * 1024  # bytes looked at to guess a csv's encoding and delimiter
DELIMITERS = (",", "\t", ";", "|")
FIELD = "文件"


@dataclass(frozen=True)
class SourceInfo:
    path: Path
    file_name: str
    format: str  # xlsx | xls | ods | csv
    encoding: str | None  # csv only: the codec name used (detected or chosen)
    sheets: tuple[str, ...]  # worksheets in workbook order (hidden ones left out); a csv has one
    sha256: str
    size: int


@dataclass(frozen=True)
class Grid:
    sheet: str
    rows: list[list[Cell]]  # rows[i][j]: Excel row i + 1, column j (0 = A); None for an empty cell
    merged: tuple[tuple[int, int, int, int], ...]  # 0-based (r0, c0, r1, c1), inclusive

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


# The scans done in this process, by SHA-256 (a sheet is read just after its file was inspected).
_SCANNED: OrderedDict[str, prescan.Scan] = OrderedDict()
_SCANNED_KEEP = 8


def inspect_file(path: Path, encoding: str | None = None) -> SourceInfo:
    """The file checked and described; ``UserError`` (``WorkbookRefused``) when it is not read."""
    path = Path(path)
    guard = reading_guard(path.name, LIMITS, FIELD)
    data = _read(path, guard)
    digest = hashlib.sha256(data).hexdigest()
    fmt = _format(path, data, guard)
    if fmt == "csv":
        chosen = _encoding(data, encoding, guard)
        stem = path.stem.strip() or "CSV"
        return SourceInfo(path, path.name, fmt, chosen, (stem[:31],), digest, len(data))
    _scan(fmt, data, digest, guard)
    workbook = _calamine(data, guard)
    try:
        sheets = _sheet_names(workbook)
    finally:
        workbook.close()
    if not sheets:
        raise guard.refuse(f"文件“{guard.name}”中没有可读取的工作表。")
    return SourceInfo(path, path.name, fmt, None, sheets, digest, len(data))


def read_sheet(info: SourceInfo, sheet: str | None = None, progress: ProgressFn | None = None) -> Grid:
    """One sheet (the first when ``sheet`` is None) as read: values only, merged ranges kept."""
    guard = reading_guard(info.file_name, LIMITS, FIELD)
    data = _read(info.path, guard)
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise UserError(f"文件“{guard.name}”在选择之后被修改过，请重新选择文件。", field=FIELD)
    name = sheet if sheet is not None else info.sheets[0]
    if name not in info.sheets:
        raise UserError(f"文件“{guard.name}”中没有名为“{name}”的工作表（有：{'、'.join(info.sheets)}）。",
                        field="工作表")
    if info.format == "csv":
        rows = _csv_rows(data, info.encoding or _encoding(data, None, guard), guard, progress)
        return Grid(name, rows, ())
    scan = _scan(info.format, data, info.sha256, guard)
    workbook = _calamine(data, guard)
    try:
        position = list(workbook.sheet_names).index(name)
        try:
            sheet_data = workbook.get_sheet_by_name(name)
        except BaseException as exc:  # noqa: BLE001 - calamine raises its own errors and pyo3 panics
            raise _refusal(exc, guard) from None
        rows_count, width = sheet_data.total_height, sheet_data.total_width
        if rows_count > LIMITS.max_rows or rows_count * width > LIMITS.max_cells:
            raise guard.refuse(f"文件“{guard.name}”的工作表“{name}”有 {rows_count} 行 × {width} 列，超过上限，已拒绝读取。")
        try:
            rows = sheet_data.to_python(skip_empty_area=False)
        except BaseException as exc:  # noqa: BLE001
            raise _refusal(exc, guard) from None
        merged_ranges = sheet_data.merged_cell_ranges
    finally:
        workbook.close()
    _clean(rows, guard, progress)
    if merged_ranges is not None:
        merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged_ranges)
    elif position < len(scan.ods_merges):
        merged = scan.ods_merges[position]
    else:
        merged = ()
    return Grid(name, rows, merged)


def detect_encoding(data: bytes) -> str | None:
    """The codec of a csv's bytes: a BOM, else UTF-8 if it decodes, else GB18030, else charset-normalizer."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:SAMPLE]
    final = len(data) <= SAMPLE
    for codec in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(codec)().decode(sample, final)
        except UnicodeDecodeError:
            continue
        return codec
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    return None if best is None else codecs.lookup(best.encoding).name


# ---------------------------------------------------------------------------------------------


def _read(path: Path, guard) -> bytes:
    try:
        size = path.stat().st_size
        if size > LIMITS.max_file_bytes:
            raise guard.refuse(f"文件“{guard.name}”有 {size / MB:.0f} MB，超过 {LIMITS.max_file_bytes // MB} MB 的上限，"
                               "已拒绝读取。")
        with open(path, "rb") as f:
            data = f.read(LIMITS.max_file_bytes + 1)
    except OSError:
        raise UserError(f"无法读取文件“{guard.name}”（文件不存在、正被占用或没有权限）。", field=FIELD) from None
    if len(data) > LIMITS.max_file_bytes:
        raise guard.refuse(f"文件“{guard.name}”超过 {LIMITS.max_file_bytes // MB} MB 的上限，已拒绝读取。")
    if not data:
        raise UserError(f"文件“{guard.name}”是空的。", field=FIELD)
    return data


def _format(path: Path, data: bytes, guard) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UserError(f"文件“{guard.name}”的格式不能导入：请选择 .xlsx、.xls、.ods、.csv 或 .txt 文件。", field=FIELD)
    if data.startswith(b"PK\x03\x04"):
        head = data[:4096]
        if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head or suffix == ".ods":
            return "ods"
        return "xlsx"
    if data.startswith(prescan._CFB_MAGIC):
        return "xls"
    if SUFFIXES[suffix] == "csv":
        return "csv"
    text = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"<head")):
        raise UserError(f"文件“{guard.name}”虽然叫 {suffix}，其实是网页（HTML/XML）格式，常见于从业务系统导出的名册。"
                        "请用 Excel 或 WPS 打开后“另存为”.xlsx 再导入。", field=FIELD)
    raise UserError(f"文件“{guard.name}”不是有效的 {suffix} 文件（可能已损坏，或是别的格式改了扩展名）。", field=FIELD)


def _scan(fmt: str, data: bytes, digest: str, guard) -> prescan.Scan:
    found = _SCANNED.get(digest)
    if found is not None:
        _SCANNED.move_to_end(digest)
        return found
    if fmt == "xlsx":
        scan = prescan.check_xlsx(data, guard, LIMITS)
    elif fmt == "ods":
        scan = prescan.check_ods(data, guard, LIMITS)
    else:
        scan = prescan.check_xls(data, guard, LIMITS)
    _SCANNED[digest] = scan
    while len(_SCANNED) > _SCANNED_KEEP:
        _SCANNED.popitem(last=False)
    return scan


def _calamine(data: bytes, guard):
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as exc:  # noqa: BLE001
        raise _refusal(exc, guard) from None


def _refusal(exc: BaseException, guard) -> BaseException:
    """A calamine error (or a pyo3 panic, a BaseException) as a Chinese refusal; anything else as is."""
    from python_calamine import PasswordError

    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | UserError):
        return exc
    if isinstance(exc, MemoryError):
        return guard.memory_refusal()
    if isinstance(exc, PasswordError):
        return guard.refuse(f"文件“{guard.name}”设置了密码，请先在 Excel/WPS 中取消密码并另存后再导入。")
    return guard.refuse(f"文件“{guard.name}”无法读取，可能已损坏或不是 Excel/WPS 表格。")


def _sheet_names(workbook) -> tuple[str, ...]:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    metadata = list(workbook.sheets_metadata)
    visible = tuple(m.name for m in metadata
                    if m.typ == SheetTypeEnum.WorkSheet and m.visible == SheetVisibleEnum.Visible)
    if visible:
        return visible
    return tuple(m.name for m in metadata if m.typ == SheetTypeEnum.WorkSheet)


def _clean(rows: list[list], guard, progress: ProgressFn | None) -> None:
    """In place: "" → None, a duration → its text; progress every 2,000 rows (which may cancel)."""
    total = len(rows)
    for index, row in enumerate(rows):
        for j, value in enumerate(row):
            if value == "":
                row[j] = None
            elif isinstance(value, timedelta):
                row[j] = str(value)
        if index % 2000 == 0:
            guard.check()
            if progress is not None:
                progress(index, total)
    while rows and all(value is None for value in rows[-1]):
        rows.pop()
    if progress is not None:
        progress(total, total)


def _encoding(data: bytes, chosen: str | None, guard) -> str:
    if chosen:
        try:
            name = codecs.lookup(chosen).name
        except LookupError:
            raise UserError(f"不认识的字符编码“{chosen}”，请选择 UTF-8 或 GB18030。", field="编码") from None
        if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        return name
    found = detect_encoding(data)
    if found is None:
        raise UserError(f"无法识别文件“{guard.name}”的字符编码，请在“编码”中选择（中文 CSV 多为 GB18030 或 UTF-8）。",
                        field="编码")
    return found


def _delimiter(text: str) -> str:
    """The separator used most, counted outside quotes on the first lines."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_count = ",", 0
    for delimiter in DELIMITERS:
        count = sum(len(re.sub(r'"[^"]*"', "", line).split(delimiter)) - 1 for line in lines)
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _csv_rows(data: bytes, encoding: str, guard, progress: ProgressFn | None) -> list[list[Cell]]:
    limits = guard.limits
    try:
        head = codecs.getincrementaldecoder(encoding)(errors="replace").decode(data[:SAMPLE])
    except LookupError:
        raise UserError(f"不认识的字符编码“{encoding}”。", field="编码") from None
    delimiter = _delimiter(head)
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="strict", newline="")
    reader = csv.reader(stream, delimiter=delimiter)
    rows: list[list[Cell]] = []
    cells = 0
    total = max(data.count(b"\n"), 1)
    try:
        for row in reader:
            cells += len(row)
            if len(row) > limits.max_columns or len(rows) >= limits.max_rows or cells > limits.max_cells:
                raise guard.refuse(f"文件“{guard.name}”超过每张表 {limits.max_rows} 行、{limits.max_columns} 列、"
                                   f"{limits.max_cells} 个单元格的上限，已拒绝读取。")
            rows.append([value if value != "" else None for value in row])
            if len(rows) % 2000 == 0:
                guard.check()
                if progress is not None:
                    progress(min(len(rows), total), total)
    except UnicodeDecodeError:
        raise UserError(f"按“{encoding}”编码读取文件“{guard.name}”的第 {reader.line_num + 1} 行时出错，"
                        "请在“编码”中换一种（例如 GB18030 或 UTF-8）再试。", field="编码") from None
    except csv.Error:
        raise guard.refuse(f"文件“{guard.name}”第 {reader.line_num} 行无法按 CSV 读取（单元格内容过长，或引号不配对）。") from None
    while rows and all(value is None for value in rows[-1]):
        rows.pop()
    if progress is not None:
        progress(total, total)
    return rows
