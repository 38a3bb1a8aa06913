"""导入数据 from the command line and the shipped example files (issue 13, docs/import.md “命令行、示例文件与基准”):
every example imports through ``shuanbai-desktop import``; a bad row makes the whole file refused (exit 2, every
problem listed, nothing written); the committed examples equal what the generator writes; the demo data of
each kind exported and imported into an empty station gives the same records."""

from __future__ import annotations

import json
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shuanbai_desktop.demo import import_examples
from tests.conftest import raw_connect

from .test_cli import ADMIN, OTHERS_PASSWORD, add_user, cli
from .test_cli import initialised as initialised  # noqa: F401  (fixture)

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "import_examples"


def _count(db: Path, sql: str) -> int:
    conn = raw_connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _imported(db: Path, table: str) -> int:
    return _count(db, f"SELECT count(*) FROM {table} WHERE import_batch_id IS NOT NULL")


def run_import(db: Path, kind: str, file: Path, *extra, login=ADMIN):
    return cli("--db", db, "import", kind, file, *extra, login=login)


# ---- the example files ------------------------------------------------------------------------------------


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _shown(value) -> object:
    """A cell as compared between the generator's grid and what calamine reads from the .xls/.ods."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def test_the_committed_examples_are_what_the_generator_writes(tmp_path):
    written = import_examples.write_examples(tmp_path, convert=False)
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == (EXAMPLES / "README.md").read_text(encoding="utf-8")
    from python_calamine import CalamineWorkbook
    items = import_examples.examples()
    assert {p.name for p in EXAMPLES.iterdir()} == {i.file_name for i in items} | {"README.md"}
    for item in items:
        committed = EXAMPLES / item.file_name
        if item.format == "xlsx":
            assert _entries(committed) == _entries(tmp_path / item.file_name), item.file_name
        elif item.format == "csv":
            assert committed.read_bytes() == (tmp_path / item.file_name).read_bytes(), item.file_name
        else:  # made by LibreOffice: compared by the values a reader sees
            assert tmp_path / item.file_name not in written
            rows = CalamineWorkbook.from_path(str(committed)).get_sheet_by_index(0).to_python()
            expected = [[_shown(v) for v in row] for row in item.sheet.rows]
            got = [[_shown(v) for v in row] for row in rows]
            assert got == expected, item.file_name
    again = tmp_path / "again"
    import_examples.write_examples(again, convert=False)
    assert (again / "residents.xlsx").read_bytes() == (tmp_path / "residents.xlsx").read_bytes()  # deterministic


def test_the_csv_twin_holds_the_messy_workbooks_grid():
    messy = import_examples.residents_messy().sheet
    text = (EXAMPLES / "residents_messy_gb18030.csv").read_bytes().decode("gb18030")
    assert text.splitlines()[3].startswith(",姓名,性别,身份证号码")  # the lower header row, under merged cells
    assert len(text.splitlines()) == len(messy.rows)
    with pytest.raises(UnicodeDecodeError):
        (EXAMPLES / "residents_messy_gb18030.csv").read_bytes().decode("utf-8")


# ---- every example through the command line ------------------------------------------------------------------


def test_every_example_imports_through_the_command_line(initialised):
    order = ("staff.xlsx", "contracts.xlsx", "residents.xlsx", "residents_tekun.xls", "households.xlsx",
             "assets.xlsx", "assets_point.ods", "archives.xlsx")
    items = {i.file_name: i for i in import_examples.examples()}
    for name in order:
        item = items[name]
        checked = run_import(initialised, item.kind, EXAMPLES / name, "--dry-run")
        assert checked.returncode == 0, f"{name}\n{checked.stdout}\n{checked.stderr}"
        assert "核对通过，未导入" in checked.stdout and f"新增 {item.records}" in checked.stdout, checked.stdout
        done = run_import(initialised, item.kind, EXAMPLES / name)
        assert done.returncode == 0, f"{name}\n{done.stdout}\n{done.stderr}"
        created = item.records + item.extra.get("households", 0)  # a household file is a record too
        assert "已导入" in done.stdout and f"新增 {created}。" in done.stdout, done.stdout
    assert _imported(initialised, "staff_member") == items["staff.xlsx"].records
    assert _imported(initialised, "staff_contract") == items["contracts.xlsx"].records
    residents = items["residents.xlsx"].records + items["residents_tekun.xls"].records
    assert _imported(initialised, "person") == residents + items["households.xlsx"].records
    assert _imported(initialised, "household") == items["households.xlsx"].extra["households"]
    assert _imported(initialised, "asset") == items["assets.xlsx"].records + items["assets_point.ods"].records
    assert _imported(initialised, "archive_file") == items["archives.xlsx"].records
    assert _count(initialised, "SELECT count(*) FROM import_batch") == len(order)
    # one audit event per batch, with the file's SHA-256 and no ID number in it
    events = raw_connect(initialised).execute(
        "SELECT summary || changes FROM audit_entry WHERE table_name = 'import_batch' AND action = 'event'").fetchall()
    assert len(events) == len(order)
    assert all(re.search(r"[0-9a-f]{64}", text) for (text,) in events)
    assert not any(re.search(r"\d{17}[\dX]", text) for (text,) in events)
    verified = cli("--db", initialised, "verify", login=ADMIN)
    assert verified.returncode == 0, verified.stdout


def test_the_messy_workbook_and_its_gb18030_twin_import_the_same_people(initialised):
    messy = import_examples.residents_messy()
    done = run_import(initialised, "residents", EXAMPLES / "residents_messy.xlsx")
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert f"新增 {messy.records}" in done.stdout
    assert "合计" in done.stdout  # the 合计 row is named among the rows left out
    assert "东平村委会" in done.stdout  # the roster's own village names, mapped to the station's by likeness
    twin = run_import(initialised, "residents", EXAMPLES / "residents_messy_gb18030.csv", "--dry-run")
    assert twin.returncode == 0, f"{twin.stdout}\n{twin.stderr}"
    assert "gb18030" in twin.stdout.lower()
    assert f"与已有记录相同 {messy.records}（其中有不同 0）" in twin.stdout  # read exactly as the workbook
    again = run_import(initialised, "residents", EXAMPLES / "residents_messy_gb18030.csv", "--encoding", "gb18030")
    assert again.returncode == 0 and "新增 0" in again.stdout and f"跳过 {messy.records}" in again.stdout
    assert _imported(initialised, "person") == messy.records
    village = raw_connect(initialised).execute(
        "SELECT v.name FROM person p JOIN village v ON v.code = p.village_code WHERE p.address LIKE '东平村%'"
    ).fetchall()
    assert village and {v for (v,) in village} == {"东平村民委员会"}


# ---- bad rows, a bad mapping, options --------------------------------------------------------------------------


def _residents_copy(tmp_path: Path, name: str = "名册.xlsx", edit=None) -> Path:
    wb = load_workbook(EXAMPLES / "residents.xlsx")
    ws = wb.active
    if edit is not None:
        edit(ws)
    target = tmp_path / name
    wb.save(target)
    return target


def test_bad_rows_refuse_the_whole_file_and_are_listed_and_saved(initialised, tmp_path):
    first_id = None

    def spoil(ws):
        nonlocal first_id
        first_id = ws["D4"].value
        ws["D6"].value = "4413**********1234"  # a masked number
        ws["D8"].value = ws["D8"].value[:-1] + ("0" if ws["D8"].value[-1] != "0" else "1")  # wrong check digit
        ws["D10"].value = first_id  # the same person twice
        ws["L12"].value = "2099-01-01"  # 纳入日期 in the future
    bad = _residents_copy(tmp_path, edit=spoil)
    errors = tmp_path / "问题行.xlsx"
    refused = run_import(initialised, "residents", bad, "--errors", errors)
    assert refused.returncode == 2, refused.stdout
    assert "有 4 行不符合要求，未导入任何数据" in refused.stderr
    for row in (6, 8, 10, 12):
        assert f"第 {row} 行" in refused.stderr
    assert "打码" in refused.stderr
    assert first_id not in refused.stderr and first_id not in refused.stdout  # ID numbers shown masked
    assert _count(initialised, "SELECT count(*) FROM person") == 0
    assert _count(initialised, "SELECT count(*) FROM import_batch") == 0
    assert os.stat(errors).st_mode & 0o777 == 0o600
    rows = list(load_workbook(errors).active.iter_rows(values_only=True))
    numbers = [r[-2] for r in rows if isinstance(r[-2], int)]
    assert numbers == [6, 8, 10, 12]
    dry = run_import(initialised, "residents", bad, "--dry-run")
    assert dry.returncode == 2 and "有 4 行不符合要求" in dry.stderr
    fixed = run_import(initialised, "residents", _residents_copy(tmp_path, "好的.xlsx"))
    assert fixed.returncode == 0, fixed.stderr


def test_a_required_field_without_a_column_is_named(initialised, tmp_path):
    def rename(ws):
        ws["B3"].value = "称呼"
    headless = _residents_copy(tmp_path, edit=rename)
    refused = run_import(initialised, "residents", headless)
    assert refused.returncode == 2
    assert "姓名" in refused.stderr and "列对应" in refused.stderr
    mapping = tmp_path / "对应.json"
    mapping.write_text(json.dumps({"columns": {"name": "B", "id_number": "身份证号", "village": "村(居)",
                                               "groups": "对象类别", "disability_type": "M", "disability_grade": "N",
                                               "guardian_name": "监护人姓名"}}, ensure_ascii=False), encoding="utf-8")
    done = run_import(initialised, "residents", headless, "--mapping", mapping, "--header-row", "3")
    assert done.returncode == 0, done.stderr
    assert _imported(initialised, "person") == import_examples.residents().records
    assert _count(initialised, "SELECT count(*) FROM person WHERE phone != ''") == 0  # only the mapped columns


def test_a_mapping_file_gives_fixed_values(initialised, tmp_path):
    mapping = tmp_path / "特困.json"
    mapping.write_text(json.dumps({"columns": {"name": "姓名", "id_number": "C", "village": "所属村委会",
                                               "benefit_amount": "月供养金额"},
                                   "fixed": {"groups": "特困人员", "benefit_kind": "特困供养金"}},
                                  ensure_ascii=False), encoding="utf-8")
    done = run_import(initialised, "residents", EXAMPLES / "residents_tekun.xls", "--mapping", mapping)
    assert done.returncode == 0, done.stderr
    assert "固定值" in done.stdout
    assert _count(initialised, "SELECT count(*) FROM person_group WHERE group_code = 'tekun'") == 10
    assert _count(initialised, "SELECT count(*) FROM person_benefit WHERE kind = 'tekun' AND monthly_amount = 1352") == 10
    broken = tmp_path / "坏.json"
    broken.write_text("{columns: ", encoding="utf-8")
    refused = run_import(initialised, "residents", EXAMPLES / "residents_tekun.xls", "--mapping", broken)
    assert refused.returncode == 2 and "JSON" in refused.stderr


def test_existing_records_are_skipped_filled_or_overwritten(initialised, tmp_path):
    assert run_import(initialised, "staff", EXAMPLES / "staff.xlsx").returncode == 0
    first = import_examples.staff().sheet.rows[2]
    name, old_phone = first[1], first[5]

    def edit(ws):
        ws["F3"].value = "13900000001"
        ws["H3"].value = "社会工作（专升本）"
    wb = load_workbook(EXAMPLES / "staff.xlsx")
    edit(wb.active)
    changed = tmp_path / "花名册.xlsx"
    wb.save(changed)
    dry = run_import(initialised, "staff", changed, "--dry-run")
    assert dry.returncode == 0 and "与已有记录相同 8（其中有不同 1）" in dry.stdout, dry.stdout
    skipped = run_import(initialised, "staff", changed)
    assert skipped.returncode == 0 and "跳过 8" in skipped.stdout
    phone = "SELECT phone FROM staff_member WHERE name = ?"
    conn = raw_connect(initialised)
    assert conn.execute(phone, (name,)).fetchone()[0] == old_phone
    done = run_import(initialised, "staff", changed, "--existing", "overwrite")
    assert done.returncode == 0 and "修改 1" in done.stdout, done.stdout
    assert conn.execute(phone, (name,)).fetchone()[0] == "13900000001"
    assert _count(initialised, "SELECT count(*) FROM staff_member") == 8


@pytest.mark.parametrize(("args", "message"), [
    (("菜谱", "residents.xlsx"), "没有“菜谱”这种数据类型"),
    (("residents", "residents.xlsx", "--sheet", "第二页"), "没有名为“第二页”的工作表；有：花名册"),
    (("residents", "residents.xlsx", "--existing", "merge"), "skip、fill 或 overwrite"),
    (("residents", "residents.xlsx", "--header-row", "0"), "--header-row"),
    (("residents", "不存在.xlsx"), "不存在.xlsx"),
])
def test_bad_arguments_are_refused_in_chinese(initialised, args, message):
    kind, name, *extra = args
    refused = run_import(initialised, kind, EXAMPLES / name, *extra)
    assert refused.returncode == 2 and message in refused.stderr, refused.stderr


def test_only_an_administrator_imports(initialised):
    from shuanbai_desktop.domain.labels import Role
    add_user(initialised, "shegong", Role.SOCIAL_WORKER)
    refused = run_import(initialised, "residents", EXAMPLES / "residents.xlsx", login=("shegong", OTHERS_PASSWORD))
    assert refused.returncode == 2 and "导入" in refused.stderr
    assert _count(initialised, "SELECT count(*) FROM person") == 0
    unread = run_import(initialised, "residents", EXAMPLES / "不存在.xlsx", login=("shegong", OTHERS_PASSWORD))
    assert unread.returncode == 2 and unread.stderr == refused.stderr  # refused before the file is looked at
    nobody = cli("--db", initialised, "import", "residents", EXAMPLES / "residents.xlsx")
    assert nobody.returncode == 2 and "--user" in nobody.stderr


# ---- the round trip ---------------------------------------------------------------------------------------------


ROUND_TRIP = ("residents", "households", "staff", "contracts", "assets", "archives")
COMPARED = {
    "residents": "SELECT p.name, p.id_number, p.sex, p.birth_date, p.phone, p.village_code, p.address, "
                 "p.disability_type, p.disability_grade, p.guardian_name, p.guardian_relation, p.health, "
                 "(SELECT group_concat(group_code) FROM (SELECT group_code FROM person_group g "
                 " WHERE g.person_id = p.id ORDER BY group_code)) FROM person p",
    "households": "SELECT p.id_number, p.relation, h.village_code, h.address, h.housing, h.housing_condition, "
                  "(SELECT q.id_number FROM person q WHERE q.household_id = h.id AND q.relation = 'head') "
                  "FROM person p JOIN household h ON h.id = p.household_id",
    "staff": "SELECT s.name, s.id_number, s.phone, s.education, s.major, s.role, s.source, s.hire_date, s.certificate, "
             "s.certificate_no, s.career_start, (SELECT group_concat(village_code) FROM (SELECT village_code FROM "
             "staff_village v WHERE v.staff_id = s.id ORDER BY village_code)) FROM staff_member s "
             "WHERE s.status = 'active'",
    "contracts": "SELECT s.id_number, c.number, c.employer, c.signed_on, c.start_date, c.end_date, c.probation_months "
                 "FROM staff_contract c JOIN staff_member s ON s.id = c.staff_id WHERE s.status = 'active'",
    "assets": "SELECT code, name, category, model_spec, quantity, unit, purchase_date, value, funding_source, "
              "custodian_name, status FROM asset WHERE status IN ('in_use', 'idle')",
    "archives": "SELECT number, category, year, retention, item_no, title, doc_ref, responsible, doc_date, filed_on, "
                "confidentiality, cabinet, box, pages FROM archive_file",
}


def _rows(db, sql: str) -> list[tuple]:
    with db.session() as s:
        return sorted(tuple("" if v is None else str(v) for v in row) for row in s.connection().exec_driver_sql(sql))


def _copy_settings(source, target) -> None:
    """The station's own settings the import refers to by name: service points and the pay table."""
    from shuanbai_desktop.services import station
    from shuanbai_desktop.services.staff import pay_table
    with source.session() as s:
        points = station.list_service_points(s)
        levels = pay_table.list_levels(s)
    with target.session() as s:
        for p in points:
            station.save_service_point(s, station.ServicePointInput(p.name, p.facility_type, p.address,
                                                                    p.liaison_name, p.liaison_phone, p.village_codes))
        for level in levels:
            pay_table.save_level(s, pay_table.PayLevelInput(level.name, level.certificate, level.min_years,
                                                            level.base_pay, level.performance_standard))


