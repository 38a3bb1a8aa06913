"""导入数据 for the staff roster, contracts, assets and archives: each row checked by the form's own rules,
matched to records already there, written with the batch id; the check writes nothing.

The rows are given as ``values.convert`` hands them to a kind (text, ``date``, ``Decimal``, choice values,
``bool``); ``_checked`` / ``_write`` drive ``KindSpec.start/check/write`` directly (the engine's own tests
drive them through ``batch.dry_run/run_import``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models import AuditEntry, Person
from shuanbai_desktop.data.models.archives import ArchiveDestruction, ArchiveFile
from shuanbai_desktop.data.models.assets import Asset, AssetEvent
from shuanbai_desktop.data.models.staff import StaffContract, StaffMember
from shuanbai_desktop.domain.archive_rules import ArchiveCategory, OwnerKind, Retention
from shuanbai_desktop.domain.asset_rules import AssetCategory, EventKind
from shuanbai_desktop.domain.staff_labels import Certificate, StaffStatus
from shuanbai_desktop.services.archives import catalogue, lending
from shuanbai_desktop.services.assets import events, register
from shuanbai_desktop.services.importing import batch, kinds, mapping, reader, table
from shuanbai_desktop.services.importing.base import Checked, Existing, ImportKind, KindSpec, RowInvalid
from shuanbai_desktop.services.staff import contracts, roster
from tests.db.test_staff_common import TODAY, add_point, hire, id_number, villages

BATCH = 7


def _checked(db, kind: ImportKind, rows: list[dict[str, Any]], today: date = TODAY
             ) -> tuple[list[Checked], dict[int, list[tuple[str, str]]]]:
    """Every row through the kind's check (rows numbered from 3, as under a title and a header row)."""
    spec: KindSpec = kinds.spec(kind)
    ok: list[Checked] = []
    problems: dict[int, list[tuple[str, str]]] = {}
    with db.session() as s:
        context = spec.start(s, today)
        for number, values in enumerate(rows, start=3):
            try:
                ok.append(spec.check(context, values, number))
            except RowInvalid as exc:
                problems[number] = exc.errors
    return ok, problems


def _write(db, kind: ImportKind, rows: list[dict[str, Any]], existing: Existing = Existing.SKIP,
           today: date = TODAY):
    """Check and write in one transaction, as the import does; every row must pass."""
    spec: KindSpec = kinds.spec(kind)
    with db.session() as s:
        context = spec.start(s, today)
        checked = [spec.check(context, values, number) for number, values in enumerate(rows, start=3)]
        return checked, spec.write(s, context, checked, Existing(existing), BATCH, today)


def _audit_count(db) -> int:
    with db.session() as s:
        return s.execute(select(func.count(AuditEntry.id))).scalar_one()


# ---- staff ------------------------------------------------------------------------------------------

def worker(name: str, seq: int, **changes) -> dict[str, Any]:
    values: dict[str, Any] = dict(name=name, id_number=id_number(seq), phone="13800138000", education="bachelor",
                                  major="社会工作", role="service_worker", source="recruited",
                                  hire_date=date(2021, 7, 1), certificate="assistant", certificate_no="A001",
                                  certificate_date=date(2020, 6, 1), supervisor_cert=None, point_id="",
                                  village_codes=(), career_start=None, pay_level_id="", notes="")
    values.update(changes)
    return values


def test_workers_are_saved_by_the_roster_rules_with_the_batch_id(station_db):
    codes = villages(station_db)
    point = add_point(station_db, "东湖社工点", codes[:3])
    before = _audit_count(station_db)
    checked, result = _write(station_db, ImportKind.STAFF, [
        worker("陈晓红", 7, point_id=str(point), village_codes=(codes[0],)),
        worker("王丽", 8, certificate="none", certificate_no="", certificate_date=None)])
    assert (result.created, result.updated, result.skipped) == (2, 0, 0)
    assert [c.key for c in checked] == [id_number(7), id_number(8)]
    with station_db.session() as s:
        rows = {r.name: r for r in roster.list_staff(s, today=TODAY)}
        members = list(s.scalars(select(StaffMember)))
    assert rows["陈晓红"].point_name == "东湖社工点" and len(rows["陈晓红"].village_names) == 1
    assert rows["陈晓红"].sex == "男" and rows["王丽"].certificate is Certificate.NONE
    assert {m.import_batch_id for m in members} == {BATCH}
    # one audit entry per row and village (the batch id is in the INSERT, not set by a later UPDATE)
    assert _audit_count(station_db) - before == 3


