"""Small ledgers as stations keep them, for the tests of 导入数据's reader and table (made-up names).

``messy_workbook``: a title row merged across, a 填报单位 line, a blank row, a two-row header with
cells merged down and a group “联系方式” over 手机/固话, data rows with a blank row inside, an empty
column I, a masked ID number, a 合计 row with a formula, and notes under the table (填表人、注：).
``messy_csv``: the same table as a csv export writes it (no merged cells: the group title only over
its first column). The .xls and .ods under fixtures/import/ were converted from ``messy_workbook`` by
LibreOffice (``libreoffice --headless --convert-to xls|ods``).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "import"
MESSY_XLS = FIXTURES / "低保名册.xls"
MESSY_ODS = FIXTURES / "低保名册.ods"

TITLE = "桥东街道2024年低保对象花名册"
UPPER = ["序号", "姓名", "公民身份\n号码", "性别", "联系方式", None, "所属村（居）", "保障金额（元）", None, "出生日期"]
LOWER = [None, None, None, None, "手机", "固话", None, None, None, None]
DATA = [
    [1, "陈大文", "441302199001021237", "男", "13800138000", None, "东风村委会", 650, None, date(1990, 1, 2)],
    [2, "李小梅", "441302198503150026", "女", None, "0752-2808727", "桥东社区居委会", 720.5, None, "1985.3.15"],
    [3, "黄  伯", "441302194811300518", "男", "13902221111", None, "东风村委会", 650, None, "1948年11月30日"],
    None,  # a blank row inside the table
    [4, "王五", "4413**********1234", "男", None, None, "红花村", 600, None, None],
]
TOTAL = ["合  计", None, None, None, None, None, None, "=SUM(H6:H10)", None, None]
NOTES = [["填表人：张三", None, None, None, "审核人：李四"], ["注：1.本表一式两份。"]]
# Excel row numbers in the workbook (and the csv): header 4–5, data 6, 7, 8 and 10, 合计 11, notes 12–13
DATA_ROWS = (6, 7, 8, 10)


def messy_workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "低保名册"
    ws["A1"] = TITLE
    ws.merge_cells("A1:J1")
    ws["A2"] = "填报单位：桥东街道社工站"
    for column, value in enumerate(UPPER, 1):
        if value is not None:
            ws.cell(4, column, value)
    for column, value in enumerate(LOWER, 1):
        if value is not None:
            ws.cell(5, column, value)
    for span in ("A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:F4", "G4:G5", "H4:H5", "J4:J5"):
        ws.merge_cells(span)
    placed = dict(zip((6, 7, 8, 9, 10), DATA, strict=True)) | {11: TOTAL, 12: NOTES[0], 13: NOTES[1]}
    for row, values in placed.items():
        for column, value in enumerate(values or [], 1):
            if value is not None:
                ws.cell(row, column, value)
    wb.save(path)
    return path


def messy_rows() -> list[list[object]]:
    """The sheet as rows of text (as a csv holds it), Excel row 1 first."""
    rows: list[list[object]] = [[TITLE], ["填报单位：桥东街道社工站"], []]
    rows.append(["" if v is None else v.replace("\n", "") for v in UPPER])
    rows.append(["" if v is None else v for v in LOWER])
    for values in DATA:
        if values is None:
            rows.append([])
            continue
        rows.append(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in values])
    rows.append(["合计", "", "", "", "", "", "", "2620.5"])
    for note in NOTES:
        rows.append(["" if v is None else v for v in note])
    return rows


def messy_csv(path: Path, encoding: str = "utf-8-sig", delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in messy_rows():
        writer.writerow(row)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
