"""设置 pages of the window: 事项目录, 转办部门, 节假日调休表, 打印纸张."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.services.window import catalogue, departments, holidays, print_settings
from shuanbai_desktop.ui.counter import SETTINGS_PAGES
from shuanbai_desktop.ui.counter.settings_departments import DepartmentsPage
from shuanbai_desktop.ui.counter.settings_holidays import HolidaysPage
from shuanbai_desktop.ui.counter.settings_matters import MattersSettingsPage
from shuanbai_desktop.ui.counter.settings_print import PrintSettingsPage
from tests.clock import clock_on
from tests.db.test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)
from tests.ui.helpers import app_context, grab, type_text
from tests.ui.test_window_register import SIZE


@pytest.fixture
def ctx(win):
    return app_context(win.db, win.admin)


def _show(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(SIZE[0], SIZE[1] - 40)
    widget.show()
    return widget


def test_settings_pages_are_listed_for_the_lead(ctx, qtbot):
    assert [(key, label, needed) for key, label, _, needed in SETTINGS_PAGES] == [
        ("settings.window_matters", "事项目录", Permission.WINDOW_SETTINGS),
        ("settings.window_departments", "转办部门", Permission.WINDOW_SETTINGS),
        ("settings.window_holidays", "节假日调休表", Permission.WINDOW_SETTINGS),
        ("settings.window_paper", "打印纸张", Permission.WINDOW_SETTINGS)]
    for _, _, factory, _ in SETTINGS_PAGES:
        _show(qtbot, factory(ctx))


def test_matter_catalogue_page_edits_a_matter_and_shows_errors_at_the_field(qtbot, ctx, win):
    page = _show(qtbot, MattersSettingsPage(ctx))
    assert page.model.rowCount() == 11
    assert any("请按本县（区）的规定调整" in label.text() for label in page.findChildren(QLabel))
    grab(page, "window-settings-matters")
    page.table.selectRow(0)
    page.edit()
    dialog = page.dialog
    assert dialog.name_edit.text() == "最低生活保障" and dialog.limit_spin.value() == 30
    grab(dialog, "window-settings-matter-dialog")
    dialog.limit_spin.setValue(25)
    dialog.department_combo.setCurrentIndex(0)                  # （无） while the default is 转办
    dialog.save()
    assert dialog.errors.text == "默认办理方式为转办时，须选择接收部门。"
    dialog.department_combo.setCurrentIndex(1)
    dialog.save()
    with win.db.session() as s:
        assert catalogue.get_matter(s, win.matters["最低生活保障"]).time_limit_days == 25
    page.add()
    dialog = page.dialog
    type_text(dialog.name_edit, "就业援助")
    dialog.materials_edit.setPlainText("求职登记表\n身份证复印件")
    dialog.save()
    assert page.model.rows[-1].name == "就业援助" and page.model.rows[-1].materials == ("求职登记表", "身份证复印件")


def test_departments_page(qtbot, ctx, win):
    page = _show(qtbot, DepartmentsPage(ctx))
    assert page.model.rowCount() == 8
    page.add()
    dialog = page.dialog
    type_text(dialog.name_edit, "镇综治办")
    type_text(dialog.phone_edit, "12345")
    dialog.save()
    assert dialog.errors.text.startswith("部门电话")
    dialog.phone_edit.setText("0752-2800001")
    dialog.save()
    grab(page, "window-settings-departments")
    with win.db.session() as s:
        assert departments.list_departments(s)[-1].name == "镇综治办"


def test_holiday_table_page(qtbot, ctx, win):
    with clock_on(date(2026, 11, 18)):  # the page opens on the first year not built in, or this year
        page = _show(qtbot, HolidaysPage(ctx))
    assert page.year_spin.value() == 2027 and page.add_button.isEnabled()
    assert "2027 年尚未填写" in page.year_note.text()
    page.day_edit.setDate(date(2027, 1, 1))
    page.add()
    assert page.errors.text == "请填写名称，例如“元旦”“春节”。"
    type_text(page.name_edit, "元旦")
    page.add()
    assert [e.name for e in page.model.rows] == ["元旦"]
    grab(page, "window-settings-holidays")
    page.year_spin.setValue(2026)
    assert not page.add_button.isEnabled() and "已内置" in page.year_note.text()
    with win.db.session() as s:
        assert [e.day for e in holidays.list_entries(s)] == [date(2027, 1, 1)]


def test_print_settings_page(qtbot, ctx, win):
    page = _show(qtbot, PrintSettingsPage(ctx))
    assert page.a5.isChecked()
    page.a4.setChecked(True)
    page.hours_edit.clear()
    page.save()
    assert page.errors.text == "办公时间不能为空。"
    type_text(page.hours_edit, "工作日 8:30—17:30")
    page.save()
    grab(page, "window-settings-paper")
    with win.db.session() as s:
        assert print_settings.get_print_settings(s).paper == "A4"
