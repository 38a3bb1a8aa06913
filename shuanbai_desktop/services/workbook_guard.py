"""The one guarded reader for every workbook (and zip package) the program reads from a user.

An xlsx file is a zip of XML parts; a few kilobytes can decompress to gigabytes (a zip bomb),
an XML part can declare entities that expand a billion times, and a sheet can declare or hold
millions of rows. Before openpyxl parses anything, ``open_workbook``:

1. checks the file size, reads the zip's end record itself (entry count and central directory
   size, so that ``zipfile`` never builds millions of entries), then every entry's declared
   sizes: number of parts, uncompressed size of each part and in total, compression ratio.
   ``zipfile`` never returns more than an entry's declared size, so the declared sizes bind;
2. hands openpyxl a zip whose every part is read through ``_GuardedStream``: a part that
   declares a DTD or entities (``<!DOCTYPE``/``<!ENTITY``, in UTF-8 or UTF-16) or an encoding
   other than UTF-8/UTF-16 is refused before the parser sees it (whatever parser openpyxl uses:
   lxml or defusedxml), a part read whole (styles, relationships, the workbook part) is bounded
   in size and in elements, and every read checks the deadline and the memory grown since the
   file was opened;
3. checks each sheet's declared dimension, and ``rows`` counts rows and cells while iterating.

Every refusal is a ``WorkbookRefused`` (a ``UserError``) naming the file and the rule. The limits
and why they are what they are: docs/decisions-report.md, “不可信的工作簿”.
"""

from __future__ import annotations

import io
import os
import re
import sys
import time
import weakref
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import UserError

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * MB  # the file as it lies on disk (compressed)
    max_parts: int = 2_000  # entries in the zip (a plain workbook has about 10)
    max_part_bytes: int = 512 * MB  # any one part, uncompressed (a 100,000 × 30 sheet is ~150 MB)
    max_strings_bytes: int = 128 * MB  # the shared-strings part: openpyxl keeps it all in memory
    max_whole_part_bytes: int = 32 * MB  # a part parsed at once (styles, workbook, relationships, drawings)
    max_whole_part_tags: int = 1_000_000  # XML elements in such a part
    max_total_bytes: int = 1 * GB  # all parts together, uncompressed
    max_ratio: int = 250  # uncompressed ÷ compressed, for parts larger than ratio_from_bytes
    ratio_from_bytes: int = 8 * MB
    max_rows: int = 300_000  # per sheet, declared or read
    max_columns: int = 16_384  # per sheet (Excel's own maximum)
    max_cells: int = 10_000_000  # in the whole workbook, declared per sheet or read
    max_cells_editable: int = 500_000  # a workbook loaded whole (editable), e.g. a template
    seconds: float = 300.0  # from opening the file to the last row read
    max_memory_growth: int = 1 * GB  # resident memory grown while reading


DEFAULT_LIMITS = Limits()
# The workbook in a station's monthly package: our own small workbook (about 50 KB, a few hundred
# rows; a few thousand still pass), read values only. Tight, so that even a bomb built to stay
# under every limit costs little.
PACKAGE_WORKBOOK_LIMITS = replace(DEFAULT_LIMITS, max_file_bytes=20 * MB, max_part_bytes=64 * MB,
                                  max_strings_bytes=16 * MB, max_total_bytes=128 * MB, max_rows=100_000,
                                  max_cells=2_000_000, seconds=60.0, max_memory_growth=64 * MB)
# The county's form with {{placeholders}}: loaded whole to be filled and saved.
TEMPLATE_LIMITS = replace(DEFAULT_LIMITS, max_file_bytes=10 * MB, max_part_bytes=64 * MB, max_strings_bytes=32 * MB,
                          max_total_bytes=256 * MB, max_rows=100_000, max_cells=2_000_000, seconds=60.0,
                          max_memory_growth=256 * MB)