@pytest.mark.parametrize(("change", "key", "words"), [
    (dict(id_number=id_number(3, date(2012, 1, 1))), "id_number", "未满 16"),
    (dict(phone="12345"), "phone", "手机号"),
    (dict(hire_date=date(2020, 1, 1), id_number=id_number(3, date(2008, 1, 1))), "hire_date", "16 周岁"),
    (dict(certificate_date=date(2027, 1, 1)), "certificate_date", "不能晚于今天"),
    (dict(village_codes=("999999999999",)), "village_codes", "不属于本站"),
    (dict(pay_level_id="99"), "pay_level_id", "不存在"),
    (dict(id_number=""), "id_number", "身份证号"),
    (dict(education=""), "education", "学历不能为空"),
])
def test_a_bad_worker_row_is_named_at_its_field_and_nothing_is_written(station_db, change, key, words):
    before = _audit_count(station_db)
    ok, problems = _checked(station_db, ImportKind.STAFF, [worker("陈晓红", 7), worker("王五", 11, **change)])
    assert len(ok) == 1 and list(problems) == [4]
    assert problems[4][0][0] == key and words in problems[4][0][1]
    assert _audit_count(station_db) == before
    with station_db.session() as s:
        assert s.execute(select(func.count(StaffMember.id))).scalar_one() == 0


def test_a_worker_on_the_roster_is_matched_and_filled_or_overwritten(station_db):
    staff_id = hire(station_db, "陈晓红", 7, major="", phone="")
    ok, problems = _checked(station_db, ImportKind.STAFF, [worker("陈晓红", 7, major="心理学", phone="13900139000")])
    assert not problems and ok[0].existing_id == staff_id
    assert ok[0].changes == ("联系电话", "专业", "人员来源", "证书编号", "取证日期")
    _checked_rows, skipped = _write(station_db, ImportKind.STAFF, [worker("陈晓红", 7, major="心理学")])
    assert (skipped.created, skipped.updated, skipped.skipped) == (0, 0, 1)
    with station_db.session() as s:
        s.get(StaffMember, staff_id).major = "社会学"
    _rows, filled = _write(station_db, ImportKind.STAFF, [worker("陈晓红", 7, major="心理学")], Existing.FILL)
    with station_db.session() as s:
        kept = roster.get_staff(s, staff_id).data
    assert filled.updated == 1 and kept.major == "社会学" and kept.phone == "13800138000"
    assert filled.changed_before[0][:2] == ("staff_member", staff_id) and filled.changed_before[0][2]["phone"] == ""
    # without an ID number the row matches the one worker of that name
    _rows, over = _write(station_db, ImportKind.STAFF, [worker("陈晓红", 99, id_number="", major="心理学",
                                                               source="integrated")], Existing.OVERWRITE)
    with station_db.session() as s:
        member = s.get(StaffMember, staff_id)
    assert over.updated == 1 and member.major == "心理学" and member.import_batch_id is None
    assert over.changed_before[0][2] == {"major": "社会学"}


def test_a_name_shared_by_two_workers_needs_the_id_number(station_db):
    hire(station_db, "张三", 1)
    hire(station_db, "张三", 3)
    ok, problems = _checked(station_db, ImportKind.STAFF, [worker("张三", 99, id_number=""), worker("张三", 5)])
    assert problems[3][0][0] == "id_number" and "2 名叫“张三”" in problems[3][0][1]
    assert ok[0].existing_id is None and "已有同名" in ok[0].duplicate_of and id_number(1) not in ok[0].duplicate_of


