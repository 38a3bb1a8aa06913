"""窗口登记 with the keyboard alone: find a resident, register, print the 告知单; transfer; on the spot."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.domain.counter_labels import Channel, EventKind, Handling, Status
from shuanbai_desktop.services import station
from shuanbai_desktop.services.window import details, queries
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.counter.view import CounterView
from tests.db.test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)
from tests.ui.helpers import app_context, grab, type_text

SIZE = (1198, 690)  # 1366×768 minus the navigation column, menu and status bar


class FakePrinter:
    """Stands in for Qt's print dialog: keeps what would have been printed."""

    def __init__(self):
        self.printed: list[tuple[str, bytes]] = []

    def __call__(self, parent, pdf: Path, title: str) -> bool:
        self.printed.append((title, pdf.read_bytes()))
        return True


@pytest.fixture
def ctx(win):
    return app_context(win.db, win.clerk)


@pytest.fixture
def view(qtbot, ctx):
    widget = CounterView(ctx)
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    widget.show_page("window.register")
    widget.register_page.printer = FakePrinter()
    qtbot.waitExposed(widget)
    return widget


def key(qtbot, widget, k, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(widget, k, modifier)
    QApplication.processEvents()


def focused():
    return QApplication.focusWidget()


def _find_and_choose(qtbot, page, text: str) -> None:
    page.focus_search()
    qtbot.keyClicks(page.picker.search_edit, text)
    key(qtbot, page.picker.search_edit, Qt.Key.Key_Return)


def _registrations(win):
    with win.db.session() as s:
        return queries.list_registrations(s, queries.RegistrationFilter(view=queries.View.ALL),
                                          date.today()).rows


def test_register_and_print_with_the_keyboard_only(qtbot, view, win):
    page = view.register_page
    grab(view, "window-register-empty")
    _find_and_choose(qtbot, page, "zs")
    assert page.picker.chosen_id() == win.zhang
    assert focused() is page.form.channel and "138****8000" in page.form.phone_hint.text()
    key(qtbot, focused(), Qt.Key.Key_Return)                    # keep 来访
    assert focused() is page.form.matter
    qtbot.keyClicks(page.form.matter, "8")                     # "8 居家养老服务": no other number starts with 8
    assert page.form.current_matter.name == "居家养老服务"
    assert focused() is page.materials.list                     # chosen: the focus moved on by itself
    key(qtbot, focused(), Qt.Key.Key_Space)                     # tick the first material
    assert len(page.materials.received()) == 1
    key(qtbot, focused(), Qt.Key.Key_Return)
    assert focused() is page.form.description
    type_text(page.form.description, "老人独居，申请助餐服务")
    grab(view, "window-register-filled")
    key(qtbot, page.form.description, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    rows = _registrations(win)
    assert len(rows) == 1 and rows[0].first_responder == "陈晓红" and rows[0].status is Status.IN_PROGRESS
    assert rows[0].ticket_no in page.saved_label.text()
    assert focused() is page.picker.search_edit and page.picker.chosen_id() is None
    key(qtbot, focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    title, pdf = page.printer.printed[-1]
    assert title == f"一次性告知单-{rows[0].ticket_no}" and pdf.startswith(b"%PDF")
    with win.db.session() as s:
        timeline = details.timeline(s, rows[0].id)
    assert [e.kind for e in timeline] == [EventKind.REGISTER, EventKind.ASSIGN, EventKind.PRINT]
    assert page.today_model.rowCount() == 1
    grab(view, "window-register-saved")


def test_enter_walks_through_the_fields_to_the_register_button(qtbot, view, win):
    page, form = view.register_page, view.register_page.form
    _find_and_choose(qtbot, page, "zs")
    qtbot.keyClicks(form.matter, "8")
    form.channel.setFocus()
    order = [focused()]
    while focused() is not page.register_button and len(order) < 15:
        key(qtbot, focused(), Qt.Key.Key_Return)
        order.append(focused())
    assert order == [form.channel, form.matter, page.materials.list, form.description, form.phone, form.handling,
                     form.handler, form.note, form.due, page.register_button]
    key(qtbot, page.register_button, Qt.Key.Key_Return)          # Enter on the button registers
    assert len(_registrations(win)) == 1


def test_transfer_at_the_counter_and_print_the_transfer_slip(qtbot, view, win):
    page = view.register_page
    _find_and_choose(qtbot, page, "001X")                      # last digits of 张三's ID number
    qtbot.keyClicks(page.form.matter, "1")                     # 最低生活保障: transfer to 镇社会事务办
    assert page.form.current_handling is Handling.TRANSFER
    assert page.form.department.currentText() == "镇社会事务办"
    type_text(page.form.note, "请入户核查")
    key(qtbot, page.form.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    row = _registrations(win)[0]
    assert row.status is Status.TRANSFERRED and row.department_name == "镇社会事务办"
    key(qtbot, page.picker.search_edit, Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert page.printer.printed[-1][0] == f"转办单-{row.ticket_no}"


def test_anonymous_consultation_done_on_the_spot(qtbot, view, win):
    page = view.register_page
    page.form.channel.setCurrentIndex(1)                        # 来电
    qtbot.keyClicks(page.form.matter, "10")                    # 政策咨询: on the spot
    assert page.form.current_handling is Handling.ON_SPOT and not page.form.due.isEnabled()
    grab(view, "window-register-on-spot")
    key(qtbot, page.form.matter, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.errors.text.startswith("当场办结须填写办理结果") and _registrations(win) == []
    type_text(page.form.note, "解答了高龄津贴的申领条件")
    key(qtbot, page.form.note, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    row = _registrations(win)[0]
    assert row.status is Status.DONE and row.person_name == "（未留姓名）" and row.channel is Channel.PHONE


def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(qtbot, view, win):
    page = view.register_page
    qtbot.keyClicks(page.form.matter, "8")
    key(qtbot, page.form.matter, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.errors.text.startswith("请选择或新建办事居民") and focused() is page.picker.search_edit
    page.form.matter.setCurrentIndex(0)
    _find_and_choose(qtbot, page, "zs")
    key(qtbot, page.form.channel, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.errors.text == "请选择事项（事项不能为空）。" and focused() is page.form.matter
    page.form.matter.setCurrentIndex(8)  # typing "8" again within 0.4 s would search for "88"
    qtbot.keyClicks(page.form.phone, "12345678901")
    key(qtbot, page.form.phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "手机号应为11位数字" in page.errors.text and focused() is page.form.phone
    assert page.form.phone.styleSheet()
    grab(view, "window-register-error")
    page.form.phone.clear()
    page.form.due.setDate(page.form.due.date().addDays(-30))
    key(qtbot, page.form.phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "预计办结日期不能早于登记日期" in page.errors.text and focused() is page.form.due
    page.form.channel.setCurrentIndex(2)                        # 代办: the agent's fields appear
    assert page.form.agent_row.isVisible()
    page.form.update_due()
    type_text(page.form.agent_name, "张小明")
    qtbot.keyClicks(page.form.agent_id, "441302200001010041")   # wrong check digit
    key(qtbot, page.form.agent_id, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert "代办人身份证号校验位错误" in page.errors.text and focused() is page.form.agent_id
    assert _registrations(win) == []


def test_new_resident_created_from_the_counter(qtbot, view, win):
    page = view.register_page
    type_text(page.picker.search_edit, "王大爷")
    page.picker.new_button.click()
    dialog = page.picker.dialog
    assert dialog.basic.name_edit.text() == "王大爷"
    type_text(dialog.basic.reason_edit, "未带身份证")
    dialog.save()
    assert page.picker.chosen_id() is not None and focused() is page.form.channel
    qtbot.keyClicks(page.form.matter, "9")
    key(qtbot, page.form.matter, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert _registrations(win)[0].person_name == "王大爷"


def test_supervisor_sees_but_cannot_register_handle_or_print(qtbot, win):
    """The screens ask the permission table (WINDOW_REGISTER): a read-only role gets no register,
    handling or print buttons (the services refuse it anyway)."""
    saved = win.register(at=datetime.now().replace(microsecond=0))
    with win.db.session() as s:
        info = station.get_station(s)
    widget = CounterView(AppContext(db=win.db, user=win.supervisor, station=info))
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    page = widget.register_page
    assert not page.register_button.isEnabled() and "“督导”角色只能查看" in page.saved_label.text()
    page._select_today(0)
    assert page.open_button.isEnabled()
    assert not page.print_button.isEnabled() and not page.save_pdf_button.isEnabled()
    widget.open_registration(saved.id)
    buttons = widget.matters_page.panel.buttons
    assert widget.matters_page.panel.detail.id == saved.id
    assert not any(buttons[k].isEnabled() for k in ("assign", "transfer", "close", "void", "notice", "save_pdf"))


def test_due_date_beyond_the_builtin_calendar_says_it_is_estimated(qtbot, view):
    form = view.register_page.form
    qtbot.keyClicks(form.matter, "9")                          # 心理疏导, 5 working days
    form.update_due(date(2026, 12, 28))
    assert form.due.date().toPython() == date(2027, 1, 5)      # 元旦 2027 (a Friday) estimated as a holiday
    assert form.due_note.text() == "推算：2027 年按法定节日推算，未计调休"
    assert "2027 年的国家法定节假日安排本程序尚未内置" in form.due_note.toolTip()
    assert form.due_note.styleSheet()  # amber
    grab(view, "window-register-estimated")
    form.update_due(date(2026, 9, 30))
    assert form.due.date().toPython() == date(2026, 10, 13)
    assert form.due_note.text() == "5 个工作日，按国家法定工作日计算"
