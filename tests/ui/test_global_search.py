"""全局搜索 in the main window: Ctrl+F from any area, typing, results grouped by kind, Enter opens the record in
its area; Ctrl+1…8 switch areas (and say so in the navigation's tooltips)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from shuanbai_desktop.data.models import Person
from shuanbai_desktop.data.models.archives import ArchiveFile
from shuanbai_desktop.data.models.assets import Asset
from shuanbai_desktop.data.models.cases import CaseRecord
from shuanbai_desktop.data.models.window import WindowRegistration
from shuanbai_desktop.demo import generate_demo
from shuanbai_desktop.ui.global_search import GlobalSearchDialog
from shuanbai_desktop.ui.main_window import MainWindow
from tests.conftest import build_template
from tests.ui.helpers import grab, type_text

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def station_template(station_template, tmp_path_factory):
    return build_template(tmp_path_factory, station_template,
                          lambda db: generate_demo(db, residents=300, today=TODAY))


@pytest.fixture
def window(qtbot, ctx):
    w = MainWindow(ctx, idle_timeout_ms=600_000)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.idle_lock.stop()
    for dialog in (getattr(w, "search_dialog", None),):
        if dialog is not None:
            dialog.close()


def _ctrl_f(qtbot, window) -> GlobalSearchDialog:
    window.activateWindow()  # as after the user closed the record's dialog
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = window.search_dialog
    assert isinstance(dialog, GlobalSearchDialog) and dialog.isVisible()
    return dialog


def _search(qtbot, dialog: GlobalSearchDialog, text: str) -> None:
    dialog.search_edit.clear()
    type_text(dialog.search_edit, text)
    qtbot.waitUntil(lambda: dialog.result is not None and dialog.result.text == text, timeout=3000)


def test_ctrl_f_from_every_area_focuses_the_box(qtbot, window):
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        window.activateWindow()
        window.stack.currentWidget().setFocus()
        dialog = _ctrl_f(qtbot, window)
        assert dialog.focusWidget() is dialog.search_edit  # the dialog's focus: the box
        dialog.hide()


def test_ctrl_f_in_the_counters_search_box_is_the_global_search(qtbot, window):
    """The counter had its own Ctrl+F (back to its search box): two in one window and Qt runs neither."""
    window.navigate("window.register")
    page = window.area_widget("window").register_page
    page.focus_search()
    assert page.picker.search_edit.hasFocus() or page.focusWidget() is page.picker.search_edit
    dialog = _ctrl_f(qtbot, window)
    assert dialog.focusWidget() is dialog.search_edit


def test_results_are_grouped_and_enter_opens_a_window_matter(qtbot, window, ctx):
    with ctx.db.session() as s:
        registration = s.scalars(select(WindowRegistration).order_by(WindowRegistration.id.desc())).first()
        person = s.get(Person, registration.person_id)
        ticket, name = registration.ticket_no, person.name
    dialog = _ctrl_f(qtbot, window)
    _search(qtbot, dialog, name)
    headings = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())
                if dialog.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1) is None]
    assert headings[0].startswith("居民（") and any(h.startswith("窗口事项（") for h in headings)
    grab(dialog, "global-search-name")
    _search(qtbot, dialog, ticket)
    assert [h.kind for h in dialog.result.hits] == ["window"]
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)  # one hit: Enter opens it
    assert dialog.opened.id == registration.id and not dialog.isVisible()
    assert window.current_area == "window"
    counter = window.area_widget("window")
    assert counter.tabs.currentWidget() is counter.matters_page


def test_enter_with_several_hits_moves_into_the_results_then_opens_the_person(qtbot, window, ctx):
    with ctx.db.session() as s:
        names = list(s.scalars(select(Person.name)))
    common = max(set(n[0] for n in names), key=lambda ch: sum(ch in n for n in names))
    dialog = _ctrl_f(qtbot, window)
    _search(qtbot, dialog, common)
    assert len(dialog.result.hits) > 1
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.tree.hasFocus()
    first = dialog.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 1)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Down)
    second = dialog.tree.currentItem().data(0, Qt.ItemDataRole.UserRole + 1)
    assert first.kind == "person" and second is not None and second != first
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Up)  # from the first hit back into the box
    assert dialog.search_edit.hasFocus()
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    assert dialog.opened == first and window.current_area == "targets"
    page = window.area_widget("targets").persons_page
    assert page.selected_id() == first.id
    assert page.dialog is not None and page.dialog.isVisible()  # the person's record, as Enter on the row
    page.dialog.close()


def test_asset_and_archive_open_selected_in_their_lists(qtbot, window, ctx):
    with ctx.db.session() as s:
        asset = s.scalars(select(Asset).where(Asset.status == "scrapped")).first() or s.scalars(select(Asset)).first()
        archive = s.scalars(select(ArchiveFile)).first()
        asset_id, code, archive_id, number = asset.id, asset.code, archive.id, archive.number
    dialog = _ctrl_f(qtbot, window)
    _search(qtbot, dialog, code)
    item = next(i for i in dialog.hit_items() if i.data(0, Qt.ItemDataRole.UserRole + 1).id == asset_id
                and i.data(0, Qt.ItemDataRole.UserRole + 1).kind == "asset")
    dialog.tree.setCurrentItem(item)
    dialog.open_current()
    page = window.area_widget("assets").pages["assets.register"]
    assert window.current_area == "assets" and page.selected().id == asset_id
    if page.dialog is not None:
        page.dialog.close()
    dialog = _ctrl_f(qtbot, window)
    assert dialog.search_edit.selectedText() == code  # Ctrl+F again: the last query, ready to type over
    _search(qtbot, dialog, number)
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    if dialog.isVisible():
        qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    catalogue = window.area_widget("archives").pages["archives.catalogue"]
    assert window.current_area == "archives" and catalogue.selected().id == archive_id
    if catalogue.dialog is not None:
        catalogue.dialog.close()


def test_case_opens_in_its_dialog(qtbot, window, ctx):
    with ctx.db.session() as s:
        case = s.scalars(select(CaseRecord)).first()
        case_id, case_no = case.id, case.case_no
    dialog = _ctrl_f(qtbot, window)
    _search(qtbot, dialog, case_no)
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    if dialog.isVisible():
        qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    targets = window.area_widget("targets")
    assert window.current_area == "targets" and targets.dialog is not None
    assert targets.dialog.isVisible() and getattr(targets.dialog, "case_id", case_id) == case_id
    targets.dialog.close()


def test_no_hits_says_so(qtbot, window):
    dialog = _ctrl_f(qtbot, window)
    _search(qtbot, dialog, "查无此人甲乙")
    assert dialog.tree.topLevelItemCount() == 0 and "没有找到" in dialog.status.text()
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)  # nothing to open, nothing breaks
    assert dialog.isVisible() and dialog.opened is None


def test_ctrl_digits_switch_areas_and_tooltips_say_so(qtbot, window):
    for row in range(window.nav.count()):
        assert window.nav.item(row).toolTip().endswith(f"（Ctrl+{row + 1}）")
    for row in reversed(range(window.nav.count())):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{row + 1}"), Qt.KeyboardModifier.ControlModifier)
        assert window.nav.currentRow() == row and window.current_area == window.areas[row].key