def test_demo_data_exported_and_imported_into_an_empty_station_gives_the_same_records(station_db, station_template,
                                                                                       tmp_path):
    from shuanbai_desktop.demo import generate_demo
    from shuanbai_desktop.services.database_ops import open_app_database
    from shuanbai_desktop.services.importing import export, reader
    from shuanbai_desktop.services.importing.batch import ImportHasProblems, SourceRef
    from shuanbai_desktop.services.importing.batch import run_import as import_table
    from shuanbai_desktop.services.importing.kinds import spec as kind_spec
    from shuanbai_desktop.services.importing.mapping import check_mapping, suggest_mapping
    from shuanbai_desktop.services.importing.table import build_table, suggest_header_row
    from tests.conftest import _admin_actor, copy_template

    today = date(2024, 12, 20)
    generate_demo(station_db, residents=150, today=today)
    copy_template(station_template, tmp_path / "empty.db")
    empty = open_app_database(tmp_path / "empty.db")
    try:
        empty.acting_for = _admin_actor(empty)
        _copy_settings(station_db, empty)
        for kind in ROUND_TRIP:
            path = tmp_path / f"{kind}.xlsx"
            with station_db.session() as s:
                result = export.export_kind(s, kind, path, today)
            assert result.rows > 0, kind
            assert os.stat(path).st_mode & 0o777 == 0o600
            info = reader.inspect_file(path)
            grid = reader.read_sheet(info)
            spec = kind_spec(kind)
            table = build_table(grid, suggest_header_row(grid, spec.fields))
            assert len(table.rows) == result.rows, kind
            with empty.session() as s:
                mapping = suggest_mapping(s, spec, table)
                assert check_mapping(spec, table, mapping) == [], kind
                assert set(mapping.columns) == {f.key for f in spec.fields if f.title in
                                                {c.title for c in table.columns}}, kind  # every column taken
                try:
                    import_table(s, kind, table, mapping, "skip",
                                 SourceRef(info.file_name, info.sha256, info.sheets[0]), today)
                except ImportHasProblems as exc:
                    pytest.fail(f"{kind}: " + "\n".join(f"{p.row} {p.title} {p.value}: {p.reason}"
                                                        for p in exc.dry_run.problems[:20]))
            assert _rows(empty, COMPARED[kind]) == _rows(station_db, COMPARED[kind]), kind
        with station_db.session() as s:
            events = s.connection().exec_driver_sql(
                "SELECT summary FROM audit_entry WHERE summary LIKE '导出%供导入%'").fetchall()
        assert len(events) == len(ROUND_TRIP)
    finally:
        empty.close()
