"""The monthly report on a database with known records: every figure equals the count made here.

``build_known`` writes a small, hand-counted May 2024 for every feature; ``EXPECTED`` holds
what a person counting those records finds. The workbook is reloaded with openpyxl and
every expected figure is compared with its cell; the PDF's text carries the same numbers.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from shuanbai_desktop.data.models import Person, Village
from shuanbai_desktop.data.models.archives import ArchiveFile, ArchiveLoan
from shuanbai_desktop.data.models.assets import Asset, AssetEvent
from shuanbai_desktop.data.models.person import PersonGroup
from shuanbai_desktop.data.models.plans import ServicePlan
from shuanbai_desktop.data.models.staff import StaffContract, StaffMember, StaffVillage
from shuanbai_desktop.data.models.staff_activity import (
    StaffSupervision,
    StaffTraining,
    StaffTrainingAttendee,
)
from shuanbai_desktop.data.models.targets import (
    Activity,
    CaseGoal,
    CaseRecord,
    Household,
    Referral,
    ResourceLink,
    Visit,
    VisitPerson,
    VisitWorker,
    Volunteer,
    VolunteerHours,
)
from shuanbai_desktop.data.models.window import WindowEvent, WindowMatterType, WindowRegistration
from shuanbai_desktop.services.report import package
from shuanbai_desktop.services.report.collect import collect, run_checks
from tests.conftest import BOTH

BACKENDS = BOTH

D = date


def _persons(s, villages):
    def person(name, village, household=None):
        p = Person(name=name, village_code=village, household_id=household, status="registered")
        s.add(p)
        s.flush()
        return p.id
    h1 = Household(name="甲户", village_code=villages[0])
    h2 = Household(name="乙户", village_code=villages[1])
    s.add_all([h1, h2])
    s.flush()
    ids = [person("一号", villages[0], h1.id), person("二号", villages[0], h1.id), person("三号", villages[1], h2.id),
           person("四号", villages[1]), person("五号", villages[2]), person("六号", None)]
    for pid, group, since in ((ids[0], "dibao", D(2024, 1, 1)), (ids[0], "disabled", D(2024, 1, 1)),
                              (ids[1], "tekun", D(2024, 5, 10)), (ids[2], "elderly", None),
                              (ids[3], "child_left_behind", D(2024, 6, 1)), (ids[5], "woman_left_behind", D(2024, 5, 20))):
        s.add(PersonGroup(person_id=pid, group_code=group, since=since))
    return ids, h1.id, h2.id


def _visits(s, h1, h2, p):
    def visit(household, day, workers, seen):
        v = Visit(household_id=household, visit_date=day, form="home", risk="low", next_due=D(2024, 7, 1))
        s.add(v)
        s.flush()
        s.add_all([VisitWorker(visit_id=v.id, user_id=u) for u in workers])
        s.add_all([VisitPerson(visit_id=v.id, person_id=x) for x in seen])
    visit(h1, D(2024, 5, 3), [1], [p[0], p[1]])
    visit(h2, D(2024, 5, 20), [], [p[2]])
    visit(h1, D(2024, 4, 28), [1], [p[0]])
    visit(h2, D(2024, 5, 31), [1], [])


def _cases(s, p):
    def case(no, person, opened, closed=None, outcome="", worker=1, stage="identify"):
        c = CaseRecord(case_no=no, person_id=person, worker_id=worker, title=f"个案{no}", source="self",
                       opened_on=opened, closed_on=closed, outcome=outcome, stage=stage,
                       status="closed" if closed else "open")
        s.add(c)
        s.flush()
        return c.id
    c1 = case("2024-0001", p[0], D(2024, 5, 2), stage="assess")
    case("2024-0002", p[2], D(2024, 3, 1), closed=D(2024, 5, 15))
    case("2024-0003", p[1], D(2024, 4, 1), closed=D(2024, 4, 30), outcome="goals_met")
    case("2024-0004", p[5], D(2024, 5, 25), worker=None)
    s.add(CaseGoal(case_id=c1, goal="目标", start_on=D(2024, 5, 5), due_on=D(2024, 8, 1)))
    # 一人一案 = a current plan or an open case at the month's end: 一号 and 六号 (open cases) and 二号 (plan);
    # not 三号 (plan ended in May, case closed in May) nor 四号 (a target only from June)
    def plan(no, person, start, ended=None):
        s.add(ServicePlan(plan_no=no, person_id=person, frequency="monthly", start_on=start,
                          review_due=D(2024, 8, 1), status="ended" if ended else "active", ended_on=ended))
    plan("J2024-0001", p[1], D(2024, 5, 12))
    plan("J2024-0002", p[2], D(2024, 2, 1), ended=D(2024, 5, 20))
    plan("J2024-0003", p[3], D(2024, 5, 3))
    s.add(Referral(case_id=c1, person_id=p[0], referred_on=D(2024, 5, 7), to_org="残联", matter="申请补贴"))
    s.add_all([ResourceLink(case_id=c1, person_id=p[0], linked_on=D(2024, 5, 8), kind="money", provider="慈善会",
                            value_yuan=Decimal("500.00")),
               ResourceLink(person_id=p[1], linked_on=D(2024, 6, 1), kind="goods", provider="企业",
                            value_yuan=Decimal("300.00"))])
    volunteer = Volunteer(name="志愿者甲")
    s.add(volunteer)
    s.flush()
    s.add(VolunteerHours(volunteer_id=volunteer.id, served_on=D(2024, 5, 9), hours=Decimal("2.5")))
    s.add(Activity(held_on=D(2024, 5, 12), kind="group", title="长者小组", participants=30))


def _window(s):
    matter = s.scalars(select(WindowMatterType).order_by(WindowMatterType.sort_order, WindowMatterType.id)).first()

    def reg(no, day, channel, handling, status, due, result_date=None, result="", department=""):
        r = WindowRegistration(ticket_no=no, registered_at=datetime.combine(day, datetime.min.time()),
                               registered_on=day, channel=channel, matter_type_id=matter.id, matter_name=matter.name,
                               time_limit_days=5, first_responder_id=1, handling=handling, status=status,
                               due_date=due, result_date=result_date, result=result, department_name=department)
        s.add(r)
        s.flush()
        return r.id
    r1 = reg("C1", D(2024, 5, 6), "visit", "on_spot", "done", D(2024, 5, 10), D(2024, 5, 6), "当场办结")
    reg("C2", D(2024, 5, 8), "phone", "transfer", "transferred", D(2024, 5, 15))
    reg("C3", D(2024, 5, 9), "proxy", "assign", "done", D(2024, 5, 16), D(2024, 5, 20))
    reg("C4", D(2024, 4, 20), "visit", "assign", "done", D(2024, 5, 5), D(2024, 5, 2), "已办结")
    reg("C5", D(2024, 5, 30), "other", "assign", "void", D(2024, 6, 6))
    s.add(WindowEvent(registration_id=r1, at=datetime(2024, 5, 21, 9), kind="follow_up", actor_id=1,
                      on_date=D(2024, 5, 21), satisfaction="satisfied", method="phone"))
    return matter.name


def _staff(s, villages):
    def member(name, number, role, hire, leave=None, cert="none"):
        m = StaffMember(name=name, id_number=number, education="bachelor", certificate=cert, role=role,
                        source="recruited", hire_date=hire, leave_date=leave, status="left" if leave else "active")
        s.add(m)
        s.flush()
        return m.id
    s1 = member("社工甲", "441302199001011234", "service_worker", D(2023, 1, 1), cert="assistant")
    s2 = member("社工乙", "441302199202022345", "affairs_worker", D(2024, 5, 10))
    member("社工丙", "441302198803033456", "service_worker", D(2022, 1, 1), leave=D(2024, 5, 20))
    s.add(StaffVillage(staff_id=s1, village_code=villages[0]))
    s.add(StaffContract(staff_id=s1, employer="桥东街道办事处", start_date=D(2023, 1, 1), end_date=D(2025, 12, 31)))
    training = StaffTraining(start_date=D(2024, 5, 14), end_date=D(2024, 5, 14), title="个案管理", kind="on_job",
                             hours=Decimal("8"))
    s.add(training)
    s.flush()
    s.add_all([StaffTrainingAttendee(training_id=training.id, staff_id=x) for x in (s1, s2)])
    s.add(StaffSupervision(visit_date=D(2024, 5, 16), end_date=D(2024, 5, 17), supervisor="刘督导",
                           hours=Decimal("16")))


def _assets_archives(s):
    def asset(code, bought, value, point=None):
        a = Asset(code=code, name="电脑", category="equipment", purchase_date=bought, value=Decimal(value),
                  point_id=point, status="in_use")
        s.add(a)
        s.flush()
        s.add(AssetEvent(asset_id=a.id, kind="register", on_date=bought, status_after="in_use", point_after=point))
        return a.id
    asset("SB-2024-001", D(2024, 5, 3), "5000.00")
    old = asset("SB-2024-002", D(2024, 2, 1), "1200.00")
    s.add(AssetEvent(asset_id=old, kind="dispose", on_date=D(2024, 5, 20), status_after="scrapped"))

    def file(no, filed, pages):
        f = ArchiveFile(number=no, category="service", year=2024, retention="d10", item_no=int(no[-1]), title="档案",
                        filed_on=filed, confidentiality="internal", pages=pages)
        s.add(f)
        s.flush()
        return f.id
    lent = file("YW-2024-D10-0001", D(2024, 5, 10), 12)
    file("YW-2024-D10-0002", D(2024, 1, 5), 3)
    s.add(ArchiveLoan(file_id=lent, borrower_name="借阅人", purpose="查阅", lent_on=D(2024, 5, 11), due_on=D(2024, 5, 25)))


def build_known(db) -> dict:
    with db.session() as s:
        villages = s.scalars(select(Village.code).order_by(Village.code)).all()
        persons, h1, h2 = _persons(s, villages)
        _visits(s, h1, h2, persons)
        _cases(s, persons)
        matter = _window(s)
        _staff(s, villages)
        _assets_archives(s)
    return {"villages": villages, "matter": matter}


EXPECTED = {
    "basic.villages": 13, "station.town_code": "441302001",
    "staff.headcount": 2, "staff.affairs": 1, "staff.service": 1, "staff.certified": 1, "staff.assistant": 1,
    "staff.joiners": 1, "staff.leavers": 1, "staff.training_hours": Decimal("16"), "staff.trained_workers": 2,
    "staff.supervision_sessions": 1, "staff.supervision_hours": Decimal("16"),
    "targets.total": 4, "targets.dibao": 1, "targets.disabled": 1, "targets.tekun": 1, "targets.elderly": 1,
    "targets.child_left_behind": 0, "targets.woman_left_behind": 1, "targets.new": 2,
    "targets.households_with_file": 2, "targets.with_file": 3, "targets.file_coverage_percent": 75.0,
    "targets.with_plan": 3, "targets.plan_coverage_percent": 75.0, "targets.village.none": 1,
    "visits.households": 3, "visits.persons": 3,
    "cases.opened": 2, "cases.closed": 1, "cases.active": 2, "cases.stage.assess": 1, "cases.stage.identify": 1,
    "referrals.count": 1, "resources.count": 1, "resources.value_yuan": Decimal("500.00"),
    "volunteers.hours": Decimal("2.5"), "activities.count": 1, "activities.participants": 30,
    "window.registrations": 3, "window.channel.visit": 1, "window.channel.phone": 1, "window.channel.proxy": 1,
    "window.channel.other": 0, "window.voided": 1, "window.on_spot": 1, "window.assigned": 1,
    "window.transferred": 1, "window.closed": 3, "window.closed_on_time": 2, "window.closed_late": 1,
    "window.on_time_rate": 66.7, "window.open_at_end": 1, "window.overdue_open": 1, "window.follow_ups": 1,
    "window.satisfied": 1, "window.satisfaction_rate": 100.0,
    "assets.total": 1, "assets.total_value": Decimal("5000.00"), "assets.added": 1,
    "assets.added_value": Decimal("5000.00"), "assets.disposed": 1, "assets.disposed_value": Decimal("1200.00"),
    "assets.scrapped": 1,
    "archives.total": 2, "archives.added": 1, "archives.added_pages": 12, "archives.lent": 1, "archives.on_loan": 1,
    "archives.overdue": 1,
}


@pytest.fixture
def known(station_db):
    return build_known(station_db)


def _cell(wb, address: str):
    sheet, _, cell = address.rpartition("!")
    return wb[sheet.strip("'")][cell].value


def test_collected_figures_equal_the_hand_counts(station_db, known):
    with station_db.session() as s:
        values = collect(s, 2024, 5).values()
    assert values[f"targets.village.{known['villages'][0]}"] == 2
    assert values[f"window.matter.{known['matter']}"] == 3
    for key, expected in EXPECTED.items():
        assert values[key] == expected, key


def test_workbook_pdf_and_manifest_carry_the_same_figures(station_db, known, tmp_path):
    with station_db.session() as s:
        result = package.export_month(s, 2024, 5, tmp_path)
    folder = result.package
    assert folder.name == "441302001_2024-05_月度报表"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    wb = load_workbook(folder / f"{folder.name}.xlsx")
    cells = {f["key"]: f["cell"] for f in manifest["figures"]}
    for key, expected in EXPECTED.items():
        value = _cell(wb, cells[key])
        assert (Decimal(str(value)) == expected) if isinstance(expected, Decimal) else value == expected, key
    assert wb.sheetnames == ["基本情况", "人员", "服务对象", "服务开展", "窗口经办", "资产档案", "说明"]
    for ws in wb.worksheets:
        assert ws.freeze_panes and ws.print_area
        assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)
    assert wb["基本情况"].column_dimensions["B"].width == 36
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(folder / f"{folder.name}.pdf"))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace("\r", "")
    pdf.close()
    for phrase in ("入户走访户次", "3户次", "按时办结率", "66.7%", "链接资源折合金额", "500.00元", "填报人",
                   "审核人（站长）", "盖章", "填报日期"):
        assert phrase in text.replace(" ", "").replace("\n", ""), phrase


def test_manifest_lists_each_file_with_its_hash(station_db, known, tmp_path):
    import hashlib
    with station_db.session() as s:
        result = package.export_month(s, 2024, 5, tmp_path)
    manifest = json.loads((result.package / "manifest.json").read_text(encoding="utf-8"))
    assert {f["role"] for f in manifest["files"]} == {"workbook", "pdf"}
    for entry in manifest["files"]:
        content = (result.package / entry["name"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"] and len(content) == entry["size"]
    assert manifest["station"]["town_code"] == "441302001" and manifest["month"] == "2024-05"
    assert manifest["layout_version"] == "2" and manifest["version"] == 1
    assert manifest["app_version"] and manifest["schema_version"] and manifest["generated_at"]


def test_checks_point_at_the_records_concerned(station_db, known):
    with station_db.session() as s:
        checks = {c.key: c for c in run_checks(s, 2024, 5)}
        visits = {v.visit_date: v.id for v in s.scalars(select(Visit))}
        cases = {c.case_no: c.id for c in s.scalars(select(CaseRecord))}
    assert [r.id for r in checks["targets.visit_no_worker"].records] == [visits[D(2024, 5, 20)]]
    assert [r.id for r in checks["targets.visit_no_person"].records] == [visits[D(2024, 5, 31)]]
    assert [r.id for r in checks["targets.case_no_outcome"].records] == [cases["2024-0002"]]
    assert [r.id for r in checks["targets.case_no_worker"].records] == [cases["2024-0004"]]
    assert [r.text for r in checks["targets.no_village"].records] == ["六号"]
    assert {r.text for r in checks["targets.no_file"].records} == {"六号"}
    assert [r.text.split()[0] for r in checks["window.no_result"].records] == ["C3"]
    assert [r.text.split()[0] for r in checks["window.no_department"].records] == ["C2"]
    assert [r.text.split()[0] for r in checks["window.overdue"].records] == ["C2"]
    assert [r.text for r in checks["staff.no_contract"].records] == ["社工乙"]
    assert checks["archives.overdue"].count == 1
    assert checks["targets.visit_no_worker"].level == "error"
    assert all(c.records[0].area for c in checks.values() if c.records)
    assert "targets.visit_gone_person" not in checks
    with station_db.session() as s:
        s.scalars(select(Person).where(Person.name == "二号")).one().status = "moved_out"
        gone = {c.key: c for c in run_checks(s, 2024, 5)}["targets.visit_gone_person"]
    assert [r.id for r in gone.records] == [visits[D(2024, 5, 3)]] and gone.level == "error"
