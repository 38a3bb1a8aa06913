"""一人一案 service plans (issue 15, R4.2): one current plan a person, reviews, escalation into a case that
takes the plan over, the report's coverage (counted by hand), 工作台's reviews due, who may write."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import (
    CaseOutcome,
    CaseSource,
    PlanFrequency,
    PlanReviewOutcome,
    PlanStatus,
    TargetGroup,
)
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import cases, month_figures, plans
from shuanbai_desktop.services.targets.case_detail import case_detail
from shuanbai_desktop.services.targets.plans import PlanFilter, PlanInput, ReviewInput
from shuanbai_desktop.services.workbench import Level, WorkbenchContext
from tests.conftest import BOTH
from tests.db.test_staff_common import hire, id_number

BACKENDS = BOTH

VILLAGE = "441302001001"
TODAY = date(2026, 11, 20)
ELDERLY = (TargetGroup.LOW_INCOME,)


def _person(s, name: str, seq: int, groups=ELDERLY) -> int:
    return persons.save_person(s, PersonInput(name, id_number(500 + seq), village_code=VILLAGE, groups=groups),
                               today=date(2026, 1, 1))


def _plan_input(pid: int, staff: int | None, start: date = date(2026, 11, 2), due: date = date(2026, 12, 2),
                material: str = "缺少冬衣") -> PlanInput:
    return PlanInput(pid, staff, material, "独居，少与人交流", "", "每月上门探访一次，链接冬衣", PlanFrequency.MONTHLY,
                     start, due)


@pytest.fixture
def staff(station_db) -> int:
    return hire(station_db, "陈晓燕", 7)  # on the roster, no account


def test_plan_reviewed_then_ended_and_one_current_plan_a_person(station_db, staff):
    with station_db.session() as s:
        pid = _person(s, "王秀英", 11)
        plan_id = plans.save_plan(s, None, _plan_input(pid, staff), today=TODAY)
    with station_db.session() as s, pytest.raises(UserError, match="已有执行中的服务计划 J2026-0001"):
        plans.save_plan(s, None, _plan_input(pid, staff), today=TODAY)
    with station_db.session() as s, pytest.raises(UserError, match="下次复核日期应晚于") as bad:
        plans.save_plan(s, plan_id, _plan_input(pid, staff, due=date(2026, 11, 1)), today=TODAY)
    assert bad.value.field == "下次复核日期"
    with station_db.session() as s, pytest.raises(UserError, match="请至少填写一项需求"):
        plans.save_plan(s, plan_id, PlanInput(pid, staff, " ", "", "", "探访", PlanFrequency.WEEKLY,
                                              date(2026, 11, 2), date(2026, 12, 2)), today=TODAY)
    with station_db.session() as s:
        plans.review_plan(s, plan_id, ReviewInput(date(2026, 11, 19), PlanReviewOutcome.CONTINUE, "已送冬衣",
                                                  date(2027, 2, 19)), today=TODAY)
        with pytest.raises(UserError, match="请填写下次复核日期"):
            plans.review_plan(s, plan_id, ReviewInput(TODAY, PlanReviewOutcome.ADJUST, "改为每周", None), today=TODAY)
    with station_db.session() as s:
        detail = plans.get_plan(s, plan_id)
        assert detail.row.review_due == date(2027, 2, 19) and detail.row.staff_name == "陈晓燕"
        assert [r.outcome for r in detail.reviews] == [PlanReviewOutcome.CONTINUE]
        plans.review_plan(s, plan_id, ReviewInput(TODAY, PlanReviewOutcome.END, "需求已解决", None), today=TODAY)
    with station_db.session() as s:
        row = plans.get_plan(s, plan_id).row
        assert (row.status, row.ended_on) == (PlanStatus.ENDED, TODAY)
        with pytest.raises(UserError, match="已结束，不能再修改"):
            plans.save_plan(s, plan_id, _plan_input(pid, staff), today=TODAY)
        again = plans.save_plan(s, None, _plan_input(pid, None, start=TODAY, due=date(2027, 1, 20)), today=TODAY)
        assert plans.get_plan(s, again).row.plan_no == "J2026-0002"


def test_escalated_plan_becomes_a_case_that_holds_its_content(station_db, staff, admin):
    with station_db.session() as s:
        pid = _person(s, "李桂兰", 13)
        plan_id = plans.save_plan(s, None, _plan_input(pid, staff), today=TODAY)
        plans.review_plan(s, plan_id, ReviewInput(date(2026, 11, 10), PlanReviewOutcome.ADJUST, "摔倒后行动不便",
                                                  date(2026, 12, 10)), today=TODAY)
    with station_db.session() as s:
        case_id = plans.escalate_plan(s, plan_id, "跌倒后的照料安排", "", admin.id, today=TODAY)
    with station_db.session() as s:
        plan = plans.get_plan(s, plan_id).row
        case = case_detail(s, case_id)
        assert (plan.status, plan.ended_on, plan.case_id, plan.case_no) == (
            PlanStatus.ESCALATED, TODAY, case_id, case.row.case_no)
        assert case.row.source is CaseSource.PLAN and case.row.opened_on == TODAY and case.row.person_id == pid
        assert "缺少冬衣" in case.description and "摔倒后行动不便" in case.description
        assert "J2026-0001" in case.description
        with pytest.raises(UserError, match="已转个案，不能再转为个案"):
            plans.escalate_plan(s, plan_id, "再转", "", admin.id, today=TODAY)
    with station_db.session() as s, pytest.raises(UserError, match="有进行中的个案"):
        plans.save_plan(s, None, _plan_input(pid, staff), today=TODAY)


def test_a_case_opened_for_the_person_takes_the_plan_over(station_db, staff, admin):
    with station_db.session() as s:
        pid = _person(s, "张伟", 15)
        plan_id = plans.save_plan(s, None, _plan_input(pid, staff), today=TODAY)
        case_id = cases.open_case(s, cases.CaseInput(pid, "家庭矛盾", CaseSource.VILLAGE, "村委报告",
                                                     date(2026, 11, 1), admin.id), today=TODAY)
    with station_db.session() as s:
        row = plans.get_plan(s, plan_id).row
    # opened the day before the plan began: the plan ends the day it began, never before
    assert (row.status, row.case_id, row.ended_on) == (PlanStatus.ESCALATED, case_id, date(2026, 11, 2))


def test_coverage_counts_persons_with_a_current_plan_or_an_open_case(station_db, staff, admin):
    """Eight residents, counted by hand for November 2026 (month end 11-30)."""
    with station_db.session() as s:
        ids = {name: _person(s, name, seq, groups=() if name == "非对象" else ELDERLY) for seq, name in enumerate(
            ("计划中", "计划已结束", "在案", "已结案", "下月计划", "转个案", "无计划", "非对象"), start=21)}
        plans.save_plan(s, None, _plan_input(ids["计划中"], staff), today=TODAY)  # counts
        ended = plans.save_plan(s, None, _plan_input(ids["计划已结束"], staff), today=TODAY)
        plans.review_plan(s, ended, ReviewInput(date(2026, 11, 15), PlanReviewOutcome.END, "已解决", None),
                          today=TODAY)  # ended before the month's end: not counted
        cases.open_case(s, cases.CaseInput(ids["在案"], "照料", CaseSource.VISIT, "独居", date(2026, 10, 5),
                                           admin.id), today=TODAY)  # open case: counts
        closed = cases.open_case(s, cases.CaseInput(ids["已结案"], "照料", CaseSource.VISIT, "独居", date(2026, 10, 5),
                                                    admin.id), today=TODAY)
        cases.close_case(s, closed, CaseOutcome.DECLINED, "拒绝服务", date(2026, 11, 18), today=TODAY)  # not counted
        plans.save_plan(s, None, _plan_input(ids["下月计划"], staff, start=date(2026, 12, 1), due=date(2027, 1, 1)),
                        today=date(2026, 12, 1))  # begins in December: not counted for November
        escalated = plans.save_plan(s, None, _plan_input(ids["转个案"], staff), today=TODAY)
        plans.escalate_plan(s, escalated, "升级", "", admin.id, today=TODAY)  # counts once (its case)
        plans.save_plan(s, None, _plan_input(ids["非对象"], staff), today=TODAY)  # not a service target
    with station_db.session() as s:
        november = month_figures(s, 2026, 11)
        october = month_figures(s, 2026, 10)
        december = month_figures(s, 2026, 12)
    assert november.targets_total == 7
    assert november.persons_with_plan == 3 and november.plan_coverage_percent == round(3 * 100 / 7, 1)
    assert october.persons_with_plan == 2  # 在案 and 已结案 had open cases at the end of October
    assert december.persons_with_plan == 4  # 计划中, 在案, 下月计划, 转个案


def test_reviews_due_on_the_workbench(station_db, staff):
    with station_db.session() as s:
        late = _person(s, "赵兰", 31)
        soon = _person(s, "钱英", 33)
        later = _person(s, "孙敏", 35)
        plans.save_plan(s, None, _plan_input(late, staff, start=date(2026, 10, 1), due=date(2026, 11, 10)),
                        today=TODAY)
        plans.save_plan(s, None, _plan_input(soon, staff, due=date(2026, 11, 25)), today=TODAY)
        plans.save_plan(s, None, _plan_input(later, staff, due=date(2026, 12, 25)), today=TODAY)
    with station_db.session() as s:
        items = plans._plan_items(WorkbenchContext(s, datetime(2026, 11, 20, 9), station_db.path, Role.ADMIN))
        due = plans.list_plans(s, PlanFilter(due_by=TODAY))
        supervisor = plans._plan_items(WorkbenchContext(s, datetime(2026, 11, 20, 9), station_db.path,
                                                        Role.SUPERVISOR))
    assert [(i.level, i.area, i.title) for i in items] == [
        (Level.OVERDUE, "targets.plans", "1 份服务计划待复核（已过复核日期）"),
        (Level.SOON, "targets.plans", "1 份服务计划 7 天内待复核")]
    assert "赵兰" in items[0].detail and "钱英" in items[1].detail and "孙敏" not in items[0].detail + items[1].detail
    assert [r.person_name for r in due] == ["赵兰"] and supervisor == []


def test_who_may_write_and_read_plans(station_db, staff):
    with station_db.session() as s:
        pid = _person(s, "周强", 41)
        plan_id = plans.save_plan(s, None, _plan_input(pid, staff), today=TODAY)
        auth.create_user(s, "ck1", "窗口小李", Role.WINDOW, "Chuangkou2024", must_change=False)
        auth.create_user(s, "dd1", "督导老吴", Role.SUPERVISOR, "Dudao20245", must_change=False)
    window = auth.log_in(station_db, "ck1", "Chuangkou2024")
    supervisor = auth.log_in(station_db, "dd1", "Dudao20245")
    with station_db.session(window.actor) as s, pytest.raises(UserError):
        plans.list_plans(s, PlanFilter())
    with station_db.session(supervisor.actor) as s:
        assert [r.id for r in plans.list_plans(s, PlanFilter())] == [plan_id]
        with pytest.raises(UserError):
            plans.review_plan(s, plan_id, ReviewInput(TODAY, PlanReviewOutcome.END, "结束", None), today=TODAY)
