"""Hostile workbooks built for the tests and the benchmark, streamed so that building them stays small.

- ``small_xlsx``: a workbook laid out as Excel writes it (shared strings, a dimension);
- ``rebuild``: a copy with parts replaced (or added) from generators, e.g. ``huge_strings(1 GiB)``;
- ``BILLION_LAUGHS``: a shared-strings part with nested entities (about 3 GB once expanded).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>')
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {NS} '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>')


def small_xlsx(path: Path, rows_: int = 3, dimension: bool = True) -> Path:
    """A workbook laid out as Excel writes it (shared strings, a dimension): 姓名, 村(居), 金额."""
    strings = ["姓名", "村(居)", "金额", "桥东社区"] + [f"居民{i}" for i in range(1, rows_)]
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
    body = "".join(f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i + 3}</v></c><c r="B{i + 1}" t="s"><v>3</v></c>'
                   f'<c r="C{i + 1}"><v>{i * 10}</v></c></row>' for i in range(1, rows_))
    dim = f'<dimension ref="A1:C{rows_}"/>' if dimension else ""
    sheet = f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>{dim}<sheetData>{header}{body}</sheetData></worksheet>'
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="{len(strings)}" uniqueCount="{len(strings)}">'
           + "".join(f"<si><t>{t}</t></si>" for t in strings) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", ROOT_RELS),
                           ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
                           ("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", sst)):
            zf.writestr(name, text)
    return path


Parts = dict[str, Callable[[], Iterable[bytes]]]


def rebuild(src: Path, dst: Path, replace_parts: Parts | None = None, extra: int = 0, level: int = 6) -> Path:
    """A copy of ``src`` with parts' content streamed from generators (never all in memory); a part
    ``src`` lacks is added. ``extra`` adds that many tiny parts."""
    replace_parts = dict(replace_parts or {})
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout:
        for info in zin.infolist():
            if info.filename not in replace_parts:
                zout.writestr(info.filename, zin.read(info.filename))
        for name, chunks in replace_parts.items():
            with zout.open(name, "w", force_zip64=True) as out:
                for chunk in chunks():
                    out.write(chunk)
        for i in range(extra):
            zout.writestr(f"customXml/item{i}.xml", "<a/>")
    return dst


def huge_strings(total: int) -> Callable[[], Iterable[bytes]]:
    def chunks() -> Iterable[bytes]:
        head = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1">'.encode()
        yield head
        block = b"<si><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></si>" * 16_384
        written = len(head)
        while written < total:
            yield block
            written += len(block)
        yield b"</sst>"
    return chunks


LAUGHS_DTD = (b'<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
              + b"".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
                         for i in range(1, 10))
              + b"]>\n")
BILLION_LAUGHS = (b'<?xml version="1.0"?>\n' + LAUGHS_DTD
                  + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  b"<si><t>&lol9;</t></si></sst>")


def laughing(xml: bytes) -> bytes:
    """An existing part with the billion-laughs entities declared and used in its root's first attribute."""
    start = xml.index(b"<", xml.index(b"?>") + 2) if xml.startswith(b"<?xml") else 0
    root_end = xml.index(b" ", start)
    return xml[:start] + LAUGHS_DTD + xml[start:root_end] + b' lol="&lol9;"' + xml[root_end:]


STRINGS_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" '
                b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')


def strings_bomb_parts(workbook: Path, size: int) -> Parts:
    """Parts that turn ``workbook`` into a shared-strings bomb openpyxl would really parse: the huge
    part, and its content type declared (a workbook written by openpyxl has no shared strings)."""
    with zipfile.ZipFile(workbook) as zf:
        types = zf.read("[Content_Types].xml")
    if b"/xl/sharedStrings.xml" not in types:
        types = types.replace(b"</Types>", STRINGS_TYPE + b"</Types>")
    return {"[Content_Types].xml": lambda: [types], "xl/sharedStrings.xml": huge_strings(size)}


def swap_package_workbook(package: Path, parts: Parts) -> Path:
    """Replace a report package's workbook by a bomb built from it, with a manifest that matches it."""
    workbook = next(package.glob("*.xlsx"))
    bomb = rebuild(workbook, package / "bomb.tmp", parts, level=9)
    bomb.replace(workbook)
    manifest_path = package / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        if entry["name"] == workbook.name:
            entry["size"] = workbook.stat().st_size
            entry["sha256"] = hashlib.sha256(workbook.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return workbook
