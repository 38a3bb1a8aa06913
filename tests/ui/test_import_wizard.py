"""设置 → 导入数据 → 导入新文件…: the wizard step by step, as an administrator uses it (pytest-qt, offscreen).

Every step is grabbed to the screenshots folder (tests/shots.py) at the wizard's size, which fits 1366×768."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from shuanbai_desktop.data.models.importing import ImportBatch
from shuanbai_desktop.data.models.person import Person, PersonGroup
from shuanbai_desktop.services import station
from shuanbai_desktop.services.importing import batch
from shuanbai_desktop.services.importing.base import Existing, ImportKind
from shuanbai_desktop.ui.importing import check_pages
from shuanbai_desktop.ui.importing.mapping_page import FIXED, NOT_USED
from shuanbai_desktop.ui.importing.wizard import WIZARD_SIZE, ImportWizard
from tests.ui.helpers import click
from tests.ui.import_steps import EXAMPLES, forward, settle, shot

TODAY = date(2025, 1, 15)  # the examples' ledgers are of December 2024


@pytest.fixture
def wizard(qtbot, ctx):
    widget = ImportWizard(ctx, today=TODAY)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    for page in widget.step_pages:
        page.runner.cancel_and_wait()


def _count(ctx, model) -> int:
    with ctx.session() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _village_codes(ctx) -> dict[str, str]:
    with ctx.session() as s:
        return {v.name: v.code for v in station.list_villages(s)}


def _to_mapping(qtbot, wizard: ImportWizard, path: Path, kind=ImportKind.RESIDENTS, encoding=None) -> None:
    wizard.file_page.set_file(path, kind, encoding)
    forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.sheet_page, wizard.file_page.error_label.text()
    forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.mapping_page, wizard.sheet_page.error_label.text()


def test_the_messy_workbook_goes_through_every_step_and_is_imported(qtbot, wizard, ctx):
    assert (wizard.width(), wizard.height()) == WIZARD_SIZE and WIZARD_SIZE[1] <= 768 - 60
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # no file yet
    shot(wizard, "import_1_file_empty")
    wizard.file_page.set_file(EXAMPLES / "residents_messy.xlsx", ImportKind.RESIDENTS)
    assert not wizard.file_page.encoding_combo.isEnabled()  # a workbook has no encoding to choose
    shot(wizard, "import_1_file")
    forward(qtbot, wizard)

    page = wizard.sheet_page
    assert wizard.currentPage() is page
    assert page.header_spin.value() in (3, 4)  # the two-row header (序号/基本信息 over 姓名/性别 …)
    assert 4 in page.header_rows
    title_item = page.preview.item(0, 0)
    assert "花名册" in title_item.text()
    ids = [page.preview.item(r, 3).text() for r in range(4, 8)]
    assert all("*" in text and len(text) == 18 for text in ids), ids  # ID numbers masked in the preview
    shot(wizard, "import_2_sheet")
    forward(qtbot, wizard)

    mapping_page = wizard.mapping_page
    assert wizard.currentPage() is mapping_page
    notes = mapping_page.rows_note.text()
    assert "18 行" in notes and "合计" in notes and "备注、签名" in notes
    mapping = mapping_page.current_mapping()
    titles = {key: wizard.state.table.columns[position].title for key, position in mapping.columns.items()}
    assert titles["name"].endswith("姓名") and titles["id_number"].endswith("身份证号码")
    assert titles["village"] == "所属村（社区）" and titles["groups"].endswith("对象类别")
    codes = _village_codes(ctx)
    # the roster's short village names are matched to the station's villages (a fuzzy suggestion)
    assert mapping_page.value_field_combo.currentData() == "village"
    assert mapping.values["village"]["东湖"] == codes["东湖社区居委会"]
    shot(wizard, "import_3_mapping")
    forward(qtbot, wizard)

    dry_page = wizard.dry_run_page
    assert wizard.currentPage() is dry_page
    dry = wizard.state.dry
    assert dry.ok and dry.rows == 18 and dry.new == 18
    assert "全部符合要求" in dry_page.verdict.text()
    assert not dry_page.save_button.isEnabled()
    shot(wizard, "import_4_dry_run")
    assert _count(ctx, Person) == 0  # the dry run wrote nothing
    forward(qtbot, wizard)

    existing_page = wizard.existing_page
    assert wizard.currentPage() is existing_page
    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "导入(&I)"
    assert "18 行都是新的记录" in existing_page.summary.text()
    shot(wizard, "import_5_existing")
    forward(qtbot, wizard)

    assert wizard.currentPage() is wizard.result_page
    assert "新增 18" in wizard.result_page.result_label.text()
    shot(wizard, "import_6_done")
    assert _count(ctx, Person) == 18
    with ctx.session() as s:
        rows = batch.list_batches(s)
        villages = set(s.scalars(select(Person.village_code)))
    assert [(r.kind, r.file_name, r.counts["created"]) for r in rows] == [
        (ImportKind.RESIDENTS, "residents_messy.xlsx", 18)]
    assert villages <= set(codes.values()) and len(villages) >= 3
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.result() == QWizard.DialogCode.Accepted


def test_the_gb18030_csv_twin_is_read_with_its_encoding_and_remembered_mapping(qtbot, wizard, ctx):
    csv = EXAMPLES / "residents_messy_gb18030.csv"
    wizard.file_page.set_file(csv, ImportKind.RESIDENTS)
    assert wizard.file_page.encoding_combo.isEnabled()
    forward(qtbot, wizard)
    assert "GB18030" in wizard.sheet_page.source_note.text()
    assert "花名册" in wizard.sheet_page.preview.item(0, 0).text()  # read right: not mojibake
    shot(wizard, "import_2_sheet_csv")
    forward(qtbot, wizard)
    forward(qtbot, wizard)
    assert wizard.state.dry.ok and wizard.state.dry.new == 18
    forward(qtbot, wizard)
    forward(qtbot, wizard)
    assert _count(ctx, Person) == 18

    # the same file again: the mapping kept at the import is offered; every row now meets a record
    again = ImportWizard(ctx, today=TODAY)
    qtbot.addWidget(again)
    again.show()
    again.file_page.set_file(csv, ImportKind.RESIDENTS)
    forward(qtbot, again)
    forward(qtbot, again)
    assert again.state.mapping == wizard.state.mapping
    forward(qtbot, again)
    assert again.state.dry.matched == 18 and again.state.dry.new == 0
    forward(qtbot, again)
    page = again.existing_page
    assert page.changes_model.rowCount() == 18 and page.radios[Existing.FILL].isEnabled()
    shot(again, "import_5_existing_matched")
    forward(qtbot, again)
    assert again.state.batch.counts["skipped"] == 18 and _count(ctx, Person) == 18


def _spoiled(tmp_path: Path) -> tuple[Path, str]:
    """residents.xlsx with a masked ID number (row 6), a date in the future (row 12) and one row twice."""
    wb = load_workbook(EXAMPLES / "residents.xlsx")
    ws = wb.active
    first_id = ws["D4"].value
    ws["D6"].value = "4413**********1234"
    ws["L12"].value = "2099-01-01"
    ws["D10"].value = first_id
    target = tmp_path / "名册.xlsx"
    wb.save(target)
    return target, first_id


def test_bad_rows_are_listed_block_the_import_and_can_be_saved(qtbot, wizard, ctx, tmp_path):
    path, first_id = _spoiled(tmp_path)
    _to_mapping(qtbot, wizard, path)
    forward(qtbot, wizard)
    page = wizard.dry_run_page
    assert wizard.currentPage() is page
    dry = wizard.state.dry
    assert not dry.ok and {p.row for p in dry.problems} == {6, 10, 12}
    assert "有 3 行不符合要求" in page.verdict.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    shown = [[page.problems_model.index(r, c).data() for c in range(5)] for r in range(page.problems_model.rowCount())]
    masked = next(row for row in shown if row[0] == "6")
    assert masked[1] == "D" and "打码" in masked[4]
    assert all(first_id not in cell for row in shown for cell in row)  # ID numbers masked in the list
    shot(wizard, "import_4_dry_run_problems")

    target = tmp_path / "改正"
    target.mkdir()
    page.save_problems(target / "问题行")  # the file dialog's answer, without .xlsx
    settle(qtbot, wizard)
    saved = target / "问题行.xlsx"
    assert saved.is_file() and os.stat(saved).st_mode & 0o777 == 0o600
    rows = list(load_workbook(saved).active.iter_rows(values_only=True))
    assert [r[-2] for r in rows[1:]] == [6, 10, 12]
    assert str(saved) in page.saved_note.text()
    assert page.problems_path().name == "名册-问题行.xlsx"
    assert _count(ctx, Person) == 0 and _count(ctx, ImportBatch) == 0

    # back to the mapping: 纳入日期 not taken any more → only the masked number and the repeat remain
    wizard.back()
    wizard.mapping_page.set_source("since", None, None)
    forward(qtbot, wizard)
    assert {p.row for p in wizard.state.dry.problems} == {6, 10}


def test_a_required_field_without_a_source_keeps_the_mapping_page(qtbot, wizard, ctx):
    _to_mapping(qtbot, wizard, EXAMPLES / "residents.xlsx")
    page = wizard.mapping_page
    page.set_source("name")  # 姓名 → （不导入）
    assert page.rows["name"].source.currentData() == NOT_USED
    forward(qtbot, wizard)
    assert wizard.currentPage() is page
    assert "姓名" in page.error_label.text() and page.error_label.isVisible()
    shot(wizard, "import_3_mapping_refused")
    page.restore_button.click()
    forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.dry_run_page


def test_a_fixed_value_and_a_value_map_reach_the_dry_run(qtbot, wizard, ctx):
    _to_mapping(qtbot, wizard, EXAMPLES / "residents_tekun.xls")
    page = wizard.mapping_page
    page.set_source("groups", None, "特困人员")
    row = page.rows["groups"]
    assert row.source.currentData() == FIXED and row.fixed.isEnabled()
    mapping = page.current_mapping()
    assert mapping.fixed["groups"] == "特困人员" and "groups" not in mapping.columns
    codes = _village_codes(ctx)
    village = page.rows["village"]
    assert village.column is not None
    page.value_field_combo.setCurrentIndex(page.value_field_combo.findData("village"))
    texts = page.value_texts()
    assert texts[0] in codes and texts[0] != "东平村民委员会"  # the .xls names villages in full
    page.set_value("village", texts[0], codes["东平村民委员会"])
    assert page.current_mapping().values["village"][texts[0]] == codes["东平村民委员会"]
    shot(wizard, "import_3_mapping_values")
    forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.dry_run_page, wizard.mapping_page.error_label.text()
    forward(qtbot, wizard)
    forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.result_page
    with ctx.session() as s:
        groups = list(s.scalars(select(PersonGroup.group_code)))
        villages = list(s.scalars(select(Person.village_code)))
    assert groups == ["tekun"] * 10  # the fixed value, for every row
    assert codes["东平村民委员会"] in villages and codes.get(texts[0]) not in villages  # the value map


def test_cancelling_the_import_writes_nothing(qtbot, wizard, ctx, monkeypatch):
    _to_mapping(qtbot, wizard, EXAMPLES / "residents.xlsx")
    forward(qtbot, wizard)
    forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.existing_page
    reached, go_on = threading.Event(), threading.Event()
    real_import = batch.run_import

    def gated(session, kind, table, mapping, existing, source, today, progress=None):
        def held(done, total):  # the first report waits until the test has clicked 取消
            if not reached.is_set():
                reached.set()
                go_on.wait(30)
            progress(done, total)
        return real_import(session, kind, table, mapping, existing, source, today, held)

    monkeypatch.setattr(check_pages.batch, "run_import", gated)
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    click(qtbot, commit)
    assert reached.wait(30)
    page = wizard.existing_page
    assert page.runner.isVisible() and not page.content.isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled() and not commit.isEnabled()
    shot(wizard, "import_5_importing")
    click(qtbot, page.runner.cancel_button)
    go_on.set()
    settle(qtbot, wizard)
    assert wizard.currentPage() is page
    assert page.error_label.text() == "已取消导入，未写入任何数据。"
    assert _count(ctx, Person) == 0 and _count(ctx, ImportBatch) == 0
    assert page.content.isEnabled() and commit.isEnabled()


def test_another_sheet_is_read_in_the_background(qtbot, wizard, ctx, tmp_path):
    wb = load_workbook(EXAMPLES / "residents.xlsx")
    cover = wb.create_sheet("说明", 0)
    cover["A1"] = "本表为示例。"
    path = tmp_path / "两页.xlsx"
    wb.save(path)
    wizard.file_page.set_file(path, ImportKind.RESIDENTS)
    forward(qtbot, wizard)
    page = wizard.sheet_page
    assert page.sheet_combo.isEnabled() and page.sheet_combo.count() == 2
    assert wizard.state.grid.sheet == "说明"
    page.choose_sheet("花名册")
    settle(qtbot, wizard)
    assert wizard.state.grid.sheet == "花名册" and page.header_spin.value() == 3
    forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.state.table.sheet == "花名册"


def test_a_missing_file_is_named_on_the_first_page(qtbot, wizard, tmp_path):
    wizard.file_page.set_file(tmp_path / "没有这个文件.xlsx", ImportKind.STAFF)
    forward(qtbot, wizard)
    assert wizard.currentPage() is wizard.file_page
    assert "没有这个文件.xlsx" in wizard.file_page.error_label.text()


@pytest.mark.parametrize(("name", "kind", "records"), [
    ("residents.xlsx", ImportKind.RESIDENTS, 26),
    ("residents_tekun.xls", ImportKind.RESIDENTS, 10),
    ("households.xlsx", ImportKind.HOUSEHOLDS, 18),
    ("staff.xlsx", ImportKind.STAFF, 8),
    ("contracts.xlsx", ImportKind.CONTRACTS, 12),
    ("assets.xlsx", ImportKind.ASSETS, 14),
    ("assets_point.ods", ImportKind.ASSETS, 6),
    ("archives.xlsx", ImportKind.ARCHIVES, 16),
])
def test_each_example_file_imports_through_the_wizard(qtbot, ctx, name, kind, records):
    if kind is ImportKind.CONTRACTS:  # contracts name staff of the roster: the roster first
        _through(qtbot, ctx, EXAMPLES / "staff.xlsx", ImportKind.STAFF)
    wizard = _through(qtbot, ctx, EXAMPLES / name, kind, shots=name.replace(".", "_"))
    assert wizard.state.batch.counts["rows"] == records
    assert wizard.state.batch.counts["created"] + wizard.state.batch.counts["updated"] >= 1


def _through(qtbot, ctx, path: Path, kind: ImportKind, shots: str = "") -> ImportWizard:
    wizard = ImportWizard(ctx, today=TODAY)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.set_file(path, kind)
    for step in range(5):
        forward(qtbot, wizard)
        page = wizard.currentPage()
        if shots and step in (1, 2):
            shot(wizard, f"import_{shots}_{step + 2}")
        assert page.error_label.text() == "", page.error_label.text()
    assert wizard.currentPage() is wizard.result_page
    return wizard


def test_probable_duplicates_are_listed_on_their_own_tab(qtbot, wizard, tmp_path):
    csv = tmp_path / "无证人员.csv"
    csv.write_text("姓名,性别,出生日期,村(居),无身份证号原因\n"
                   "黄阿婆,女,1940.3.2,东平村,户籍未落实\n"
                   "黄阿婆,女,1940-03-02,东平村,户籍未落实\n", encoding="utf-8-sig")
    _to_mapping(qtbot, wizard, csv)
    forward(qtbot, wizard)
    page = wizard.dry_run_page
    assert wizard.state.dry.ok and wizard.state.dry.duplicates == 1
    assert page.tabs.currentWidget() is page.duplicates_table and page.duplicates_note.isVisible()
    assert page.duplicates_model.index(0, 0).data() == "3"
    assert "第 2 行" in page.duplicates_model.index(0, 1).data()
    shot(wizard, "import_4_dry_run_duplicates")


def _wheel(widget) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    at = QPointF(5, 5)
    event = QWheelEvent(at, widget.mapToGlobal(at), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_the_mapping_does_not_change_a_column(qtbot, wizard):
    _to_mapping(qtbot, wizard, EXAMPLES / "residents.xlsx")
    combo = wizard.mapping_page.rows["phone"].source
    chosen = combo.currentIndex()
    wizard.mapping_page.fields_area.setFocus()
    _wheel(combo)
    assert combo.currentIndex() == chosen
    combo.setFocus()  # chosen by the user (clicked or tabbed into): the wheel goes through the items
    _wheel(combo)
    assert combo.currentIndex() != chosen
