"""Labour contracts: dates, overlaps, renewal with the R2.3 rule at its boundary, termination."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models.staff import StaffContract
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.staff_labels import Certificate, ContractStatus, Grade
from shuanbai_desktop.domain.staff_rules import default_contract_end
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.staff import assessment, contracts
from shuanbai_desktop.services.staff.assessment import AssessmentInput
from shuanbai_desktop.services.staff.contracts import ContractInput, RenewalNotEligible
from tests.conftest import BOTH
from tests.db.test_staff_common import TODAY, hire

BACKENDS = BOTH

FIRST = ContractInput(date(2019, 7, 1), date(2022, 6, 30))


def _contracts(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(StaffContract.id)))


def _first(db, staff_id: int, data: ContractInput = FIRST) -> int:
    with db.session() as s:
        return contracts.add_contract(s, staff_id, data, TODAY)


def test_a_contract_gets_the_town_as_employer_and_a_status_from_dates(station_db):
    staff_id = hire(station_db, "张三", 1, hire_date=date(2019, 7, 1))
    cid = _first(station_db, staff_id)
    with station_db.session() as s:
        row = contracts.contracts_of(s, staff_id, date(2022, 1, 1))[0]
        later = contracts.contracts_of(s, staff_id, date(2022, 7, 1))[0]
    assert row.id == cid and row.employer == "桥东街道办事处" and row.seq == 1
    assert row.status is ContractStatus.ACTIVE and later.status is ContractStatus.EXPIRED


def test_end_before_start_is_refused_and_nothing_saved(station_db):
    staff_id = hire(station_db, "张三", 1)
    with pytest.raises(UserError) as err:
        _first(station_db, staff_id, ContractInput(date(2024, 7, 1), date(2024, 6, 30)))
    assert err.value.field == "终止日期" and err.value.message == "合同终止日期不能早于起始日期。"
    assert _contracts(station_db) == 0


def test_overlapping_contracts_for_one_worker_are_refused(station_db):
    staff_id, other = hire(station_db, "张三", 1), hire(station_db, "李四", 2)
    _first(station_db, staff_id)
    with pytest.raises(UserError) as err:
        _first(station_db, staff_id, ContractInput(date(2022, 6, 30), date(2025, 6, 29)))
    assert err.value.field == "起始日期" and "重叠" in err.value.message
    _first(station_db, other)  # another worker's contract may have the same dates
    _first(station_db, staff_id, ContractInput(date(2022, 7, 1), date(2025, 6, 30)))
    assert _contracts(station_db) == 3


def _renew(db, cid: int, start: date, reason: str = "", actor=None) -> int:
    with db.session(actor) as s:
        data = ContractInput(start, default_contract_end(start))
        return contracts.renew_contract(s, cid, data, reason, TODAY)


def test_renewal_rule_starts_on_2022_07_01(station_db):
    """Boundary of R2.3: uncertified and unassessed, renewed from 2022-06-30 freely, from 2022-07-01 not."""
    a = hire(station_db, "甲", 1, cert=Certificate.NONE, hire_date=date(2019, 7, 1))
    b = hire(station_db, "乙", 2, cert=Certificate.NONE, hire_date=date(2019, 7, 1))
    ca = _first(station_db, a, ContractInput(date(2019, 7, 1), date(2022, 6, 29)))
    cb = _first(station_db, b)
    _renew(station_db, ca, date(2022, 6, 30))
    with pytest.raises(RenewalNotEligible) as err:
        _renew(station_db, cb, date(2022, 7, 1))
    assert err.value.field == "特批理由"
    assert "未取得社会工作者职业资格证书" in err.value.message and "没有年度考核记录" in err.value.message
    assert _contracts(station_db) == 3


def test_certified_and_assessed_worker_is_renewed_and_the_old_contract_shows_renewed(station_db):
    staff_id = hire(station_db, "张三", 1, hire_date=date(2019, 7, 1))
    cid = _first(station_db, staff_id)
    with station_db.session() as s:
        assessment.save_assessment(s, AssessmentInput(staff_id, 2021, Grade.PASS), today=TODAY)
    new_id = _renew(station_db, cid, date(2022, 7, 1))
    with station_db.session() as s:
        rows = contracts.contracts_of(s, staff_id, date(2023, 1, 1))
        defaults = contracts.renewal_defaults(s, new_id)
    assert [(r.seq, r.status) for r in rows] == [(1, ContractStatus.RENEWED), (2, ContractStatus.ACTIVE)]
    assert rows[1].previous_id == cid and rows[1].override_reason == ""
    assert (defaults.start_date, defaults.end_date) == (date(2025, 7, 1), date(2028, 6, 30))
    with pytest.raises(UserError, match="已经续签过"):
        _renew(station_db, cid, date(2022, 7, 1))


def test_administrator_may_renew_an_ineligible_worker_with_a_recorded_reason(station_db):
    staff_id = hire(station_db, "张三", 1, cert=Certificate.ASSISTANT, hire_date=date(2019, 7, 1))
    cid = _first(station_db, staff_id)
    with station_db.session() as s:
        assessment.save_assessment(s, AssessmentInput(staff_id, 2021, Grade.FAIL), today=TODAY)
        worker = auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, "Shegong-2024-qd", must_change=False)
    with pytest.raises(UserError) as err:  # only the administrator renews (STAFF_EDIT), whatever the caller claims
        _renew(station_db, cid, date(2022, 7, 1), "镇里研究同意", actor=worker.actor)
    assert "“社工”角色不能维护人员档案" in err.value.message
    assert _contracts(station_db) == 1
    new_id = _renew(station_db, cid, date(2022, 7, 1), "镇里研究同意")
    with station_db.session() as s:
        row = s.get(StaffContract, new_id)
    assert row.override_reason == "镇里研究同意（不符合：最近一次年度考核（2021年）为“不合格”）"


def test_termination_ends_the_contract_on_its_date(station_db):
    staff_id = hire(station_db, "张三", 1, hire_date=date(2019, 7, 1))
    cid = _first(station_db, staff_id)
    with pytest.raises(UserError) as err, station_db.session() as s:
        contracts.terminate_contract(s, cid, date(2019, 6, 30), "协商一致")
    assert err.value.field == "解除日期"
    with station_db.session() as s:
        contracts.terminate_contract(s, cid, date(2020, 12, 31), "协商一致解除")
        row = contracts.contracts_of(s, staff_id, date(2021, 1, 1))[0]
    assert row.status is ContractStatus.TERMINATED and row.termination_reason == "协商一致解除"


def test_current_contracts_give_each_worker_the_latest_one_and_eligibility(station_db):
    a = hire(station_db, "有合同", 1, cert=Certificate.NONE)
    hire(station_db, "没合同", 2)
    _first(station_db, a, ContractInput(date(2024, 7, 1), date(2027, 6, 30)))
    with station_db.session() as s:
        rows = {r.name: r for r in contracts.current_contracts(s, TODAY)}
    assert rows["没合同"].contract is None and rows["没合同"].needs_action
    assert rows["有合同"].contract.days_left == (date(2027, 6, 30) - TODAY).days
    assert not rows["有合同"].eligibility.eligible
