"""Issue 15 from the screen: 窗口转介 (转为个案 on a matter) and a registration's attachments button;
the visit form offers workers on the roster without an account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.data.base import now
from shuanbai_desktop.services import station
from shuanbai_desktop.services.window import details
from shuanbai_desktop.ui.attachments_dialog import AttachmentsDialog
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.counter.view import CounterView
from shuanbai_desktop.ui.targets.case_open_dialog import CaseOpenDialog
from shuanbai_desktop.ui.targets.visit_dialog import VisitDialog
from shuanbai_desktop.ui.widgets import list_items
from tests.db.test_staff_common import hire
from tests.db.test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)
from tests.ui.helpers import grab
from tests.ui.test_window_register import SIZE


def _view(qtbot, win, user):
    with win.db.session() as s:
        info = station.get_station(s)
    widget = CounterView(AppContext(db=win.db, user=user, station=info))
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    qtbot.waitExposed(widget)
    widget.show_page("window.matters")
    return widget


@pytest.mark.parametrize("who", ["worker"])
def test_turn_a_matter_into_a_case_from_the_counter(qtbot, win, who):
    saved = win.register("临时救助", description="家中失火，急需生活用品", at=now() - timedelta(minutes=5))
    view = _view(qtbot, win, win.worker)
    page = view.matters_page
    page.select(saved.id)
    button = page.panel.buttons["case"]
    assert button.isEnabled() and button.text() == "转为个案(&G)…"
    assert page.panel.values["转介个案"].text() == "未转介"
    grab(view, "j3_window_matter_before_case")
    button.click()
    dialog = page.dialog
    assert isinstance(dialog, CaseOpenDialog)
    assert dialog.picker.chosen_id() == win.zhang and dialog.title_edit.text() == "临时救助"
    assert dialog.source_detail.text() == f"窗口事项 {saved.ticket_no}"
    grab(dialog, "j3_window_case_open_dialog")
    dialog.save_button.click()
    assert dialog.case_id is not None, dialog.error_label.text()
    QApplication.processEvents()
    with win.db.session() as s:
        detail = details.get_detail(s, saved.id, now().date())
    assert detail.case_id == dialog.case_id
    assert page.panel.values["转介个案"].text() == f"已转为个案 {detail.case_no}"
    assert page.panel.buttons["case"].text() == f"查看个案 {detail.case_no}"
    grab(view, "j3_window_matter_after_case")


def test_clerk_cannot_open_a_case_but_can_attach_files(qtbot, win):
    saved = win.register("临时救助", at=now() - timedelta(minutes=5))
    view = _view(qtbot, win, win.clerk)
    page = view.matters_page
    page.select(saved.id)
    assert not page.panel.buttons["case"].isEnabled()  # 窗口 staff do not open cases
    page.panel.buttons["attachments"].click()
    assert isinstance(page.dialog, AttachmentsDialog)
    grab(page.dialog, "j3_window_attachments")
    page.dialog.reject()


def test_the_visit_form_offers_roster_workers_without_an_account(qtbot, win):
    hire(win.db, "林小红", 2)
    with win.db.session() as s:
        info = station.get_station(s)
    ctx = AppContext(db=win.db, user=win.worker, station=info)
    dialog = VisitDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    names = [item.text() for item in list_items(dialog.workers_list)]
    assert "林小红" in names
    assert "录入人：黄志明" in dialog.recorder_label.text()
    grab(dialog, "j3_visit_dialog_roster")