# A zip of monthly packages (manifest, workbook, PDF): its entries are read whole.
PACKAGE_LIMITS = replace(DEFAULT_LIMITS, max_part_bytes=100 * MB, max_total_bytes=1 * GB)

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
STRINGS_PART = re.compile(r"(^|/)sharedStrings[^/]*\.xml$", re.IGNORECASE)
ENTITY_MARKS = tuple(mark.encode(codec) for mark in ("<!DOCTYPE", "<!ENTITY")
                     for codec in ("utf-8", "utf-16-le", "utf-16-be"))
MARK_TAIL = max(len(m) for m in ENTITY_MARKS)
DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
ENCODINGS_8BIT = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
ENCODINGS_16 = {"utf-16", "utf-16le", "utf-16be", "utf16"}
UCS4_STARTS = (b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00\x00<\x00", b"\x00<\x00\x00")
EBCDIC_START = b"\x4c\x6f\xa7\x94"
CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")
CHUNK = 1 * MB
MEMORY_EVERY = 0.05  # seconds between two looks at the resident memory


class WorkbookRefused(UserError):
    """A workbook (or package) that is not read, with the rule it broke."""


def _size(n: int) -> str:
    if n >= GB and n % GB == 0:
        return f"{n // GB} GB"
    if n >= MB:
        return f"{n / MB:.0f} MB"
    return f"{n / 1024:.0f} KB"


def _shown(text: str, width: int = 60) -> str:
    """A name from the file, fit to show in a message (no control characters, not too long)."""
    clean = "".join(ch if ch.isprintable() else "?" for ch in text)
    return clean if len(clean) <= width else clean[: width - 1] + "…"


def _rss() -> int | None:
    """Resident memory of this process in bytes, or None where it cannot be read cheaply."""
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/statm", "rb") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            return None
    if sys.platform == "win32":
        return _rss_windows()
    return None


def _rss_windows() -> int | None:  # pragma: no cover - Windows only
    if sys.platform != "win32":  # also tells the type checker that ctypes.windll exists below
        return None
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD),
                    ("PeakWorkingSetSize", ctypes.c_size_t), ("WorkingSetSize", ctypes.c_size_t),
                    ("QuotaPeakPagedPoolUsage", ctypes.c_size_t), ("QuotaPagedPoolUsage", ctypes.c_size_t),
                    ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t), ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
                    ("PagefileUsage", ctypes.c_size_t), ("PeakPagefileUsage", ctypes.c_size_t)]
    try:
        counters = Counters()
        counters.cb = ctypes.sizeof(Counters)
        process = ctypes.windll.kernel32.GetCurrentProcess()
        if not ctypes.windll.psapi.GetProcessMemoryInfo(process, ctypes.byref(counters), counters.cb):
            return None
        return int(counters.WorkingSetSize)
    except (OSError, AttributeError):
        return None


class _Guard:
    """The limits, the deadline and the counters of one file being read."""

    def __init__(self, name: str, limits: Limits, field: str | None):
        self.name = _shown(name)
        self.limits = limits
        self.field = field
        self.deadline = time.monotonic() + limits.seconds
        self.baseline = _rss()
        self.next_memory_look = 0.0
        self.cells = 0

    def refuse(self, message: str) -> WorkbookRefused:
        return WorkbookRefused(message, field=self.field)

    def check(self) -> None:
        """Time and memory: called on every read of a part and every row."""
        now = time.monotonic()
        if now > self.deadline:
            raise self.refuse(f"读取文件“{self.name}”超过 {self.limits.seconds:.0f} 秒仍未完成，已停止读取"
                              "（文件过大，或可能是恶意文件）。")
        if self.baseline is not None and now >= self.next_memory_look:
            self.next_memory_look = now + MEMORY_EVERY
            current = _rss()
            if current is not None and current - self.baseline > self.limits.max_memory_growth:
                raise self.memory_refusal()

    def memory_refusal(self) -> WorkbookRefused:
        return self.refuse(f"读取文件“{self.name}”占用的内存超过 {_size(self.limits.max_memory_growth)}，已停止读取"
                           "（文件过大，或可能是恶意文件）。")


# ---------------------------------------------------------------------------------------------
# The zip container


