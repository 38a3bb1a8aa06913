"""服务对象与个案, end to end as a social worker would: household → visit with a need → case through
the six stages with a referral and a linked resource → a scan attached → the summary printed → figures."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import CaseStage, Relation, ResourceKind, Risk, TargetGroup
from shuanbai_desktop.services import auth, persons, station
from shuanbai_desktop.services.persons import PersonFilter, PersonInput
from shuanbai_desktop.services.targets import month_figures
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.targets.view import TargetsView
from tests.ui.helpers import click, grab, type_text

VILLAGE = "441302001001"


@pytest.fixture
def ctx(station_db):
    with station_db.session() as s:
        auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
        info = station.get_station(s)
        persons.save_person(s, PersonInput("李𠮷祥", "440524194501010011", village_code=VILLAGE, phone="13800138000",
                                           address="东湖社区3组12号",
                                           groups=(TargetGroup.ELDERLY_IN_DIFFICULTY, TargetGroup.LOW_INCOME)))
        persons.save_person(s, PersonInput("李䶮", "440524201503040022", village_code=VILLAGE,
                                           groups=(TargetGroup.LEFT_BEHIND_CHILD,), guardian_name="李𠮷祥"))
    user = auth.log_in(station_db, "sg1", "Shegong2024")
    return AppContext(db=station_db, user=user, station=info)


@pytest.fixture
def view(qtbot, ctx):
    widget = TargetsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1180, 700)
    widget.show()
    return widget


def _pick(qtbot, picker, text):
    picker.search_edit.clear()
    type_text(picker.search_edit, text)
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)


def test_social_worker_walks_a_case_end_to_end(qtbot, view, ctx, tmp_path, monkeypatch):
    page = view.persons_page
    assert page.model.total == 2 and page.count_label.text() == "共 2 人"
    page.group_filter.setCurrentIndex(page.group_filter.findData(TargetGroup.LEFT_BEHIND_CHILD.value))
    assert [page.model.row(i).name for i in range(page.model.rowCount())] == ["李䶮"]
    page.group_filter.setCurrentIndex(0)
    grab(view, "targets_persons")

    # 一户一档: the head from the list, the grandchild through the picker
    page.select_person(page.model.id_at(next(i for i in range(2) if page.model.row(i).name == "李𠮷祥")))
    click(qtbot, page.household_button)
    household = view.dialog
    _pick(qtbot, household.members.picker, "李䶮")
    assert len(household.members.members()) == 2
    household.members.set_relation(household.members.member_ids()[1], Relation.GRANDCHILD)
    grab(household, "targets_household_dialog")
    click(qtbot, household.save_button)
    hview = view.dialog
    assert hview.windowTitle() == "一户一档 — 李𠮷祥户" and hview.members_model.rowCount() == 2
    grab(hview, "targets_household_file")

    # 入户走访 that finds a need, then a case for it
    click(qtbot, hview.visit_button)
    visit = view.dialog
    type_text(visit.findings, "祖孙同住，孙女学习跟不上，情绪低落。")
    visit.needs.spiritual_box.setChecked(True)
    type_text(visit.needs.edits["spiritual"], "孙女需要心理陪伴")
    visit.risk_combo.setCurrentIndex(visit.risk_combo.findData(Risk.HIGH.value))
    assert visit.due_edit.date().toPython() == date.today() + timedelta(days=7)
    visit.due_edit.setDate(date.today() - timedelta(days=1))
    click(qtbot, visit.save_button)
    assert visit.errors.text == "下次走访日期应晚于本次走访日期。"
    visit.due_edit.setDate(date.today() + timedelta(days=7))
    visit.case_box.setChecked(True)
    grab(visit, "targets_visit_dialog")
    click(qtbot, visit.save_button)
    assert "李𠮷祥户" in hview.header.text() and hview.visits_model.rowCount() == 1
    opening = view.dialog
    assert "孙女需要心理陪伴" in opening.description.toPlainText()
    _pick(qtbot, opening.picker, "李䶮")
    type_text(opening.title_edit, "留守儿童学习与情绪支持")
    grab(opening, "targets_case_open")
    click(qtbot, opening.save_button)
    case = view.dialog
    assert case.detail.row.stage is CaseStage.IDENTIFY

    # the six stages; skipping is refused with what is missing
    click(qtbot, case.advance_button)
    assert case.detail.row.stage is CaseStage.ASSESS
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda parent, text, title="": shown.append(text))
    shown: list[str] = []
    click(qtbot, case.advance_button)
    assert shown and "还不能进入“制定计划”" in shown[0]
    assess = case.pages[1]
    assess.need_boxes[list(assess.need_boxes)[1]].setChecked(True)
    type_text(assess.assessment, "缺少陪伴和课业辅导")
    click(qtbot, assess.button)
    click(qtbot, case.advance_button)
    plan = case.pages[2]
    type_text(plan.goal, "情绪好转，按时完成作业")
    type_text(plan.actions, "每周家访陪伴一次，链接课后托管")
    click(qtbot, plan.button)
    assert plan.model.rowCount() == 1
    click(qtbot, case.advance_button)
    res = case.pages[3]
    type_text(res.counterpart, "镇中心小学")
    type_text(res.content, "课后托管")
    click(qtbot, res.button)
    res.kind.setCurrentIndex(res.kind.findData(ResourceKind.GOODS.value))
    type_text(res.counterpart, "县慈善会")
    type_text(res.content, "学习用品")
    res.value.setText("350")
    click(qtbot, res.button)
    assert res.model.rowCount() == 2
    grab(case, "targets_case_resources")
    click(qtbot, case.advance_button)
    session_page = case.pages[4]
    type_text(session_page.content, "陪伴并辅导作业")
    click(qtbot, session_page.button)
    click(qtbot, case.advance_button)
    follow = case.pages[5]
    type_text(follow.content, "情绪明显好转")
    click(qtbot, follow.button)
    assert case.detail.missing  # the goal is not evaluated yet
    type_text(follow.evaluation, "能主动交流，作业按时完成")
    click(qtbot, follow.eval_button)
    assert not case.detail.missing and all(case.detail.done.values())
    grab(case, "targets_case_follow_up")

    # a scan attached, the summary printed (saved as PDF), the case closed
    scan = tmp_path / "评估表.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    click(qtbot, case.files_button)
    files = view.dialog
    files.add_file(scan, "评估表扫描件")
    assert files.model.rowCount() == 1 and "张" not in str(files.model.row(0).path)
    grab(files, "targets_attachments")
    files.accept()
    saved = []
    monkeypatch.setattr("shuanbai_desktop.ui.printing.save_pdf_as", lambda parent, pdf, name: saved.append((pdf, name)) or pdf)
    click(qtbot, case.print_button)
    click(qtbot, case.sub_dialog.save_button)
    pdf, name = saved[0]
    assert name.startswith("个案摘要-") and "李" not in name
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    click(qtbot, case.close_button)
    closing = case.sub_dialog
    type_text(closing.reason, "目标达成")
    click(qtbot, closing.save_button)
    assert case.detail.row.status.value == "closed" and not case.advance_button.isEnabled()
    grab(case, "targets_case_closed")

    with ctx.session() as s:
        fig = month_figures(s, date.today().year, date.today().month)
    assert fig.visit_household_times == 1 and fig.visit_person_times == 2
    assert fig.referrals == 1 and fig.resources_value_yuan == Decimal("350.00") and fig.cases_closed == 1
    assert fig.persons_with_plan == 0 and fig.targets_with_file == 2  # 一人一案: the case is closed, no plan


def test_pages_show_due_visits_cases_and_resources(qtbot, view, ctx):
    view.show_page("targets.visits")
    assert view.tabs.currentWidget() is view.visits_page
    grab(view, "targets_visits")
    view.show_page("targets.cases")
    grab(view, "targets_cases")
    view.show_page("targets.households")
    grab(view, "targets_households")
    view.show_page("targets.resources")
    res = view.resources_page
    type_text(res.v_name, "张志愿")
    click(qtbot, res.v_add)
    res.volunteer_table.selectRow(0)
    res.h_hours.setText("2.5")
    type_text(res.h_content, "陪伴独居老人")
    click(qtbot, res.h_add)
    assert res.volunteer_model.row(0).hours == Decimal("2.5")
    res.tabs.setCurrentIndex(1)
    grab(view, "targets_resources")


def test_window_role_sees_summaries_only(qtbot, station_db, ctx):
    with station_db.session() as s:
        auth.create_user(s, "window1", "陈晓红", Role.WINDOW, "Chuangkou2024", must_change=False)
    user = auth.log_in(station_db, "window1", "Chuangkou2024")
    view = TargetsView(AppContext(db=station_db, user=user, station=ctx.station))
    qtbot.addWidget(view)
    view.show()
    assert view.persons_page.new_button.isEnabled() and not view.persons_page.case_button.isVisible()
    assert not view.cases_page.new_button.isVisible() and not view.cases_page.open_button.isVisible()
    assert not view.households_page.new_button.isVisible() and not view.visits_page.new_button.isVisible()
    headers = [view.visits_page.visit_model.headerData(i, Qt.Orientation.Horizontal)
               for i in range(view.visits_page.visit_model.columnCount())]
    assert "需求" not in headers and "风险" in headers  # visits without the needs found (case content)
    with station_db.session() as s:
        assert persons.count(s, PersonFilter()) == 2
