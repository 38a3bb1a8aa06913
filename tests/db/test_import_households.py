"""导入数据, households: member rows grouped into household files, registered persons linked, undo."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from shuanbai_desktop.data.models import Person
from shuanbai_desktop.data.models.targets import Household
from shuanbai_desktop.domain.target_labels import Relation
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.importing import batch
from shuanbai_desktop.services.importing.base import Existing, ImportKind
from shuanbai_desktop.services.importing.kinds import households, residents
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import households as household_files
from tests.conftest import BOTH

from .import_table import SOURCE, by_titles, table

BACKENDS = BOTH
TODAY = date(2025, 6, 30)
DONGHU = "441302001001"
FATHER, MOTHER, SON = "441302198005060116", "441302198202020228", "441302201502030123"
OLD_MAN, WIFE = "441302195001010214", "441302195203030328"

TITLES = ("户编号", "户主姓名", "姓名", "与户主关系", "身份证号", "村(居)", "住址", "住房类型", "住房状况")
LEDGER = [
    ("H001", "张建国", "张建国", "户主", FATHER, "东湖社区居委会", "东湖路1号", "自有住房", "一般"),
    ("H001", "张建国", "刘美兰", "妻", MOTHER, "东湖社区居委会", "东湖路1号", None, None),
    ("H001", "张建国", "张小宝", "子", SON, "东湖社区居委会", "东湖路1号", None, None),
    ("H002", "王老汉", "王老汉", "本人", OLD_MAN, "新建社区居委会", "新建街2号", "租住", "危房"),
    ("H002", "王老汉", "陈秀珍", "配偶", WIFE, "新建社区居委会", "新建街2号", None, None),
]


def _run(db, rows, titles=TITLES, existing=Existing.SKIP):
    tbl = table(titles, rows)
    with db.session() as s:
        return batch.run_import(s, ImportKind.HOUSEHOLDS, tbl, by_titles(households.FIELDS, tbl), existing,
                                SOURCE, TODAY)


def _dry(db, rows, titles=TITLES):
    tbl = table(titles, rows)
    with db.session() as s:
        return batch.dry_run(s, ImportKind.HOUSEHOLDS, tbl, by_titles(households.FIELDS, tbl), TODAY)


def _files(db) -> dict[str, tuple]:
    with db.session() as s:
        out = {}
        for h in s.scalars(select(Household)):
            members = {p.name: p.relation for p in s.scalars(select(Person).where(Person.household_id == h.id))}
            out[h.name] = (h.village_code, h.address, h.housing, h.housing_condition, members, h.import_batch_id)
        return out


def test_members_are_grouped_by_household_number(station_db):
    row = _run(station_db, LEDGER)
    files = _files(station_db)
    assert files["张建国户"][:4] == (DONGHU, "东湖路1号", "owned", "fair")
    assert files["张建国户"][4] == {"张建国": "head", "刘美兰": "spouse", "张小宝": "child"}
    assert files["王老汉户"][2:5] == ("rented", "dangerous", {"王老汉": "head", "陈秀珍": "spouse"})
    assert {f[5] for f in files.values()} == {row.id}
    assert row.counts["created"] == 7  # 2 household files and 5 persons
    with station_db.session() as s:
        info = household_files.get_household(s, s.scalar(select(Household.id).where(Household.name == "张建国户")))
    assert [m.relation for m in info.members] == [Relation.HEAD, Relation.SPOUSE, Relation.CHILD]


def test_without_a_number_by_head_and_village_and_blank_rows_follow_the_row_before(station_db):
    titles = ("户主姓名", "姓名", "与户主关系", "身份证号", "村(居)")
    rows = [("张建国", "张建国", "户主", FATHER, "东湖社区居委会"),
            (None, "刘美兰", "妻", MOTHER, None),  # a merged 户主 cell: blank below its first row
            ("王老汉", "王老汉", "户主", OLD_MAN, "新建社区居委会"),
            ("张建国", "张小宝", "子", SON, "东湖社区居委会")]
    _run(station_db, rows, titles)
    files = _files(station_db)
    assert files["张建国户"][4] == {"张建国": "head", "刘美兰": "spouse", "张小宝": "child"}
    assert files["王老汉户"][4] == {"王老汉": "head"}


def test_registered_persons_are_linked_even_when_skipping_and_undo_puts_them_back(station_db):
    with station_db.session() as s:
        father = persons.save_person(s, PersonInput("张建国", FATHER, phone="13800138000"), confirm_similar=True,
                                     today=TODAY)
    dry = _dry(station_db, LEDGER[:3])
    assert (dry.new, dry.matched, dry.changed) == (2, 1, 1) and "户档" in dry.checked[0].changes
    row = _run(station_db, LEDGER[:3])
    with station_db.session() as s:
        p = s.get(Person, father)
        assert (p.relation, p.phone, p.import_batch_id) == ("head", "13800138000", None)
        assert p.household_id is not None
    assert row.counts["created"] == 3 and row.counts["updated"] == 1
    with station_db.session() as s:
        batch.undo_batch(s, row.id)
    with station_db.session() as s:
        p = s.get(Person, father)
        assert (p.household_id, p.relation) == (None, "")
        assert s.execute(select(func.count()).select_from(Household)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(Person)).scalar_one() == 1


def test_the_head_of_an_existing_household_brings_its_members_into_it(station_db):
    with station_db.session() as s:
        father = persons.save_person(s, PersonInput("张建国", FATHER), confirm_similar=True, today=TODAY)
        hid = household_files.save_household(s, household_files.HouseholdInput(
            (household_files.MemberInput(father, Relation.HEAD),), address="旧址"))
    row = _run(station_db, LEDGER[:3], existing=Existing.FILL)
    files = _files(station_db)
    assert list(files) == ["张建国户"]
    assert files["张建国户"][1] == "旧址" and files["张建国户"][2] == "owned"  # filled, not overwritten
    assert files["张建国户"][4] == {"张建国": "head", "刘美兰": "spouse", "张小宝": "child"}
    assert files["张建国户"][5] is None
    with station_db.session() as s:
        batch.undo_batch(s, row.id)
    files = _files(station_db)
    assert files["张建国户"][4] == {"张建国": "head"} and files["张建国户"][2] == ""
    assert hid


def test_household_rules_are_problems_of_the_rows(station_db):
    with station_db.session() as s:
        other = persons.save_person(s, PersonInput("陈秀珍", WIFE), confirm_similar=True, today=TODAY)
        elder = persons.save_person(s, PersonInput("李长者", "441302194804040519"), confirm_similar=True, today=TODAY)
        household_files.save_household(s, household_files.HouseholdInput(
            (household_files.MemberInput(elder, Relation.HEAD), household_files.MemberInput(other, Relation.SPOUSE))))
    rows = [
        ("H001", "张建国", "张建国", "户主", FATHER, None, None, None, None),  # 2
        ("H001", "张建国", "刘美兰", "户主", MOTHER, None, None, None, None),  # 3: a second head
        ("H002", "王老汉", "王老汉", "子", OLD_MAN, None, None, None, None),  # 4: no head in H002
        ("H003", "刘一", "刘一", "户主", SON, None, None, None, None),  # 5
        ("H003", "刘一", "陈秀珍", "配偶", WIFE, None, None, None, None),  # 6: in 李长者户 already
        ("H004", "赵二", "赵二", None, "441302197512010610", None, None, None, None),  # 7: no relation
    ]
    result = _dry(station_db, rows)
    problems = {p.row: p for p in result.problems}
    assert sorted(problems) == [3, 4, 6, 7]
    assert "两位户主" in problems[3].reason and problems[3].column == "D"
    assert "没有户主" in problems[4].reason
    assert "李长者户" in problems[6].reason and problems[6].column == "C"
    assert "与户主关系不能为空" in problems[7].reason


def test_a_residents_batch_then_a_households_batch(station_db):
    """The usual order: the roster first, the household ledger links the same persons."""
    tbl = table(("姓名", "身份证号", "服务对象类别"), [("张建国", FATHER, "低保对象"), ("刘美兰", MOTHER, "低保对象")])
    with station_db.session() as s:
        first = batch.run_import(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), Existing.SKIP,
                                 SOURCE, TODAY)
    second = _run(station_db, LEDGER[:3])
    assert second.counts["created"] == 2  # the household file and 张小宝
    with station_db.session() as s:
        blockers = batch.undo_blockers(s, first.id)
    assert len(blockers) == 2 and all("导入后被修改过" in line for line in blockers)
    with station_db.session() as s:
        batch.undo_batch(s, second.id)
        assert batch.undo_blockers(s, second.id)[0].startswith("这批导入已于")


def test_the_same_ledger_again_changes_nothing(station_db):
    _run(station_db, LEDGER)
    dry = _dry(station_db, LEDGER)
    assert (dry.new, dry.matched, dry.changed) == (0, 5, 0)
    again = _run(station_db, LEDGER)
    assert (again.counts["created"], again.counts["updated"], again.counts["skipped"]) == (0, 0, 5)
    assert len(_files(station_db)) == 2
