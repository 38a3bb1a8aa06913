"""设置 pages of the staff files (薪酬标准表, 绩效因素权重) and the staffing panel for the station page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shuanbai_desktop.domain.staff_labels import Certificate, Factor, Insurance
from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.services.staff import pay_table
from shuanbai_desktop.ui.staff import SETTINGS_PAGES
from shuanbai_desktop.ui.staff.pay_table_page import PayTablePage
from shuanbai_desktop.ui.staff.staffing_panel import StaffingPanel
from shuanbai_desktop.ui.staff.weights_page import WeightsPage
from tests.ui.helpers import click, grab, type_text
from tests.ui.test_staff_common import on_demo_day, show, with_demo  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("on_demo_day")


def test_settings_pages_are_declared_for_the_administrator(qtbot, ctx):
    assert [(key, label, needed) for key, label, _, needed in SETTINGS_PAGES] == [
        ("settings.staff_pay_table", "薪酬标准表", Permission.STAFF_EDIT),
        ("settings.staff_weights", "绩效因素权重", Permission.STAFF_EDIT)]
    assert isinstance(SETTINGS_PAGES[0][2](ctx), PayTablePage)
    assert isinstance(SETTINGS_PAGES[1][2](ctx), WeightsPage)


def test_pay_levels_and_rates_are_entered(qtbot, ctx):
    page = show(qtbot, PayTablePage(ctx))
    dialog = page.add()
    type_text(dialog.name_edit, "二级")
    dialog.cert_combo.setCurrentIndex(dialog.cert_combo.findData(Certificate.ASSISTANT))
    type_text(dialog.base_edit, "3400")
    type_text(dialog.perf_edit, "一千")
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "绩效工资标准应为金额数字（元），例如 1050 或 1050.50。" and dialog.perf_edit.styleSheet()
    dialog.perf_edit.setText("1000")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible() and page.model.rowCount() == 1
    assert page.model.data(page.model.index(0, 5)) == "4,400.00"
    page.rate_edits[(Insurance.FUND, 0)].setText("45")
    click(qtbot, page.rates_button)
    assert "住房公积金单位缴费比例应在 0% 到 40% 之间" in page.rates_errors.text
    page.rate_edits[(Insurance.FUND, 0)].setText("12")
    page.rate_edits[(Insurance.FUND, 1)].setText("12")
    click(qtbot, page.rates_button)
    with ctx.session() as s:
        assert pay_table.get_rates(s)[Insurance.FUND] == (Decimal(12), Decimal(12))
    grab(page, "staff_settings_pay_table")


def test_weights_must_add_up_to_100_before_they_are_saved(qtbot, ctx):
    page = show(qtbot, WeightsPage(ctx))
    assert page.total_label.text() == "合计 100%"
    page.spins[Factor.RESULTS].setValue(30)
    assert page.total_label.text() == "合计 90%（应为 100%）"
    click(qtbot, page.save_button)
    assert page.errors.text == "各因素权重之和应为 100%，现在是 90%。"
    grab(page, "staff_settings_weights_error")
    page.spins[Factor.HONOURS].setValue(15)
    click(qtbot, page.save_button)
    assert page.notice.text().startswith("已保存")
    with ctx.session() as s:
        assert pay_table.get_weights(s)[Factor.HONOURS] == 15
    page.restore_defaults()
    assert page.spins[Factor.RESULTS].value() == 40


def test_staffing_panel_names_problems_then_shows_a_full_team(qtbot, ctx):
    panel = show(qtbot, StaffingPanel(ctx), 460, 420)
    assert panel.summary.text().startswith("有 ") and "事务性岗位 0 / 3 人" in panel.body.text()
    grab(panel, "staff_staffing_panel_empty")
    with_demo(ctx.db)
    panel.refresh()
    assert panel.summary.text() == "人员配备符合“双百工程”要求。" and "持证社工" in panel.body.text()
    grab(panel, "staff_staffing_panel")