def _end_record(fp, size: int) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the zip's end record, or None when there is none."""
    tail_len = min(size, 22 + 65535)
    fp.seek(size - tail_len)
    tail = fp.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        return None
    entries = int.from_bytes(tail[pos + 10: pos + 12], "little")
    directory = int.from_bytes(tail[pos + 12: pos + 16], "little")
    return entries, directory


def _check_container(fp, size: int, guard: _Guard) -> None:
    limits = guard.limits
    if size > limits.max_file_bytes:
        raise guard.refuse(f"文件“{guard.name}”有 {_size(size)}，超过 {_size(limits.max_file_bytes)} 的上限，"
                           "已拒绝读取。")
    record = _end_record(fp, size)
    if record is None:
        raise guard.refuse(f"文件“{guard.name}”不是有效的 zip 格式（xlsx 工作簿本身就是 zip 格式），无法读取。")
    entries, directory = record
    # 0xFFFF means “see the zip64 record”: only needed beyond 65,535 entries, far above the limit.
    if entries > limits.max_parts or entries == 0xFFFF or directory > limits.max_parts * 1024:
        shown = "超过 65535 " if entries == 0xFFFF else f" {entries} "
        raise guard.refuse(f"文件“{guard.name}”包含{shown}个内部文件，超过 {limits.max_parts} 个的上限，"
                           "可能是恶意文件，已拒绝读取。")
    fp.seek(0)


def _check_entries(infos: list[zipfile.ZipInfo], guard: _Guard) -> None:
    limits = guard.limits
    if len(infos) > limits.max_parts:
        raise guard.refuse(f"文件“{guard.name}”包含 {len(infos)} 个内部文件，超过 {limits.max_parts} 个的上限，"
                           "可能是恶意文件，已拒绝读取。")
    total = 0
    for info in infos:
        part = _shown(info.filename)
        cap = limits.max_strings_bytes if STRINGS_PART.search(info.filename) else limits.max_part_bytes
        if info.file_size > cap:
            raise guard.refuse(f"文件“{guard.name}”中的“{part}”解压后超过 {_size(cap)}，可能是恶意文件，已拒绝读取。")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_from_bytes and ratio > limits.max_ratio:
            raise guard.refuse(f"文件“{guard.name}”中的“{part}”压缩比约为 {ratio:.0f} 倍（解压后 {_size(info.file_size)}），"
                               f"超过 {limits.max_ratio} 倍的上限，可能是恶意文件（压缩炸弹），已拒绝读取。")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise guard.refuse(f"文件“{guard.name}”解压后共超过 {_size(limits.max_total_bytes)}，可能是恶意文件，"
                               "已拒绝读取。")


def _precheck(source: Path | bytes, guard: _Guard):
    """Check the container before ``zipfile`` reads its directory; what to give ``zipfile``."""
    if isinstance(source, bytes | bytearray):
        _check_container(io.BytesIO(source), len(source), guard)
        return io.BytesIO(source)
    try:
        with open(source, "rb") as fp:
            _check_container(fp, os.fstat(fp.fileno()).st_size, guard)
    except OSError:
        raise guard.refuse(f"无法读取文件“{guard.name}”。") from None
    return source


def _open_checked(cls, source: Path | bytes, guard: _Guard, damaged: str):
    target = _precheck(source, guard)
    try:
        zf = cls(target)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise guard.refuse(damaged) from None
    try:
        _check_entries(zf.infolist(), guard)
    except BaseException:
        zf.close()
        raise
    return zf


def open_zip(source: Path | bytes, *, name: str | None = None, limits: Limits = PACKAGE_LIMITS,
             field: str | None = None) -> zipfile.ZipFile:
    """A zip (e.g. a monthly package) checked like a workbook's container: size, parts, ratio.

    Reading an entry never returns more than its declared (and checked) size."""
    if name is None:
        name = "压缩包" if isinstance(source, bytes | bytearray) else Path(source).name
    guard = _Guard(name, limits, field)
    return _open_checked(zipfile.ZipFile, source, guard,
                         f"文件“{guard.name}”不是有效的 zip 压缩包，可能已损坏。")


