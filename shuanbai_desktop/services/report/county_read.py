"""The county side, part 1: find the stations' monthly packages and verify each one.

A package (folder or zip) is accepted only when its manifest is ours and of this layout
version, every file it lists is there with the same size and SHA-256, and the workbook's
cells hold the figures the manifest lists. Anything else is rejected with the reason.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from hashlib import sha256
from pathlib import Path

from .layout import FORMAT_NAME, LAYOUT_VERSION, Value
from .manifest import MANIFEST_NAME

MAX_FILE = 100 * 1024 * 1024
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
    read: Callable[[str], bytes | None]


def _zip_source(path: Path) -> Iterator[Source]:
    zf = zipfile.ZipFile(path)
    for info in zf.infolist():
        if info.filename.endswith(MANIFEST_NAME) and info.filename.count("/") <= 1:
            prefix = info.filename[: -len(MANIFEST_NAME)]

            def read(name: str, prefix=prefix) -> bytes | None:
                try:
                    member = zf.getinfo(prefix + name)
                except KeyError:
                    return None
                if member.file_size > MAX_FILE:
                    raise Refused(f"压缩包中的“{name}”过大，不像是月度报表文件。")
                return zf.read(member)
            yield Source(path.name + (f"/{prefix.rstrip('/')}" if prefix else ""), read)


def _folder_source(folder: Path) -> Source:
    def read(name: str) -> bytes | None:
        path = folder / name
        if not path.is_file():
            return None
        if path.stat().st_size > MAX_FILE:
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
            sources = list(_zip_source(path))
            found += sources
            if not sources:
                bad.append((path.name, "压缩包中没有清单文件 manifest.json，不是本程序导出的月度报表。"))
        else:
            bad.append((path.name, "找不到该文件，或它不是月度报表的文件夹、zip 压缩包或清单文件。"))
    return found, bad


def _manifest(source: Source) -> dict:
    raw = source.read(MANIFEST_NAME)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (AttributeError, UnicodeDecodeError, json.JSONDecodeError):
        raise Refused("清单文件 manifest.json 无法读取（不是有效的 JSON）。") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise Refused("清单文件不是社工站月度报表的清单。")
    if str(data.get("layout_version")) != LAYOUT_VERSION:
        raise Refused(f"报表格式版本为 {data.get('layout_version')}，本程序只能汇总格式版本 {LAYOUT_VERSION}"
                      "（请各站使用同一版本的程序导出）。")
    return data


def _check_files(source: Source, data: dict) -> dict[str, bytes]:
    contents = {}
    for entry in data.get("files", []):
        name = str(entry.get("name", ""))
        if not SAFE_NAME.match(name) or name == MANIFEST_NAME:
            raise Refused(f"清单中的文件名“{name}”不合法。")
        content = source.read(name)
        if content is None:
            raise Refused(f"缺少清单中列出的文件“{name}”。")
        if len(content) != entry.get("size") or sha256(content).hexdigest() != entry.get("sha256"):
            raise Refused(f"文件“{name}”与清单中的校验值（SHA-256）不符，可能在导出后被改动或损坏。")
        contents[entry.get("role", "")] = content
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


def _check_workbook(content: bytes, figures: list[dict]) -> None:
    from openpyxl import load_workbook
    try:
        wb = load_workbook(io.BytesIO(content))
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise Refused("报表工作簿无法打开，可能已损坏。") from None
    for f in figures:
        sheet, _, cell = f.get("cell", "").rpartition("!")
        sheet = sheet.strip("'").replace("''", "'")
        if not cell or sheet not in wb.sheetnames:
            raise Refused(f"清单中“{f.get('label')}”的单元格位置无效。")
        if not _same(wb[sheet][cell].value, to_value(f.get("value"), f.get("agg", ""))):
            raise Refused(f"工作簿 {sheet}!{cell}（{f.get('label')}）与清单中的数字不符。")


def verify(source: Source) -> StationPackage:
    """The package's figures, or ``Refused`` with the reason."""
    data = _manifest(source)
    contents = _check_files(source, data)
    figures = data.get("figures") or []
    _check_workbook(contents["workbook"], figures)
    st = data.get("station") or {}
    code = str(st.get("town_code", ""))
    if not re.fullmatch(r"\d{9}", code):
        raise Refused("清单中的乡镇(街道)区划代码无效。")
    values = {f["key"]: to_value(f.get("value"), f.get("agg", "")) for f in figures}
    return StationPackage(source.label, code, str(st.get("town_name", "")), str(st.get("name", "")),
                          str(st.get("county_code", "")), str(st.get("county_name", "")), str(data.get("month", "")),
                          int(data.get("version", 1)), tuple(figures), values)
