"""导入数据's cell conversion: dates in every spelling, ID numbers refused when masked or read as numbers,
numbers with separators and ¥, truth values, choices through the value map, label, value and synonyms."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from shuanbai_desktop.services.importing.base import Field, FieldType
from shuanbai_desktop.services.importing.values import CellProblem, cell_text, convert

BIRTH = Field("birth_date", "出生日期", FieldType.DATE)
ID = Field("id_number", "身份证号", FieldType.ID_NUMBER)
PHONE = Field("phone", "联系电话", FieldType.PHONE)
AMOUNT = Field("amount", "保障金额", FieldType.NUMBER)
BOOL = Field("lives_alone", "是否独居", FieldType.BOOL)
SEX = Field("sex", "性别", FieldType.CHOICE, choices=(("M", "男"), ("F", "女")),
            choice_synonyms=(("1", "M"), ("2", "F"), ("男性", "M")))
GROUPS = Field("groups", "人员类别", FieldType.CHOICES, choices=(("dibao", "低保对象"), ("tekun", "特困人员"),
                                                                ("disabled", "残疾人")),
               choice_synonyms=(("低保", "dibao"), ("残疾", "disabled")))


@pytest.mark.parametrize("cell", ["1990-01-02", "1990-1-2", "1990/01/02", "1990.1.2", "1990年1月2日", "19900102",
                                  " 1990 年 1 月 2 日 ", "1990-01-02 00:00:00", "１９９０．１．２", 19900102,
                                  19900102.0, 32875, 32875.0, "32875", date(1990, 1, 2),
                                  datetime(1990, 1, 2, 8, 30)])
def test_dates_in_every_spelling(cell):
    assert convert(BIRTH, cell) == date(1990, 1, 2)


def test_excel_serials_around_its_leap_day_and_empty_dates():
    assert convert(BIRTH, 1) == date(1900, 1, 1)
    assert convert(BIRTH, 59) == date(1900, 2, 28)
    assert convert(BIRTH, 61) == date(1900, 3, 1)
    assert convert(BIRTH, None) is None and convert(BIRTH, "  ") is None


@pytest.mark.parametrize("cell", ["1990.13.1", "1990年2月30日", "去年", "1990.01", time(8, 0), True, 99999999])
def test_a_bad_date_names_the_field_and_the_spellings(cell):
    with pytest.raises(CellProblem) as caught:
        convert(BIRTH, cell)
    assert caught.value.reason.startswith("出生日期“") and "不是" in caught.value.reason


def test_id_numbers_are_normalized_and_masked_or_float_ones_refused():
    assert convert(ID, " 44130219850315002x ") == "44130219850315002X"
    assert convert(ID, "４４１３０２１９９００１０２１２３７") == "441302199001021237"
    assert convert(ID, 441302900102123.0) == "441302900102123"  # 15 digits survive a float
    assert convert(ID, None) == ""
    with pytest.raises(CellProblem, match=r"身份证号被打码（含 \* 等符号），无法导入"):
        convert(ID, "4413**********1234")
    with pytest.raises(CellProblem, match="被打码"):
        convert(ID, "441302XXXXXXXX1237")
    with pytest.raises(CellProblem, match="身份证号被 Excel 存成了数字，后几位已经丢失.*请把该列设为文本"):
        convert(ID, 4.41302199001021e17)
    with pytest.raises(CellProblem, match="科学计数法"):
        convert(ID, "4.41302E+17")


def test_phones_are_checked_and_masked_ones_refused():
    assert convert(PHONE, 13800138000.0) == "13800138000"
    assert convert(PHONE, "0752 2808727") == "0752-2808727"
    assert convert(PHONE, "") == ""
    with pytest.raises(CellProblem, match="^联系电话只能包含数字.*。$"):
        convert(PHONE, "打电话")
    with pytest.raises(CellProblem, match="被打码"):
        convert(PHONE, "138****8000")


@pytest.mark.parametrize("cell, expected", [("1,234.50", "1234.50"), ("¥1234", "1234"), ("￥ 1 234 元", "1234"),
                                            ("１２３．５", "123.5"), (12.3, "12.3"), (650, "650"), (None, None),
                                            ("", None)])
def test_numbers(cell, expected):
    assert convert(AMOUNT, cell) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize("cell", ["一千", "12..5", True, date(2024, 1, 1), "NaN"])
def test_a_bad_number_names_the_field(cell):
    with pytest.raises(CellProblem, match="^保障金额“.*”不是数字"):
        convert(AMOUNT, cell)


@pytest.mark.parametrize("cell, expected", [("是", True), ("否", False), ("√", True), ("×", False), ("有", True),
                                            ("无", False), (1, True), (0.0, False), ("Y", True), (True, True),
                                            (None, None), ("", None)])
def test_truth_values(cell, expected):
    assert convert(BOOL, cell) is expected


def test_a_truth_value_may_come_through_the_value_map_and_a_bad_one_is_refused():
    assert convert(BOOL, "独居", {"独居": "是"}) is True
    with pytest.raises(CellProblem, match="是否独居“也许”应为“是”或“否”"):
        convert(BOOL, "也许")


def test_a_choice_by_value_map_label_value_and_synonym():
    assert convert(SEX, "男") == "M" and convert(SEX, "F") == "F" and convert(SEX, 1.0) == "M"
    assert convert(SEX, " 男性 ") == "M" and convert(SEX, "") == ""
    assert convert(SEX, "m", {"m": "F"}) == "F"  # the user's value map comes first
    with pytest.raises(CellProblem, match="“未知”不是性别可选的值（可选：男、女），请在“值对应”中指定"):
        convert(SEX, "未知")


def test_choices_come_from_the_database_when_given():
    village = Field("village", "村(居)", FieldType.CHOICE)
    villages = (("3", "东风村"), ("4", "桥东社区"))
    assert convert(village, "东风村委会", {"东风村委会": "3"}, villages) == "3"
    assert convert(village, "桥东社区", None, villages) == "4"
    with pytest.raises(CellProblem, match="不是村\\(居\\)可选的值（可选：东风村、桥东社区）"):
        convert(village, "红花村", None, villages)


def test_several_choices_in_one_cell():
    assert convert(GROUPS, "低保、残疾人") == ("dibao", "disabled")
    assert convert(GROUPS, "特困人员，低保对象; 低保") == ("tekun", "dibao")
    assert convert(GROUPS, None) == ()
    assert convert(GROUPS, "低保户", {"低保户": "dibao"}) == ("dibao",)
    assert convert(GROUPS, "低保残疾双重", {"低保残疾双重": "dibao、disabled"}) == ("dibao", "disabled")
    with pytest.raises(CellProblem, match="“孤儿”不是人员类别可选的值"):
        convert(GROUPS, "低保、孤儿")


def test_text_and_cell_text():
    text = Field("address", "地址")
    assert convert(text, "  东风村1号\u3000") == "东风村1号"
    assert convert(text, 12.0) == "12"
    assert [cell_text(c) for c in (None, 12.0, 12.5, 7, True, date(1990, 1, 2), datetime(2024, 3, 5, 8, 30),
                                   datetime(2024, 3, 5), time(9, 5), 4.41302199001021e17)] == [
        "", "12", "12.5", "7", "是", "1990-01-02", "2024-03-05 08:30", "2024-03-05", "09:05", "4.41302199001021e+17"]