# ---- contracts -------------------------------------------------------------------------------------

def contract(start: date, end: date, **changes) -> dict[str, Any]:
    values: dict[str, Any] = dict(staff_name="", staff_id_number="", number="", employer="", signed_on=None,
                                  start_date=start, end_date=end, probation_months=None, pay_level_id="",
                                  notes="")
    values.update(changes)
    return values


def test_contracts_find_their_worker_and_a_following_one_is_a_renewal(station_db):
    chen = hire(station_db, "陈晓红", 7)
    wang = hire(station_db, "王丽", 8)
    checked, result = _write(station_db, ImportKind.CONTRACTS, [
        contract(date(2024, 7, 1), date(2027, 6, 30), staff_id_number=id_number(7), number="QD-2024-01"),
        contract(date(2021, 7, 1), date(2024, 6, 30), staff_name="陈晓红", probation_months=Decimal(2)),
        contract(date(2021, 7, 1), date(2024, 6, 30), staff_name="王丽", employer="桥东街道办事处")])
    assert result.created == 3 and [c.values["staff_id"] for c in checked] == [chen, chen, wang]
    with station_db.session() as s:
        history = contracts.contracts_of(s, chen, TODAY)
        rows = list(s.scalars(select(StaffContract)))
    assert [(h.start_date.year, h.status.label) for h in history] == [(2021, "已续签"), (2024, "履行中")]
    assert history[1].previous_id == history[0].id and history[0].probation_months == 2
    assert history[0].employer == "桥东街道办事处" and {r.import_batch_id for r in rows} == {BATCH}


def test_contract_rows_that_break_a_rule_are_named(station_db):
    hire(station_db, "陈晓红", 7)
    left = hire(station_db, "李四", 9)
    with station_db.session() as s:
        s.get(StaffMember, left).status = StaffStatus.LEFT.value
        contracts.add_contract(s, 1, contracts.ContractInput(date(2021, 7, 1), date(2024, 6, 30)), today=TODAY)
    ok, problems = _checked(station_db, ImportKind.CONTRACTS, [
        contract(date(2024, 1, 1), date(2026, 12, 31), staff_name="陈晓红"),  # overlaps the one saved
        contract(date(2024, 7, 1), date(2027, 6, 30), staff_name="陈晓红"),
        contract(date(2025, 7, 1), date(2028, 6, 30), staff_id_number=id_number(7)),  # overlaps row 4
        contract(date(2024, 7, 1), date(2027, 6, 30), staff_name="赵六"),
        contract(date(2024, 7, 1), date(2027, 6, 30), staff_name="李四"),
        contract(date(2024, 7, 1), date(2024, 6, 30), staff_name="陈晓红", probation_months=Decimal(7)),
        contract(date(2024, 7, 1), date(2027, 6, 30), staff_name="王五", staff_id_number=id_number(7)),
    ])
    assert [c.row for c in ok] == [4]
    assert problems[3][0][0] == "start_date" and "重叠" in problems[3][0][1]
    assert problems[5][0][0] == "start_date" and "本文件第 4 行" in problems[5][0][1]
    assert problems[6][0][0] == "staff_name" and "没有叫“赵六”" in problems[6][0][1]
    assert problems[7][0][0] == "" and "已离职" in problems[7][0][1]
    assert problems[8][0][0] == "end_date"
    assert problems[9][0][0] == "staff_name" and "不一致" in problems[9][0][1]


def test_a_contract_already_there_is_matched_by_worker_and_start(station_db):
    staff_id = hire(station_db, "陈晓红", 7)
    with station_db.session() as s:
        contract_id = contracts.add_contract(s, staff_id, contracts.ContractInput(
            date(2021, 7, 1), date(2024, 6, 30), number=""), today=TODAY)
    row = contract(date(2021, 7, 1), date(2024, 6, 30), staff_name="陈晓红", number="QD-01", notes="补录")
    checked, result = _write(station_db, ImportKind.CONTRACTS, [row], Existing.OVERWRITE)
    assert checked[0].existing_id == contract_id and checked[0].changes == ("合同编号", "备注")
    assert result.updated == 1 and result.changed_before == (("staff_contract", contract_id,
                                                              {"number": "", "notes": ""}),)


