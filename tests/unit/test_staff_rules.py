"""Pure rules of the staff files: contracts, renewal (R2.3), training, supervision, staffing, pay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shuanbai_desktop.domain.staff_labels import (
    Certificate,
    ContractStatus,
    Education,
    Factor,
    Grade,
    Insurance,
    StaffRole,
)
from shuanbai_desktop.domain.staff_pay_rules import (
    DEFAULT_RATES,
    DEFAULT_WEIGHTS,
    LevelRule,
    WorkerFacts,
    auto_scores,
    check_weights,
    contributions,
    performance_pay,
    seniority_years,
    suggest_level,
)
from shuanbai_desktop.domain.staff_rules import (
    annual_hours_required,
    check_contract_dates,
    check_training_hours,
    contract_status,
    default_contract_end,
    expiry_band,
    missing_supervision_months,
    renewal_eligibility,
    training_shortfalls,
)
from shuanbai_desktop.domain.staff_staffing import Worker, staffing_checks
from shuanbai_desktop.errors import UserError

START, END = date(2021, 7, 1), date(2024, 6, 30)


# --- contracts ---------------------------------------------------------------------
def test_three_year_term_ends_the_day_before_the_anniversary():
    assert default_contract_end(START) == END
    assert default_contract_end(date(2024, 2, 29)) == date(2027, 2, 28)
    assert default_contract_end(date(2023, 3, 1)) == date(2026, 2, 28)


@pytest.mark.parametrize(("today", "terminated", "renewed", "status"), [
    (date(2021, 6, 30), None, False, ContractStatus.PENDING),
    (START, None, False, ContractStatus.ACTIVE),
    (END, None, False, ContractStatus.ACTIVE),
    (date(2024, 7, 1), None, False, ContractStatus.EXPIRED),
    (date(2024, 7, 1), None, True, ContractStatus.RENEWED),
    (date(2023, 1, 1), None, True, ContractStatus.RENEWED),
    (date(2023, 1, 1), date(2022, 12, 31), False, ContractStatus.TERMINATED),
    (date(2023, 1, 1), date(2023, 1, 2), False, ContractStatus.ACTIVE),  # ends early, but not yet
])
def test_contract_status_follows_the_dates(today, terminated, renewed, status):
    assert contract_status(START, END, terminated, renewed, today) is status


@pytest.mark.parametrize(("days_left", "band"), [(0, 30), (30, 30), (31, 60), (60, 60), (61, 90), (90, 90),
                                                 (91, None), (-1, None)])
def test_expiry_warning_bands_90_60_30(days_left, band):
    today = date(2024, 1, 1)
    assert expiry_band(date.fromordinal(today.toordinal() + days_left), today) == band


def test_contract_end_before_start_is_refused_at_the_end_field():
    with pytest.raises(UserError) as err:
        check_contract_dates(date(2024, 7, 1), date(2024, 6, 30), 0)
    assert err.value.field == "终止日期" and "不能早于" in err.value.message
    with pytest.raises(UserError) as err:
        check_contract_dates(START, END, 7)
    assert err.value.field == "试用期"
    check_contract_dates(START, START, 6)


# --- renewal eligibility (R2.3) ----------------------------------------------------
def test_before_2022_07_01_anyone_may_be_renewed():
    result = renewal_eligibility(date(2022, 6, 30), Certificate.NONE, None, None)
    assert result.eligible and "2022年7月1日前" in result.text


def test_from_2022_07_01_uncertified_and_unassessed_are_not_eligible_with_both_reasons():
    result = renewal_eligibility(date(2022, 7, 1), Certificate.NONE, None, None)
    assert not result.eligible
    assert result.reasons == ("未取得社会工作者职业资格证书（助理社会工作师及以上）", "没有年度考核记录")


@pytest.mark.parametrize("grade", [Grade.EXCELLENT, Grade.GOOD, Grade.PASS])
def test_certified_with_pass_or_better_is_eligible(grade):
    result = renewal_eligibility(date(2022, 7, 1), Certificate.ASSISTANT, date(2020, 5, 1), (2021, grade))
    assert result.eligible and grade.label in result.text


def test_failed_latest_assessment_is_named_in_the_reason():
    result = renewal_eligibility(date(2024, 7, 1), Certificate.INTERMEDIATE, None, (2023, Grade.FAIL))
    assert not result.eligible and result.text == "最近一次年度考核（2023年）为“不合格”"


def test_certificate_obtained_after_the_renewal_does_not_count():
    result = renewal_eligibility(date(2024, 7, 1), Certificate.ASSISTANT, date(2024, 7, 2), (2023, Grade.PASS))
    assert not result.eligible and "晚于续签起始日期" in result.text


# --- training ------------------------------------------------------------------------
@pytest.mark.parametrize(("hours", "days", "ok"), [("0", 1, False), ("-2", 1, False), ("24.5", 1, False),
                                                   ("24", 1, True), ("0.5", 1, True), ("30", 2, True),
                                                   ("48.5", 2, False)])
def test_training_hours_positive_and_at_most_24_a_day(hours, days, ok):
    end = date.fromordinal(START.toordinal() + days - 1)
    if ok:
        check_training_hours(Decimal(hours), START, end)
    else:
        with pytest.raises(UserError) as err:
            check_training_hours(Decimal(hours), START, end)
        assert err.value.field == "学时"


def test_yearly_hours_are_prorated_for_workers_hired_during_the_year():
    assert annual_hours_required(2024, date(2021, 7, 1)) == 48
    assert annual_hours_required(2024, date(2024, 1, 31)) == 48
    assert annual_hours_required(2024, date(2024, 9, 15)) == 16
    assert annual_hours_required(2024, date(2025, 1, 1)) == 0


def test_shortfalls_list_the_hours_missing():
    gaps = training_shortfalls(2024, date(2021, 7, 1), Decimal("12"), Decimal("40.5"))
    assert [(g.kind, g.missing) for g in gaps] == [("岗前培训", Decimal(3)), ("2024年培训", Decimal("7.5"))]
    assert gaps[1].text == "2024年培训已 40.5 学时，应 48 学时，还差 7.5 学时"
    assert training_shortfalls(2024, date(2021, 7, 1), Decimal(15), Decimal(48)) == []


# --- supervision ---------------------------------------------------------------------
def test_months_without_a_visit_are_listed():
    visits = [date(2024, 1, 9), date(2024, 3, 31), date(2024, 3, 1)]
    assert missing_supervision_months(visits, date(2023, 12, 5), date(2024, 4, 30)) == [(2023, 12), (2024, 2),
                                                                                        (2024, 4)]


# --- staffing (R1.4) -----------------------------------------------------------------
def _w(role, cert=Certificate.ASSISTANT, point=None, villages=()):
    return Worker("某", role, cert, point, villages)


def test_staffing_checks_name_what_is_missing():
    villages = {"1": "甲村", "2": "乙村", "3": "丙社区"}
    points = {1: "甲社工点", 2: "乙社工点"}
    workers = [_w(StaffRole.DEPUTY_HEAD), _w(StaffRole.AFFAIRS_WORKER, Certificate.NONE),
               _w(StaffRole.SERVICE_WORKER, point=1, villages=("1", "2"))]
    checks = staffing_checks(workers, villages, points)
    assert (checks.affairs_count, checks.missing_roles) == (2, ("残疾人专职委员",))
    assert (checks.service_count, checks.village_count) == (1, 3)
    assert checks.points_without_worker == ("乙社工点",)
    assert checks.villages_without_worker == ("丙社区",)
    assert (checks.certified, checks.total) == (2, 3)
    titles = [line.title for line in checks.problems]
    assert titles == ["事务性岗位 2 / 3 人", "服务性岗位社工 1 人，辖 3 个村(居)，还差 2 人", "1 个社工点没有社工",
                      "1 个村(居)没有负责的社工", "1 名社工负责 2 个以上村(居)"]


def test_a_worker_with_several_villages_is_flagged():
    """R1.4: one social worker serves one village; a second village is named with the worker."""
    villages = {"1": "甲村", "2": "乙村", "3": "丙社区"}
    workers = [Worker("李四", StaffRole.SERVICE_WORKER, Certificate.ASSISTANT, 1, ("3", "1")),
               Worker("张三", StaffRole.SERVICE_WORKER, Certificate.ASSISTANT, 1, ("2",)),
               Worker("王五", StaffRole.AFFAIRS_WORKER, Certificate.ASSISTANT, None, ("1", "2"))]
    checks = staffing_checks(workers, villages, {1: "甲社工点"})
    assert checks.workers_with_several_villages == ("李四（甲村、丙社区）",)
    line = [line for line in checks.problems if "以上村(居)" in line.title][0]
    assert line.title == "1 名社工负责 2 个以上村(居)"
    assert line.detail.startswith("李四（甲村、丙社区）。")


def test_full_staffing_has_no_problems():
    villages = {"1": "甲村"}
    workers = [_w(StaffRole.DEPUTY_HEAD), _w(StaffRole.AFFAIRS_WORKER), _w(StaffRole.DISABILITY_OFFICER),
               _w(StaffRole.SERVICE_WORKER, point=1, villages=("1",))]
    checks = staffing_checks(workers, villages, {1: "甲社工点"})
    assert checks.problems == () and checks.certified_share == 1.0


# --- pay -----------------------------------------------------------------------------
def test_weights_must_add_up_to_100():
    check_weights(DEFAULT_WEIGHTS)
    with pytest.raises(UserError) as err:
        check_weights({**DEFAULT_WEIGHTS, Factor.RESULTS: 39})
    assert err.value.field == "权重合计" and "99%" in err.value.message


def test_performance_pay_is_the_standard_times_the_weighted_score():
    scores = {f: 100 for f in Factor}
    assert performance_pay(Decimal("1200"), DEFAULT_WEIGHTS, scores) == Decimal("1200.00")
    scores[Factor.RESULTS] = 50  # 40% weight at half score: 80% overall
    assert performance_pay(Decimal("1200"), DEFAULT_WEIGHTS, scores) == Decimal("960.00")


def test_contributions_round_half_up_to_the_fen():
    amounts = contributions(Decimal("4567.89"), DEFAULT_RATES)
    assert amounts[Insurance.PENSION] == (Decimal("730.86"), Decimal("365.43"))
    assert amounts[Insurance.INJURY] == (Decimal("9.14"), Decimal("0.00"))


def test_automatic_scores_follow_the_staff_file():
    facts = WorkerFacts(Education.BACHELOR, Certificate.INTERMEDIATE, False, StaffRole.SERVICE_WORKER, True, 4,
                        Decimal("20"), 6)
    scores = auto_scores(facts)
    assert scores[Factor.EDUCATION] == 80 and scores[Factor.CERT_LEVEL] == 80
    assert scores[Factor.POST] == 90 and scores[Factor.SENIORITY] == 40
    assert scores[Factor.STUDY_HOURS] == 83  # 20 of the 24 hours due by June
    assert (scores[Factor.RESULTS], scores[Factor.HONOURS]) == (100, 0)


def test_pay_level_suggested_from_certificate_and_seniority():
    levels = [LevelRule(1, Certificate.NONE, 0), LevelRule(2, Certificate.ASSISTANT, 0),
              LevelRule(3, Certificate.ASSISTANT, 3), LevelRule(4, Certificate.INTERMEDIATE, 0)]
    assert suggest_level(levels, Certificate.ASSISTANT, 2) == 2
    assert suggest_level(levels, Certificate.ASSISTANT, 3) == 3
    assert suggest_level(levels, Certificate.SENIOR, 0) == 4
    assert suggest_level(levels[1:], Certificate.NONE, 9) is None
    assert seniority_years(date(2021, 7, 1), date(2024, 6, 30)) == 2
    assert seniority_years(date(2021, 7, 1), date(2024, 7, 1)) == 3
