"""The month's staff figures, the 工作台 items, the staffing checks on a real database, the demo."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from shuanbai_desktop.demo import generate_demo
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.staff_labels import Certificate, Grade, StaffRole, StaffStatus, TrainingKind
from shuanbai_desktop.services import workbench
from shuanbai_desktop.services.staff import (
    assessment,
    contracts,
    month_figures,
    roster,
    staffing_checks,
    supervision,
    training,
)
from shuanbai_desktop.services.staff.assessment import AssessmentInput
from shuanbai_desktop.services.staff.contracts import ContractInput
from shuanbai_desktop.services.staff.leaving import LeaveInput, leave_station
from shuanbai_desktop.services.staff.supervision import SupervisionInput
from shuanbai_desktop.services.staff.training import TrainingInput
from shuanbai_desktop.services.workbench import Level, WorkbenchContext
from tests.db.test_staff_common import TODAY, add_point, hire, villages


def test_month_figures_count_posts_joiners_leavers_contracts_training_supervision(station_db):
    deputy = hire(station_db, "副站长", 1, StaffRole.DEPUTY_HEAD, Certificate.INTERMEDIATE, supervisor_cert=True)
    a = hire(station_db, "老社工", 2, cert=Certificate.NONE)
    b = hire(station_db, "新社工", 3, hire_date=date(2026, 10, 8))
    gone = hire(station_db, "离职者", 4)
    with station_db.session() as s:
        contracts.add_contract(s, a, ContractInput(date(2023, 12, 1), date(2026, 11, 30)), TODAY)
        contracts.add_contract(s, deputy, ContractInput(date(2024, 1, 1), date(2026, 12, 31)), TODAY)
        training.save_training(s, TrainingInput(date(2026, 10, 9), "政策", TrainingKind.ON_JOB, "6.5",
                                                (deputy, a, b)), today=TODAY)
        training.save_training(s, TrainingInput(date(2026, 3, 9), "实务", TrainingKind.TOPIC, 4, (a,)), today=TODAY)
        supervision.save_supervision(s, SupervisionInput(date(2026, 10, 20), "刘督导", 16, (deputy, a),
                                                         date(2026, 10, 21)), today=TODAY)
        leave_station(s, gone, LeaveInput(date(2026, 10, 31), "辞职"), TODAY)
    with station_db.session() as s:
        oct_, nov = month_figures(s, 2026, 10), month_figures(s, 2026, 11)
    assert (oct_.headcount, oct_.affairs, oct_.service, oct_.deputy_heads) == (3, 1, 2, 1)
    assert (oct_.certified, oct_.assistant, oct_.intermediate, oct_.supervisor_certs) == (2, 1, 1, 1)
    assert (oct_.joiners, oct_.leavers) == (1, 1)
    assert (oct_.contracts_ending, oct_.contracts_expiring_90) == (0, 2)
    assert (oct_.training_hours, oct_.training_hours_ytd, oct_.trained_workers) == (Decimal("19.5"),
                                                                                   Decimal("23.5"), 3)
    assert (oct_.supervision_sessions, oct_.supervision_hours) == (1, Decimal("16.0"))
    assert (nov.contracts_ending, nov.contracts_expiring_90, nov.joiners, nov.training_hours) == (1, 1, 0, 0)


def _items(db, at: datetime, admin_view: bool = True):
    with db.session() as s:
        return [i for i in workbench.due_items(WorkbenchContext(
            s, at, db.path, Role.ADMIN if admin_view else Role.SOCIAL_WORKER))
                if i.area.startswith("staff.")]


def test_workbench_warns_of_contracts_at_90_60_30_days_and_expired(station_db):
    for n, end in enumerate((date(2026, 12, 20), date(2027, 1, 20), date(2027, 2, 20), date(2027, 6, 30),
                             date(2026, 11, 1)), 1):
        worker = hire(station_db, f"社工{n}", n)
        with station_db.session() as s:
            contracts.add_contract(s, worker, ContractInput(date(2024, 3, 1), end), TODAY)
    titles = {i.title: i.level for i in _items(station_db, datetime(2026, 11, 28, 9))}
    assert titles["社工1的劳动合同 22 天后到期"] is Level.SOON
    assert titles["社工2的劳动合同 53 天后到期"] is Level.SOON
    assert titles["社工3的劳动合同 84 天后到期"] is Level.TODO
    assert titles["社工5的劳动合同已到期 27 天"] is Level.OVERDUE
    assert not any(t.startswith("社工4") for t in titles)
    assert _items(station_db, datetime(2026, 11, 28, 9), admin_view=False) == [
        i for i in _items(station_db, datetime(2026, 11, 28, 9)) if not i.area.endswith(("contracts", "assessment"))]


def test_training_shortfalls_appear_from_october_and_assessments_before_end_of_october(station_db):
    worker = hire(station_db, "张三", 1)
    with station_db.session() as s:
        training.save_training(s, TrainingInput(date(2021, 7, 5), "岗前", TrainingKind.PRE_JOB, 16, (worker,)),
                               today=TODAY)
        training.save_training(s, TrainingInput(date(2026, 3, 5), "实务", TrainingKind.ON_JOB, 8, (worker,)),
                               today=TODAY)

    def titles(day):
        return [i.title for i in _items(station_db, datetime.combine(day, datetime.min.time()))]
    assert not any("培训学时不足" in t for t in titles(date(2026, 9, 30)))
    assert "1 人2026年培训学时不足" in titles(date(2026, 10, 1))
    assert "1 人尚无2026年度考核结果" in titles(date(2026, 9, 1))
    assert not any("考核结果" in t for t in titles(date(2026, 8, 31)))
    with station_db.session() as s:
        assessment.save_assessment(s, AssessmentInput(worker, 2026, Grade.GOOD), today=TODAY)
    assert not any("考核结果" in t for t in titles(date(2026, 10, 15)))
    assert "尚未录入2026年度第三方评估结果" in titles(date(2026, 11, 2))


def test_staffing_checks_reflect_the_roster_and_points(station_db):
    codes = villages(station_db)
    point = add_point(station_db, "东湖社工点", codes[:3])
    add_point(station_db, "西江社工点", codes[3:6])
    hire(station_db, "副站长", 1, StaffRole.DEPUTY_HEAD)
    hire(station_db, "社工", 2, point_id=point, village_codes=(codes[0],))
    with station_db.session() as s:
        checks = staffing_checks(s)
    assert checks.missing_roles == ("事务性岗位社工", "残疾人专职委员")
    assert checks.points_without_worker == ("西江社工点",) and len(checks.villages_without_worker) == 12
    titles = [i.title for i in _items(station_db, datetime(2026, 5, 5))]
    assert "人员配备：1 个社工点没有社工" in titles


def test_demo_staff_follow_the_rules_and_show_on_the_workbench(station_db):
    generate_demo(station_db, residents=50, today=TODAY)
    with station_db.session() as s:
        checks = staffing_checks(s)
        current = contracts.current_contracts(s, TODAY)
        figures = month_figures(s, 2026, 11)
        former = roster.list_staff(s, StaffStatus.LEFT)
    assert checks.problems == () and checks.service_count == 13 and checks.affairs_count == 3
    assert all(c.contract is not None for c in current)
    assert any(not c.eligibility.eligible and "不合格" in c.eligibility.text for c in current)
    assert figures.headcount == 16 and figures.supervision_hours_ytd > 0
    assert len(former) == 1 and former[0].village_names == ()  # handed their village over when leaving
    titles = [i.title for i in _items(station_db, datetime(2026, 11, 28, 9))]
    assert any("没有督导记录" in t for t in titles) and any("天后到期" in t for t in titles)
    generate_demo(station_db, residents=0, today=TODAY)  # a second run adds no second staff
    with station_db.session() as s:
        assert month_figures(s, 2026, 11).headcount == 16