# ---- assets ----------------------------------------------------------------------------------------

def asset(name: str, **changes) -> dict[str, Any]:
    values: dict[str, Any] = dict(code="", name=name, category="equipment", required_item="", model_spec="",
                                  quantity=None, unit="", purchase_date=date(2024, 3, 5), value=Decimal("4599"),
                                  funding_source="", point_id="", custodian_name="", status="", notes="")
    values.update(changes)
    return values


def test_assets_without_a_code_are_numbered_after_the_codes_the_file_gives(station_db):
    checked, result = _write(station_db, ImportKind.ASSETS, [
        asset("笔记本电脑", required_item="computer"),
        asset("打印机", code="sb-2024-001", point_id="station", quantity=Decimal(2)),
        asset("办公椅", category="furniture", quantity=Decimal(10), value=Decimal("2400"), status="idle")],
        today=date(2024, 6, 15))
    assert result.created == 3 and [c.key for c in checked] == ["", "SB-2024-001", ""]
    with station_db.session() as s:
        rows = {r.name: r for r in register.list_assets(s)}
        history = events.history(s, rows["笔记本电脑"].id)
        batch_ids = set(s.scalars(select(Asset.import_batch_id)))
    assert (rows["打印机"].code, rows["笔记本电脑"].code, rows["办公椅"].code) == ("SB-2024-001", "SB-2024-002",
                                                                              "JJ-2024-001")
    assert rows["办公椅"].quantity_text == "10 件" and rows["办公椅"].status.label == "闲置"
    assert [h.kind for h in history] == [EventKind.REGISTER] and batch_ids == {BATCH}


@pytest.mark.parametrize(("change", "key", "words"), [
    (dict(status="scrapped"), "status", "只能是“在用”或“闲置”"),
    (dict(required_item="plaque_station"), "required_item", "标识标牌"),
    (dict(quantity=Decimal("1.5")), "quantity", "整数"),
    (dict(value=Decimal("-1")), "value", "不能为负数"),
    (dict(value=None), "value", "可填 0"),
    (dict(code="SB 2024"), "code", "只能由字母"),
    (dict(purchase_date=date(2024, 7, 1)), "purchase_date", "不能晚于今天"),
])
def test_a_bad_asset_row_is_named_at_its_field(station_db, change, key, words):
    ok, problems = _checked(station_db, ImportKind.ASSETS, [asset("电脑", **change)], today=date(2024, 6, 15))
    assert not ok and problems[3][0][0] == key and words in problems[3][0][1]


def test_an_asset_already_registered_keeps_its_place_and_its_history_line_moves_back_on_undo(station_db):
    with station_db.session() as s:
        asset_id = register.save_asset(s, register.AssetInput("笔记本电脑", AssetCategory.EQUIPMENT, date(2024, 3, 5),
                                                               "4599", model_spec=""), today=date(2024, 6, 15))
        line = s.scalar(select(AssetEvent.id).where(AssetEvent.asset_id == asset_id))
    row = asset("笔记本电脑", code="SB-2024-001", model_spec="ThinkPad E14", purchase_date=date(2024, 3, 1),
                point_id="station", status="idle")
    before = _audit_count(station_db)
    ok, _problems = _checked(station_db, ImportKind.ASSETS, [row], today=date(2024, 6, 15))
    assert ok[0].existing_id == asset_id and ok[0].changes == ("规格型号", "购置日期")
    assert _audit_count(station_db) == before  # the check moved no history line
    _rows, result = _write(station_db, ImportKind.ASSETS, [row], Existing.OVERWRITE, today=date(2024, 6, 15))
    with station_db.session() as s:
        record = s.get(Asset, asset_id)
        moved = s.get(AssetEvent, line).on_date
    assert record.model_spec == "ThinkPad E14" and record.status == "in_use" and moved == date(2024, 3, 1)
    assert result.changed_before == (("asset_event", line, {"on_date": date(2024, 3, 5)}),
                                     ("asset", asset_id, {"model_spec": "", "purchase_date": date(2024, 3, 5)}))


