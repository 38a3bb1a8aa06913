"""导入数据's table: the header row found under a title, two-row headers joined, 合计 and notes left out."""

from __future__ import annotations

import pytest

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.importing import reader, table
from shuanbai_desktop.services.importing.base import Field
from shuanbai_desktop.services.importing.reader import Grid

from .import_books import DATA_ROWS, MESSY_ODS, MESSY_XLS, messy_csv, messy_workbook

FIELDS = [
    Field("name", "姓名", synonyms=("户主姓名",)),
    Field("id_number", "身份证号", synonyms=("公民身份号码", "证件号码")),
    Field("phone", "联系电话", synonyms=("手机", "手机号码")),
    Field("village", "村(居)", synonyms=("所属村(居)", "村(社区)")),
]
TITLES = [("A", "序号"), ("B", "姓名"), ("C", "公民身份号码"), ("D", "性别"), ("E", "联系方式/手机"),
          ("F", "联系方式/固话"), ("G", "所属村（居）"), ("H", "保障金额（元）"), ("J", "出生日期")]
LEFT_OUT = ((11, "合计（小计）行"), (12, "表格下方的备注、签名等文字"), (13, "表格下方的备注、签名等文字"))


def _grid(kind: str, tmp_path) -> Grid:
    if kind == "xlsx":
        path = messy_workbook(tmp_path / "低保名册.xlsx")
    elif kind == "csv":
        path = messy_csv(tmp_path / "低保名册.csv", "gb18030")
    else:
        path = {"xls": MESSY_XLS, "ods": MESSY_ODS}[kind]
    return reader.read_sheet(reader.inspect_file(path))


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods", "csv"])
def test_the_messy_ledger_gives_the_same_table_in_every_format(kind, tmp_path):
    grid = _grid(kind, tmp_path)
    assert table.suggest_header_row(grid, FIELDS) == 4  # under the title, the 填报单位 line and a blank row
    built = table.build_table(grid, 4)
    assert built.header_rows == (4, 5)
    assert [(c.letter, c.title) for c in built.columns] == TITLES  # column I is blank: left out, J keeps its letter
    assert [c.index for c in built.columns] == [0, 1, 2, 3, 4, 5, 6, 7, 9]
    assert tuple(number for number, _cells in built.rows) == DATA_ROWS  # the blank row 9 skipped
    assert built.left_out == LEFT_OUT
    first = dict(zip([c.letter for c in built.columns], [built.rows[0][1][c.index] for c in built.columns],
                     strict=True))
    assert first["B"] == "陈大文" and first["C"] == "441302199001021237" and first["G"] == "东风村委会"
    assert all(len(cells) == 10 for _n, cells in built.rows)  # every row as wide as the last column


def test_a_header_of_one_row_given_by_the_user(tmp_path):
    grid = _grid("xlsx", tmp_path)
    built = table.build_table(grid, 5, header_rows=1)  # the lower row alone: merged titles still read
    titles = [c.title for c in built.columns]
    assert titles[:6] == ["序号", "姓名", "公民身份号码", "性别", "手机", "固话"]
    upper = table.build_table(grid, 4, header_rows=1)
    assert [c.title for c in upper.columns][4:6] == ["联系方式", "联系方式"]
    assert upper.rows[0][0] == 5  # the lower header row is then a (strange) data row, as asked


def test_repeated_headers_subtotals_and_a_lone_long_note_are_left_out():
    header = ["序号", "姓名", "身份证号", "村(居)", "电话"]
    rows: list[list] = [header,
                        [1, "陈大文", "441302199001021237", "东风村", "13800138000"],
                        ["小 计", None, None, None, None],
                        ["序号", "姓名", "身份证号", "村(居)", "电话"],  # printed on every page
                        [None, "李小梅", "441302198503150026", "桥东社区", None],
                        [None, "本名单经村民代表会议评议并公示七天无异议后上报民政部门审批。", None, None, None],
                        [2, "黄伯", "441302194811300518", "红花村", None],
                        ["说明：", "本表由村委会填报"],
                        [3, "不算", None, None, None]]
    built = table.build_table(Grid("名册", rows, ()), 1)
    assert built.header_rows == (1,)
    assert [n for n, _c in built.rows] == [2, 5, 7]
    assert built.left_out == ((3, "合计（小计）行"), (4, "重复的表头行"), (6, "只有一段文字的说明行"),
                              (8, "表格下方的备注、签名等文字"), (9, "表格下方的备注、签名等文字"))


def test_a_person_whose_name_starts_like_a_note_word_is_kept():
    rows: list[list] = [["姓名", "村(居)"], ["审核通过", "东风村"], ["说明书", "红花村"], ["合计", "3"],
                        ["填表人 张三", None]]
    built = table.build_table(Grid("名册", rows, ()), 1)
    assert [n for n, _c in built.rows] == [2, 3]
    assert built.left_out == ((4, "合计（小计）行"), (5, "表格下方的备注、签名等文字"))


def test_a_title_merged_across_is_not_a_group_header():
    rows: list[list] = [["2024年名册", None, None], ["姓名", "村(居)", "电话"], ["陈大文", "东风村", "13800138000"]]
    grid = Grid("名册", rows, ((0, 0, 0, 2),))
    assert table.suggest_header_row(grid, FIELDS) == 2
    assert table.build_table(grid, 2).header_rows == (2,)


def test_without_known_titles_the_first_row_of_texts_is_suggested():
    rows: list[list] = [["某某表"], [None], ["甲", "乙", "丙"], [1, 2, 3]]
    assert table.suggest_header_row(Grid("表", rows, ()), FIELDS) == 3
    assert table.suggest_header_row(Grid("表", [], ()), FIELDS) == 1


def test_a_header_row_outside_the_sheet_is_refused():
    grid = Grid("表", [["姓名"], ["陈大文"]], ())
    with pytest.raises(UserError, match="表头行应在第 1 到第 2 行之间"):
        table.build_table(grid, 5)
    with pytest.raises(UserError, match="表头行数应为 1 到 3 行"):
        table.build_table(grid, 2, header_rows=2)


def test_titles_are_matched_loosely_and_scored():
    f = Field("id_number", "身份证号", synonyms=("公民身份号码",))
    assert table.title_score("公民身份\n号码 *", f) == 3
    assert table.title_score("身份证号（必填）", f) == 1
    assert table.title_score("联系方式/身份证号", f) == 2
    assert table.title_score("性别", f) == 0
    assert table.normalize_title("村（居） ") == "村(居)"
    assert [table.column_letter(i) for i in (0, 25, 26, 701, 702, 16383)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]


def test_preview_shows_the_first_rows_as_text(tmp_path):
    shown = table.preview(_grid("xlsx", tmp_path), 6)
    assert len(shown) == 6 and all(len(row) == 10 for row in shown)
    assert shown[3][2] == "公民身份\n号码" and shown[5][0] == "1" and shown[5][9] == "1990-01-02"
    assert shown[5][7] == "650"