# ---------------------------------------------------------------------------------------------
# The parts, as openpyxl reads them


class _GuardedStream(io.RawIOBase):
    """One zip part on its way to the XML parser: refused the moment it breaks a rule."""

    def __init__(self, inner, info: zipfile.ZipInfo, guard: _Guard):
        super().__init__()
        self._inner = inner
        self._info = info
        self._guard = guard
        self._part = _shown(info.filename)
        self._tail = b""
        self._pending = b""
        self._started = False
        self._row_cells = 0  # cells seen since the last row start
        self._in_rows = False

    def readable(self) -> bool:
        return True

    def _refuse_marks(self, data: bytes) -> None:
        window = self._tail + data
        for mark in ENTITY_MARKS:
            if mark in window:
                raise self._guard.refuse(
                    f"文件“{self._guard.name}”中的“{self._part}”含有 XML 实体声明（DOCTYPE/ENTITY），"
                    "Excel 不会写出这种内容，可能是恶意文件，已拒绝读取。")
        self._count_row_cells(window, len(self._tail))
        self._tail = window[-MARK_TAIL:]

    def _count_row_cells(self, window: bytes, old: int) -> None:
        """The XML parser holds a sheet row whole before openpyxl sees it, so a row of millions of
        cells is refused here, in the stream: cells counted since the last row start (a row that
        starts and ends within one read is bounded by the read's size)."""
        last_row = max(window.rfind(b"<row"), window.rfind(b":row"))
        if last_row + 4 > old:  # a row starts in the new data
            self._row_cells = 0
            self._in_rows = True
            counted = window[last_row:]
        elif not self._in_rows:  # not a sheet (or not yet in its rows)
            return
        else:
            counted = window
        cells = sum(counted.count(tag) for tag in CELL_TAGS)
        if counted is window:
            cells -= sum(window[:old].count(tag) for tag in CELL_TAGS)  # seen with the previous read
        self._row_cells += cells
        if self._row_cells > self._guard.limits.max_columns:
            raise self._guard.refuse(f"文件“{self._guard.name}”中的“{self._part}”有一行超过 "
                                     f"{self._guard.limits.max_columns} 个单元格，可能是恶意文件，已拒绝读取。")

    def _check_encoding(self, head: bytes) -> None:
        """UTF-8 (or ASCII/Latin-1) and UTF-16 only: the marks above are searched in these.

        The first bytes are looked at as libxml2 and expat detect an encoding: UCS-4 and EBCDIC
        starts are refused, a UTF-16 start must declare UTF-16 (or nothing), any other start a
        declaration of UTF-8, ASCII or Latin-1 (or nothing). Parts that are not XML (images)
        start otherwise and pass; they are not parsed as XML."""
        declared = None
        if head[:4] in UCS4_STARTS or head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            declared = "UCS-4"
        elif head.startswith(EBCDIC_START):
            declared = "EBCDIC"
        elif head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2] in (b"<\x00", b"\x00<"):
            big = head.startswith(b"\xfe\xff") or head[:2] == b"\x00<"
            text = head[: len(head) // 2 * 2].decode("utf-16-be" if big else "utf-16-le", "replace")
            found = DECLARED_ENCODING.match(text.lstrip("\ufeff").encode("ascii", "replace"))
            if found and found.group(1).decode("ascii").lower() not in ENCODINGS_16:
                declared = found.group(1).decode("ascii")
        else:
            found = DECLARED_ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
            if found and found.group(1).decode("ascii").lower() not in ENCODINGS_8BIT:
                declared = found.group(1).decode("ascii")
        if declared is not None:
            raise self._guard.refuse(f"文件“{self._guard.name}”中的“{self._part}”使用了不支持的字符编码"
                                     f"“{_shown(declared, 20)}”（Excel 只用 UTF-8/UTF-16），可能是恶意文件，已拒绝读取。")

    def _pull(self, n: int) -> bytes:
        self._guard.check()
        if not self._started:
            self._started = True
            self._pending = self._inner.read(4096)
            self._check_encoding(self._pending[:512])
            self._refuse_marks(self._pending)
        if self._pending:
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        data = self._inner.read(n)
        self._refuse_marks(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        if size is not None and size >= 0:
            return self._pull(size)
        # Read whole: the parser will hold the part as one tree, so bound it harder.
        limits = self._guard.limits
        if self._info.file_size > limits.max_whole_part_bytes:
            raise self._guard.refuse(f"文件“{self._guard.name}”中的“{self._part}”解压后超过 "
                                     f"{_size(limits.max_whole_part_bytes)}，可能是恶意文件，已拒绝读取。")
        chunks = []
        tags = 0
        while True:
            data = self._pull(CHUNK)
            if not data:
                break
            tags += data.count(b"<")
            if tags > limits.max_whole_part_tags:
                raise self._guard.refuse(f"文件“{self._guard.name}”中的“{self._part}”含有超过 "
                                         f"{limits.max_whole_part_tags} 个 XML 元素，可能是恶意文件，已拒绝读取。")
            chunks.append(data)
        return b"".join(chunks)

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
        super().close()


class _GuardedZip(zipfile.ZipFile):
    """The zip openpyxl is given: every part it opens comes through ``_GuardedStream``."""

    guard: _Guard
    _open_streams: weakref.WeakSet[_GuardedStream]

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        if mode != "r":
            raise ValueError("a guarded workbook is read only")
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        stream = _GuardedStream(super().open(info, "r", pwd), info, self.guard)
        self._streams().add(stream)
        return stream

    def _streams(self) -> weakref.WeakSet[_GuardedStream]:
        if not hasattr(self, "_open_streams"):
            self._open_streams = weakref.WeakSet()
        return self._open_streams

    def close(self) -> None:
        """Also the parts a refusal left open (openpyxl does not close a part it failed reading)."""
        for stream in list(self._streams()):
            stream.close()
        super().close()


def _guarded_zip(source: Path | bytes, guard: _Guard) -> _GuardedZip:
    zf = _open_checked(_GuardedZip, source, guard,
                       f"文件“{guard.name}”不是有效的 xlsx 工作簿（不是 zip 格式或已损坏），无法读取。")
    zf.guard = guard
    return zf


# ---------------------------------------------------------------------------------------------
# The workbook


def _refusal_in(exc: BaseException) -> WorkbookRefused | None:
    """A refusal raised inside openpyxl and wrapped by it (it re-raises ValueError with a cause)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, WorkbookRefused):
            return current
        current = current.__cause__ or current.__context__
    return None


def _load(source: Path | bytes, guard: _Guard, read_only: bool, data_only: bool):
    from openpyxl.reader.excel import ExcelReader

    class Reader(ExcelReader):
        """openpyxl's reader on our guarded zip (its own __init__ would open an unguarded one)."""

        def __init__(self, archive):
            self.archive = archive
            self.valid_files = archive.namelist()
            self.read_only = read_only
            self.keep_vba = False
            self.data_only = data_only
            self.keep_links = True  # as openpyxl: a form keeps its links to other workbooks
            self.rich_text = False
            self.shared_strings = []

    archive = _guarded_zip(source, guard)
    try:
        reader = Reader(archive)
        reader.read()
    except BaseException as exc:
        archive.close()
        refusal = _refusal_in(exc)
        if refusal is not None:
            raise refusal from None
        if isinstance(exc, MemoryError):
            raise guard.memory_refusal() from None
        if isinstance(exc, Exception):  # openpyxl raises many kinds for a damaged file
            raise guard.refuse(f"文件“{guard.name}”无法读取，可能已损坏或不是 Excel 工作簿。") from None
        raise
    return reader.wb


def _check_dimensions(wb, guard: _Guard) -> None:
    limits = guard.limits
    declared_cells = 0
    for ws in wb.worksheets:
        rows = (ws.max_row or 0) - (ws.min_row or 1) + 1 if ws.max_row else 0
        columns = (ws.max_column or 0) - (ws.min_column or 1) + 1 if ws.max_column else 0
        declared_cells += rows * columns
        if rows > limits.max_rows or columns > limits.max_columns or declared_cells > limits.max_cells:
            raise guard.refuse(f"文件“{guard.name}”的工作表“{_shown(ws.title, 31)}”声明有 {rows} 行 × {columns} 列，"
                               f"超过每张表 {limits.max_rows} 行、{limits.max_columns} 列、全部共 {limits.max_cells} "
                               "个单元格的上限，已拒绝读取。如确为正常文件，请删除多余的空行、空列后另存再试。")


def open_workbook(source: Path | bytes, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS,
                  read_only: bool = True, data_only: bool = False, field: str | None = None):
    """An openpyxl workbook of ``source`` (a path, or the file's content with its ``name``), or
    ``WorkbookRefused`` naming the file and the rule.

    ``read_only=True`` (the default, for reading values): sheets stream from the file; iterate them
    with ``rows(ws)`` so that rows and cells are counted, and close the workbook after use.
    ``read_only=False`` (to edit and save, e.g. the county's template): the sheets are first
    streamed once and their cells counted against ``max_cells_editable``, then loaded whole."""
    if name is None:
        name = "工作簿" if isinstance(source, bytes | bytearray) else Path(source).name
    guard = _Guard(name, limits, field)
    if not isinstance(source, bytes | bytearray) and Path(source).suffix.lower() not in WORKBOOK_SUFFIXES:
        raise guard.refuse(f"文件“{guard.name}”不是 xlsx 格式的 Excel 工作簿（旧的 .xls 请先用 Excel/WPS 另存为 .xlsx）。")
    wb = _load(source, guard, True, data_only)
    try:
        _check_dimensions(wb, guard)
        if not read_only:
            guard.limits = replace(limits, max_cells=min(limits.max_cells, limits.max_cells_editable))
            for ws in wb.worksheets:
                for _row in rows(ws):
                    pass
    except BaseException:
        wb.close()
        raise
    if read_only:
        return wb
    wb.close()
    guard.limits = limits
    return _load(source, guard, False, data_only)


def rows(ws, *, max_row: int | None = None, values_only: bool = True) -> Iterator[tuple]:
    """The rows of a sheet of a workbook opened read-only by ``open_workbook``, counted: more rows
    than ``max_rows`` in the sheet or cells than ``max_cells`` in the workbook are refused."""
    archive = getattr(ws.parent, "_archive", None)
    if not isinstance(archive, _GuardedZip):
        raise TypeError("rows() reads sheets of a workbook opened read-only by open_workbook()")
    guard = archive.guard
    limits = guard.limits
    count = 0
    try:
        for row in ws.iter_rows(max_row=max_row, values_only=values_only):
            guard.check()
            count += 1
            guard.cells += len(row)
            if count > limits.max_rows:
                raise guard.refuse(f"文件“{guard.name}”的工作表“{_shown(ws.title, 31)}”超过 {limits.max_rows} 行，"
                                   "已停止读取。")
            if guard.cells > limits.max_cells:
                raise guard.refuse(f"文件“{guard.name}”的单元格超过 {limits.max_cells} 个，已停止读取。")
            yield row
    except MemoryError:
        raise guard.memory_refusal() from None
    except WorkbookRefused:
        raise
    except Exception as exc:  # a damaged sheet found only while streaming it
        refusal = _refusal_in(exc)
        if refusal is not None:
            raise refusal from None
        raise guard.refuse(f"文件“{guard.name}”的工作表“{_shown(ws.title, 31)}”无法读取，可能已损坏。") from None


def reading_guard(name: str, limits: Limits = DEFAULT_LIMITS, field: str | None = None) -> _Guard:
    """The deadline and memory watch of one file read by another reader (导入数据: calamine, csv).

    Call ``check()`` often (every row, every chunk); ``refuse(message)`` builds a ``WorkbookRefused``.
    ``name`` is the file's name as shown in messages (cleaned and shortened here)."""
    return _Guard(name, limits, field)