# ---- archives --------------------------------------------------------------------------------------

def archive(title: str, **changes) -> dict[str, Any]:
    values: dict[str, Any] = dict(number="", category="", year=None, retention="", item_no=None, title=title,
                                  doc_ref="", responsible="桥东街道社工站", doc_date=date(2024, 1, 8),
                                  filed_on=date(2024, 3, 1), confidentiality="", cabinet="1", box="3",
                                  pages=Decimal(12), owner_staff="", owner_id_number="", notes="")
    values.update(changes)
    return values


def _person(db, name: str, number: str) -> int:
    with db.session() as s:
        person = Person(name=name, id_number=number)
        s.add(person)
        s.flush()
        return person.id


def test_archive_numbers_come_from_the_file_or_the_next_free_one(station_db):
    person = _person(station_db, "刘大爷", id_number(21, date(1950, 3, 2)))
    checked, result = _write(station_db, ImportKind.ARCHIVES, [
        archive("王丽人事档案", category="personnel", year=Decimal(2024), retention="d30", owner_staff="王丽"),
        archive("陈晓红人事档案", number="rs-2024-d30-0001", owner_staff="陈晓红"),
        archive("刘大爷走访记录", category="service", year=Decimal(2024), retention="d10", item_no=Decimal(5),
                owner_id_number=id_number(21, date(1950, 3, 2)), confidentiality="secret")],
        today=date(2024, 6, 15))
    assert result.created == 3 and [c.key for c in checked] == ["", "RS-2024-D30-0001", "YW-2024-D10-0005"]
    with station_db.session() as s:
        rows = {r.title: r for r in catalogue.list_files(s)}
        batch_ids = set(s.scalars(select(ArchiveFile.import_batch_id)))
    assert rows["王丽人事档案"].number == "RS-2024-D30-0002" and rows["陈晓红人事档案"].owner_text == "工作人员：陈晓红"
    assert rows["刘大爷走访记录"].owner.id == person and rows["刘大爷走访记录"].owner.kind is OwnerKind.PERSON
    assert rows["刘大爷走访记录"].confidentiality.label == "秘密" and batch_ids == {BATCH}


def test_bad_archive_rows_are_named(station_db):
    ok, problems = _checked(station_db, ImportKind.ARCHIVES, [
        archive("甲", number="RS-2024-D30-0001", year=Decimal(2023)),
        archive("乙", category="personnel", year=Decimal(2023), retention="d30"),  # 文件日期 in 2024
        archive("丙", number="XX-2024"),
        archive("丁", category="personnel", year=Decimal(2024), retention="d30", pages=None),
        archive("戊", category="personnel", year=Decimal(2024), retention="d30",
                owner_id_number=id_number(22, date(1950, 3, 2))),
    ], today=date(2024, 6, 15))
    assert not ok
    assert problems[3][0][0] == "number" and "年度不一致" in problems[3][0][1]
    assert problems[4][0][0] == "year" and "文件日期" in problems[4][0][1]
    assert problems[5][0][0] == "number" and "档号格式" in problems[5][0][1]
    assert problems[6] == [("pages", "页数不能为空。")]
    assert problems[7][0][0] == "owner_id_number" and id_number(22, date(1950, 3, 2)) not in problems[7][0][1]


