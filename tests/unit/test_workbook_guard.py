"""The guarded workbook reader: zip bombs, entity bombs, huge sheets, slow and greedy files are refused
with a Chinese message naming the file and the rule; ordinary workbooks read as before."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import workbook_guard as guard
from shuanbai_desktop.services.workbook_guard import DEFAULT_LIMITS, WorkbookRefused, open_workbook, rows

from ..workbook_bombs import BILLION_LAUGHS, NS, huge_strings, rebuild, small_xlsx

GIB = 1024 * 1024 * 1024


def refused(path_or_bytes, match: str, **kwargs) -> WorkbookRefused:
    with pytest.raises(WorkbookRefused, match=match) as caught:
        wb = open_workbook(path_or_bytes, **kwargs)
        try:
            for ws in wb.worksheets:
                for _row in rows(ws):
                    pass
        finally:
            wb.close()
    assert isinstance(caught.value, UserError)
    return caught.value


@pytest.fixture(scope="module")
def strings_bomb(tmp_path_factory) -> Path:
    """A valid small xlsx whose sharedStrings.xml is replaced by 1 GiB of repeated strings."""
    folder = tmp_path_factory.mktemp("bomb")
    return rebuild(small_xlsx(folder / "small.xlsx"), folder / "炸弹.xlsx",
                   {"xl/sharedStrings.xml": huge_strings(GIB)}, level=9)


def test_an_ordinary_workbook_reads_as_before(tmp_path):
    path = small_xlsx(tmp_path / "台账.xlsx", rows_=50)
    wb = open_workbook(path)
    try:
        values = [row for ws in wb.worksheets for row in rows(ws)]
    finally:
        wb.close()
    assert values[0] == ("姓名", "村(居)", "金额") and values[-1] == ("居民49", "桥东社区", 490)
    editable = open_workbook(path.read_bytes(), name="台账.xlsx", read_only=False)
    assert editable["台账"]["A2"].value == "居民1"


def test_a_one_gib_shared_strings_part_is_refused_before_parsing(strings_bomb):
    assert strings_bomb.stat().st_size < 5 * 1024 * 1024
    error = refused(strings_bomb, "sharedStrings.xml")
    assert error.message == ("文件“炸弹.xlsx”中的“xl/sharedStrings.xml”解压后超过 128 MB，可能是恶意文件，已拒绝读取。")


def test_a_part_under_the_size_limit_is_refused_for_its_compression_ratio(tmp_path):
    path = rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / "比.xlsx",
                   {"xl/sharedStrings.xml": huge_strings(40 * 1024 * 1024)}, level=9)
    error = refused(path, "压缩比")
    assert "“比.xlsx”" in error.message and "250 倍" in error.message and "压缩炸弹" in error.message


def test_total_uncompressed_size_is_bounded(tmp_path):
    path = small_xlsx(tmp_path / "总.xlsx")
    limits = replace(DEFAULT_LIMITS, max_total_bytes=2_000)
    assert "解压后共超过" in refused(path, "解压后共超过", limits=limits).message


def test_too_many_parts_are_refused_before_zipfile_reads_the_directory(tmp_path, monkeypatch):
    path = rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / "多.xlsx", extra=DEFAULT_LIMITS.max_parts)
    built: list[int] = []
    monkeypatch.setattr(guard._GuardedZip, "__init__",
                        lambda self, *a, **k: built.append(1) or zipfile.ZipFile.__init__(self, *a, **k))
    error = refused(path, "内部文件")
    assert f"超过 {DEFAULT_LIMITS.max_parts} 个的上限" in error.message and "多.xlsx" in error.message
    assert built == []


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml"])
@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_entity_declarations_are_refused_before_any_parser_sees_them(tmp_path, part, codec):
    content = BILLION_LAUGHS.decode().replace('version="1.0"?>', f'version="1.0" encoding="{codec}"?>').encode(codec)
    path = rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / "笑.xlsx", {part: lambda: [content]})
    error = refused(path, "实体")
    assert error.message == (f"文件“笑.xlsx”中的“{part}”含有 XML 实体声明（DOCTYPE/ENTITY），"
                             "Excel 不会写出这种内容，可能是恶意文件，已拒绝读取。")


@pytest.mark.parametrize(("head", "shown"), [
    (b'<?xml version="1.0" encoding="UTF-7"?>', "UTF-7"),
    ('<?xml version="1.0" encoding="UTF-16"?>'.encode("cp037"), "EBCDIC"),
    ('<?xml version="1.0"?>'.encode("utf-32-le"), "UCS-4"),
])
def test_encodings_in_which_a_declaration_could_hide_are_refused(tmp_path, head, shown):
    path = rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / "码.xlsx",
                   {"xl/workbook.xml": lambda: [head + b"<workbook/>"]})
    assert f"字符编码“{shown}”" in refused(path, "字符编码").message


def _with_sheet(tmp_path: Path, name: str, sheet: bytes) -> Path:
    return rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / name, {"xl/worksheets/sheet1.xml": lambda: [sheet]})


def test_a_sheet_declaring_ten_million_rows_is_refused_from_its_dimension(tmp_path):
    sheet = (f'<worksheet {NS}><dimension ref="A1:C10000000"/><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>').encode()
    error = refused(_with_sheet(tmp_path, "千万行.xlsx", sheet), "声明有")
    assert "工作表“台账”声明有 10000000 行 × 3 列" in error.message and "300000 行" in error.message
    with pytest.raises(WorkbookRefused, match="声明有 10000000 行"):
        open_workbook(tmp_path / "千万行.xlsx", read_only=False)


def test_rows_beyond_a_false_dimension_are_counted_while_reading(tmp_path):
    body = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 30))
    sheet = f'<worksheet {NS}><dimension ref="A1"/><sheetData>{body}</sheetData></worksheet>'.encode()
    path = _with_sheet(tmp_path, "行.xlsx", sheet)
    limits = replace(DEFAULT_LIMITS, max_rows=20)
    wb = open_workbook(path, limits=limits)
    ws = wb.worksheets[0]
    ws.reset_dimensions()  # as a reader would do for a sheet whose dimension is wrong
    with pytest.raises(WorkbookRefused, match="超过 20 行，已停止读取"):
        for _row in rows(ws):
            pass
    wb.close()
    gap = f'<worksheet {NS}><sheetData><row r="1"/><row r="1000000"/></sheetData></worksheet>'.encode()
    refused(_with_sheet(tmp_path, "空行.xlsx", gap), "超过 300000 行")


def test_cells_are_counted_across_the_workbook(tmp_path):
    refused(small_xlsx(tmp_path / "宣.xlsx", rows_=40), "全部共 100 个单元格", limits=replace(DEFAULT_LIMITS, max_cells=100))
    path = small_xlsx(tmp_path / "格.xlsx", rows_=40, dimension=False)
    refused(path, "单元格超过 100 个", limits=replace(DEFAULT_LIMITS, max_cells=100))
    # A workbook loaded whole (a template) has its own, lower bound.
    with pytest.raises(WorkbookRefused, match="单元格超过 60 个"):
        open_workbook(path, read_only=False, limits=replace(DEFAULT_LIMITS, max_cells_editable=60))


def test_a_part_parsed_whole_is_bounded_in_elements(tmp_path):
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "<Other/>" * 5_000 + "</Relationships>").encode()
    path = rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / "式.xlsx", {"xl/_rels/workbook.xml.rels": lambda: [rels]})
    error = refused(path, "XML 元素", limits=replace(DEFAULT_LIMITS, max_whole_part_tags=1_000))
    assert "“xl/_rels/workbook.xml.rels”含有超过 1000 个 XML 元素" in error.message


def test_the_deadline_is_checked_while_reading(tmp_path):
    path = small_xlsx(tmp_path / "慢.xlsx")
    error = refused(path, "秒仍未完成", limits=replace(DEFAULT_LIMITS, seconds=0))
    assert error.message.startswith("读取文件“慢.xlsx”超过 0 秒仍未完成")


def test_memory_grown_while_reading_is_bounded(tmp_path, monkeypatch):
    grown = iter(range(0, 100 * GIB, GIB))
    monkeypatch.setattr(guard, "_rss", lambda: next(grown))
    monkeypatch.setattr(guard, "MEMORY_EVERY", 0.0)
    refused(small_xlsx(tmp_path / "贪.xlsx"), "内存超过 1 GB")


def test_files_that_are_not_workbooks_say_so(tmp_path):
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(b"not a workbook at all")
    assert "不是有效的 zip 格式" in refused(junk, "zip").message
    refused(tmp_path / "表.xls", "另存为 .xlsx")
    big = tmp_path / "大.xlsx"
    with big.open("wb") as fh:
        fh.truncate(11 * 1024 * 1024)
    assert "文件“大.xlsx”有 11 MB，超过 10 MB 的上限" in refused(big, "上限", limits=replace(DEFAULT_LIMITS, max_file_bytes=10 * 1024 * 1024)).message
    broken = rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / "残.xlsx",
                     {"xl/workbook.xml": lambda: [b"<workbook"]})
    assert refused(broken, "损坏").message == "文件“残.xlsx”无法读取，可能已损坏或不是 Excel 工作簿。"


def test_a_package_zip_is_checked_like_a_workbook(tmp_path):
    path = tmp_path / "包.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(5):
            zf.writestr(f"{i}.txt", "x")
    with pytest.raises(WorkbookRefused, match="包含 5 个内部文件，超过 4 个"):
        guard.open_zip(path, limits=replace(guard.PACKAGE_LIMITS, max_parts=4))
    with guard.open_zip(path) as zf:
        assert zf.read("0.txt") == b"x"


def test_real_sizes_pass_the_limits(tmp_path):
    """An import ledger of 100,000 rows × 30 columns (default limits) and a county workbook of a few
    thousand rows (the package and template limits) are read, not refused."""
    sheet = (f'<worksheet {NS}><dimension ref="A1:AD100000"/><sheetData>'
             '<row r="1"><c r="A1"><v>1</v></c><c r="AD1"><v>30</v></c></row></sheetData></worksheet>').encode()
    wb = open_workbook(_with_sheet(tmp_path, "导入.xlsx", sheet))
    counted = [len(row) for row in rows(wb.worksheets[0])]
    wb.close()
    assert counted == [30]  # the declared 100,000 × 30 is within the limits
    county = small_xlsx(tmp_path / "县.xlsx", rows_=5_000)
    for limits in (guard.PACKAGE_WORKBOOK_LIMITS, guard.TEMPLATE_LIMITS):
        wb = open_workbook(county.read_bytes(), name="县.xlsx", limits=limits)
        assert sum(1 for _ in rows(wb.worksheets[0])) == 5_000
        wb.close()
    editable = open_workbook(county, limits=guard.TEMPLATE_LIMITS, read_only=False)
    assert editable.worksheets[0]["A5000"].value == "居民4999"


def test_a_row_of_too_many_cells_is_refused_in_the_stream(tmp_path):
    """The XML parser would hold such a row whole (gigabytes) before openpyxl sees a single cell."""
    def sheet():
        yield f'<worksheet {NS}><sheetData><row r="1">'.encode()
        for start in range(0, 20_000, 1_000):
            yield b"".join(b'<c r="A1"><v>%d</v></c>' % i for i in range(start, start + 1_000))
        yield b"</row></sheetData></worksheet>"
    path = rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / "宽.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    error = refused(path, "有一行超过")
    assert error.message == ("文件“宽.xlsx”中的“xl/worksheets/sheet1.xml”有一行超过 16384 个单元格，"
                             "可能是恶意文件，已拒绝读取。")
    prefixed = (  # the same rule for a sheet written with a namespace prefix
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1">'
        + b'<x:c r="A1"><x:v>1</x:v></x:c>' * 17_000 + b"</x:row></x:sheetData></x:worksheet>")
    path = rebuild(small_xlsx(tmp_path / "s.xlsx"), tmp_path / "前缀.xlsx",
                   {"xl/worksheets/sheet1.xml": lambda: [prefixed]})
    assert "有一行超过" in refused(path, "有一行超过").message
