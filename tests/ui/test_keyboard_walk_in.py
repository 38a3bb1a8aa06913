"""A walk-in at the counter with the keyboard alone (issue 14): arrive at 窗口 (Ctrl+digit), search, nobody
found → F2 新建居民 → Enter saves → the 事项 typed by its number → 一次性告知 or 当场办结 → Ctrl+S → the slip
printed (Ctrl+P) and saved as PDF (Ctrl+Shift+S).

Keys only: ``QTest.keyClick``/``keyClicks`` (through qtbot); Chinese text arrives as an input method
commits it (``ime``: what a keyboard with a Chinese input method sends, QTest cannot type it). No mouse:
no widget is clicked and no focus is set by the test; where the focus is, the program put it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from stdnum.cn import ric

from shuanbai_desktop.domain.counter_labels import Handling, Status
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.persons import PersonFilter
from shuanbai_desktop.services.window import queries
from shuanbai_desktop.ui.counter.register_page import RegistrationPage
from shuanbai_desktop.ui.focus_frame import install_focus_frame
from shuanbai_desktop.ui.main_window import AREAS, MainWindow
from tests.db.test_window_helpers import ZHANG_ID, win_fixture, win_template  # noqa: F401  (fixtures)
from tests.ui.helpers import app_context, focused, grab, ime, key, keys

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
NEW_BODY = ZHANG_ID[:6] + "19480312" + "002"  # 张三's county, a woman born 1948-03-12
NEW_ID = NEW_BODY + ric.calc_check_digit(NEW_BODY + "0")


class FakePrinter:
    """Stands in for Qt's print dialog: keeps what would have been printed."""

    def __init__(self):
        self.printed: list[tuple[str, bytes]] = []

    def __call__(self, parent, pdf: Path, title: str) -> bool:
        self.printed.append((title, pdf.read_bytes()))
        return True


