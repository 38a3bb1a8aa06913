"""Issue 12 in 服务对象与个案: every change audited (no bulk statements), the acting user from the session,
case ownership, full ID numbers on a printout only with a reason."""

from __future__ import annotations

import json
from datetime import date

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import (
    ActivityKind,
    CaseSource,
    IncomeSource,
    NeedType,
    Relation,
    Risk,
    VisitForm,
)
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.targets import case_records as rec
from shuanbai_desktop.services.targets import cases, households, printouts, resources, visits
from shuanbai_desktop.services.targets.case_detail import case_detail
from shuanbai_desktop.services.targets.households import HouseholdInput, IncomeInput, MemberInput

VILLAGE = "441302001001"
TODAY = date(2026, 11, 20)
HEAD, WIFE, SON = "440524194501010011", "440524194803030026", "440524197505050014"
PASSWORD = "Qiao-dong-2024-zhan"
STATION = "桥东街道社会工作服务站"


def _user(db, username: str, role: Role):
    with db.session() as s:
        auth.create_user(s, username, f"测试{role.short}", role, PASSWORD, must_change=False)
    return auth.log_in(db, username, PASSWORD)


def _entries(db, table: str, after: int = 0) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == table, AuditEntry.id > after)
                              .order_by(AuditEntry.id)))


def _head(db) -> int:
    with db.session() as s:
        return s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


@pytest.fixture
def family(station_db):
    with station_db.session() as s:
        ids = [persons.save_person(s, PersonInput(name, number, village_code=VILLAGE), today=TODAY)
               for name, number in (("王五", HEAD), ("李秀英", WIFE), ("王小明", SON))]
        hid = households.save_household(s, HouseholdInput(
            (MemberInput(ids[0], Relation.HEAD), MemberInput(ids[1], Relation.SPOUSE), MemberInput(ids[2], Relation.CHILD)),
            incomes=(IncomeInput(IncomeSource.PENSION, "12000"), IncomeInput(IncomeSource.ASSISTANCE, "9600"))))
    return hid, ids


def test_removing_a_household_member_and_an_income_is_audited(station_db, family):
    """Issue 12 “Audit gaps”: members and incomes were rewritten by bulk statements, which left no entry."""
    hid, (head, wife, son) = family
    mark = _head(station_db)
    with station_db.session() as s:
        households.save_household(s, HouseholdInput(
            (MemberInput(head, Relation.HEAD), MemberInput(wife, Relation.SPOUSE)),
            incomes=(IncomeInput(IncomeSource.PENSION, "12000"),)), hid)
    moved = [e for e in _entries(station_db, "person", mark) if e.action == "update"]
    assert [e.record_id for e in moved] == [str(son)]
    assert json.loads(moved[0].changes)["household_id"] == [hid, None]
    incomes = _entries(station_db, "household_income", mark)
    assert [e.action for e in incomes] == ["delete"]  # the pension kept, not deleted and re-added
    assert "assistance" in incomes[0].changes


def test_deleting_a_household_audits_its_members_and_incomes(station_db, family):
    hid, ids = family
    mark = _head(station_db)
    with station_db.session() as s:
        households.delete_household(s, hid)
    assert sorted(int(e.record_id) for e in _entries(station_db, "person", mark)) == sorted(ids)
    assert [e.action for e in _entries(station_db, "household_income", mark)] == ["delete", "delete"]
    assert [e.action for e in _entries(station_db, "household", mark)] == ["delete"]
    with station_db.session() as s:
        assert all(persons.get_person(s, pid).household_id is None for pid in ids)


def _visit(hid, workers, met, **kw):
    return visits.VisitInput(hid, kw.pop("day", date(2026, 11, 2)), workers, met, VisitForm.HOME, "情况稳定",
                             Risk.MEDIUM, **kw)


def test_visit_rows_are_changed_and_deleted_with_audit_entries(station_db, family, admin):
    hid, (head, wife, son) = family
    worker = _user(station_db, "sg1", Role.SOCIAL_WORKER)
    with station_db.session(worker.actor) as s:
        vid = visits.save_visit(s, _visit(hid, (worker.id,), (head, wife)), TODAY)
        assert s.get(visits.Visit, vid).recorded_by == "sg1"  # 录入人: the session's user
    mark = _head(station_db)
    with station_db.session(worker.actor) as s:
        visits.save_visit(s, _visit(hid, (worker.id, admin.id), (head,)), TODAY, visit_id=vid)
    assert [e.action for e in _entries(station_db, "visit_worker", mark)] == ["insert"]
    assert [e.action for e in _entries(station_db, "visit_person", mark)] == ["delete"]
    mark = _head(station_db)
    with station_db.session(worker.actor) as s:
        visits.delete_visit(s, vid)
    assert [e.action for e in _entries(station_db, "visit_worker", mark)] == ["delete", "delete"]
    assert [e.action for e in _entries(station_db, "visit_person", mark)] == ["delete"]
    assert [e.action for e in _entries(station_db, "visit", mark)] == ["delete"]


