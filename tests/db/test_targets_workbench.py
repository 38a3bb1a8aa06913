"""工作台 shows visits overdue and due within a week, and cases with goals past due."""

from __future__ import annotations

from datetime import date, datetime

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import CaseSource, Relation, Risk, VisitForm
from shuanbai_desktop.services import persons, workbench
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import case_records, cases, due, households, visits
from shuanbai_desktop.services.targets.households import HouseholdInput, MemberInput
from shuanbai_desktop.services.workbench import Level, WorkbenchContext

VILLAGE = "441302001001"


def test_due_visits_and_late_goals_on_the_workbench(station_db, admin):
    today = date(2026, 11, 20)
    with station_db.session() as s:
        ids = [persons.save_person(s, PersonInput(n, num, village_code=VILLAGE), today=today)
               for n, num in (("王五", "440524194501010011"), ("赵六", "440524198001010013"))]
        homes = [households.save_household(s, HouseholdInput((MemberInput(pid, Relation.HEAD),))) for pid in ids]
        visits.save_visit(s, visits.VisitInput(homes[0], date(2026, 10, 1), (admin.id,), (ids[0],), VisitForm.HOME,
                                               "稳定", Risk.MEDIUM, next_due=date(2026, 11, 1)), today=today)
        visits.save_visit(s, visits.VisitInput(homes[1], date(2026, 11, 15), (admin.id,), (ids[1],), VisitForm.PHONE,
                                               "稳定", Risk.HIGH), today=today)
        cid = cases.open_case(s, cases.CaseInput(ids[0], "生活照料", CaseSource.VISIT, "独居", date(2026, 10, 2),
                                                 admin.id), today=today)
        cases.advance(s, cid, today=today)
        case_records.save_assessment(s, cid, case_records.AssessmentInput(date(2026, 10, 3), ("care",), "需照料"),
                                     today=today)
        cases.advance(s, cid, today=today)
        case_records.save_goal(s, cid, case_records.GoalInput("按时就医", "陪同", date(2026, 10, 5), date(2026, 11, 5)))
    with station_db.session() as s:
        ctx = WorkbenchContext(s, datetime(2026, 11, 20, 9), station_db.path, Role.ADMIN)
        items = due._visit_items(ctx) + due._case_items(ctx)  # this area's providers (others may be unfinished)
    assert due._visit_items in workbench.PROVIDERS and due._case_items in workbench.PROVIDERS
    mine = {i.title: i for i in items if i.area.startswith("targets.")}
    assert mine["1 户走访已超期"].level is Level.OVERDUE and "王五户" in mine["1 户走访已超期"].detail
    assert mine["1 户 7 天内应走访"].level is Level.SOON and "赵六户" in mine["1 户 7 天内应走访"].detail
    late = mine["1 个个案有服务目标已过期限未评估"]
    assert late.area == "targets.cases" and "2026-0001" in late.detail
