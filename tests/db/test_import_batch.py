"""导入数据, the engine: the batch list, undo (and what blocks it), progress and cancel, the problem workbook."""

from __future__ import annotations

import json
import os
import stat
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from shuanbai_desktop.data.models import Person, User
from shuanbai_desktop.data.models.core import AuditEntry
from shuanbai_desktop.data.models.importing import ImportBatch
from shuanbai_desktop.data.models.person import PersonBenefit, PersonGroup
from shuanbai_desktop.domain.target_labels import Relation, Risk, TargetGroup, VisitForm
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.importing import batch
from shuanbai_desktop.services.importing.base import Cancelled, Existing, ImportKind
from shuanbai_desktop.services.importing.kinds import residents
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import households, visits

from .import_table import SOURCE, by_titles, table

TODAY = date(2025, 6, 30)
ZHANG, LI, WANG = "441302198005060116", "441302201502030123", "441302195001010214"
TITLES = ("姓名", "身份证号", "联系电话", "村(居)", "服务对象类别", "月发放金额")
ROWS = [("张建国", ZHANG, "13800138000", "东湖社区居委会", "低保对象", "650"),
        ("李小红", LI, None, "新建社区居委会", "留守儿童", None),
        ("王老汉", WANG, None, "东湖社区居委会", "特困人员", "1200")]


def _import(db, rows=ROWS, existing=Existing.SKIP) -> batch.BatchRow:
    tbl = table(TITLES, rows)
    mapping = by_titles(residents.FIELDS, tbl, guardian_name="李大山")
    with db.session() as s:
        return batch.run_import(s, ImportKind.RESIDENTS, tbl, mapping, existing, SOURCE, TODAY)


def _ids(db) -> dict[str, int]:
    with db.session() as s:
        return {name: pid for pid, name in s.execute(select(Person.id, Person.name))}


def _counts(db) -> tuple[int, int, int]:
    with db.session() as s:
        return tuple(s.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (Person, PersonGroup, PersonBenefit))


def test_undo_deletes_what_the_batch_created_in_one_event(station_db):
    row = _import(station_db)
    assert _counts(station_db) == (3, 3, 2)
    with station_db.session() as s:
        assert [b.id for b in batch.list_batches(s)] == [row.id]
        assert batch.undo_blockers(s, row.id) == []
        start = s.execute(select(func.max(AuditEntry.id))).scalar_one()
        undone = batch.undo_batch(s, row.id)
    assert undone.status == "已撤销" and undone.undone_by == "admin"
    assert _counts(station_db) == (0, 0, 0)
    with station_db.session() as s:
        entries = list(s.scalars(select(AuditEntry).where(AuditEntry.id > start)))
        assert [e.action for e in entries if e.table_name != "import_batch"] == []
        events = [e for e in entries if e.action == "event"]
        assert len(events) == 1 and json.loads(events[0].changes)["deleted"] == {"person": 3}
        listed = batch.list_batches(s)[0]
    assert listed.undone_at is not None and listed.count_text == "新增 3"
    with pytest.raises(UserError, match="撤销过了"):
        with station_db.session() as s:
            batch.undo_batch(s, row.id)


def test_undo_is_refused_once_a_record_was_used_and_names_it(station_db):
    row = _import(station_db)
    ids = _ids(station_db)
    with station_db.session() as s:
        household = households.save_household(s, households.HouseholdInput(
            (households.MemberInput(ids["王老汉"], Relation.HEAD),)))
        worker = s.scalar(select(User.id).where(User.username == "admin"))
        visits.save_visit(s, visits.VisitInput(household, date(2025, 6, 28), (worker,), (ids["王老汉"],),
                                               VisitForm.HOME, "独居", Risk.LOW), TODAY)
    with station_db.session() as s:
        blockers = batch.undo_blockers(s, row.id)
    assert any("「王老汉」" in line and "走访见到的人" in line for line in blockers)
    assert any("「王老汉」导入后被修改过" in line for line in blockers)  # put in a household: changed
    assert not any("张建国" in line or "李小红" in line for line in blockers)
    with pytest.raises(batch.UndoBlocked, match="王老汉"):
        with station_db.session() as s:
            batch.undo_batch(s, row.id)
    assert _counts(station_db) == (3, 3, 2)


def test_undo_is_refused_once_a_created_record_or_its_groups_were_edited(station_db):
    row = _import(station_db)
    ids = _ids(station_db)
    with station_db.session() as s:
        persons.save_person(s, PersonInput("李小红", None, village_code="441302001003",
                                           groups=(TargetGroup.LEFT_BEHIND_CHILD, TargetGroup.CHILD_IN_DIFFICULTY),
                                           guardian_name="李大山"),
                            ids["李小红"], confirm_similar=True, today=TODAY)
    with station_db.session() as s:
        blockers = batch.undo_blockers(s, row.id)
    assert len(blockers) == 1 and "「李小红」导入后被修改过" in blockers[0] and "admin" in blockers[0]