class FakeSaver:
    """Stands in for the save dialog (the user presses Enter on the suggested name): the copy lands in ``folder``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.saved: list[Path] = []

    def __call__(self, parent, pdf: Path, suggested: str) -> Path:
        target = self.folder / suggested
        target.write_bytes(pdf.read_bytes())
        self.saved.append(target)
        return target


def framed():
    """The widget the focus frame rings."""
    return install_focus_frame(QApplication.instance()).frame.widget()


@pytest.fixture
def window(qtbot, win, tmp_path):
    install_focus_frame(QApplication.instance())
    w = MainWindow(app_context(win.db, win.clerk), idle_timeout_ms=600_000)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.area_widget("workbench").refreshed):
        w.show()
    w.resize(1366, 768)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    page = w.area_widget("window").register_page
    page.printer, page.saver = FakePrinter(), FakeSaver(tmp_path)
    yield w
    w.idle_lock.stop()


def _arrive_at_the_counter(qtbot, window) -> RegistrationPage:
    row = [area.key for area in AREAS].index("window")
    key(qtbot, Qt.Key(Qt.Key.Key_1.value + row), CTRL)           # 转到 → 窗口 (Ctrl+digit)
    page = window.area_widget("window").register_page
    assert page.isVisible() and focused() is page.picker.search_edit
    assert framed() is page.picker.search_edit
    return page


def _registrations(win):
    with win.db.session() as s:
        return queries.list_registrations(s, queries.RegistrationFilter(view=queries.View.ALL), date.today()).rows


def _walk_enter_to(qtbot, widget, limit: int = 15) -> None:
    for _ in range(limit):
        if focused() is widget:
            return
        key(qtbot, Qt.Key.Key_Return)
    assert focused() is widget


def _slip_printed_and_saved(qtbot, page, ticket_no: str) -> Path:
    key(qtbot, Qt.Key.Key_P, CTRL)
    title, pdf = page.printer.printed[-1]
    assert title == f"一次性告知单-{ticket_no}" and pdf.startswith(b"%PDF")
    key(qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    saved = page.saver.saved[-1]
    assert saved.is_file() and saved.name == f"一次性告知单-{ticket_no}.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    return saved


def test_walk_in_new_resident_with_a_notice_of_materials_keys_only(qtbot, window, win):
    page = _arrive_at_the_counter(qtbot, window)
    keys(qtbot, NEW_ID)                                         # the resident hands over the ID card
    assert page.picker.model.rowCount() == 0 and "F2" in page.picker.status.text()
    assert "F2" in page.picker.new_button.text()
    key(qtbot, Qt.Key.Key_F2)                                   # 新建居民 with the number carried over
    dialog = page.picker.dialog
    assert dialog.isVisible()
    assert dialog.basic.id_edit.text() == NEW_ID
    assert focused() is dialog.basic.name_edit                  # the first field still empty
    ime("周桂兰")
    grab(dialog, "keyboard-new-resident-from-f2")
    key(qtbot, Qt.Key.Key_Return)                               # Enter saves from any field
    assert not dialog.isVisible()
    with win.db.session() as s:
        found = persons.search(s, PersonFilter(text=NEW_ID[-6:]))
    assert [p.name for p in found] == ["周桂兰"] and page.picker.chosen_id() == found[0].id
    window.activateWindow()                                     # what the desktop does when a dialog closes
    qtbot.waitUntil(window.isActiveWindow)                      # (the offscreen platform leaves it to us)
    assert focused() is page.form.channel                      # the window's focus went on to 来源渠道
    key(qtbot, Qt.Key.Key_Return)                               # keep 来访
    assert focused() is page.form.matter
    keys(qtbot, "8")                                            # 8 居家养老服务: chosen, the focus moves on
    assert page.form.current_matter.name == "居家养老服务"
    assert focused() is page.materials.list and framed() is page.materials.list
    key(qtbot, Qt.Key.Key_Down)                                 # ↓ walks the materials, not the 事项
    assert page.form.current_matter.name == "居家养老服务" and page.materials.list.currentRow() == 1
    key(qtbot, Qt.Key.Key_Space)                                # tick the second material
    assert page.materials.received() == (page.materials.list.item(1).text(),)
    key(qtbot, Qt.Key.Key_Return)
    assert focused() is page.form.description
    ime("独居，申请助餐服务")
    grab(window, "keyboard-walk-in-filled")
    key(qtbot, Qt.Key.Key_S, CTRL)
    rows = _registrations(win)
    assert len(rows) == 1 and rows[0].person_name == "周桂兰" and rows[0].status is Status.IN_PROGRESS
    assert focused() is page.picker.search_edit                 # ready for the next resident
    _slip_printed_and_saved(qtbot, page, rows[0].ticket_no)


def test_walk_in_answered_on_the_spot_keys_only(qtbot, window, win):
    page = _arrive_at_the_counter(qtbot, window)
    keys(qtbot, "zs")                                           # exactly one found: Enter takes 张三
    key(qtbot, Qt.Key.Key_Return)
    assert page.picker.chosen_id() == win.zhang and focused() is page.form.channel
    key(qtbot, Qt.Key.Key_Return)
    keys(qtbot, "1")                                            # 1, 10 or 11: not chosen yet, the focus stays
    assert focused() is page.form.matter
    keys(qtbot, "0")                                            # 10 政策咨询: answered on the spot
    assert page.form.current_matter.name == "政策咨询" and page.form.current_handling is Handling.ON_SPOT
    assert focused() is not page.form.matter
    _walk_enter_to(qtbot, page.form.note)                       # Enter from field to field to 办理结果
    ime("解答了高龄津贴的申领条件")
    key(qtbot, Qt.Key.Key_S, CTRL)
    rows = _registrations(win)
    assert len(rows) == 1 and rows[0].status is Status.DONE and rows[0].person_name == "张三"
    _slip_printed_and_saved(qtbot, page, rows[0].ticket_no)


def test_down_on_the_matter_box_opens_its_list_instead_of_changing_it(qtbot, window, win):
    page = _arrive_at_the_counter(qtbot, window)
    keys(qtbot, "zs")
    key(qtbot, Qt.Key.Key_Return)
    key(qtbot, Qt.Key.Key_Return)
    keys(qtbot, "1")                                            # 最低生活保障 (1, 10 or 11: the focus stays)
    assert page.form.current_matter.name == "最低生活保障" and focused() is page.form.matter
    key(qtbot, Qt.Key.Key_Down)                                 # the list opens; nothing changes unseen
    popup = page.form.matter.view()
    assert popup.isVisible() and page.form.current_matter.name == "最低生活保障"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)                    # picked in the open list: chosen
    QApplication.processEvents()
    assert page.form.current_matter.name == "特困人员救助供养"
    assert focused() is page.materials.list


def test_several_found_enter_goes_into_the_list_instead_of_taking_the_first(qtbot, window, win):
    with win.db.session() as s:
        first = persons.save_person(s, persons.PersonInput("王芳", "", "未办证", village_code=None))
        second = persons.save_person(s, persons.PersonInput("王芳", "", "未带证件"), confirm_similar=True)
    page = _arrive_at_the_counter(qtbot, window)
    keys(qtbot, "wf")
    assert page.picker.model.rowCount() == 2
    key(qtbot, Qt.Key.Key_Return)
    assert page.picker.chosen_id() is None and focused() is page.picker.table
    key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Return)
    chosen = page.picker.chosen_id()
    assert chosen in (first, second) and chosen == page.picker.model.row(1).id
    assert focused() is page.form.channel


def test_ctrl_n_puts_the_focus_in_the_search_box_from_anywhere_in_the_window(qtbot, window, win):
    page = _arrive_at_the_counter(qtbot, window)
    keys(qtbot, "zs")
    key(qtbot, Qt.Key.Key_Return)
    assert focused() is page.form.channel
    key(qtbot, Qt.Key.Key_N, CTRL)                              # afresh, from the form
    assert focused() is page.picker.search_edit and page.picker.chosen_id() is None
    for _ in range(5):                                          # Shift+Tab out to the navigation column
        if focused() is window.nav:
            break
        key(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert focused() is window.nav
    key(qtbot, Qt.Key.Key_N, CTRL)
    assert focused() is page.picker.search_edit

