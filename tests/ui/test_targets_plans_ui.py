"""服务计划 (一人一案) from the screens: a social worker writes a plan for a resident with a roster worker
(no account) responsible, reviews it, escalates it to a case that opens; a supervisor reads only."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import CaseSource, PlanReviewOutcome, PlanStatus, TargetGroup
from shuanbai_desktop.services import auth, persons, station
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import plans
from shuanbai_desktop.services.targets.plans import PlanFilter
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.targets.case_dialog import CaseDialog
from shuanbai_desktop.ui.targets.plan_dialogs import EscalateDialog, PlanDialog, ReviewDialog
from shuanbai_desktop.ui.targets.view import TargetsView
from tests.clock import clock_on
from tests.db.test_staff_common import hire
from tests.ui.helpers import click, grab, type_text

VILLAGE = "441302001001"
TODAY = date(2026, 11, 20)


def _context(station_db, username: str, role: Role) -> AppContext:
    with station_db.session() as s:
        auth.create_user(s, username, "黄志明" if role is Role.SOCIAL_WORKER else "吴督导", role, "Shegong2024",
                         must_change=False)
        info = station.get_station(s)
    return AppContext(db=station_db, user=auth.log_in(station_db, username, "Shegong2024"), station=info)


@pytest.fixture
def resident(station_db) -> int:
    hire(station_db, "陈晓燕", 7)
    with station_db.session() as s:
        return persons.save_person(s, PersonInput("王秀英", "440524194501010011", village_code=VILLAGE,
                                                  groups=(TargetGroup.LOW_INCOME,)), today=TODAY)


def _view(qtbot, ctx) -> TargetsView:
    view = TargetsView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.show_page("targets.plans")
    return view


def test_plan_written_reviewed_and_escalated_from_the_screens(qtbot, station_db, resident):
    ctx = _context(station_db, "sg1", Role.SOCIAL_WORKER)
    with clock_on(TODAY):
        view = _view(qtbot, ctx)
        page = view.plans_page
        click(qtbot, page.new_button)
        dialog = page.dialog
        assert isinstance(dialog, PlanDialog)
        type_text(dialog.picker.search_edit, "王秀英")
        qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)
        type_text(dialog.need_material, "冬衣被褥不足")
        type_text(dialog.need_spiritual, "独居，情绪低落")
        dialog.worker.setCurrentIndex(dialog.worker.findText("陈晓燕"))
        grab(dialog, "targets_plan_dialog")
        click(qtbot, dialog.save_button)
        assert "服务内容不能为空" in dialog.error_label.text()  # nothing saved
        type_text(dialog.services, "每月上门探访，链接慈善会冬衣")
        click(qtbot, dialog.save_button)
        assert page.model.rowCount() == 1 and page.notice.text() == "服务计划已建立。"
        row = page.selected()
        assert (row.person_name, row.staff_name, row.review_due) == ("王秀英", "陈晓燕", date(2027, 2, 18))
        grab(view, "targets_plans")

        click(qtbot, page.review_button)
        review = page.dialog
        assert isinstance(review, ReviewDialog)
        type_text(review.note_edit, "冬衣已送到，情绪好转")
        click(qtbot, review.save_button)
        assert page.notice.text() == f"服务计划 {row.plan_no} 已复核。"

        click(qtbot, page.escalate_button)
        escalate = page.dialog
        assert isinstance(escalate, EscalateDialog)
        assert "冬衣已送到" in escalate.description.toPlainText()
        assert escalate.worker.currentData() == ctx.user.id  # 陈晓燕 has no account: the user takes the case
        type_text(escalate.title_edit, "独居老人生活照料")
        grab(escalate, "targets_plan_escalate")
        click(qtbot, escalate.save_button)
        assert isinstance(view.dialog, CaseDialog)
    with station_db.session() as s:
        plan = plans.list_plans(s, PlanFilter(status=None))[0]
        detail = plans.get_plan(s, plan.id)
    assert plan.status is PlanStatus.ESCALATED and plan.case_no
    assert [r.outcome for r in detail.reviews] == [PlanReviewOutcome.CONTINUE]
    assert view.cases_page.model.rowCount() == 1
    assert view.cases_page.model.row(0).source is CaseSource.PLAN


def test_a_supervisor_reads_plans_and_cannot_change_them(qtbot, station_db, resident):
    with station_db.session() as s:
        plans.save_plan(s, None, plans.PlanInput(resident, None, "缺衣", "", "", "探访", plans.PlanFrequency.MONTHLY,
                                                 TODAY, date(2026, 12, 20)), today=TODAY)
    ctx = _context(station_db, "dd1", Role.SUPERVISOR)
    with clock_on(TODAY):
        view = _view(qtbot, ctx)
        page = view.plans_page
        page.table.selectRow(0)
        assert not page.new_button.isVisible() and not page.review_button.isVisible()
        page.open_selected()
        assert isinstance(page.dialog, PlanDialog) and not page.dialog.save_button.isVisible()
        assert not page.dialog.services.isEnabled()


def test_the_counter_does_not_see_plans(qtbot, station_db):
    with station_db.session() as s:
        auth.create_user(s, "ck1", "窗口", Role.WINDOW, "Shegong2024", must_change=False)
        info = station.get_station(s)
    ctx = AppContext(db=station_db, user=auth.log_in(station_db, "ck1", "Shegong2024"), station=info)
    view = TargetsView(ctx)
    qtbot.addWidget(view)
    assert view.plans_page is None and "服务计划" not in view.tab_titles()
