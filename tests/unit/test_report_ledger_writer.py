"""The one ledger writer: streamed, masked by default, inert text, print set-up."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from shuanbai_desktop.exports.ledger_xlsx import LedgerColumn, write_ledger

COLUMNS = (LedgerColumn("姓名", 10), LedgerColumn("身份证号", 20, "id"), LedgerColumn("联系电话", 14, "phone"),
           LedgerColumn("日期", 11), LedgerColumn("备注", 20), LedgerColumn("在岗", 6))
ROWS = [("张三", "441302199001011234", "13812345678", date(2024, 5, 1), "=1+1", True),
        ("李四", "", "", None, "坏\x07字符", False),
        ("王五", "441302199202022345", "", date(2024, 5, 2), "@用户", True)]


def _written(tmp_path, full=False):
    seen = []
    count = write_ledger(tmp_path / "台账.xlsx", "走访台账", "标题", "副标题", COLUMNS, iter(ROWS), full,
                         progress=seen.append)
    return count, load_workbook(tmp_path / "台账.xlsx")["走访台账"]


def test_rows_are_written_masked_with_chinese_headers(tmp_path):
    count, ws = _written(tmp_path)
    assert count == 3
    assert [c.value for c in ws[3]] == ["姓名", "身份证号", "联系电话", "日期", "备注", "在岗"]
    first = [c.value for c in ws[4]]
    assert first[:3] == ["张三", "441302********1234", "138****5678"]
    assert first[3].date() == date(2024, 5, 1) and ws["D4"].number_format == "yyyy-mm-dd"
    assert first[5] == "是" and ws["F5"].value == "否"


def test_formula_looking_text_stays_text_and_control_characters_go(tmp_path):
    _count, ws = _written(tmp_path)
    assert ws["E4"].value == "=1+1" and ws["E4"].data_type == "s"
    assert ws["E6"].value == "@用户" and ws["E6"].data_type == "s"
    assert ws["E5"].value == "坏字符"


def test_full_numbers_when_asked(tmp_path):
    _count, ws = _written(tmp_path, full=True)
    assert ws["B4"].value == "441302199001011234" and ws["C4"].value == "13812345678"


def test_print_setup(tmp_path):
    _count, ws = _written(tmp_path)
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert ws.print_area == "'走访台账'!$A$1:$F$6"
    assert ws.column_dimensions["B"].width == 20 and ws.page_setup.paperSize == 9
