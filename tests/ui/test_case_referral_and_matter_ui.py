"""Issue 15 on the case screen: a referral of 协调资源 is changed with the form that adds one (修改…, Enter,
double-click), under the same rules; a case opened from a window matter shows 查看窗口事项, which opens that
matter in 窗口登记 → 事项办理."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.data.models.report import LockedMonth
from shuanbai_desktop.data.month_lock import month_key
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import CaseSource, NeedType, ReferralStatus, ResourceKind
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import case_records as rec
from shuanbai_desktop.services.targets import cases
from shuanbai_desktop.services.targets.case_detail import case_detail
from shuanbai_desktop.ui.main_window import MainWindow
from shuanbai_desktop.ui.targets.case_dialog import CaseDialog
from shuanbai_desktop.ui.widgets import select_data
from tests.db.test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)
from tests.ui.helpers import app_context, click, grab, type_text

VILLAGE = "441302001001"
SIZE = (1366, 768)


def _to_resources(s, cid: int, start: date) -> None:
    cases.advance(s, cid)
    rec.save_assessment(s, cid, rec.AssessmentInput(start + timedelta(days=1), (NeedType.MATERIAL,), "缺少生活物资"))
    cases.advance(s, cid)
    rec.save_goal(s, cid, rec.GoalInput("生活物资有保障", "链接慈善资源", start + timedelta(days=1),
                                        start + timedelta(days=60)))
    cases.advance(s, cid)


@pytest.fixture
def setting(station_db):
    """A social worker's case at 协调资源 with one referral and one linked resource."""
    start = date.today() - timedelta(days=10)
    with station_db.session() as s:
        auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
        auth.create_user(s, "sg2", "林小红", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
        pid = persons.save_person(s, PersonInput("陈伯", "440524194501010011", village_code=VILLAGE))
    worker = auth.log_in(station_db, "sg1", "Shegong2024")
    with station_db.session(worker.actor) as s:
        cid = cases.open_case(s, cases.CaseInput(pid, "生活困难", CaseSource.VISIT, "走访发现。", start, worker.id))
        _to_resources(s, cid, start)
        rid = rec.save_referral(s, cid, rec.ReferralInput(start + timedelta(days=2), "县慈善会", "申请临时救助物资"))
        rec.save_resource(s, cid, rec.ResourceInput(start + timedelta(days=3), ResourceKind.GOODS, "镇商会", "大米两袋",
                                                    "200"))
    return station_db, worker, cid, rid, start


def _dialog(qtbot, db, user, cid) -> CaseDialog:
    dialog = CaseDialog(app_context(db, user), cid)
    qtbot.addWidget(dialog)
    dialog.resize(*SIZE)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(3)
    return dialog


def _select(page, text: str) -> int:
    row = next(i for i in range(page.model.rowCount()) if page.model.row(i)[2] == text)
    page.table.selectRow(row)
    return row


def test_a_referral_is_changed_in_the_form_that_adds_one(qtbot, setting):
    db, worker, cid, rid, start = setting
    dialog = _dialog(qtbot, db, worker, cid)
    page = dialog.pages[3]
    assert page.model.rowCount() == 2 and not page.edit_button.isEnabled()
    _select(page, "镇商会")
    assert not page.edit_button.isEnabled()  # a linked resource is not a referral
    _select(page, "县慈善会")
    click(qtbot, page.edit_button)
    assert page.editing == rid and page.button.text() == "保存修改" and page.cancel_button.isVisible()
    assert (page.counterpart.text(), page.content.text(), page.kind.currentData()) == ("县慈善会", "申请临时救助物资",
                                                                                       "referral")
    assert not page.kind.isEnabled() and "正在修改" in page.editing_label.text()
    select_data(page.status, ReferralStatus.DONE.value)
    type_text(page.result, "已送大米两袋、食用油一桶")
    grab(dialog, "j5_case_referral_editing")
    click(qtbot, page.button)
    assert page.editing is None and page.button.text() == "添加" and page.kind.isEnabled()
    with db.session() as s:
        (referral,) = case_detail(s, cid).referrals
    assert (referral.id, referral.status, referral.result) == (rid, ReferralStatus.DONE, "已送大米两袋、食用油一桶")
    assert page.model.rowCount() == 2
    row = _select(page, "县慈善会")
    assert page.model.row(row)[4] == "已办结：已送大米两袋、食用油一桶"
    grab(dialog, "j5_case_referral_saved")

    # Enter on the row, and a double-click, open the same form; 取消修改 leaves it unchanged
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.editing == rid and page.result.text() == "已送大米两袋、食用油一桶"
    click(qtbot, page.cancel_button)
    assert page.editing is None and page.counterpart.text() == "" and not page.cancel_button.isVisible()
    rect = page.table.visualRect(page.model.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a real double
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # click presses first
    assert page.editing == rid
    page.counterpart.clear()  # the rules of adding: 转介单位 is required
    click(qtbot, page.button)
    assert "转介单位" in page.error_label.text() and page.editing == rid
    with db.session() as s:
        assert case_detail(s, cid).referrals[0].to_org == "县慈善会"


def test_a_referral_of_a_reported_month_is_refused_and_others_cannot_change_it(qtbot, setting):
    db, worker, cid, rid, start = setting
    with db.session() as s:
        s.add(LockedMonth(month=month_key(start + timedelta(days=2)), locked_by="admin"))
    dialog = _dialog(qtbot, db, worker, cid)
    page = dialog.pages[3]
    _select(page, "县慈善会")
    click(qtbot, page.edit_button)
    select_data(page.status, ReferralStatus.REFUSED.value)
    click(qtbot, page.button)
    assert "已报送" in page.error_label.text() and page.editing == rid
    with db.session() as s:
        assert case_detail(s, cid).referrals[0].status is ReferralStatus.SENT
    dialog.reject()

    other = auth.log_in(db, "sg2", "Shegong2024")  # not the case's worker: reads, does not change
    dialog = _dialog(qtbot, db, other, cid)
    page = dialog.pages[3]
    _select(page, "县慈善会")
    assert not page.edit_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.editing is None


def test_a_case_from_a_window_matter_opens_that_matter(qtbot, win):
    saved = win.register("临时救助", description="家中失火")
    with win.db.session(win.worker.actor) as s:
        cid = cases.open_case_from_window(s, saved.id, win.zhang, "申请临时救助", "窗口登记：家中失火", win.worker.id)
        plain = cases.open_case(s, cases.CaseInput(win.zhang, "陪伴", CaseSource.VISIT, "走访发现。", date.today(),
                                                   win.worker.id))
    main = MainWindow(app_context(win.db, win.worker), idle_timeout_ms=600_000)
    qtbot.addWidget(main)
    main.resize(*SIZE)
    main.show()
    qtbot.waitExposed(main)
    targets = main.area_widget("targets")
    main.navigate("targets.cases")
    targets.open_case(plain)
    assert not targets.dialog.matter_button.isVisible()  # not from a window matter
    targets.dialog.reject()
    QApplication.processEvents()
    targets.open_case(cid)
    dialog = targets.dialog
    button = dialog.matter_button
    assert button.isVisible() and button.text() == f"查看窗口事项 {saved.ticket_no}"
    grab(dialog, "j5_case_from_window_matter")
    click(qtbot, button)
    QApplication.processEvents()
    assert not dialog.isVisible() and main.current_area == "window"
    counter = main.area_widget("window")
    assert counter.tabs.currentWidget() is counter.matters_page
    detail = counter.matters_page.panel.detail
    assert detail is not None and detail.id == saved.id and detail.case_id == cid
    grab(main, "j5_window_matter_from_case")
    main.idle_lock.stop()
