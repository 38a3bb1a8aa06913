"""What a workbook would cost before python-calamine reads it (导入数据).

calamine parses in Rust and cannot be stopped, and it holds a sheet as one dense block from its first to
its last cell with a value: an xlsx of 5 KB with a value in A1 and in XFD1048576 asks for 550 GB and the
process aborts (no exception reaches Python). The same in an .xls (cells at row 65535, column 65535;
cycles in the compound file's sector chains, which calamine follows without end) and in an .ods
(``number-columns-repeated`` multiplies one cell by 16,384 per row). So the bytes are scanned here first,
mirroring how calamine walks them, and refused when the dense block, the cells, or a declared count
would pass the limits. Everything is read from the bytes in memory (the same bytes calamine is then given).

Every refusal is a ``WorkbookRefused`` naming the file and the rule; see docs/import.md “读取与表头”.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field

from ..workbook_guard import DECLARED_ENCODING, ENCODINGS_8BIT, Limits, WorkbookRefused, open_zip

CHUNK = 1024 * 1024
MAX_TAG = 1024 * 1024  # one XML start tag (its attributes) may not be longer than this
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384

Merge = tuple[int, int, int, int]


@dataclass
class _Extent:
    """The cells with a value seen in one sheet: their count and the block from first to last."""

    cells: int = 0
    row0: int = -1
    row1: int = -1
    col0: int = -1
    col1: int = -1

    def add(self, row: int, col: int, rows: int = 1, cols: int = 1, cells: int | None = None) -> None:
        self.cells += rows * cols if cells is None else cells
        if self.row0 < 0:
            self.row0, self.row1, self.col0, self.col1 = row, row + rows - 1, col, col + cols - 1
            return
        self.row0 = min(self.row0, row)
        self.row1 = max(self.row1, row + rows - 1)
        self.col0 = min(self.col0, col)
        self.col1 = max(self.col1, col + cols - 1)

    def block(self) -> tuple[int, int]:
        if self.row0 < 0:
            return 0, 0
        return self.row1 - self.row0 + 1, self.col1 - self.col0 + 1


@dataclass
class Scan:
    """What the scan found that the reader needs again: merged cells of each ODS table, by position."""

    ods_merges: list[tuple[Merge, ...]] = field(default_factory=list)


class _Budget:
    def __init__(self, guard, limits: Limits):
        self.guard = guard
        self.limits = limits
        self.cells = 0

    def over(self, extent: _Extent) -> bool:
        rows, cols = extent.block()
        limits = self.limits
        return (rows > limits.max_rows or cols > limits.max_columns or rows * cols > limits.max_cells
                or self.cells + extent.cells > limits.max_cells)

    def sheet(self, extent: _Extent, where: str) -> None:
        """The sheet's block and the workbook's cells within the limits (else refused)."""
        rows, cols = extent.block()
        limits = self.limits
        self.cells += extent.cells
        if rows > limits.max_rows or cols > limits.max_columns or rows * cols > limits.max_cells:
            first = f"{_letters(extent.col0)}{extent.row0 + 1}"
            last = f"{_letters(extent.col1)}{extent.row1 + 1}"
            raise self.guard.refuse(
                f"文件“{self.guard.name}”的{where}有内容的单元格从 {first} 延伸到 {last}（{rows} 行 × {cols} 列），"
                f"超过每张表 {limits.max_rows} 行、{limits.max_columns} 列、{limits.max_cells} 个单元格的上限，已拒绝读取。"
                "如确为正常文件，请删除表格外多余的内容后另存再试。")
        if self.cells > limits.max_cells:
            raise self.guard.refuse(f"文件“{self.guard.name}”的单元格超过 {limits.max_cells} 个，已拒绝读取。")


def _letters(col: int) -> str:
    text = ""
    n = col + 1
    while n > 0:
        n, rest = divmod(n - 1, 26)
        text = chr(65 + rest) + text
    return text


# ---------------------------------------------------------------------------------------------
# XML parts (xlsx and ods), read in chunks

_ATTRS = rb"""((?:[^>"']|"[^"]*"|'[^']*')*)"""
_XLSX_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|sst)(?=[\s/>])" + _ATTRS + rb">")
_ODS_TAG = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])" + _ATTRS + rb">")
_ENTITY_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    found = re.search(rb"(?:^|\s)" + re.escape(name) + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", attrs)
    if found is None:
        return None
    return found.group(1) if found.group(1) is not None else found.group(2)


def _count(attrs: bytes, name: bytes, guard, part: str) -> int:
    raw = _attr(attrs, name)
    if raw is None:
        return 1
    text = raw.strip()
    if not text.isdigit() or len(text) > 12:
        raise guard.refuse(f"文件“{guard.name}”中的“{part}”含有无效的重复次数，可能已损坏，已拒绝读取。")
    return max(int(text), 1)


def _tags(zf: zipfile.ZipFile, info: zipfile.ZipInfo, pattern: re.Pattern[bytes], guard):
    """The tags of one part matching ``pattern``, in order, read a chunk at a time (deadline checked)."""
    part = info.filename
    carry = b""
    first = True
    with zf.open(info) as stream:
        while True:
            guard.check()
            data = stream.read(CHUNK)
            if first:
                _check_encoding(data[:512], guard, part)
                first = False
            window = carry + data
            for mark in _ENTITY_MARKS:
                if mark in window:
                    raise guard.refuse(f"文件“{guard.name}”中的“{part}”含有 XML 实体声明（DOCTYPE/ENTITY），"
                                       "Excel 不会写出这种内容，可能是恶意文件，已拒绝读取。")
            if not data:
                end = len(window)
            else:
                end = window.rfind(b"<")
                if end < 0:
                    end = len(window)
            yield from pattern.finditer(window, 0, end)
            carry = window[end:]
            if len(carry) > MAX_TAG:
                raise guard.refuse(f"文件“{guard.name}”中的“{part}”含有过长的 XML 标签，可能是恶意文件，已拒绝读取。")
            if not data:
                return


def _check_encoding(head: bytes, guard, part: str) -> None:
    """UTF-8 only (calamine would decode UTF-16, which this scan does not read)."""
    declared = DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    wrong = head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head
    if declared and declared.group(1).decode("ascii").lower() not in ENCODINGS_8BIT:
        wrong = True
    if wrong:
        raise guard.refuse(f"文件“{guard.name}”中的“{part}”使用了不支持的字符编码（只接受 UTF-8），"
                           "请用 Excel/WPS 另存后再试。")


def _open(data: bytes, guard, limits: Limits) -> zipfile.ZipFile:
    zf = open_zip(data, name=guard.name, limits=limits, field=guard.field)
    seen: set[str] = set()
    for info in zf.infolist():
        key = info.filename.replace("\\", "/").lower()
        if key in seen:
            zf.close()
            raise guard.refuse(f"文件“{guard.name}”中有重名的内部文件“{info.filename}”，可能是恶意文件，已拒绝读取。")
        seen.add(key)
    return zf


# ---------------------------------------------------------------------------------------------
# xlsx


def _cell_ref(raw: bytes, guard, part: str) -> tuple[int, int]:
    found = re.fullmatch(rb"\$?([A-Za-z]{1,3})\$?(\d{1,7})", raw.strip())
    if found is None:
        raise guard.refuse(f"文件“{guard.name}”中的“{part}”含有无效的单元格位置，可能已损坏，已拒绝读取。")
    col = 0
    for ch in found.group(1).upper():
        col = col * 26 + ch - 64
    row = int(found.group(2))
    if row < 1 or row > EXCEL_ROWS or col > EXCEL_COLUMNS:
        raise guard.refuse(f"文件“{guard.name}”中的“{part}”的单元格位置超出 Excel 的范围，可能是恶意文件，已拒绝读取。")
    return row - 1, col - 1


def _xlsx_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> None:
    guard = budget.guard
    part = info.filename
    extent = _Extent()
    row_index = 0
    col_index = 0
    row_cells = 0
    for match in _tags(zf, info, _XLSX_TAG, guard):
        closing, name, attrs = match.group(1), match.group(2), match.group(3)
        self_closing = attrs.endswith(b"/")
        if name == b"sst":
            unique = _attr(attrs, b"uniqueCount")
            if not closing and unique is not None and unique.isdigit() and int(unique) > info.file_size // 5 + 16:
                raise guard.refuse(f"文件“{guard.name}”中的“{part}”声明的字符串个数与其大小不符，可能是恶意文件，已拒绝读取。")
            continue
        if name == b"row":
            if closing:
                row_index += 1
                col_index = 0
                row_cells = 0
            elif not self_closing:
                r = _attr(attrs, b"r")
                if r is not None:
                    if not r.strip().isdigit() or not 1 <= int(r) <= EXCEL_ROWS:
                        raise guard.refuse(f"文件“{guard.name}”中的“{part}”含有无效的行号，可能已损坏，已拒绝读取。")
                    row_index = int(r) - 1
            continue
        if closing or self_closing:  # </c>, or an empty <c/> calamine skips
            continue
        ref = _attr(attrs, b"r")
        if ref is not None:
            row, col_index = _cell_ref(ref, guard, part)
        else:
            row = row_index
        row_cells += 1
        if col_index >= EXCEL_COLUMNS or row_cells > budget.limits.max_columns:
            raise guard.refuse(f"文件“{guard.name}”中的“{part}”有一行超过 {budget.limits.max_columns} 个单元格，"
                               "可能是恶意文件，已拒绝读取。")
        extent.add(row, col_index)
        col_index += 1
        if extent.cells % 65536 == 0 and budget.over(extent):
            budget.sheet(extent, f"“{part}”")
    budget.sheet(extent, f"“{part}”")


def check_xlsx(data: bytes, guard, limits: Limits) -> Scan:
    """Every XML part of the package: container limits, UTF-8, no DTD, the cells of each sheet."""
    zf = _open(data, guard, limits)
    budget = _Budget(guard, limits)
    try:
        for info in zf.infolist():
            lower = info.filename.lower()
            if not (lower.endswith(".xml") or lower.endswith(".rels")) or info.is_dir():
                continue
            if info.file_size > limits.max_whole_part_bytes and not _looks_like_sheet_or_strings(zf, info):
                raise guard.refuse(f"文件“{guard.name}”中的“{info.filename}”解压后超过 "
                                   f"{limits.max_whole_part_bytes // (1024 * 1024)} MB，可能是恶意文件，已拒绝读取。")
            if not _plain_part(zf, info, budget):
                _xlsx_part(zf, info, budget)
    finally:
        zf.close()
    return Scan()


_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
_PLAIN_ROW = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_SST_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sst(?=[\s/>])" + _ATTRS + rb">")
PLAIN_CHUNK = 16 * 1024 * 1024


def _plain_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> bool:
    """The fast look at a part written as Excel (and every usual writer) writes it: every cell tag
    ``<c r="B7"`` and every row tag ``<row r="7"``, no prefixes. The block is then bounded by the largest
    row and column named (from row 1 and column A, which is never less). False: not plain, walk it."""
    guard = budget.guard
    part = info.filename
    carry = b""
    max_row = 0
    max_col = 0
    cells = 0
    first = True
    with zf.open(info) as stream:
        while True:
            guard.check()
            data = stream.read(PLAIN_CHUNK)
            if first:
                _check_encoding(data[:512], guard, part)
                first = False
            window = carry + data
            end = len(window) if not data else window.rfind(b"<")
            if end < 0:
                end = len(window)
            carry = window[end:]
            if len(carry) > MAX_TAG:
                raise guard.refuse(f"文件“{guard.name}”中的“{part}”含有过长的 XML 标签，可能是恶意文件，已拒绝读取。")
            body = window[:end]
            for mark in _ENTITY_MARKS:
                if mark in window:
                    raise guard.refuse(f"文件“{guard.name}”中的“{part}”含有 XML 实体声明（DOCTYPE/ENTITY），"
                                       "Excel 不会写出这种内容，可能是恶意文件，已拒绝读取。")
            for match in _SST_TAG.finditer(body):
                unique = _attr(match.group(1), b"uniqueCount")
                if unique is not None and unique.isdigit() and int(unique) > info.file_size // 5 + 16:
                    raise guard.refuse(f"文件“{guard.name}”中的“{part}”声明的字符串个数与其大小不符，"
                                       "可能是恶意文件，已拒绝读取。")
            cell_tags = body.count(b"<c ") + body.count(b"<c>") + body.count(b"<c/")
            row_tags = body.count(b"<row ") + body.count(b"<row>") + body.count(b"<row/")
            if b":c " in body or b":c>" in body or b":row" in body:
                return False
            if body.count(b'<c r="') != cell_tags or body.count(b'<row r="') != row_tags:
                return False
            found = _PLAIN_CELL.findall(body)
            if len(found) != cell_tags:
                return False
            if found:
                letters = {letters for letters, _row in found}
                numbers = {number for _letters, number in found}
                max_col = max(max_col, max(_column(letters_) for letters_ in letters))
                max_row = max(max_row, max(int(number) for number in numbers))
            for number in _PLAIN_ROW.findall(body):
                max_row = max(max_row, int(number))
            cells += cell_tags
            extent = _Extent(cells, 0, max_row - 1, 0, max_col - 1) if cells else _Extent()
            if max_row > EXCEL_ROWS or max_col > EXCEL_COLUMNS:
                raise guard.refuse(f"文件“{guard.name}”中的“{part}”的单元格位置超出 Excel 的范围，可能是恶意文件，"
                                   "已拒绝读取。")
            if budget.over(extent):
                budget.sheet(extent, f"“{part}”")
            if not data:
                break
    budget.sheet(_Extent(cells, 0, max_row - 1, 0, max_col - 1) if cells else _Extent(), f"“{part}”")
    return True


def _column(letters: bytes) -> int:
    """1-based column number of "A", "AB", "XFD"."""
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _looks_like_sheet_or_strings(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with zf.open(info) as stream:
        head = stream.read(64 * 1024)
    return b"sheetData" in head or b"<sst" in head or b":sst" in head or b"<worksheet" in head


# ---------------------------------------------------------------------------------------------
# ods (calamine reads content.xml: rows and their repeats, cells and theirs, capped like Excel)


def check_ods(data: bytes, guard, limits: Limits) -> Scan:
    zf = _open(data, guard, limits)
    budget = _Budget(guard, limits)
    scan = Scan()
    try:
        try:
            info = zf.getinfo("content.xml")
        except KeyError:
            raise guard.refuse(f"文件“{guard.name}”不是有效的 ods 表格（缺少 content.xml）。") from None
        _ods_content(zf, info, budget, scan)
    finally:
        zf.close()
    return scan


def _ods_content(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, scan: Scan) -> None:
    guard = budget.guard
    part = info.filename
    extent: _Extent | None = None
    merges: list[Merge] = []
    row_pos = 0
    row_repeats = 1
    col_pos = 0
    pushed = 0  # cells calamine keeps for the whole table (its vector before trimming)
    row_first = -1
    row_last = -1
    name = ""
    for match in _tags(zf, info, _ODS_TAG, guard):
        closing, tag, attrs = match.group(1), match.group(2), match.group(3)
        self_closing = attrs.endswith(b"/")
        if tag == b"table":
            if closing and extent is not None:
                budget.sheet(extent, f"工作表“{name}”")
                scan.ods_merges.append(tuple(merges))
                extent = None
            elif not closing:
                extent = _Extent()
                merges = []
                row_pos = 0
                pushed = 0
                raw = _attr(attrs, b"table:name") or b""
                name = raw.decode("utf-8", "replace")[:31]
            continue
        if extent is None:
            continue
        if tag == b"table-row":
            if not closing:
                repeats = _count(attrs, b"table:number-rows-repeated", guard, part)
                row_repeats = max(min(repeats, EXCEL_ROWS - row_pos), 0)
                col_pos = 0
                row_first = -1
                row_last = -1
            if closing or self_closing:
                if row_first >= 0 and row_repeats > 0:
                    extent.add(row_pos, row_first, row_repeats, row_last - row_first + 1, row_last - row_first + 1)
                    pushed += row_last + 1
                    if budget.over(extent):
                        budget.sheet(extent, f"工作表“{name}”")
                    if pushed > budget.limits.max_cells:
                        raise guard.refuse(f"文件“{guard.name}”的工作表“{name}”的单元格超过 "
                                           f"{budget.limits.max_cells} 个，已拒绝读取。")
                row_pos += row_repeats
            continue
        if closing:
            continue
        repeats = _count(attrs, b"table:number-columns-repeated", guard, part)
        repeats = max(min(repeats, EXCEL_COLUMNS - col_pos), 0)
        valued = (not self_closing or _attr(attrs, b"office:value-type") is not None
                  or _attr(attrs, b"table:formula") is not None)
        if valued and repeats > 0:
            if row_first < 0:
                row_first = col_pos
            row_last = col_pos + repeats - 1
        if tag == b"table-cell":
            rows_spanned = _count(attrs, b"table:number-rows-spanned", guard, part)
            cols_spanned = _count(attrs, b"table:number-columns-spanned", guard, part)
            if (rows_spanned > 1 or cols_spanned > 1) and len(merges) < 10_000:
                merges.append((row_pos, col_pos, row_pos + rows_spanned - 1, col_pos + cols_spanned - 1))
        col_pos += repeats


# ---------------------------------------------------------------------------------------------
# xls: the compound file (sector chains) and the BIFF records of each sheet

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENDOFCHAIN = 0xFFFFFFFE
_RESERVED = 0xFFFFFFFA
_CELL_RECORDS = {0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006}
_WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")


class _Cfb:
    def __init__(self, data: bytes, guard):
        self.data = data
        self.guard = guard
        if len(data) < 512 or not data.startswith(_CFB_MAGIC):
            raise self.bad("不是有效的 xls 文件（Excel 97–2003 格式）")
        shift = struct.unpack_from("<H", data, 30)[0]
        if shift not in (9, 12) or struct.unpack_from("<H", data, 32)[0] != 6:
            raise self.bad("的文件头无效")
        self.size = 1 << shift
        self.maxid = len(data) // self.size
        fat_len, self.dir_start = struct.unpack_from("<II", data, 44)
        self.mini_fat_start, self.mini_fat_len, difat_start, difat_len = struct.unpack_from("<IIII", data, 60)
        odd_difat_len = struct.unpack_from("<I", data, 62)[0]  # calamine reads bytes 62..66 here
        if fat_len > self.maxid or difat_len > self.maxid or odd_difat_len > 1 << 24 or self.mini_fat_len > self.maxid:
            raise self.bad("的文件头声明的大小与文件不符，可能是恶意文件")
        difat = list(struct.unpack_from("<109I", data, 76))
        seen: set[int] = set()
        sector_id = difat_start
        while sector_id < _RESERVED:
            if sector_id in seen or sector_id > self.maxid:
                raise self.bad("的扇区链有循环或越界，可能是恶意文件")
            seen.add(sector_id)
            difat.extend(struct.unpack_from(f"<{self.size // 4}I", self.sector(sector_id)))
            sector_id = difat.pop()
        self.fat: list[int] = []
        for sid in difat:
            if sid < _RESERVED:
                self.fat.extend(struct.unpack_from(f"<{self.size // 4}I", self.sector(sid)))
        dirs = self.chain(self.dir_start, None)
        self.entries: dict[str, tuple[int, int]] = {}
        root = None
        for offset in range(0, len(dirs) - 127, 128):
            entry = dirs[offset: offset + 128]
            name_len = min(struct.unpack_from("<H", entry, 64)[0], 64)
            name = entry[: max(name_len - 2, 0)].decode("utf-16-le", "replace")
            start = struct.unpack_from("<I", entry, 116)[0]
            length = struct.unpack_from("<I", entry, 120)[0] if self.size == 512 else struct.unpack_from("<Q", entry, 120)[0]
            if root is None:
                root = (start, length)
            self.entries.setdefault(name, (start, length))
        if root is None:
            raise self.bad("没有目录")
        self.mini: bytes = b""
        self.mini_fat: list[int] = []
        if self.mini_fat_len > 0:
            self.mini = self.chain(root[0], root[1])
            table = self.chain(self.mini_fat_start, self.mini_fat_len * self.size)
            self.mini_fat = list(struct.unpack_from(f"<{len(table) // 4}I", table))

    def bad(self, what: str) -> WorkbookRefused:
        return self.guard.refuse(f"文件“{self.guard.name}”{what}，已拒绝读取。")

    def sector(self, sid: int) -> bytes:
        if sid > self.maxid:
            raise self.bad("的扇区链越界，可能已损坏")
        return self.data[(sid + 1) * self.size: (sid + 2) * self.size]

    def chain(self, sid: int, length: int | None) -> bytes:
        """A stream by its sector chain, as calamine follows it; a loop or a sector outside the file refuses."""
        parts: list[bytes] = []
        got = 0
        seen: set[int] = set()
        while sid != ENDOFCHAIN:
            if sid in seen or sid >= len(self.fat) or sid > self.maxid:
                raise self.bad("的扇区链有循环或越界，可能是恶意文件")
            seen.add(sid)
            self.guard.check()
            piece = self.sector(sid)
            if length is not None:
                piece = piece[: length - got]
            parts.append(piece)
            got += len(piece)
            if length is not None and got >= length:
                break
            sid = self.fat[sid]
        return b"".join(parts)

    def mini_chain(self, sid: int, length: int) -> bytes:
        parts: list[bytes] = []
        got = 0
        seen: set[int] = set()
        while sid != ENDOFCHAIN:
            if sid in seen or sid >= len(self.mini_fat) or (sid + 1) * 64 > len(self.mini):
                raise self.bad("的扇区链有循环或越界，可能是恶意文件")
            seen.add(sid)
            piece = self.mini[sid * 64: sid * 64 + 64][: length - got]
            parts.append(piece)
            got += len(piece)
            if got >= length:
                break
            sid = self.mini_fat[sid]
        return b"".join(parts)

    def stream(self, name: str) -> bytes | None:
        found = self.entries.get(name)
        if found is None:
            return None
        start, length = found
        if length < 4096:
            return self.mini_chain(start, length)
        return self.chain(start, length)


def check_xls(data: bytes, guard, limits: Limits) -> Scan:
    if len(data) > limits.max_file_bytes:
        raise guard.refuse(f"文件“{guard.name}”超过 {limits.max_file_bytes // (1024 * 1024)} MB 的上限，已拒绝读取。")
    cfb = _Cfb(data, guard)
    stream = None
    for name in _WORKBOOK_STREAMS:
        stream = cfb.stream(name)
        if stream is not None:
            break
    if stream is None:
        raise guard.refuse(f"文件“{guard.name}”中没有工作簿数据，不是有效的 xls 文件。")
    budget = _Budget(guard, limits)
    sheets: list[tuple[int, str]] = []
    for typ, rec in _records(stream, 0, guard):
        if typ == 0x0085 and len(rec) >= 4:
            sheets.append((struct.unpack_from("<I", rec, 0)[0], f"第 {len(sheets) + 1} 张工作表"))
        elif typ == 0x000A:
            break
    for pos, where in sheets:
        if pos > len(stream):
            raise guard.refuse(f"文件“{guard.name}”的{where}位置超出文件，可能已损坏，已拒绝读取。")
        extent = _Extent()
        for typ, rec in _records(stream, pos, guard):
            if typ == 0x000A:
                break
            if typ == 0x0200 and len(rec) in (10, 14):
                _xls_dimensions(rec, budget, where)
            elif typ in _CELL_RECORDS and len(rec) >= 4:
                row, col = struct.unpack_from("<HH", rec, 0)
                extent.add(row, col)
            elif typ == 0x00BD and len(rec) >= 6:
                row, first = struct.unpack_from("<HH", rec, 0)
                last = struct.unpack_from("<H", rec, len(rec) - 2)[0]
                if last >= first:
                    extent.add(row, first, 1, last - first + 1)
            if extent.cells and extent.cells % 65536 == 0 and budget.over(extent):
                budget.sheet(extent, where)
        budget.sheet(extent, where)
    return Scan()


def _xls_dimensions(rec: bytes, budget: _Budget, where: str) -> None:
    """calamine reserves rows × columns cells for the declared dimensions."""
    if len(rec) == 10:
        rf, rl, cf, cl = struct.unpack_from("<HHHH", rec, 0)
    else:
        rf, rl, cf, cl = struct.unpack_from("<IIHH", rec, 0)
    if cf > 0xFF or cl < cf:
        cf = 0
    rows = rl - rf if rl >= 1 else 1
    cols = cl - cf if cl >= 1 else 1
    if rows < 0 or cols < 0 or rows * cols > budget.limits.max_cells:
        raise budget.guard.refuse(f"文件“{budget.guard.name}”的{where}声明的范围过大，可能是恶意文件，已拒绝读取。")


def _records(stream: bytes, pos: int, guard):
    end = len(stream)
    count = 0
    while pos + 4 <= end:
        typ, length = struct.unpack_from("<HH", stream, pos)
        if pos + 4 + length > end:
            raise guard.refuse(f"文件“{guard.name}”的记录长度超出文件，可能已损坏，已拒绝读取。")
        yield typ, stream[pos + 4: pos + 4 + length]
        pos += 4 + length
        count += 1
        if count % 65536 == 0:
            guard.check()