def test_undo_puts_changed_records_back(station_db):
    with station_db.session() as s:
        pid = persons.save_person(s, PersonInput("张建国", ZHANG, phone="", village_code="441302001003",
                                                 groups=(TargetGroup.OTHER,)), confirm_similar=True, today=TODAY)
    row = _import(station_db, ROWS[:1], Existing.OVERWRITE)
    with station_db.session() as s:
        p = s.get(Person, pid)
        assert (p.phone, p.village_code) == ("13800138000", "441302001001")
        assert set(s.scalars(select(PersonGroup.group_code).where(PersonGroup.person_id == pid))) == {"other", "dibao"}
        assert row.counts["updated"] == 1 and row.counts["created"] == 0
        batch.undo_batch(s, row.id)
    with station_db.session() as s:
        p = s.get(Person, pid)
        assert (p.phone, p.village_code) == ("", "441302001003")
        assert set(s.scalars(select(PersonGroup.group_code).where(PersonGroup.person_id == pid))) == {"other"}
        assert s.execute(select(func.count()).select_from(PersonBenefit)).scalar_one() == 0
        restored = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "person",
                                                      AuditEntry.action == "update")).all()
    assert json.loads(restored[-1].changes)["phone"][1] == ""  # put back through the ORM: audited


def test_a_later_batch_changing_the_records_blocks_the_undo_of_the_first(station_db):
    first = _import(station_db)
    _import(station_db, [("张建国", ZHANG, "13900139000", "东湖社区居委会", "低保对象", "700")], Existing.OVERWRITE)
    with station_db.session() as s:
        blockers = batch.undo_blockers(s, first.id)
    assert len(blockers) == 1 and "张建国" in blockers[0]


def test_progress_is_reported_and_cancel_writes_nothing(station_db):
    rows = [(f"居民{i}", None, None, None, None, None) for i in range(1200)]
    tbl = table(TITLES, rows)
    mapping = by_titles(residents.FIELDS, tbl, no_id_reason="名册未载")
    seen: list[tuple[int, int]] = []
    with station_db.session() as s:
        batch.dry_run(s, ImportKind.RESIDENTS, tbl, mapping, TODAY, lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 1200) and seen[-1] == (1200, 1200) and len(seen) >= 3

    def cancel(done: int, total: int) -> None:
        if done >= 500:
            raise Cancelled()

    with pytest.raises(Cancelled):
        with station_db.session() as s:
            batch.run_import(s, ImportKind.RESIDENTS, tbl, mapping, Existing.SKIP, SOURCE, TODAY, cancel)
    with station_db.session() as s:
        assert s.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 0
    assert _counts(station_db) == (0, 0, 0)


def test_the_problem_rows_are_saved_as_a_private_workbook(station_db, tmp_path):
    rows = [ROWS[0], ("李四", "4413**********0116", None, "外镇某村", None, None), ROWS[2]]
    tbl = table(TITLES, rows)
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), TODAY)
    target = tmp_path / "问题行.xlsx"
    batch.write_problems(target, tbl, result)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    ws = load_workbook(target).active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0] == list(TITLES) + ["原行号", "问题"]
    assert len(values) == 2 and values[1][:2] == ["李四", "4413**********0116"] and values[1][6] == 3
    assert "B列“身份证号”" in values[1][7] and "D列“村(居)”" in values[1][7]
    assert not list(tmp_path.glob("*.tmp"))


def test_a_sheet_without_data_rows_is_not_imported(station_db):
    tbl = table(TITLES, [])
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.RESIDENTS, tbl, by_titles(residents.FIELDS, tbl), TODAY)
    assert not result.ok and "没有数据行" in result.problems[0].reason


def test_undo_keeps_the_month_lock_for_rows_that_count_in_a_reported_month(station_db):
    """An asset's 登记入账 line counts in the month of its purchase: once that month is reported, deleting it
    needs the administrator's reason, by undo too (it is deleted through the ORM, not in bulk)."""
    from shuanbai_desktop.data.models.assets import Asset, AssetEvent
    from shuanbai_desktop.data.models.report import LockedMonth
    from shuanbai_desktop.data.month_lock import MonthLocked
    from shuanbai_desktop.services.importing.kinds import assets

    tbl = table(("名称", "类别", "购置日期", "原值"), [("笔记本电脑", "办公设备", "2024-05-20", "4599")])
    with station_db.session() as s:
        row = batch.run_import(s, ImportKind.ASSETS, tbl, by_titles(assets.FIELDS, tbl), Existing.SKIP, SOURCE,
                               date(2024, 6, 15))
        s.add(LockedMonth(month="2024-05", locked_by="admin"))
    with pytest.raises(MonthLocked, match="已报送"):
        with station_db.session() as s:
            batch.undo_batch(s, row.id)
    with station_db.session() as s:
        assert s.execute(select(func.count()).select_from(Asset)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(AssetEvent)).scalar_one() == 1
