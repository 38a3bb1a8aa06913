"""导入数据's reader: xlsx, xls, ods and csv read alike; hostile files refused in Chinese, never a crash.

The hostile workbooks here would abort the whole program inside python-calamine (a dense block of
hundreds of GB asked for in Rust) or loop for ever in its compound-file reader: ``prescan`` refuses them
before calamine sees them. That they are refused *before* calamine is asserted by making calamine fail
the test if it is called.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.importing import reader
from shuanbai_desktop.services.importing.base import Cancelled
from shuanbai_desktop.services.workbook_guard import WorkbookRefused

from ..workbook_bombs import huge_strings, rebuild
from .import_books import MESSY_ODS, MESSY_XLS, messy_csv, messy_workbook


@pytest.fixture(autouse=True)
def _fresh_scans():
    reader._SCANNED.clear()
    yield
    reader._SCANNED.clear()


@pytest.fixture
def no_calamine(monkeypatch):
    """calamine may not be reached: the scan must refuse first."""
    import python_calamine

    def refuse(*_args, **_kwargs):
        raise AssertionError("calamine was given a file the scan should have refused")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)


def test_an_xlsx_reads_as_in_excel_rows_and_columns(tmp_path):
    path = messy_workbook(tmp_path / "低保名册.xlsx")
    info = reader.inspect_file(path)
    assert (info.format, info.sheets, info.encoding, info.file_name) == ("xlsx", ("低保名册",), None, "低保名册.xlsx")
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and info.size == path.stat().st_size
    grid = reader.read_sheet(info)
    assert grid.rows[0][0] == "桥东街道2024年低保对象花名册"  # Excel row 1, column A
    assert grid.rows[3][4] == "联系方式" and grid.rows[4][5] == "固话"
    assert grid.rows[5][2] == "441302199001021237" and grid.rows[5][9] == date(1990, 1, 2)
    assert grid.rows[8] == [None] * len(grid.rows[8])  # the blank row inside stays, empty
    assert (3, 4, 3, 5) in grid.merged and (0, 0, 0, 9) in grid.merged and (3, 1, 4, 1) in grid.merged
    assert len(grid.rows) == 13


@pytest.mark.parametrize("fixture", [MESSY_XLS, MESSY_ODS], ids=["xls", "ods"])
def test_xls_and_ods_read_like_the_xlsx(fixture, tmp_path):
    xlsx = reader.read_sheet(reader.inspect_file(messy_workbook(tmp_path / "b.xlsx")))
    info = reader.inspect_file(fixture)
    assert info.format == fixture.suffix[1:] and info.sheets == ("低保名册",)
    grid = reader.read_sheet(info, "低保名册")
    assert len(grid.rows) == len(xlsx.rows)
    for r in range(len(xlsx.rows)):
        for c in range(10):
            theirs = grid.rows[r][c] if c < len(grid.rows[r]) else None
            mine = xlsx.rows[r][c] if c < len(xlsx.rows[r]) else None
            if r == 10 and c == 7:
                assert mine is None and theirs == 2620.5  # the 合计 formula: LibreOffice saved its value
            else:
                assert theirs == mine, (r, c)
    assert (3, 4, 3, 5) in grid.merged and (3, 1, 4, 1) in grid.merged  # ods: found by the scan


def test_a_formula_is_read_as_its_cached_value(tmp_path):
    grid = reader.read_sheet(reader.inspect_file(MESSY_XLS))
    assert grid.rows[10][7] == 2620.5 and grid.rows[10][0] == "合  计"


@pytest.mark.parametrize("encoding, expected", [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"),
                                                ("gb18030", "gb18030"), ("gbk", "gb18030")])
def test_csv_encodings_are_detected(tmp_path, encoding, expected):
    path = messy_csv(tmp_path / "低保名册.csv", encoding)
    info = reader.inspect_file(path)
    assert (info.format, info.encoding, info.sheets) == ("csv", expected, ("低保名册",))
    grid = reader.read_sheet(info)
    assert grid.rows[0] == ["桥东街道2024年低保对象花名册"]
    assert grid.rows[3][:3] == ["序号", "姓名", "公民身份号码"] and grid.rows[3][4:6] == ["联系方式", None]
    assert grid.rows[5][1] == "陈大文" and grid.rows[5][2] == "441302199001021237"
    assert grid.merged == ()


def test_a_tab_separated_txt_is_read(tmp_path):
    path = messy_csv(tmp_path / "名册.txt", "gb18030", delimiter="\t")
    grid = reader.read_sheet(reader.inspect_file(path))
    assert grid.rows[6][:2] == ["2", "李小梅"]


def test_the_user_may_choose_the_encoding_and_a_wrong_one_names_the_line(tmp_path):
    path = messy_csv(tmp_path / "名册.csv", "gb18030")
    chosen = reader.inspect_file(path, encoding="GBK")
    assert chosen.encoding == "gbk" and reader.read_sheet(chosen).rows[5][1] == "陈大文"
    wrong = reader.inspect_file(path, encoding="utf-8")
    with pytest.raises(UserError, match=r"按“utf-8”编码读取文件“名册.csv”的第 1 行时出错") as caught:
        reader.read_sheet(wrong)
    assert caught.value.field == "编码"
    with pytest.raises(UserError, match="不认识的字符编码“klingon”"):
        reader.inspect_file(path, encoding="klingon")


def test_a_bom_stays_out_of_the_first_cell_when_utf8_is_chosen(tmp_path):
    path = messy_csv(tmp_path / "名册.csv", "utf-8-sig")
    assert reader.read_sheet(reader.inspect_file(path, encoding="utf-8")).rows[0][0] == "桥东街道2024年低保对象花名册"


def test_a_sheet_not_in_the_file_and_a_file_changed_since_are_refused(tmp_path):
    path = messy_workbook(tmp_path / "名册.xlsx")
    info = reader.inspect_file(path)
    with pytest.raises(UserError, match="没有名为“第二页”的工作表（有：低保名册）"):
        reader.read_sheet(info, "第二页")
    messy_csv(path, "utf-8")  # replaced after it was chosen
    with pytest.raises(UserError, match="在选择之后被修改过"):
        reader.read_sheet(info)


def test_formats_are_told_by_content_not_by_name(tmp_path):
    xlsx_as_xls = tmp_path / "导出.xls"
    messy_workbook(tmp_path / "x.xlsx").rename(xlsx_as_xls)
    assert reader.inspect_file(xlsx_as_xls).format == "xlsx"
    html = tmp_path / "系统导出.xls"
    html.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(UserError, match="其实是网页（HTML/XML）格式.*另存为”.xlsx"):
        reader.inspect_file(html)
    other = tmp_path / "名册.pdf"
    other.write_bytes(b"%PDF-1.4")
    with pytest.raises(UserError, match="格式不能导入"):
        reader.inspect_file(other)
    with pytest.raises(UserError, match="无法读取文件“不在.xlsx”"):
        reader.inspect_file(tmp_path / "不在.xlsx")


def test_progress_is_told_and_may_cancel(tmp_path):
    path = messy_workbook(tmp_path / "名册.xlsx")
    info = reader.inspect_file(path)
    seen: list[tuple[int, int]] = []
    reader.read_sheet(info, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 13) and seen[-1] == (13, 13)

    def cancel(_done, _total):
        raise Cancelled()

    with pytest.raises(Cancelled):
        reader.read_sheet(info, progress=cancel)
    csv_info = reader.inspect_file(messy_csv(tmp_path / "名册.csv"))
    with pytest.raises(Cancelled):
        reader.read_sheet(csv_info, progress=cancel)


# ---------------------------------------------------------------------------------------------
# Hostile files


def _sheet_xml(cells: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetData>{cells}</sheetData></worksheet>').encode()


def _with_sheet(tmp_path: Path, name: str, xml: bytes) -> Path:
    import openpyxl

    base = tmp_path / "base.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "姓名"
    wb.save(base)
    return rebuild(base, tmp_path / name, {"xl/worksheets/sheet1.xml": lambda: [xml]})


@pytest.mark.parametrize("cells", [
    '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row>'
    '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>b</t></is></c></row>',
    # the same, written so that the fast look does not apply: a prefix-free cell without r after XFC1
    '<row r="1"><c r="A1"><v>1</v></c></row><row><c s="1" r="XFC2"><v>1</v></c><c><v>2</v></c></row>'
    '<row r="1048576"><c r="B1048576"><v>3</v></c></row>',
    # a cell placed far by its r inside a row that says otherwise, attribute after another
    '<row r="1"><c t="n" r="A1"><v>1</v></c><c t="n" r="ZZ999999"><v>1</v></c></row>',
], ids=["plain", "walked", "reordered"])
def test_a_sheet_asking_for_a_huge_block_is_refused_before_calamine(tmp_path, no_calamine, cells):
    path = _with_sheet(tmp_path, "远.xlsx", _sheet_xml(cells))
    assert path.stat().st_size < 10_000
    with pytest.raises(WorkbookRefused, match="有内容的单元格从 A1 延伸到 .*超过每张表") as caught:
        reader.inspect_file(path)
    assert "“远.xlsx”" in caught.value.message


def test_an_ordinary_sheet_written_with_prefixes_is_walked_and_read(tmp_path):
    xml = ('<?xml version="1.0" encoding="UTF-8"?><x:worksheet '
           'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>姓名</x:t></x:is></x:c></x:row>'
           '<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>陈大文</x:t></x:is></x:c></x:row>'
           '</x:sheetData></x:worksheet>').encode()
    grid = reader.read_sheet(reader.inspect_file(_with_sheet(tmp_path, "前缀.xlsx", xml)))
    assert [row[0] for row in grid.rows] == ["姓名", "陈大文"]


def test_a_dtd_in_a_sheet_and_a_utf16_part_are_refused(tmp_path, no_calamine):
    xml = _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace(
        b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1)
    with pytest.raises(WorkbookRefused, match="XML 实体声明"):
        reader.inspect_file(_with_sheet(tmp_path, "实体.xlsx", xml))
    utf16 = _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
    utf16 = utf16.decode().encode("utf-16")
    with pytest.raises(WorkbookRefused, match="不支持的字符编码"):
        reader.inspect_file(_with_sheet(tmp_path, "十六.xlsx", utf16))


def test_a_shared_strings_count_out_of_proportion_is_refused(tmp_path, no_calamine):
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
               b'spreadsheetml/2006/main" count="1" uniqueCount="4000000000"><si><t>a</t></si></sst>')
    path = _with_sheet(tmp_path, "串.xlsx", _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    path = rebuild(path, tmp_path / "串2.xlsx", {"xl/sharedStrings.xml": lambda: [strings]})
    with pytest.raises(WorkbookRefused, match="声明的字符串个数与其大小不符"):
        reader.inspect_file(path)


def test_a_zip_bomb_is_refused_by_the_workbook_limits(tmp_path, no_calamine):
    path = _with_sheet(tmp_path, "s.xlsx", _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    bomb = rebuild(path, tmp_path / "炸弹.xlsx", {"xl/sharedStrings.xml": huge_strings(200 * 1024 * 1024)}, level=9)
    with pytest.raises(WorkbookRefused, match="解压后超过 128 MB"):
        reader.inspect_file(bomb)


def test_duplicate_part_names_are_refused(tmp_path, no_calamine):
    path = _with_sheet(tmp_path, "s.xlsx", _sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'))
    twice = tmp_path / "重名.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(twice, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with pytest.warns(UserWarning, match="Duplicate name"):
            dst.writestr("XL/worksheets/sheet1.xml", _sheet_xml('<row r="1"><c r="XFD1"><v>1</v></c></row>'))
            dst.writestr("xl/worksheets/sheet1.xml", b"<x/>")
    with pytest.raises(WorkbookRefused, match="重名的内部文件"):
        reader.inspect_file(twice)


def _ods_with(tmp_path: Path, name: str, table_xml: str) -> Path:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               f'<table:table table:name="名册">{table_xml}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return path


def test_an_ods_of_repeated_cells_is_refused_before_calamine(tmp_path, no_calamine):
    cell = ('<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
            '<text:p>x</text:p></table:table-cell>')
    path = _ods_with(tmp_path, "重复.ods", f'<table:table-row table:number-rows-repeated="1048576">{cell}'
                                         '</table:table-row>')
    with pytest.raises(WorkbookRefused, match="工作表“名册”有内容的单元格从 A1 延伸到 XFD1048576"):
        reader.inspect_file(path)


def test_an_ods_whose_rows_each_hold_many_cells_is_refused(tmp_path, monkeypatch, no_calamine):
    """calamine keeps every repeated cell of every row (16,384 for a few bytes each) before it trims."""
    monkeypatch.setattr(reader, "LIMITS", replace(reader.LIMITS, max_cells=50_000))
    row = ('<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
           'office:value="1"/></table:table-row>')
    with pytest.raises(WorkbookRefused, match="4 行 × 16384 列.*50000 个单元格"):
        reader.inspect_file(_ods_with(tmp_path, "宽.ods", row * 4))


def test_an_ods_with_trailing_empty_repeats_as_libreoffice_writes_is_read(tmp_path):
    rows = ('<table:table-row><table:table-cell office:value-type="string"><text:p>姓名</text:p></table:table-cell>'
            '<table:table-cell table:number-columns-repeated="1023"/></table:table-row>'
            '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
            'table:number-columns-repeated="1024"/></table:table-row>')
    grid = reader.read_sheet(reader.inspect_file(_ods_with(tmp_path, "正常.ods", rows)))
    assert grid.rows == [["姓名"]]


def _xls_records(data: bytes):
    """Offsets in the file of the BIFF cell records (a small file: its Workbook stream is in order)."""
    offsets = []
    for typ in (0x00FD, 0x0203, 0x027E):
        head = struct.pack("<HH", typ, {0x00FD: 10, 0x0203: 14, 0x027E: 10}[typ])
        start = data.find(head)
        while start >= 0:
            offsets.append(start)
            start = data.find(head, start + 1)
    return sorted(offsets)


def test_an_xls_with_a_cell_far_away_is_refused_before_calamine(tmp_path, no_calamine):
    data = bytearray(MESSY_XLS.read_bytes())
    offsets = _xls_records(bytes(data))
    assert offsets
    struct.pack_into("<HH", data, offsets[-1] + 4, 65535, 16383)  # its row and column
    path = tmp_path / "远.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookRefused, match="第 1 张工作表有内容的单元格从 A1 延伸到 XFD65536"):
        reader.inspect_file(path)


def test_an_xls_whose_sector_chain_loops_is_refused(tmp_path, no_calamine):
    data = bytearray(MESSY_XLS.read_bytes())
    size = 1 << struct.unpack_from("<H", data, 30)[0]
    dir_start = struct.unpack_from("<I", data, 48)[0]
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, (fat_sector + 1) * size + dir_start * 4, dir_start)  # the directory ends in itself
    path = tmp_path / "循环.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookRefused, match="扇区链有循环或越界"):
        reader.inspect_file(path)


def test_an_xls_header_declaring_more_than_the_file_is_refused(tmp_path, no_calamine):
    data = bytearray(MESSY_XLS.read_bytes())
    struct.pack_into("<I", data, 44, 0x40000000)  # FAT sectors: calamine reserves room for them
    path = tmp_path / "头.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(WorkbookRefused, match="文件头声明的大小与文件不符"):
        reader.inspect_file(path)


def test_an_encrypted_or_broken_workbook_is_a_chinese_refusal(tmp_path):
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(UserError):
        reader.inspect_file(broken)
    truncated = tmp_path / "断.xls"
    truncated.write_bytes(MESSY_XLS.read_bytes()[:1500])
    with pytest.raises(UserError):
        reader.inspect_file(truncated)


def test_the_deadline_and_the_size_limits_apply_to_every_format(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "LIMITS", replace(reader.LIMITS, seconds=0.0))
    with pytest.raises(WorkbookRefused, match="超过 0 秒仍未完成"):
        reader.inspect_file(messy_workbook(tmp_path / "慢.xlsx"))
    with pytest.raises(WorkbookRefused, match="超过 0 秒仍未完成"):
        reader.inspect_file(MESSY_XLS)
    csv_info = reader.inspect_file(messy_csv(tmp_path / "慢.csv"))
    monkeypatch.setattr(reader, "LIMITS", replace(reader.LIMITS, seconds=300.0, max_rows=5))
    with pytest.raises(WorkbookRefused, match="超过每张表 5 行"):
        reader.read_sheet(csv_info)
    monkeypatch.setattr(reader, "LIMITS", replace(reader.LIMITS, max_file_bytes=1000))
    with pytest.raises(WorkbookRefused, match="超过 0 MB 的上限|上限"):
        reader.inspect_file(MESSY_XLS)


def test_a_csv_row_with_too_many_columns_is_refused(tmp_path):
    path = tmp_path / "宽.csv"
    path.write_bytes(("姓名" + "," * 20_000 + "\r\n").encode())
    with pytest.raises(WorkbookRefused, match="16384 列"):
        reader.read_sheet(reader.inspect_file(path))


def test_detect_encoding_falls_back_to_charset_normalizer():
    big5 = "姓名,村居\r\n陳大文,東風村\r\n".encode("big5") * 20
    assert reader.detect_encoding(io.BytesIO(big5).read()) not in (None, "utf-8")
    assert reader.detect_encoding("姓名".encode("gb18030")) == "gb18030"
    assert reader.detect_encoding(b"name,phone\r\n") == "utf-8"
