"""人员 → 劳动合同, 培训, 考核评估, 督导, 薪酬 with the demo team: what a deputy head does there."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.staff_labels import ContractStatus
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.staff import contracts, supervision, training
from shuanbai_desktop.ui.staff.view import StaffView
from tests.conftest import build_template
from tests.ui.helpers import app_context, click, grab, type_text
from tests.ui.test_staff_common import on_demo_day, show, with_demo  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("on_demo_day")


@pytest.fixture(scope="module")
def station_template(station_template, tmp_path_factory):
    """The demo team, generated once for this module: every test starts from a copy."""
    return build_template(tmp_path_factory, station_template, with_demo)


@pytest.fixture
def view(qtbot, ctx):
    return show(qtbot, StaffView(ctx))


def test_contracts_show_who_is_not_eligible_and_why(qtbot, view, ctx):
    view.show_page("staff.contracts")
    page = view.pages["staff.contracts"]
    rows = page.model.rows
    ineligible = next(i for i, c in enumerate(rows) if c.eligibility and "不合格" in c.eligibility.text)
    texts = [page.model.data(page.model.index(ineligible, col)) for col in range(7)]
    assert texts[6].startswith("不符合：") and "不合格" in texts[6] and texts[4] == "履行中"
    page.table.selectRow(ineligible)
    assert page.history_model.rowCount() >= 1
    grab(view, "staff_contracts")
    dialog = page.renew()
    assert "不符合" in dialog.eligibility_label.text() and dialog.override_edit.isEnabled()
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and dialog.override_edit.styleSheet()
    assert "不符合续聘条件" in dialog.errors.text and "特批理由" in dialog.errors.text
    grab(dialog, "staff_contract_renew_refused")
    type_text(dialog.override_edit, "经镇(街道)研究同意续聘一期")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    staff_id = rows[ineligible].staff_id
    with ctx.session() as s:
        history = contracts.contracts_of(s, staff_id)
    assert history[-2].status is ContractStatus.RENEWED and "经镇(街道)研究同意" in history[-1].override_reason


def test_a_new_contract_ending_before_it_starts_is_refused(qtbot, view, ctx):
    view.show_page("staff.contracts")
    page = view.pages["staff.contracts"]
    page.table.selectRow(0)
    before = page.history_model.rowCount()
    dialog = page.new_contract()
    dialog.end_edit.setDate(dialog.start_edit.date().addDays(-1))
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "合同终止日期不能早于起始日期。" and dialog.end_edit.styleSheet()
    dialog.three_years()
    click(qtbot, dialog.save_button)
    assert "重叠" in dialog.errors.text  # the worker's current contract still runs
    dialog.reject()
    assert page.history_model.rowCount() == before


def test_training_with_too_many_hours_is_refused_then_saved(qtbot, view, ctx):
    view.show_page("staff.training")
    page = view.pages["staff.training"]
    before = page.model.rowCount()
    grab(view, "staff_training")
    dialog = page.add()
    type_text(dialog.title_edit, "儿童福利政策培训")
    type_text(dialog.hours_edit, "25")
    dialog.people.set_checked([dialog.people.list.item(0).data(Qt.ItemDataRole.UserRole)])
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "培训学时不能超过每天 24 小时（一天最多 24 学时）。"
    grab(dialog, "staff_training_dialog_error")
    dialog.hours_edit.setText("3")
    dialog.people.set_checked([])
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "请至少选择一名参加培训的人员。"
    dialog.people.all_button.click()
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    assert page.model.rowCount() == before + 1
    with ctx.session() as s:
        assert training.list_trainings(s, date.today().year)[0].title == "儿童福利政策培训"


def test_a_second_assessment_for_the_same_year_is_refused_at_the_year(qtbot, view, ctx):
    view.show_page("staff.assessment")
    page = view.pages["staff.assessment"]
    page.year_spin.setValue(2024)
    done = next(i for i, r in enumerate(page.model.rows) if r.grade is not None)
    other_year = page.model.rows[done]
    page.year_spin.setValue(2023)
    page.table.selectRow(next(i for i, r in enumerate(page.model.rows) if r.staff_id == other_year.staff_id))
    dialog = page.edit_assessment()
    dialog.year_spin.setValue(2024)
    click(qtbot, dialog.save_button)
    assert "2024年度的考核已经录入过了" in dialog.errors.text
    dialog.year_spin.setValue(date.today().year + 1)
    click(qtbot, dialog.save_button)
    assert "不能录入未来年度" in dialog.errors.text
    grab(dialog, "staff_assessment_dialog_error")
    dialog.reject()
    grab(view, "staff_assessment")


def test_supervision_page_flags_missing_months_and_a_supervisor_records_a_visit(qtbot, ctx, station_db):
    with ctx.session() as s:
        auth.create_user(s, "dd", "刘督导", Role.SUPERVISOR, "Dudao2024ab", must_change=False)
    user = auth.log_in(station_db, "dd", "Dudao2024ab")
    view = show(qtbot, StaffView(app_context(station_db, user)))
    assert view.tab_titles() == ["人员名册", "培训", "督导"]
    view.show_page("staff.supervision")
    page = view.pages["staff.supervision"]
    assert "没有督导记录的月份" in page.check_label.text()
    grab(view, "staff_supervision")
    dialog = page.add()
    type_text(dialog.supervisor_edit, "刘督导")
    type_text(dialog.hours_edit, "30")
    click(qtbot, dialog.save_button)
    assert "一次督导跨多天的，请填写结束日期" in dialog.errors.text and dialog.hours_edit.styleSheet()
    dialog.hours_edit.setText("16")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    with ctx.session() as s:
        assert supervision.list_supervisions(s)[0].supervisor == "刘督导"


def test_pay_sheet_is_shown_edited_and_exported(qtbot, view, ctx, tmp_path, monkeypatch):
    view.show_page("staff.pay")
    page = view.pages["staff.pay"]
    assert page.model.rowCount() == 16 and "合计" in page.totals.text()
    grab(view, "staff_pay")
    page.table.selectRow(0)
    dialog = page.edit()
    dialog.spins[next(f for f in dialog.spins if f.label == "业绩")].setValue(60)
    dialog.other_edit.setText("-1")
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "津贴补贴不能为负数。"
    dialog.other_edit.setText("150")
    grab(dialog, "staff_pay_line_dialog")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    line = page.sheet.lines[0]
    assert line.other_pay == 150 and line.scores[next(f for f in line.scores if f.label == "业绩")] == 60
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda *a, **k: None)
    assert page.export(tmp_path / "工资表.xlsx").exists()
