"""导入数据's column mapping without a database: resolving letters and titles, the mapping's own problems,
the distinct texts of a column, village names suggested by their core, the file's shape."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.importing import mapping, reader, table
from shuanbai_desktop.services.importing.base import Field, FieldType, ImportKind, Mapping
from shuanbai_desktop.services.importing.reader import Grid

from .import_books import MESSY_XLS

VILLAGES = (("1", "东风村"), ("2", "桥东社区"), ("3", "红花村"), ("4", "东江村"))


@dataclass
class FakeSpec:
    kind: ImportKind = ImportKind.RESIDENTS
    fields: tuple[Field, ...] = (
        Field("name", "姓名", required=True, synonyms=("户主姓名",)),
        Field("id_number", "身份证号", FieldType.ID_NUMBER, synonyms=("公民身份号码",)),
        Field("phone", "联系电话", FieldType.PHONE, synonyms=("手机",)),
        Field("village", "村(居)", FieldType.CHOICE, required=True, synonyms=("所属村(居)",)),
        Field("groups", "人员类别", FieldType.CHOICES, choices=(("dibao", "低保对象"),),
              choice_synonyms=(("低保", "dibao"),)),
    )


SPEC = FakeSpec()


@pytest.fixture(scope="module")
def messy() -> table.Table:
    return table.build_table(reader.read_sheet(reader.inspect_file(MESSY_XLS)), 4)


def test_columns_resolve_from_positions_letters_and_titles(messy):
    given = Mapping({"name": 1, "id_number": "c", "phone": "联系方式/手机", "village": "所属村（居）",
                     "groups": "出生日期"}, {"groups": ""}, {"village": {"东风村委会": "1"}})
    resolved = mapping.resolve(given, messy)
    assert resolved.columns == {"name": 1, "id_number": 2, "phone": 4, "village": 6, "groups": 8}
    assert resolved.values == {"village": {"东风村委会": "1"}} and resolved.fixed == {"groups": ""}
    assert mapping.resolve(Mapping({"phone": "手机", "name": "J"}), messy).columns == {"phone": 4, "name": 8}
    with pytest.raises(UserError, match="列对应中“name”的列“I”在工作表“低保名册”中找不到") as caught:
        mapping.resolve(Mapping({"name": "I"}), messy)  # column I is blank: not a column of the table
    assert caught.value.field == "列对应"
    with pytest.raises(UserError, match="“户籍地址”在工作表"):
        mapping.resolve(Mapping({"name": "户籍地址"}), messy)
    with pytest.raises(UserError):
        mapping.resolve(Mapping({"name": 9}), messy)


def test_the_mapping_problems_name_the_field(messy):
    problems = mapping.check_mapping(SPEC, messy, Mapping({"name": 1, "nickname": 2, "phone": "Z"},
                                                          {"name": "张三", "foo": "1"}))
    reasons = [(p.row, p.column, p.title, p.reason) for p in problems]
    assert (0, "", "nickname", "居民和服务对象没有“nickname”这一项，请删除这条列对应。") in reasons
    assert (0, "", "联系电话", "“联系电话”对应的列“Z”在工作表“低保名册”中找不到。") in reasons
    assert (0, "B", "姓名", "“姓名”既对应了 B 列又给了固定值，请只选一种。") in reasons
    assert (0, "", "foo", "居民和服务对象没有“foo”这一项，请删除这个固定值。") in reasons
    assert (0, "", "村(居)", "必填项“村(居)”没有对应的列，也没有固定值：请在列对应中为它选一列。") in reasons
    assert len(problems) == 5
    assert mapping.check_mapping(SPEC, messy, Mapping({"name": 1}, {"village": "东风村"})) == []


def test_distinct_texts_most_frequent_first(messy):
    assert mapping.distinct_texts(messy, 6) == ["东风村委会", "桥东社区居委会", "红花村"]
    assert mapping.distinct_texts(messy, 6, limit=1) == ["东风村委会"]
    assert mapping.distinct_texts(messy, 5) == ["0752-2808727"]
    assert mapping.distinct_texts(messy, 99) == []


def test_village_names_are_suggested_by_their_core():
    village = SPEC.fields[3]
    texts = ["东风村委会", "桥东街道东风村民委员会", "桥东社区居委会", "红花", "东红花村", "东江", "火星村", "桥东", "3"]
    suggested = mapping.suggest_values(village, texts, VILLAGES)
    assert suggested["东风村委会"] == "1" and suggested["桥东街道东风村民委员会"] == "1"
    assert suggested["桥东社区居委会"] == "2" and suggested["红花"] == "3" and suggested["东红花村"] == "3"
    assert suggested["东江"] == "4" and suggested["3"] == "3"  # a choice's own value
    assert "火星村" not in suggested


def test_the_shape_follows_letters_and_titles_not_rows(messy):
    key = mapping.shape_key(ImportKind.RESIDENTS, messy)
    assert key == mapping.shape_key("residents", messy) and len(key) == 64
    assert key != mapping.shape_key(ImportKind.STAFF, messy)
    fewer_rows = table.Table(messy.sheet, messy.columns, messy.header_rows, messy.rows[:1], ())
    assert mapping.shape_key(ImportKind.RESIDENTS, fewer_rows) == key
    grid = Grid("表", [["姓名", "电话"], ["陈大文", "13800138000"]], ())
    other = table.build_table(grid, 1)
    assert mapping.shape_key(ImportKind.RESIDENTS, other) != key
