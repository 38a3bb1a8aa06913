"""Training records, hours per worker and shortfalls; annual assessment and evaluation; supervision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models.staff_activity import StaffAssessment, StaffTraining
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.staff_labels import Grade, TrainingKind
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.services.staff import assessment, supervision, training
from shuanbai_desktop.services.staff.assessment import AssessmentInput, EvaluationInput
from shuanbai_desktop.services.staff.supervision import SupervisionInput
from shuanbai_desktop.services.staff.training import TrainingInput
from tests.conftest import BOTH
from tests.db.test_staff_common import TODAY, hire

BACKENDS = BOTH


def _train(db, day: date, hours, people, kind=TrainingKind.ON_JOB, end=None) -> int:
    with db.session() as s:
        return training.save_training(s, TrainingInput(day, "社会救助政策解读", kind, hours, tuple(people), end),
                                      today=TODAY)


def _trainings(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count(StaffTraining.id)))


@pytest.mark.parametrize(("hours", "end", "message"), [
    ("0", None, "培训学时必须大于 0。"),
    ("-3", None, "培训学时必须大于 0。"),
    ("25", None, "培训学时不能超过每天 24 小时（一天最多 24 学时）。"),
    ("49", date(2026, 3, 6), "培训学时不能超过每天 24 小时（2 天最多 48 学时）。"),
    ("六", None, "学时应为数字，例如 12 或 7.5。"),
])
def test_bad_hours_are_refused_at_the_hours_field(station_db, hours, end, message):
    worker = hire(station_db, "张三", 1)
    with pytest.raises(UserError) as err:
        _train(station_db, date(2026, 3, 5), hours, [worker], end=end)
    assert (err.value.field, err.value.message) == ("学时", message)
    assert _trainings(station_db) == 0


def test_one_days_trainings_of_a_worker_may_not_exceed_24_hours(station_db):
    a, b = hire(station_db, "张三", 1), hire(station_db, "李四", 2)
    _train(station_db, date(2026, 3, 5), "16", [a])
    _train(station_db, date(2026, 3, 5), "16", [b])
    with pytest.raises(UserError) as err:
        _train(station_db, date(2026, 3, 5), "8.5", [a, b])
    assert err.value.field == "学时" and "“张三”在 2026-03-05 已登记 16.0 学时" in err.value.message
    _train(station_db, date(2026, 3, 5), "8", [a, b])
    assert _trainings(station_db) == 3


def test_attendees_must_be_on_the_staff_and_dates_not_in_the_future(station_db):
    late = hire(station_db, "新人", 1, hire_date=date(2026, 6, 1))
    with pytest.raises(UserError) as err:
        _train(station_db, date(2026, 3, 5), 6, [late])
    assert err.value.field == "参加人员" and "不在岗" in err.value.message
    with pytest.raises(UserError) as err:
        _train(station_db, date(2026, 12, 1), 6, [late])
    assert err.value.field == "培训日期"
    with pytest.raises(UserError) as err:
        _train(station_db, date(2026, 7, 1), 6, [])
    assert err.value.field == "参加人员"


def test_hours_table_prorates_new_workers_and_lists_shortfalls(station_db):
    old, new = hire(station_db, "老社工", 1), hire(station_db, "新社工", 2, hire_date=date(2026, 9, 10))
    _train(station_db, date(2021, 7, 8), 16, [old], TrainingKind.PRE_JOB, date(2021, 7, 9))
    _train(station_db, date(2026, 9, 15), 12, [new], TrainingKind.PRE_JOB, date(2026, 9, 16))
    _train(station_db, date(2026, 3, 5), "7.5", [old, new][:1])
    _train(station_db, date(2026, 10, 9), 4, [old, new])
    with station_db.session() as s:
        rows = {r.name: r for r in training.hours_table(s, 2026)}
    assert rows["老社工"].pre_job_total == Decimal("16.0") and rows["老社工"].year_total == Decimal("11.5")
    assert [g.text for g in rows["老社工"].shortfalls] == ["2026年培训已 11.5 学时，应 48 学时，还差 36.5 学时"]
    assert rows["新社工"].year_required == 16 and rows["新社工"].year_total == Decimal("16.0")
    assert [g.text for g in rows["新社工"].shortfalls] == ["岗前培训已 12 学时，应 15 学时，还差 3 学时"]


def _assess(db, staff_id: int, year: int, grade=Grade.PASS, assessment_id=None) -> int:
    with db.session() as s:
        return assessment.save_assessment(s, AssessmentInput(staff_id, year, grade, "78.5"), assessment_id, TODAY)


def test_an_assessment_for_a_future_year_or_twice_for_a_year_is_refused(station_db):
    worker = hire(station_db, "张三", 1)
    first = _assess(station_db, worker, 2025)
    with pytest.raises(UserError) as err:
        _assess(station_db, worker, 2027)
    assert err.value.field == "考核年度" and "未来年度" in err.value.message
    with pytest.raises(UserError) as err:
        _assess(station_db, worker, 2025, Grade.GOOD)
    assert err.value.field == "考核年度" and "已经录入过了" in err.value.message
    _assess(station_db, worker, 2025, Grade.GOOD, first)  # correcting the same record is fine
    with station_db.session() as s:
        rows = s.scalars(select(StaffAssessment)).all()
        listed = assessment.assessments(s, 2026)
    assert [(r.year, r.grade, r.score) for r in rows] == [(2025, "good", Decimal("78.5"))]
    assert listed[0].grade is None


def test_score_out_of_range_and_year_before_hiring_are_refused(station_db):
    worker = hire(station_db, "张三", 1, hire_date=date(2023, 3, 1))
    with pytest.raises(UserError) as err, station_db.session() as s:
        assessment.save_assessment(s, AssessmentInput(worker, 2024, Grade.PASS, "101"), today=TODAY)
    assert err.value.field == "考核得分"
    with pytest.raises(UserError) as err:
        _assess(station_db, worker, 2022)
    assert err.value.field == "考核年度" and "2023年才入职" in err.value.message


def test_one_third_party_evaluation_per_year(station_db):
    with station_db.session() as s:
        assessment.save_evaluation(s, EvaluationInput(2025, "广东省社会工作评估中心", Grade.GOOD, "88"), today=TODAY)
    with pytest.raises(UserError) as err, station_db.session() as s:
        assessment.save_evaluation(s, EvaluationInput(2025, "别家", Grade.PASS), today=TODAY)
    assert err.value.field == "评估年度"
    with station_db.session() as s:
        assert assessment.evaluation_for(s, 2025).evaluator == "广东省社会工作评估中心"


def _visit(db, day: date, hours, people, end=None) -> int:
    with db.session() as s:
        return supervision.save_supervision(s, SupervisionInput(day, "刘督导", hours, tuple(people), end), today=TODAY)


def test_supervision_flags_months_without_a_visit_and_short_visits(station_db):
    worker = hire(station_db, "张三", 1)
    for month in (1, 2, 4, 5, 6, 7, 8, 10):
        _visit(station_db, date(2026, month, 10), 16, [worker], date(2026, month, 11))
    _visit(station_db, date(2026, 11, 3), 8, [worker])
    with station_db.session() as s:
        check = supervision.supervision_check(s, TODAY)
        count, hours = supervision.hours_in(s, date(2026, 1, 1), TODAY)
    assert check.missing == ((2026, 3), (2026, 9)) and check.missing_text == "2026年3月、2026年9月"
    assert [r.hours for r in check.short] == [Decimal("8.0")] and check.this_month == 1
    assert (count, hours) == (9, Decimal("136.0"))


def test_supervision_hours_are_checked_against_the_days(station_db):
    worker = hire(station_db, "张三", 1)
    with pytest.raises(UserError) as err:
        _visit(station_db, date(2026, 3, 10), 25, [worker])
    assert err.value.field == "督导时长" and "结束日期" in err.value.message
    with pytest.raises(UserError) as err, station_db.session() as s:
        supervision.save_supervision(s, SupervisionInput(date(2026, 3, 10), " ", 8, (worker,)), today=TODAY)
    assert err.value.field == "督导员"


def test_the_supervisor_records_visits_but_keeps_no_training_or_assessment(station_db):
    """督导 may record supervision (SUPERVISION_RECORD) and delete its own entry, nothing else of the files."""
    worker = hire(station_db, "张三", 1)
    with station_db.session() as s:
        supervisor = auth.create_user(s, "dudao", "刘督导", Role.SUPERVISOR, "Du-dao-2024-qd", must_change=False)
    with station_db.session(supervisor.actor) as s:
        visit = supervision.save_supervision(s, SupervisionInput(date(2026, 3, 10), "刘督导", 8, (worker,)),
                                             today=TODAY)
    with pytest.raises(UserError, match="“督导”角色不能维护人员档案"), station_db.session(supervisor.actor) as s:
        training.save_training(s, TrainingInput(date(2026, 3, 10), "督导培训", TrainingKind.ON_JOB, 4, (worker,)),
                               today=TODAY)
    with pytest.raises(UserError, match="“督导”角色不能维护人员档案"), station_db.session(supervisor.actor) as s:
        assessment.save_assessment(s, AssessmentInput(worker, 2025, Grade.PASS), today=TODAY)
    with station_db.session(supervisor.actor) as s:
        supervision.delete_supervision(s, visit)
    assert _trainings(station_db) == 0
    with station_db.session() as s:
        assert s.scalar(select(func.count(StaffAssessment.id))) == 0 and supervision.list_supervisions(s) == []
