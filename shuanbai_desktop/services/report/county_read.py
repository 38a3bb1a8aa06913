"""The county side, part 1: find the stations' monthly packages and verify each one.

A package (folder or zip) is accepted only when its manifest is ours and of this layout
version, every file it lists is there with the same size and SHA-256, and the workbook's
cells hold the figures the manifest lists. Anything else is rejected with the reason.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from hashlib import sha256
from pathlib import Path

from ...errors import UserError
from .. import workbook_guard
from .layout import FORMAT_NAME, LAYOUT_VERSION, Value
from .manifest import MANIFEST_NAME

MAX_FILE = 100 * 1024 * 1024
MAX_MANIFEST = 5 * 1024 * 1024  # a real manifest is about 50 KB
SAFE_NAME = re.compile(r"^[^/\\:]+$")


class Refused(Exception):
    """A package that cannot be accepted; ``reason`` is Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StationPackage:
    source: str  # the folder or zip name (no path)
    town_code: str
    town_name: str
    station_name: str
    county_code: str
    county_name: str
    month: str
    version: int
    figures: tuple[dict, ...]  # as in the manifest
    values: dict[str, Value]


@dataclass(frozen=True)
class Source:
    label: str
    read: Callable[[str, int], bytes | None]  # (file name, size limit) → content, None when absent


def _zip_source(path: Path) -> Iterator[Source]:
    """The packages in a zip, which is checked first like a workbook (parts, sizes, ratio)."""
    zf = workbook_guard.open_zip(path)
    for info in zf.infolist():
        if info.filename.endswith(MANIFEST_NAME) and info.filename.count("/") <= 1:
            prefix = info.filename[: -len(MANIFEST_NAME)]

            def read(name: str, limit: int, prefix=prefix) -> bytes | None:
                try:
                    member = zf.getinfo(prefix + name)
                except KeyError:
                    return None
                if member.file_size > limit:
                    raise Refused(f"压缩包中的“{name}”过大，不像是月度报表文件。")
                return zf.read(member)  # never more than the declared size
            yield Source(path.name + (f"/{prefix.rstrip('/')}" if prefix else ""), read)


def _folder_source(folder: Path) -> Source:
    def read(name: str, limit: int) -> bytes | None:
        path = folder / name
        if not path.is_file():
            return None
        if path.stat().st_size > limit:
            raise Refused(f"“{name}”过大，不像是月度报表文件。")
        return path.read_bytes()
    return Source(folder.name, read)


def discover(paths: list[Path]) -> tuple[list[Source], list[tuple[str, str]]]:
    """Packages under the given files and folders, and (name, reason) for paths that are none."""
    found: list[Source] = []
    bad: list[tuple[str, str]] = []
    for path in map(Path, paths):
        if path.is_dir() and (path / MANIFEST_NAME).is_file():
            found.append(_folder_source(path))
        elif path.is_dir():
            inner = sorted({p.parent for p in path.rglob(MANIFEST_NAME)}) + sorted(path.rglob("*.zip"))
            sub, sub_bad = discover(inner)
            found += sub
            bad += sub_bad
            if not inner:
                bad.append((path.name, "文件夹中没有找到月度报表（manifest.json 或 zip 压缩包）。"))
        elif path.is_file() and path.name == MANIFEST_NAME:
            found.append(_folder_source(path.parent))
        elif path.is_file() and zipfile.is_zipfile(path):
            try:
                sources = list(_zip_source(path))
            except UserError as exc:
                bad.append((path.name, exc.message))
                continue
            found += sources
            if not sources:
                bad.append((path.name, "压缩包中没有清单文件 manifest.json，不是本程序导出的月度报表。"))
        else:
            bad.append((path.name, "找不到该文件，或它不是月度报表的文件夹、zip 压缩包或清单文件。"))
    return found, bad


def _manifest(source: Source) -> dict:
    unreadable = "清单文件 manifest.json 无法读取（不是有效的 JSON）。"
    raw = source.read(MANIFEST_NAME, MAX_MANIFEST)
    if raw is None:
        raise Refused(unreadable)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Refused(unreadable) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise Refused("清单文件不是社工站月度报表的清单。")
    if str(data.get("layout_version")) != LAYOUT_VERSION:
        raise Refused(f"报表格式版本为 {data.get('layout_version')}，本程序只能汇总格式版本 {LAYOUT_VERSION}"
                      "（请各站使用同一版本的程序导出）。")
    return data


