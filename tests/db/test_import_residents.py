"""导入数据, residents: each row checked by the person form's rules, matched by ID number, written in bulk."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models import Person
from shuanbai_desktop.data.models.core import AuditEntry
from shuanbai_desktop.data.models.importing import ImportBatch, ImportChange
from shuanbai_desktop.data.models.person import PersonBenefit, PersonGroup
from shuanbai_desktop.domain.target_labels import TargetGroup
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.importing import batch
from shuanbai_desktop.services.importing.base import Existing, ImportKind, Mapping
from shuanbai_desktop.services.importing.kinds import residents
from shuanbai_desktop.services.persons import PersonInput
from tests.conftest import BOTH

from .import_table import SOURCE, by_titles, table

BACKENDS = BOTH
TODAY = date(2025, 6, 30)
DONGHU, XINJIAN = "441302001001", "441302001003"
ADULT_MAN = "441302198005060116"  # 1980-05-06, 男
GIRL = "441302201502030123"  # 2015-02-03, 女
OLD_MAN = "441302195001010214"  # 1950-01-01, 男
WOMAN = "441302199007070312"  # 1990-07-07 — odd sequence digit: 男
CHILD = "441302201209090426"  # 2012-09-09, 女

TITLES = ("姓名", "身份证号", "联系电话", "村(居)", "住址", "服务对象类别", "纳入日期", "月发放金额", "残疾类别",
          "残疾等级", "监护人", "监护人电话")


def _count(s, model) -> int:
    return s.execute(select(func.count()).select_from(model)).scalar_one()


def _roster():
    return table(TITLES, [
        ("张建国", ADULT_MAN, "13800138000", "东湖社区居委会", "东湖路1号", "低保对象、残疾人", "2020.3.1", "650",
         "肢体", "二级", None, None),
        ("李小红", GIRL, None, "新建社区居委会", "新建街2号", "困境儿童", None, None, None, None, "李大山",
         "13900139000"),
        ("王老汉", OLD_MAN, "0752-2808727", "东湖社区居委会", None, "特困人员、特殊困难老年人", 44000, "1,200.50",
         None, None, None, None),
    ])


def _mapping(tbl):
    return by_titles(residents.FIELDS, tbl)


def test_a_clean_roster_is_imported_with_groups_benefits_and_the_batch_id(station_db):
    tbl = _roster()
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, _mapping(tbl), TODAY)
        assert result.ok, result.problems
        assert (result.rows, result.new, result.matched, result.duplicates) == (3, 3, 0, 0)
        assert _count(s, Person) == 0  # a dry run writes nothing
    with station_db.session() as s:
        row = batch.run_import(s, ImportKind.RESIDENTS, tbl, _mapping(tbl), Existing.SKIP, SOURCE, TODAY)
    assert row.counts["created"] == 3 and row.status == "已导入" and row.imported_by == "admin"
    with station_db.session() as s:
        people = {p.name: p for p in s.scalars(select(Person))}
        assert {p.import_batch_id for p in people.values()} == {row.id}
        zhang = people["张建国"]
        assert (zhang.sex, zhang.birth_date, zhang.phone) == ("男", date(1980, 5, 6), "13800138000")
        assert (zhang.village_code, zhang.disability_type, zhang.disability_grade) == (DONGHU, "physical", "2")
        groups = {(g.person_id, g.group_code): g.since for g in s.scalars(select(PersonGroup))}
        assert groups[(zhang.id, "dibao")] == date(2020, 3, 1) and groups[(zhang.id, "disabled")] == date(2020, 3, 1)
        # No 纳入日期: the group has none (not counted as new in any month), not the day of the import.
        assert groups[(people["李小红"].id, "child_difficulty")] is None
        assert people["李小红"].guardian_phone == "13900139000"
        benefits = {(b.person_id, b.kind): b for b in s.scalars(select(PersonBenefit))}
        assert benefits[(zhang.id, "dibao")].monthly_amount == Decimal("650.00")  # inferred from 低保对象
        wang = people["王老汉"]
        assert groups[(wang.id, "tekun")] == date(2020, 6, 18)  # an Excel day number
        assert benefits[(wang.id, "tekun")].monthly_amount == Decimal("1200.50")
        assert persons.search(s, persons.PersonFilter(text="zjg"))[0].name == "张建国"  # pinyin keys written


def test_the_batch_is_one_audit_event_with_counts_and_hash_and_no_id_numbers(station_db):
    tbl = _roster()
    with station_db.session() as s:
        before = s.execute(select(func.max(AuditEntry.id))).scalar_one()
        row = batch.run_import(s, ImportKind.RESIDENTS, tbl, _mapping(tbl), Existing.SKIP, SOURCE, TODAY)
    with station_db.session() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.id > before)))
    events = [e for e in entries if e.action == "event"]
    assert len(events) == 1 and events[0].record_id == str(row.id)
    details = json.loads(events[0].changes)
    assert details["sha256"] == SOURCE.sha256 and details["counts"]["created"] == 3
    assert details["file_name"] == "名册.xlsx"
    assert not [e for e in entries if e.table_name == "person"]  # the rows themselves: one event, not 3 entries
    text = " ".join(e.summary + e.changes for e in entries)
    assert ADULT_MAN not in text and "13800138000" not in text


def test_the_dry_run_lists_every_bad_row_with_column_and_masked_value(station_db):
    tbl = table(TITLES + ("无身份证号原因",), [
        ("张建国", "441302198005060117", None, None, None, None, None, None, None, None, None, None, None),  # 2
        ("李四", "4413**********0116", None, None, None, None, None, None, None, None, None, None, None),  # 3
        ("王五", ADULT_MAN, "12345", "外镇某村", None, None, None, None, None, None, None, None, None),  # 4
        ("赵六", WOMAN, None, None, None, "困境儿童", None, None, None, None, None, None, None),  # 5
        ("钱七", CHILD, None, None, None, "留守儿童", None, None, None, None, None, None, None),  # 6
        (None, OLD_MAN, None, None, None, None, None, None, None, None, None, None, None),  # 7
        ("孙八", None, None, None, None, None, None, None, None, None, None, None, None),  # 8
        ("周九", ADULT_MAN, None, None, None, None, None, None, None, None, None, None, None),  # 9: same ID as row 4
        ("吴十", 441302198005060000.0, None, None, None, None, None, None, None, None, None, None, None),  # 10
        ("郑一", None, None, None, None, None, "2030-01-01", None, None, None, None, None, "婴儿未办证"),  # 11
    ])
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), TODAY)
        assert _count(s, Person) == 0 and _count(s, ImportBatch) == 0
    by_row: dict[int, list] = {}
    for p in result.problems:
        by_row.setdefault(p.row, []).append(p)
    assert sorted(by_row) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert by_row[2][0].column == "B" and "校验位" in by_row[2][0].reason
    assert by_row[2][0].value == "441302********0117"  # masked, never the full number
    assert "打码" in by_row[3][0].reason
    assert {p.column for p in by_row[4]} == {"C", "D"}  # the phone and the village, both listed
    assert "18 周岁" in by_row[5][0].reason and by_row[5][0].column == "F"
    assert "监护人" in by_row[6][0].reason
    assert by_row[7][0].title == "姓名" and "不能为空" in by_row[7][0].reason
    assert "无身份证号的原因" in by_row[8][0].reason
    assert "第 4 行" in by_row[9][0].reason and by_row[9][0].column == "B"
    assert "数字" in by_row[10][0].reason
    assert by_row[11][0].title == "纳入日期" and "晚于今天" in by_row[11][0].reason
    assert result.problem_rows == 10 and not result.ok
    assert all(ADULT_MAN not in p.value for p in result.problems)


def test_an_import_with_problems_writes_nothing(station_db):
    tbl = table(("姓名", "身份证号"), [("张建国", ADULT_MAN), ("李四", "123")])
    with station_db.session() as s:
        entries = s.execute(select(func.max(AuditEntry.id))).scalar_one()
    with pytest.raises(batch.ImportHasProblems, match="有 1 行不符合要求，未导入任何数据") as refused:
        with station_db.session() as s:
            batch.run_import(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), Existing.SKIP,
                             SOURCE, TODAY)
    assert refused.value.dry_run.problems[0].row == 3
    with station_db.session() as s:
        assert _count(s, Person) == 0 and _count(s, ImportBatch) == 0
        assert s.execute(select(func.max(AuditEntry.id))).scalar_one() == entries


def test_a_required_field_without_a_column_is_a_mapping_problem(station_db):
    tbl = table(("身份证号",), [(ADULT_MAN,)])
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, Mapping({"id_number": 0}), TODAY)
    assert [(p.row, p.title) for p in result.problems] == [(0, "姓名")]
    with pytest.raises(batch.ImportHasProblems, match="列对应有 1 个问题"):
        with station_db.session() as s:
            batch.run_import(s, ImportKind.RESIDENTS, tbl, Mapping({"id_number": 0}), Existing.SKIP, SOURCE, TODAY)


def test_fixed_values_and_sex_and_birth_date_of_persons_without_an_id_number(station_db):
    tbl = table(("姓名", "性别", "出生日期", "村(居)"), [("小明", "1", "2024年5月1日", "东湖社区居委会")])
    mapping = Mapping({"name": 0, "sex": 1, "birth_date": 2, "village": 3},
                      {"no_id_reason": "婴儿未办证", "groups": "困境儿童"}, {})
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, mapping, TODAY)
        assert result.problems and "监护人" in result.problems[0].reason  # a minor 困境儿童 needs a guardian
    mapping = Mapping(mapping.columns, dict(mapping.fixed, guardian_name="王芳"), {})
    with station_db.session() as s:
        batch.run_import(s, ImportKind.RESIDENTS, tbl, mapping, Existing.SKIP, SOURCE, TODAY)
    with station_db.session() as s:
        p = s.scalars(select(Person)).one()
        assert (p.sex, p.birth_date, p.no_id_reason, p.id_number, p.guardian_name) == (
            "男", date(2024, 5, 1), "婴儿未办证", None, "王芳")


def test_sex_or_birth_date_against_the_id_number(station_db):
    tbl = table(("姓名", "身份证号", "性别", "出生日期"), [("张建国", ADULT_MAN, "女", "1980-05-06"),
                                                   ("王老汉", OLD_MAN, "男", "1950-02-01")])
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), TODAY)
    assert [(p.row, p.column) for p in result.problems] == [(2, "C"), (3, "D")]
    assert "与身份证号不符" in result.problems[0].reason


def _register(s, name, number, **kw) -> int:
    return persons.save_person(s, PersonInput(name, number, **kw), confirm_similar=True, today=TODAY)


def _existing_station(db) -> int:
    with db.session() as s:
        return _register(s, "张建国", ADULT_MAN, phone="", address="老地址", village_code=DONGHU,
                         groups=(TargetGroup.DISABLED,), disability_type="physical")


UPDATE = (("姓名", "身份证号", "联系电话", "住址", "服务对象类别"),
          [("张建国", ADULT_MAN, "13800138000", "新地址", "低保对象")])


def test_a_registered_person_is_matched_and_its_changes_listed(station_db):
    _existing_station(station_db)
    tbl = table(*UPDATE)
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), TODAY)
    assert (result.new, result.matched, result.changed) == (0, 1, 1)
    assert set(result.checked[0].changes) == {"联系电话", "住址", "服务对象类别"}


@pytest.mark.parametrize("existing, phone, address", [
    (Existing.SKIP, "", "老地址"),
    (Existing.FILL, "13800138000", "老地址"),
    (Existing.OVERWRITE, "13800138000", "新地址"),
])
def test_existing_persons_skip_fill_or_overwrite(station_db, existing, phone, address):
    pid = _existing_station(station_db)
    tbl = table(*UPDATE)
    with station_db.session() as s:
        start = s.execute(select(func.max(AuditEntry.id))).scalar_one()
        row = batch.run_import(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), existing, SOURCE, TODAY)
    with station_db.session() as s:
        person = s.get(Person, pid)
        assert (person.phone, person.address, person.import_batch_id) == (phone, address, None)
        groups = set(s.scalars(select(PersonGroup.group_code).where(PersonGroup.person_id == pid)))
        # A roster adds its group, never removes one the person has.
        assert groups == ({"disabled"} if existing is Existing.SKIP else {"disabled", "dibao"})
        changes = list(s.scalars(select(ImportChange).where(ImportChange.batch_id == row.id)))
        updates = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "person", AuditEntry.id > start,
                                                     AuditEntry.action == "update")).all()
    assert row.counts["updated"] == (0 if existing is Existing.SKIP else 1)
    assert row.counts["skipped"] == (1 if existing is Existing.SKIP else 0)
    if existing is Existing.SKIP:
        assert not changes and not updates
    else:
        old = {c.table_name: json.loads(c.before) for c in changes}
        assert old["person"]["phone"] == ""
        assert old["person_group"]["rows"] == [{"person_id": pid, "group_code": "disabled", "since": "2025-06-30"}]
        assert len(updates) == 1  # the change of the person is audited like a form's save


def test_a_person_without_an_id_number_like_a_registered_one_is_a_probable_duplicate(station_db):
    with station_db.session() as s:
        _register(s, "刘秀英", "", no_id_reason="未办证", village_code=XINJIAN)
    tbl = table(("姓名", "村(居)", "无身份证号原因"), [("刘秀英", "新建社区居委会", "未办证"),
                                              ("刘秀英", "东湖社区居委会", "未办证"),
                                              ("刘秀英", "东湖社区居委会", "未办证")])
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), TODAY)
    assert result.ok and result.duplicates == 2
    assert "已登记的“刘秀英”" in result.checked[0].duplicate_of
    assert result.checked[1].duplicate_of == ""
    assert "文件第 3 行" in result.checked[2].duplicate_of
    with station_db.session() as s:
        row = batch.run_import(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), Existing.SKIP,
                               SOURCE, TODAY)
    assert row.counts["duplicates"] == 2 and row.counts["created"] == 3  # imported, and counted (docs/import.md)


def test_fill_gives_what_the_record_lacks(station_db):
    with station_db.session() as s:
        pid = _register(s, "张建国", ADULT_MAN)
    tbl = table(("姓名", "身份证号", "服务对象类别", "残疾类别"), [("张建国", ADULT_MAN, "残疾人", "肢体")])
    with station_db.session() as s:
        batch.run_import(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), Existing.FILL, SOURCE, TODAY)
    with station_db.session() as s:
        person = s.get(Person, pid)
        assert person.disability_type == "physical"


@pytest.mark.server_only
def test_a_resident_saved_on_another_pc_during_the_import_takes_no_id_of_it(station_db, monkeypatch):
    """On a server another PC may save a new resident while the import's transaction runs: the import's ids
    come from the table's sequence, so that save gets an id of its own and both land (with ids counted
    from the highest, the import's insert failed on a duplicate key)."""
    from shuanbai_desktop.data.migrate import open_server_database
    other_pc = open_server_database(station_db.server)
    other_pc.acting_for = station_db.acting_for
    reserve = residents.reserve_ids
    saved: list[int] = []

    def and_meanwhile_another_pc_saves(session, column, count):
        ids = reserve(session, column, count)
        with other_pc.session() as s:  # its own connection: committed before the import's insert
            saved.append(persons.save_person(s, PersonInput("赵柜台", "", "未办证"), today=TODAY))
        return ids

    monkeypatch.setattr(residents, "reserve_ids", and_meanwhile_another_pc_saves)
    tbl = _roster()
    try:
        with station_db.session() as s:
            row = batch.run_import(s, ImportKind.RESIDENTS, tbl, _mapping(tbl), Existing.SKIP, SOURCE, TODAY)
    finally:
        other_pc.close()
    assert row.counts["created"] == 3 and len(saved) == 1
    with station_db.session() as s:
        people = {p.name: p.id for p in s.scalars(select(Person))}
    assert set(people) == {"张建国", "李小红", "王老汉", "赵柜台"} and len(set(people.values())) == 4
