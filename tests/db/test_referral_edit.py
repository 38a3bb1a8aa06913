"""Issue 15: a single referral of a case is changed through its case (save_referral with its id): the same
row, the same rules, permission and month lock as adding one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.data.models.report import LockedMonth
from shuanbai_desktop.data.models.targets import Referral
from shuanbai_desktop.data.month_lock import MonthLocked
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import CaseSource, NeedType, ReferralStatus
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.report import month_lock_override
from shuanbai_desktop.services.targets import case_records as rec
from shuanbai_desktop.services.targets import cases
from shuanbai_desktop.services.targets.case_detail import case_detail
from tests.conftest import BOTH

BACKENDS = BOTH

VILLAGE = "441302001001"
TODAY = date(2026, 11, 20)


def _case_at_resources(db, worker, name: str, id_number: str) -> int:
    with db.session(worker.actor) as s:
        pid = persons.save_person(s, PersonInput(name, id_number, village_code=VILLAGE), today=TODAY)
        cid = cases.open_case(s, cases.CaseInput(pid, "生活困难", CaseSource.VISIT, "走访发现。", date(2026, 9, 1),
                                                 worker.id), TODAY)
        cases.advance(s, cid, TODAY)
        rec.save_assessment(s, cid, rec.AssessmentInput(date(2026, 9, 2), (NeedType.MATERIAL,), "缺少生活物资"), TODAY)
        cases.advance(s, cid, TODAY)
        rec.save_goal(s, cid, rec.GoalInput("生活物资有保障", "链接慈善资源", date(2026, 9, 3), date(2026, 12, 31)))
        cases.advance(s, cid, TODAY)
    return cid


@pytest.fixture
def setting(station_db, admin):
    with station_db.session() as s:
        auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
        auth.create_user(s, "sg2", "林小红", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
        auth.create_user(s, "dd1", "周督导", Role.SUPERVISOR, "Dudao2024x", must_change=False)
    worker = auth.log_in(station_db, "sg1", "Shegong2024")
    other = auth.log_in(station_db, "sg2", "Shegong2024")
    supervisor = auth.log_in(station_db, "dd1", "Dudao2024x")
    cid = _case_at_resources(station_db, worker, "陈伯", "440524194501010011")
    second = _case_at_resources(station_db, worker, "陈婶", "440524201503040022")
    with station_db.session(worker.actor) as s:
        rid = rec.save_referral(s, cid, rec.ReferralInput(date(2026, 10, 8), "县慈善会", "申请临时救助物资"), today=TODAY)
    return {"db": station_db, "admin": admin, "worker": worker, "other": other, "supervisor": supervisor,
            "case": cid, "second": second, "referral": rid}


def test_a_referral_is_changed_in_place_and_audited(setting):
    db, cid, rid = setting["db"], setting["case"], setting["referral"]
    with db.session(setting["worker"].actor) as s:
        again = rec.save_referral(s, cid, rec.ReferralInput(date(2026, 10, 9), "县慈善会", "申请临时救助物资",
                                                            ReferralStatus.DONE, "已送大米两袋、食用油一桶"),
                                  rid, TODAY)
    assert again == rid
    with db.session() as s:
        detail = case_detail(s, cid)
        audited = s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.table_name == "referral",
                                                                     AuditEntry.action == "update"))
    (row,) = detail.referrals
    assert (row.id, row.referred_on, row.status, row.result) == (rid, date(2026, 10, 9), ReferralStatus.DONE,
                                                                 "已送大米两袋、食用油一桶")
    assert audited == 1


def test_a_changed_referral_keeps_the_rules_of_a_new_one(setting):
    db, cid, rid = setting["db"], setting["case"], setting["referral"]
    with db.session(setting["worker"].actor) as s:
        with pytest.raises(UserError, match="转介单位") as exc:
            rec.save_referral(s, cid, rec.ReferralInput(date(2026, 10, 9), " ", "申请临时救助物资"), rid, TODAY)
        assert exc.value.field == "转介单位"
        with pytest.raises(UserError) as exc:  # before the case was opened
            rec.save_referral(s, cid, rec.ReferralInput(date(2026, 8, 1), "县慈善会", "物资"), rid, TODAY)
        assert exc.value.field == "转介日期"
        with pytest.raises(UserError, match="找不到这条转介"):  # through another case: not this case's record
            rec.save_referral(s, setting["second"], rec.ReferralInput(date(2026, 10, 9), "县慈善会", "物资"), rid,
                              TODAY)
    with db.session() as s:
        assert s.get(Referral, rid).to_org == "县慈善会" and s.get(Referral, rid).referred_on == date(2026, 10, 8)


@pytest.mark.parametrize("who", ["other", "supervisor"])
def test_only_the_case_worker_or_an_administrator_changes_a_referral(setting, who):
    db, cid, rid = setting["db"], setting["case"], setting["referral"]
    with db.session(setting[who].actor) as s:
        with pytest.raises(UserError):
            rec.save_referral(s, cid, rec.ReferralInput(date(2026, 10, 8), "县慈善会", "物资", ReferralStatus.DONE),
                              rid, TODAY)
    with db.session(setting["admin"].actor) as s:
        rec.save_referral(s, cid, rec.ReferralInput(date(2026, 10, 8), "县慈善会", "物资", ReferralStatus.DONE), rid,
                          TODAY)
    with db.session() as s:
        assert s.get(Referral, rid).status == ReferralStatus.DONE.value


def test_a_referral_of_a_reported_month_changes_only_with_an_administrators_reason(setting):
    db, cid, rid = setting["db"], setting["case"], setting["referral"]
    with db.session() as s:
        s.add(LockedMonth(month="2026-10", locked_by="admin"))
    changed = rec.ReferralInput(date(2026, 10, 8), "县慈善会", "申请临时救助物资", ReferralStatus.DONE, "已送达")
    with pytest.raises(MonthLocked), db.session(setting["worker"].actor) as s:
        rec.save_referral(s, cid, changed, rid, TODAY)
    with pytest.raises(MonthLocked), db.session(setting["worker"].actor) as s:  # nor moved out of the month
        rec.save_referral(s, cid, rec.ReferralInput(date(2026, 11, 2), "县慈善会", "申请临时救助物资"), rid, TODAY)
    with db.session() as s:
        assert (s.get(Referral, rid).referred_on, s.get(Referral, rid).result) == (date(2026, 10, 8), "")
    with db.session(setting["admin"].actor) as s:
        month_lock_override(s, "补记转介结果")
        rec.save_referral(s, cid, changed, rid, TODAY)
    with db.session() as s:
        assert s.get(Referral, rid).result == "已送达"