def test_a_catalogued_file_is_matched_by_its_number_and_a_destroyed_one_is_left_alone(station_db):
    with station_db.session() as s:
        data = catalogue.ArchiveInput("旧账册", ArchiveCategory.FINANCE, 2010, Retention.Y10, 30, cabinet="",
                                      doc_date=date(2010, 5, 1), filed_on=date(2011, 1, 5))
        kept = catalogue.save_file(s, data, today=date(2024, 6, 15))
        gone = catalogue.save_file(s, data, today=date(2024, 6, 15))
        destruction = ArchiveDestruction(destroyed_on=date(2024, 1, 1), approved_by="站长")
        s.add(destruction)
        s.flush()
        s.get(ArchiveFile, gone).destruction_id = destruction.id
    rows = [archive("旧账册", number="CW-2010-D10-0001", cabinet="2", doc_date=None, filed_on=None, pages=None),
            archive("旧账册", number="CW-2010-D10-0002", cabinet="2", doc_date=None, filed_on=None, pages=None)]
    checked, result = _write(station_db, ImportKind.ARCHIVES, rows, Existing.FILL, today=date(2024, 6, 15))
    assert [c.existing_id for c in checked] == [kept, gone] and checked[0].changes == ("责任者", "柜号", "盒号")
    assert checked[1].changes == () and (result.updated, result.skipped) == (1, 1)
    with station_db.session() as s:
        assert (s.get(ArchiveFile, kept).cabinet, s.get(ArchiveFile, gone).cabinet) == ("2", "")


# ---- through the engine: the shipped example ledgers -------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "import_examples"


def _ledger(name: str, kind: ImportKind):
    info = reader.inspect_file(EXAMPLES / name)
    grid = reader.read_sheet(info)
    ledger = table.build_table(grid, table.suggest_header_row(grid, kinds.spec(kind).fields))
    return info, ledger


def _import(db, name: str, kind: ImportKind, existing: Existing = Existing.SKIP, edit=None):
    info, ledger = _ledger(name, kind)
    if edit is not None:
        ledger = edit(ledger)
    with db.session() as s:
        suggested = mapping.suggest_mapping(s, kinds.spec(kind), ledger)
        dry = batch.dry_run(s, kind, ledger, suggested, TODAY)
    with db.session() as s:
        row = batch.run_import(s, kind, ledger, suggested, existing, batch.SourceRef(name, info.sha256, ledger.sheet),
                               TODAY)
    return dry, row


def _set_cell(ledger, row_index: int, title: str, value):
    column = next(c.index for c in ledger.columns if c.title == title)
    rows = list(ledger.rows)
    number, cells = rows[row_index]
    rows[row_index] = (number, tuple(value if i == column else cell for i, cell in enumerate(cells)))
    return replace(ledger, rows=tuple(rows))


def test_the_example_roster_and_contracts_import_and_the_roster_cannot_be_undone_under_its_contracts(station_db):
    dry, staff_batch = _import(station_db, "staff.xlsx", ImportKind.STAFF)
    assert dry.ok and (dry.new, staff_batch.counts["created"]) == (8, 8)
    _dry, contract_batch = _import(station_db, "contracts.xlsx", ImportKind.CONTRACTS)
    assert contract_batch.counts["created"] == 12
    with station_db.session() as s:
        current = contracts.current_contracts(s, TODAY)
        renewed = s.execute(select(func.count()).where(StaffContract.previous_id.is_not(None))).scalar_one()
        assert renewed >= 1 and all(c.contract is not None for c in current)
        assert "劳动合同" in "".join(batch.undo_blockers(s, staff_batch.id))
    with station_db.session() as s:
        batch.undo_batch(s, contract_batch.id)
    with station_db.session() as s:
        batch.undo_batch(s, staff_batch.id)
    with station_db.session() as s:
        assert s.execute(select(func.count(StaffMember.id))).scalar_one() == 0


