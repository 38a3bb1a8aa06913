"""事项办理: open matters by due date in colour, steps by keyboard, the timeline, the 工作台 link."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.data.base import now
from shuanbai_desktop.domain.counter_labels import EventKind, Handling, Status
from shuanbai_desktop.services import station
from shuanbai_desktop.services.window import details
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.counter.view import CounterView
from shuanbai_desktop.ui.widgets import AMBER, RED
from tests.db.test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)
from tests.ui.helpers import grab, type_text
from tests.ui.test_window_register import SIZE, FakePrinter, key


def _workdays_ago(days: int) -> datetime:
    return now() - timedelta(days=days)


@pytest.fixture
def data(win):
    """An overdue transfer, a near-due matter, a later one and a finished one."""
    overdue = win.register("临时救助", Handling.TRANSFER, department_id=win.departments["镇社会事务办"],
                           at=_workdays_ago(40))
    soon = win.register("心理疏导", at=now() - timedelta(days=6))
    later = win.register("居家养老服务", person_id=win.li, at=now() - timedelta(minutes=5))
    done = win.register("政策咨询", Handling.ON_SPOT, result="已解答", at=now() - timedelta(minutes=3))
    return {"overdue": overdue, "soon": soon, "later": later, "done": done}


@pytest.fixture
def view(qtbot, win):
    with win.db.session() as s:
        info = station.get_station(s)
    widget = CounterView(AppContext(db=win.db, user=win.clerk, station=info))
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    widget.matters_page.printer = FakePrinter()
    qtbot.waitExposed(widget)
    return widget


def _color(page, row: int) -> str | None:
    brush = page.model.data(page.model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
    return brush.color().name() if brush else None


def test_open_matters_sorted_by_due_date_overdue_red(view, data):
    view.show_page("window.matters")
    page = view.matters_page
    tickets = [r.ticket_no for r in page.model.rows]
    assert tickets[0] == data["overdue"].ticket_no and data["done"].ticket_no not in tickets
    assert _color(page, 0) == QColor(RED).name()
    assert page.model.rows[0].urgency_text == "已超期"
    soon_row = [r.ticket_no for r in page.model.rows].index(data["soon"].ticket_no)
    assert page.model.rows[soon_row].urgency_text in ("即将到期", "已超期")
    assert _color(page, soon_row) in (QColor(AMBER).name(), QColor(RED).name())
    grab(view, "window-matters-open")


def test_close_and_follow_up_with_the_keyboard(qtbot, view, win, data):
    view.show_page(f"window.matter.{data['later'].id}")
    page = view.matters_page
    assert page.panel.detail.id == data["later"].id
    key(qtbot, page.table, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dialog is not None)             # a mnemonic clicks after a short animation
    dialog = page.dialog
    assert dialog.windowTitle().startswith("办结")
    type_text(dialog.widgets["办理结果"], "已安排每周三次上门助餐")
    grab(dialog, "window-dialog-close")
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert page.panel.detail.status is Status.DONE
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)  # focus is back on the list
    key(qtbot, page.table, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dialog is not dialog)
    dialog = page.dialog
    dialog.ok_button.click()
    assert dialog.errors.text == "请选择居民的满意程度。"
    dialog.widgets["满意度"].setCurrentIndex(1)
    type_text(dialog.widgets["回访情况"], "老人表示满意")
    dialog.ok_button.click()
    detail = page.panel.detail
    assert detail.satisfaction is not None and detail.satisfaction.label == "满意"
    assert [e.kind for e in detail.timeline] == [EventKind.REGISTER, EventKind.ASSIGN, EventKind.RESULT,
                                                 EventKind.FOLLOW_UP]
    assert page.panel.timeline.count() == 4
    grab(view, "window-matters-timeline")


def test_transfer_needs_a_department_then_prints_the_slip(qtbot, view, win, data):
    view.show_page(f"window.matter.{data['soon'].id}")
    page = view.matters_page
    key(qtbot, page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.dialog is not None)
    dialog = page.dialog
    dialog.ok_button.click()
    assert dialog.errors.text == "转办须选择转办部门。" and dialog.widgets["转办部门"].styleSheet()
    grab(dialog, "window-dialog-transfer-error")
    dialog.widgets["转办部门"].setCurrentIndex(3)               # 残联
    dialog.ok_button.click()
    assert page.panel.detail.status is Status.TRANSFERRED and page.panel.detail.department_name == "残联"
    assert page.panel.buttons["transfer_slip"].isEnabled()
    page.panel.buttons["transfer_slip"].click()
    assert page.printer.printed[-1][0] == f"转办单-{data['soon'].ticket_no}"
    assert page.panel.detail.timeline[-1].text == "打印转办单"


def test_result_date_before_registration_is_refused_in_the_dialog(qtbot, view, win, data):
    view.show_page(f"window.matter.{data['later'].id}")
    page = view.matters_page
    page.panel.buttons["close"].click()
    dialog = page.dialog
    type_text(dialog.widgets["办理结果"], "已办结")
    dialog.widgets["办结日期"].setDate(date.today() - timedelta(days=3))
    dialog.ok_button.click()
    assert "办结日期不能早于登记日期" in dialog.errors.text
    with win.db.session() as s:
        assert details.get_detail(s, data["later"].id, date.today()).status is Status.IN_PROGRESS


def test_filters_and_reopen(qtbot, view, win, data):
    view.show_page("window.matters")
    page = view.matters_page
    page.set_view(page.view_combo.itemData(3))                  # 已办结
    assert [r.ticket_no for r in page.model.rows] == [data["done"].ticket_no]
    page.panel.buttons["reopen"].click()
    dialog = page.dialog
    type_text(dialog.widgets["重新办理原因"], "居民再次来电咨询细节")
    dialog.ok_button.click()
    with win.db.session() as s:
        assert details.get_detail(s, data["done"].id, date.today()).status is Status.IN_PROGRESS
    page.set_view(page.view_combo.itemData(5), text="ls")       # 全部, 李四 by initials
    assert [r.ticket_no for r in page.model.rows] == [data["later"].ticket_no]
    page.date_from.setText("2026-13-01")
    page.refresh()                                             # a bad date: message at the field, list unchanged
    assert page.filter_errors.text == "登记起始日期不是有效日期，请按 2024-03-05 的格式填写。"
    assert [r.ticket_no for r in page.model.rows] == [data["later"].ticket_no]


def test_register_tab_opens_a_matter_in_the_handling_tab(qtbot, view, win, data):
    page = view.register_page
    page.refresh()
    assert page.today_model.rowCount() == 2
    page.today_table.setFocus()
    page.today_table.selectRow(0)
    key(qtbot, page.today_table, Qt.Key.Key_Return)
    assert view.tabs.currentWidget() is view.matters_page
    assert view.matters_page.panel.detail.id == page.today_model.row(0).id
    QApplication.processEvents()