@pytest.mark.parametrize("role", [Role.WINDOW, Role.SUPERVISOR])
def test_counter_and_supervisor_cannot_record_or_delete_visits(station_db, family, role):
    """Issue 12: a visit was deleted by passing ``user=None``; the check now reads the session's user."""
    hid, (head, *_rest) = family
    with station_db.session() as s:
        vid = visits.save_visit(s, _visit(hid, (1,), (head,)), TODAY)
    user = _user(station_db, "someone", role)
    for attempt in (lambda s: visits.delete_visit(s, vid),
                    lambda s: visits.save_visit(s, _visit(hid, (1,), (head,), day=TODAY), TODAY),
                    lambda s: households.delete_household(s, hid)):
        with pytest.raises(UserError, match=f"“{role.short}”角色不能"), station_db.session(user.actor) as s:
            attempt(s)
    with station_db.session() as s:
        assert [v.id for v in visits.list_visits(s, visits.VisitFilter(household_id=hid))] == [vid]


def test_case_timeline_and_sessions_name_the_session_user(station_db, family):
    _hid, (head, *_rest) = family
    worker = _user(station_db, "sg1", Role.SOCIAL_WORKER)
    with station_db.session(worker.actor) as s:
        cid = cases.open_case(s, cases.CaseInput(head, "生活困难", CaseSource.SELF, "求助", TODAY, worker.id), TODAY)
        detail = case_detail(s, cid)
    assert detail.timeline[0].text.endswith("（测试社工）")


def test_a_goal_of_another_case_is_not_changed_through_mine(station_db, family):
    _hid, (head, wife, _son) = family
    mine, other = _user(station_db, "sg1", Role.SOCIAL_WORKER), _user(station_db, "sg2", Role.SOCIAL_WORKER)
    goal_input = rec.GoalInput("按时就医", "陪同", TODAY, date(2026, 12, 20))
    ids = {}
    for user, pid in ((other, wife), (mine, head)):
        with station_db.session(user.actor) as s:
            cid = cases.open_case(s, cases.CaseInput(pid, "生活照料", CaseSource.SELF, "求助", TODAY, user.id), TODAY)
            cases.advance(s, cid, TODAY)
            rec.save_assessment(s, cid, rec.AssessmentInput(TODAY, (NeedType.CARE,), "需照料"), TODAY)
            cases.advance(s, cid, TODAY)
            ids[user.username] = (cid, rec.save_goal(s, cid, goal_input))
    with pytest.raises(UserError, match="找不到这条服务目标"), station_db.session(mine.actor) as s:
        rec.save_goal(s, ids["sg1"][0], rec.GoalInput("改掉了", "x", TODAY, TODAY), goal_id=ids["sg2"][1])
    with pytest.raises(UserError, match="负责社工"), station_db.session(mine.actor) as s:
        rec.delete_goal(s, ids["sg2"][1])
    with station_db.session() as s:
        assert case_detail(s, ids["sg2"][0]).goals[0].goal == "按时就医"


def test_case_content_is_not_for_the_counter(station_db, family):
    _hid, (head, *_rest) = family
    with station_db.session() as s:
        cid = cases.open_case(s, cases.CaseInput(head, "生活困难", CaseSource.SELF, "求助", TODAY, None), TODAY)
    window, supervisor = _user(station_db, "ck", Role.WINDOW), _user(station_db, "dd", Role.SUPERVISOR)
    with pytest.raises(UserError, match="不能查看个案内容"), station_db.session(window.actor) as s:
        case_detail(s, cid)
    with station_db.session(window.actor) as s:
        assert [c.id for c in cases.list_cases(s, cases.CaseFilter())] == [cid]  # the list stays visible
    with station_db.session(supervisor.actor) as s:
        assert case_detail(s, cid).id_masked == "440524********0011"
    with pytest.raises(UserError, match="不能开立个案"), station_db.session(supervisor.actor) as s:
        resources.save_activity(s, TODAY, ActivityKind.GROUP, "长者生日会", VILLAGE, 20, today=TODAY)


def _pdf_text(path) -> str:
    doc = pdfium.PdfDocument(str(path))
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_full_numbers_on_a_printout_need_a_reason_and_are_audited(station_db, family, tmp_path):
    hid, ids = family
    worker = _user(station_db, "sg1", Role.SOCIAL_WORKER)
    with station_db.session(worker.actor) as s:
        masked = printouts.household_file_pdf(s, station_db.path, hid, STATION, tmp_path / "a.pdf", today=TODAY)
    assert HEAD not in _pdf_text(masked) and "440524********0011" in _pdf_text(masked)
    with pytest.raises(UserError, match="原因"), station_db.session(worker.actor) as s:
        printouts.household_file_pdf(s, station_db.path, hid, STATION, tmp_path / "b.pdf", "", today=TODAY)
    assert not (tmp_path / "b.pdf").exists()
    mark = _head(station_db)
    with station_db.session(worker.actor) as s:
        full = printouts.household_file_pdf(s, station_db.path, hid, STATION, tmp_path / "c.pdf", "报送县民政局核对",
                                            today=TODAY)
    assert all(number in _pdf_text(full) for number in (HEAD, WIFE, SON))
    events = _entries(station_db, "person", mark)
    assert sorted(int(e.record_id) for e in events) == sorted(ids)
    assert all(e.summary == "查看完整身份证号" and "打印户档" in e.changes for e in events)
    window = _user(station_db, "ck", Role.WINDOW)
    with pytest.raises(UserError, match="不能查看完整身份证号"), station_db.session(window.actor) as s:
        printouts.household_file_pdf(s, station_db.path, hid, STATION, tmp_path / "d.pdf", "报送县民政局核对")
    assert not (tmp_path / "d.pdf").exists()