def _check_files(source: Source, data: dict) -> dict[str, tuple[str, bytes]]:
    """(file name, content) of each listed file by its role, every one matching its hash."""
    contents = {}
    for entry in data.get("files", []):
        name = str(entry.get("name", ""))
        if not SAFE_NAME.match(name) or name == MANIFEST_NAME:
            raise Refused(f"清单中的文件名“{name}”不合法。")
        content = source.read(name, MAX_FILE)
        if content is None:
            raise Refused(f"缺少清单中列出的文件“{name}”。")
        if len(content) != entry.get("size") or sha256(content).hexdigest() != entry.get("sha256"):
            raise Refused(f"文件“{name}”与清单中的校验值（SHA-256）不符，可能在导出后被改动或损坏。")
        contents[entry.get("role", "")] = (name, content)
    if "workbook" not in contents:
        raise Refused("清单中没有列出报表工作簿。")
    return contents


def to_value(raw, agg: str) -> Value:
    """A manifest value back to a number: Decimal figures are stored as text."""
    if isinstance(raw, str) and agg != "text":
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise Refused(f"清单中的数字“{raw}”无效。") from None
    return raw


def _same(cell, value: Value) -> bool:
    if value is None:
        return cell == "—"
    if isinstance(value, str):
        return cell == value
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return False
    return Decimal(str(cell)) == Decimal(str(value))


def _wanted(figures: list[dict]) -> dict[str, dict[tuple[int, int], list[dict]]]:
    """The cells the manifest points at: sheet → (row, column) → figures."""
    from openpyxl.utils.cell import coordinate_to_tuple
    wanted: dict[str, dict[tuple[int, int], list[dict]]] = {}
    for f in figures:
        sheet, _, cell = f.get("cell", "").rpartition("!")
        sheet = sheet.strip("'").replace("''", "'")
        try:
            row, column = coordinate_to_tuple(cell)
        except (ValueError, TypeError, AttributeError):
            raise Refused(f"清单中“{f.get('label')}”的单元格位置无效。") from None
        wanted.setdefault(sheet, {}).setdefault((row, column), []).append(f)
    return wanted


def _check_workbook(name: str, content: bytes, figures: list[dict]) -> None:
    """The workbook's cells hold the manifest's figures; read through the guarded reader."""
    wanted = _wanted(figures)
    try:
        wb = workbook_guard.open_workbook(content, name=name, limits=workbook_guard.PACKAGE_WORKBOOK_LIMITS)
    except UserError as exc:
        raise Refused(exc.message) from None
    try:
        for sheet, cells in wanted.items():
            if sheet not in wb.sheetnames:
                first = next(iter(cells.values()))[0]
                raise Refused(f"清单中“{first.get('label')}”的单元格位置无效。")
            columns_by_row: dict[int, list[int]] = {}
            for row_number, column in cells:
                columns_by_row.setdefault(row_number, []).append(column)
            found: dict[tuple[int, int], object] = {}
            for row_number, row in enumerate(workbook_guard.rows(wb[sheet], max_row=max(columns_by_row)), start=1):
                for column in columns_by_row.get(row_number, ()):
                    found[(row_number, column)] = row[column - 1] if column <= len(row) else None
            for where, listed in cells.items():
                for f in listed:
                    if not _same(found.get(where), to_value(f.get("value"), f.get("agg", ""))):
                        raise Refused(f"工作簿 {sheet}!{f['cell'].rpartition('!')[2]}（{f.get('label')}）与清单中的数字不符。")
    except UserError as exc:
        raise Refused(exc.message) from None
    finally:
        wb.close()


def verify(source: Source) -> StationPackage:
    """The package's figures, or ``Refused`` with the reason."""
    data = _manifest(source)
    contents = _check_files(source, data)
    figures = data.get("figures") or []
    _check_workbook(*contents["workbook"], figures)
    st = data.get("station") or {}
    code = str(st.get("town_code", ""))
    if not re.fullmatch(r"\d{9}", code):
        raise Refused("清单中的乡镇(街道)区划代码无效。")
    values = {f["key"]: to_value(f.get("value"), f.get("agg", "")) for f in figures}
    return StationPackage(source.label, code, str(st.get("town_name", "")), str(st.get("name", "")),
                          str(st.get("county_code", "")), str(st.get("county_name", "")), str(data.get("month", "")),
                          int(data.get("version", 1)), tuple(figures), values)