def test_a_roster_imported_again_overwrites_and_its_undo_puts_the_old_values_back(station_db):
    _dry, first = _import(station_db, "staff.xlsx", ImportKind.STAFF)
    dry, second = _import(station_db, "staff.xlsx", ImportKind.STAFF, Existing.OVERWRITE,
                          edit=lambda ledger: _set_cell(ledger, 0, "所学专业", "心理学"))
    assert (dry.matched, dry.changed, second.counts["updated"], second.counts["skipped"]) == (8, 1, 1, 7)
    assert [c.changes for c in dry.checked if c.changes] == [("专业",)]
    with station_db.session() as s:
        assert s.scalar(select(StaffMember.major).order_by(StaffMember.id)) == "心理学"
        batch.undo_batch(s, second.id)
    with station_db.session() as s:
        member = s.scalar(select(StaffMember).order_by(StaffMember.id))
    assert (member.major, member.import_batch_id) == ("社会工作", first.id)


def test_a_bad_row_of_a_ledger_is_listed_at_its_column_with_the_number_masked(station_db):
    _import(station_db, "staff.xlsx", ImportKind.STAFF)
    info, ledger = _ledger("contracts.xlsx", ImportKind.CONTRACTS)
    ledger = _set_cell(ledger, 1, "合同起始日期", date(2024, 6, 1))  # overlaps the worker's first contract
    ledger = _set_cell(ledger, 2, "身份证号", id_number(55))
    with station_db.session() as s:
        dry = batch.dry_run(s, ImportKind.CONTRACTS, ledger, mapping.suggest_mapping(s, kinds.spec(
            ImportKind.CONTRACTS), ledger), TODAY)
    assert [(p.row, p.column) for p in dry.problems] == [(4, "G"), (5, "C")]
    assert "本文件第 3 行" in dry.problems[0].reason and id_number(55) not in dry.problems[1].value + \
        dry.problems[1].reason
    with station_db.session() as s:
        assert s.execute(select(func.count(StaffContract.id))).scalar_one() == 0


def test_example_assets_and_archives_import_and_undo_is_refused_once_one_is_used(station_db):
    _dry, assets_batch = _import(station_db, "assets.xlsx", ImportKind.ASSETS)
    _dry, point_batch = _import(station_db, "assets_point.ods", ImportKind.ASSETS)
    _dry, archive_batch = _import(station_db, "archives.xlsx", ImportKind.ARCHIVES)
    assert (assets_batch.counts["created"], point_batch.counts["created"], archive_batch.counts["created"]) == \
        (14, 6, 16)
    with station_db.session() as s:
        first = s.scalar(select(Asset).where(Asset.import_batch_id == assets_batch.id).order_by(Asset.id))
        events.record_event(s, first.id, events.EventInput(EventKind.ISSUE, TODAY, person_name="王丽"), today=TODAY)
        archive_id = s.scalar(select(ArchiveFile.id).where(ArchiveFile.import_batch_id == archive_batch.id))
        lending.lend(s, archive_id, lending.LoanInput("王丽", "查阅", TODAY, TODAY), today=TODAY)
    with station_db.session() as s:
        assert batch.undo_blockers(s, assets_batch.id) and batch.undo_blockers(s, archive_batch.id)
        batch.undo_batch(s, point_batch.id)
    with station_db.session() as s:
        assert s.execute(select(func.count(Asset.id))).scalar_one() == 14
        assert s.execute(select(func.count(AssetEvent.id))).scalar_one() == 15  # 14 registrations, 1 issue


def test_contract_rows_of_unknown_workers_with_one_start_date_are_not_called_duplicates(station_db):
    """Through the engine: a row whose worker is not on the roster claims no key, so a second unknown
    worker's contract with the same start date is named for its own problem, not as a repeat of the first."""
    from tests.db.import_table import table
    tbl = table(("姓名", "起始日期", "终止日期"), [("赵六", "2024-07-01", "2027-06-30"),
                                             ("钱七", "2024-07-01", "2027-06-30")])
    spec = kinds.spec(ImportKind.CONTRACTS)
    with station_db.session() as s:
        result = batch.dry_run(s, ImportKind.CONTRACTS, tbl, mapping.suggest_mapping(s, spec, tbl), TODAY)
    reasons = {p.row: p.reason for p in result.problems}
    assert set(reasons) == {2, 3}
    assert "没有叫“钱七”" in reasons[3] and "重复" not in reasons[3]
