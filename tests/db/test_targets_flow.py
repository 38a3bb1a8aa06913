"""Done-when of issue 4, through the services: household, visit with a need, a case through all six
stages with a referral and a linked resource, a scan attached, the summary printed, the figures counting it."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import (
    CaseOutcome,
    CaseSource,
    CaseStage,
    GoalResult,
    Housing,
    IncomeSource,
    NeedType,
    Relation,
    ResourceKind,
    Risk,
    SessionMethod,
    TargetGroup,
    VisitForm,
)
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import attachments, auth, persons
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import case_records as rec
from shuanbai_desktop.services.targets import cases, households, month_figures, printouts, visits
from shuanbai_desktop.services.targets.case_detail import case_detail
from shuanbai_desktop.services.targets.household_file import household_file

VILLAGE = "441302001001"
TODAY = date(2026, 11, 20)


def _pdf_text(path) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.fixture
def worker(station_db):
    with station_db.session() as s:
        auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
    return auth.log_in(station_db, "sg1", "Shegong2024")


@pytest.fixture
def family(station_db):
    with station_db.session() as s:
        head = persons.save_person(s, PersonInput("李𠮷祥", "440524194501010011", village_code=VILLAGE,
                                                  groups=(TargetGroup.ELDERLY_IN_DIFFICULTY, TargetGroup.LOW_INCOME)),
                                   today=TODAY)
        child = persons.save_person(s, PersonInput("李䶮", "440524201503040022", village_code=VILLAGE,
                                                   groups=(TargetGroup.LEFT_BEHIND_CHILD,), guardian_name="李𠮷祥",
                                                   guardian_relation="祖父"), today=TODAY)
    return head, child


def test_household_visit_case_six_stages_attachment_pdf_and_figures(station_db, worker, family, tmp_path):
    head, child = family
    with station_db.session(worker.actor) as s:
        hid = households.save_household(s, households.HouseholdInput(
            (households.MemberInput(head, Relation.HEAD), households.MemberInput(child, Relation.GRANDCHILD)),
            housing=Housing.OWNED, incomes=(households.IncomeInput(IncomeSource.ASSISTANCE, "9600"),)))
        vid = visits.save_visit(s, visits.VisitInput(hid, date(2026, 11, 2), (worker.id,), (head, child),
                                                     VisitForm.HOME, "祖孙二人同住，孙女学习跟不上，情绪低落。", Risk.HIGH,
                                                     need_spiritual="孙女需要心理陪伴"), TODAY)
    with station_db.session(worker.actor) as s:
        info = households.get_household(s, hid)
        assert info.name == "李𠮷祥户" and info.next_due == date(2026, 11, 9) and info.risk is Risk.HIGH
        assert [m.relation for m in info.members] == [Relation.HEAD, Relation.GRANDCHILD]
        cid = cases.open_case(s, cases.CaseInput(child, "留守儿童学习与情绪支持", CaseSource.VISIT,
                                                 "走访发现孙女情绪低落。", date(2026, 11, 3), worker.id,
                                                 source_visit_id=vid), TODAY)
    steps = [
        lambda s: rec.save_assessment(s, cid, rec.AssessmentInput(date(2026, 11, 4), (NeedType.SPIRITUAL,
                                                                                      NeedType.EDUCATION),
                                                                  "缺少陪伴与课业辅导"), TODAY),
        lambda s: rec.save_goal(s, cid, rec.GoalInput("情绪好转", "每周陪伴一次", date(2026, 11, 5),
                                                      date(2026, 11, 30))),
        lambda s: (rec.save_referral(s, cid, rec.ReferralInput(date(2026, 11, 6), "镇中心小学", "课后托管"),
                                     today=TODAY),
                   rec.save_resource(s, cid, rec.ResourceInput(date(2026, 11, 7), ResourceKind.GOODS, "县慈善会",
                                                               "学习用品", "350.00"), TODAY)),
        lambda s: rec.add_session(s, cid, rec.SessionInput(date(2026, 11, 10), SessionMethod.HOME, 60,
                                                           "陪伴并辅导作业"), TODAY),
    ]
    for step in steps:
        with station_db.session(worker.actor) as s:
            cases.advance(s, cid, TODAY)
            step(s)
    with station_db.session(worker.actor) as s:
        assert cases.advance(s, cid, TODAY) is CaseStage.FOLLOW_UP
        goal = case_detail(s, cid).goals[0].id
        rec.add_followup(s, cid, date(2026, 11, 18), "情绪明显好转", TODAY)
        with pytest.raises(UserError, match="目标部分达成"):
            cases.close_case(s, cid, CaseOutcome.PARTLY_MET, "完成", date(2026, 11, 19), TODAY)
        rec.evaluate_goal(s, goal, GoalResult.ACHIEVED, "已能主动交流", date(2026, 11, 18), TODAY)
        scan = tmp_path / "评估表扫描件.pdf"
        scan.write_bytes(b"%PDF-1.4 scan")
        attachments.add_attachment(s, station_db.path, "case_record", cid, scan, "评估表")
        cases.close_case(s, cid, CaseOutcome.GOALS_MET, "目标达成", date(2026, 11, 19), TODAY)
    with station_db.session(worker.actor) as s:
        detail = case_detail(s, cid)
        hfile = household_file(s, station_db.path, hid)
        fig = month_figures(s, 2026, 11)
    assert detail.row.status.value == "closed" and all(detail.done.values())
    assert [e.stage for e in detail.timeline][0] == "进程" and len(detail.timeline) >= 9
    assert hfile.cases[0].case_no == detail.row.case_no and hfile.attachments[0][0] == detail.row.case_no
    pdf = printouts.case_pdf(detail, "桥东街道社会工作服务站", tmp_path / "case.pdf", today=TODAY)
    text = _pdf_text(pdf)
    assert "李䶮" in text and "440524********0022" in text and "440524201503040022" not in text
    house_pdf = printouts.household_pdf(hfile, "桥东街道社会工作服务站", tmp_path / "house.pdf", today=TODAY)
    house_text = _pdf_text(house_pdf)
    assert "李䶮" in house_text and "440524********0011" in house_text and "东湖社区" in house_text
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "case")], check=True)
    assert fig.targets_total == 2 and fig.elderly == 1 and fig.child_left_behind == 1 and fig.dibao == 1
    assert fig.targets_with_file == 2 and fig.file_coverage_percent == 100.0 and fig.households_with_file == 1
    assert fig.persons_with_plan == 0 and fig.plan_coverage_percent == 0.0  # the case closed before the month's end
    assert (fig.visit_household_times, fig.visit_person_times) == (1, 2)
    assert (fig.cases_opened, fig.cases_closed, fig.cases_active) == (1, 1, 0)
    assert fig.referrals == 1 and fig.resources_linked == 1 and fig.resources_value_yuan == Decimal("350.00")
    assert fig.targets_by_village == ((VILLAGE, 2),)


def test_stage_cannot_be_skipped_and_missing_is_named(station_db, worker, family):
    head, _ = family
    with station_db.session(worker.actor) as s:
        cid = cases.open_case(s, cases.CaseInput(head, "生活困难", CaseSource.SELF, "本人来站求助", TODAY, worker.id),
                              TODAY)
    with pytest.raises(UserError) as err, station_db.session(worker.actor) as s:
        cases.advance(s, cid, TODAY)
        cases.advance(s, cid, TODAY)
    assert "还不能进入“制定计划”" in err.value.message and "需求评估" in err.value.message
    with pytest.raises(UserError, match="不能跳过步骤"), station_db.session(worker.actor) as s:
        rec.add_session(s, cid, rec.SessionInput(TODAY, SessionMethod.HOME, 30, "x"), TODAY)
    with station_db.session(worker.actor) as s:
        detail = case_detail(s, cid)
    assert detail.row.stage is CaseStage.IDENTIFY and detail.sessions == ()


@pytest.mark.parametrize(("closed_on", "rule"), [(date(2026, 10, 1), "不能早于开案日期"),
                                                 (date(2026, 12, 1), "不能晚于今天")])
def test_case_closed_before_it_opened_or_in_future_is_refused(station_db, worker, family, closed_on, rule):
    head, _ = family
    with station_db.session(worker.actor) as s:
        cid = cases.open_case(s, cases.CaseInput(head, "生活困难", CaseSource.SELF, "求助", date(2026, 11, 1),
                                                 worker.id), TODAY)
    with pytest.raises(UserError) as err, station_db.session(worker.actor) as s:
        cases.close_case(s, cid, CaseOutcome.DECLINED, "拒绝服务", closed_on, TODAY)
    assert rule in err.value.message and err.value.field == "结案日期"
    with station_db.session(worker.actor) as s:
        assert case_detail(s, cid).row.status.value == "open"


def test_early_close_with_allowed_outcome_then_reopen(station_db, worker, family):
    head, _ = family
    with station_db.session(worker.actor) as s:
        cid = cases.open_case(s, cases.CaseInput(head, "生活困难", CaseSource.SELF, "求助", TODAY, worker.id),
                              TODAY)
        cases.close_case(s, cid, CaseOutcome.MOVED_OR_DIED, "已随子女迁往外地", TODAY, TODAY)
        with pytest.raises(UserError, match="重新开案原因不能为空"):
            cases.reopen_case(s, cid, " ", TODAY)
        cases.reopen_case(s, cid, "又迁回本村", TODAY)
        detail = case_detail(s, cid)
    assert detail.row.status.value == "open" and "重新开案：又迁回本村" in detail.timeline[-1].text


def test_only_the_case_worker_or_admin_edits(station_db, worker, admin, family):
    head, _ = family
    with station_db.session() as s:
        auth.create_user(s, "sg2", "林丽娟", Role.SOCIAL_WORKER, "Shegong2025", must_change=False)
    other = auth.log_in(station_db, "sg2", "Shegong2025")
    with station_db.session(worker.actor) as s:
        cid = cases.open_case(s, cases.CaseInput(head, "生活困难", CaseSource.SELF, "求助", TODAY, worker.id),
                              TODAY)
        cases.advance(s, cid, TODAY)
    with pytest.raises(UserError, match="负责社工"), station_db.session(other.actor) as s:
        rec.save_assessment(s, cid, rec.AssessmentInput(TODAY, (NeedType.MATERIAL,), "x"), TODAY)
    with station_db.session(admin.actor) as s:
        rec.save_assessment(s, cid, rec.AssessmentInput(TODAY, (NeedType.MATERIAL,), "x"), TODAY)


# 窗口转介 (a window matter becomes a case once, linked both ways): tests/db/test_window_referral.py
