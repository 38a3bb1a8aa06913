"""Station leadership (R1.2) and the register of community organisations (R4.5, issue 15):
the register's rules, the links from activities, volunteers and resources, the report's figures
counted by hand, the leadership on the report's cover and signature block, and the demo."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from shuanbai_desktop import demo
from shuanbai_desktop.data.models import Person, Station
from shuanbai_desktop.data.models.organisations import CommunityOrg
from shuanbai_desktop.data.models.targets import Activity, ResourceLink, Volunteer, VolunteerHours
from shuanbai_desktop.demo import generate_demo, targets_orgs
from shuanbai_desktop.demo import targets as demo_targets
from shuanbai_desktop.domain.org_labels import OrgKind, OrgStatus, OrgSupport
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import station
from shuanbai_desktop.services.report import package
from shuanbai_desktop.services.report.collect import collect
from shuanbai_desktop.services.targets import organisations, resources
from shuanbai_desktop.services.targets.organisations import OrgInput
from tests.conftest import BOTH

BACKENDS = BOTH

D = date
TODAY = D(2024, 6, 10)


def _org(name, since, status=OrgStatus.FOSTERING, stopped=None, members=10, **kw) -> OrgInput:
    return OrgInput(name, kw.pop("kind", OrgKind.COMMUNITY), None, kw.pop("founded", None), since, "联系人",
                    "13800138000", members, status, stopped, kw.pop("support", ()), "")


def test_register_rules_and_list(station_db):
    with station_db.session() as s:
        first = organisations.save_org(s, _org("长者互助会", D(2024, 3, 1), founded="2023-05-01",
                                               support=(OrgSupport.VENUE, OrgSupport.TRAINING)), today=TODAY)
    for data, field in ((_org("长者互助会", D(2024, 3, 1)), "组织名称"),
                        (_org(" ", D(2024, 3, 1)), "组织名称"),
                        (_org("甲", D(2024, 7, 1)), "纳入培育日期"),
                        (_org("乙", D(2024, 3, 1), founded="2024-04-01"), "纳入培育日期"),
                        (_org("丙", D(2024, 3, 1), status=OrgStatus.STOPPED), "停止活动日期"),
                        (_org("丁", D(2024, 3, 1), status=OrgStatus.STOPPED, stopped=D(2024, 2, 1)), "停止活动日期"),
                        (_org("戊", D(2024, 3, 1), members=-1), "成员人数")):
        with pytest.raises(UserError) as caught, station_db.session() as s:
            organisations.save_org(s, data, today=TODAY)
        assert caught.value.field == field, (data.name, caught.value.message)
    with station_db.session() as s:
        assert s.scalar(select(func.count(CommunityOrg.id))) == 1
        [row] = organisations.list_orgs(s)
        full = organisations.get_org(s, first)
    assert row.name == "长者互助会" and row.contact_phone_masked != "13800138000" and row.members == 10
    assert row.support_text == "提供活动场地、骨干培训" and row.founded_on == D(2023, 5, 1)
    assert full.contact_phone == "13800138000"


def _known(db) -> dict[str, int]:
    """May 2024: three organisations in the register at the end of the month, one new, one stopped."""
    with db.session() as s:
        a = organisations.save_org(s, _org("志愿服务队", D(2023, 1, 1), members=40), today=TODAY)
        b = organisations.save_org(s, _org("慈善基金", D(2024, 5, 20), members=7, kind=OrgKind.CHARITY), today=TODAY)
        c = organisations.save_org(s, _org("书法队", D(2023, 6, 1), OrgStatus.STOPPED, D(2024, 5, 15), members=12),
                                   today=TODAY)
        organisations.save_org(s, _org("舞蹈队", D(2023, 6, 1), OrgStatus.STOPPED, D(2024, 6, 2), members=5), today=TODAY)
        organisations.save_org(s, _org("六月新队", D(2024, 6, 3), members=99), today=TODAY)
        v1 = resources.save_volunteer(s, "志愿者甲", org_id=a, today=TODAY)
        v2 = resources.save_volunteer(s, "志愿者乙", organisation="别的队")
        resources.add_hours(s, v1, D(2024, 5, 9), "2.5", "探访", today=TODAY)
        resources.add_hours(s, v1, D(2024, 5, 31), "1.5", "探访", today=TODAY)
        resources.add_hours(s, v1, D(2024, 6, 1), "3", "探访", today=TODAY)
        resources.add_hours(s, v2, D(2024, 5, 9), "4", "探访", today=TODAY)
        resources.save_activity(s, D(2024, 5, 12), "group", "长者小组", None, 30, org_id=a, today=TODAY)
        resources.save_activity(s, D(2024, 5, 13), "group", "书法课", None, 10, org_id=c, today=TODAY)
        resources.save_activity(s, D(2024, 5, 14), "community", "义诊", None, 50, partner="卫生院", today=TODAY)
        person = Person(name="受助人", status="registered")
        s.add(person)
        s.flush()
        s.add_all([ResourceLink(person_id=person.id, linked_on=D(2024, 5, 21), kind="money", provider="慈善基金",
                                org_id=b, value_yuan=Decimal("800.00")),
                   ResourceLink(person_id=person.id, linked_on=D(2024, 5, 22), kind="goods", provider="企业",
                                value_yuan=Decimal("300.00")),
                   ResourceLink(person_id=person.id, linked_on=D(2024, 6, 1), kind="money", provider="慈善基金",
                                org_id=b, value_yuan=Decimal("100.00"))])
    return {"a": a, "b": b, "c": c}


# Counted by hand from ``_known``: at the end of May 志愿服务队 and 慈善基金 (书法队 stopped on 5-15; 舞蹈队
# stops on 6-02, so it still counts; 六月新队 comes in June): 3 organisations, 40 + 7 + 5 members.
EXPECTED = {"orgs.total": 3, "orgs.new": 1, "orgs.stopped": 1, "orgs.members": 52, "orgs.activities": 2,
            "orgs.volunteer_hours": Decimal("4.0"), "orgs.resources": 1, "orgs.resources_value_yuan": Decimal("800.00")}


def test_report_counts_the_register_as_by_hand(station_db):
    ids = _known(station_db)
    with station_db.session() as s:
        values = collect(s, 2024, 5, today=TODAY).values()
        rows = {r.id: r for r in organisations.list_orgs(s)}
        activity = s.scalars(select(Activity).where(Activity.title == "长者小组")).one()
        volunteer = s.scalars(select(Volunteer).where(Volunteer.name == "志愿者甲")).one()
    for key, expected in EXPECTED.items():
        assert values[key] == expected, key
    assert activity.partner == "志愿服务队" and volunteer.organisation == "志愿服务队"
    assert (rows[ids["a"]].volunteers, rows[ids["a"]].activities) == (1, 1)
    assert (rows[ids["b"]].resources, rows[ids["b"]].resources_value) == (2, Decimal("900.00"))
    with station_db.session() as s:
        hours = s.scalar(select(func.sum(VolunteerHours.hours)))
    assert hours == Decimal("11.0")  # the month's figure above is only the 4.0 hours of May by 志愿服务队


def test_a_stopped_organisation_takes_no_new_records(station_db):
    ids = _known(station_db)
    with pytest.raises(UserError, match="已于 2024-05-15 停止活动") as caught, station_db.session() as s:
        resources.save_activity(s, D(2024, 6, 1), "group", "书法课", None, 10, org_id=ids["c"], today=TODAY)
    assert caught.value.field == "合作组织"
    with station_db.session() as s:
        choices = [c.name for c in organisations.org_choices(s)]
    assert "书法队" not in choices and "志愿服务队" in choices


def test_a_case_resource_from_a_registered_provider_is_linked(station_db):
    from shuanbai_desktop.domain.target_labels import ResourceKind
    from shuanbai_desktop.services.targets import case_records
    ids = _known(station_db)
    with station_db.session() as s:
        person = s.scalars(select(Person)).first()
        from shuanbai_desktop.data.models.targets import CaseRecord
        case = CaseRecord(case_no="2024-0001", person_id=person.id, worker_id=1, title="个案", source="self",
                          opened_on=D(2024, 5, 1), stage="resources", status="open")
        s.add(case)
        s.flush()
        named = case_records.save_resource(s, case.id, case_records.ResourceInput(
            D(2024, 6, 2), ResourceKind.MONEY, "慈善基金", "助学金", "500"), today=TODAY)
        other = case_records.save_resource(s, case.id, case_records.ResourceInput(
            D(2024, 6, 2), ResourceKind.GOODS, "爱心企业", "大米", "100"), today=TODAY)
        links = {r.id: r.org_id for r in s.scalars(select(ResourceLink))}
    assert links[named] == ids["b"] and links[other] is None


def test_leadership_on_the_profile_cover_and_signature(station_db, tmp_path):
    import pypdfium2 as pdfium
    with pytest.raises(UserError) as caught, station_db.session() as s:
        station.update_leadership(s, "", "镇党委委员", "", "")
    assert caught.value.field == "站长姓名"
    with station_db.session() as s:
        info = station.update_leadership(s, " 叶建国 ", "镇党委委员、副镇长", "何丽华", "镇公共服务办主任")
    assert (info.leader_name, info.deputy_name) == ("叶建国", "何丽华")
    with station_db.session() as s:
        assert station.get_station(s).deputy_post == "镇公共服务办主任"
        result = package.export_month(s, 2024, 5, tmp_path, today=TODAY)
    folder = result.package
    pdf = pdfium.PdfDocument(str(folder / f"{folder.name}.pdf"))
    first = pdf[0].get_textpage().get_text_range().replace("\r", "").replace("\n", "").replace(" ", "")
    last = pdf[len(pdf) - 1].get_textpage().get_text_range()
    pages = [pdf[i].get_textpage().get_text_range().replace("\r", "").replace("\n", "").replace(" ", "")
             for i in range(len(pdf))]
    pdf.close()
    assert "站长：叶建国（镇党委委员、副镇长）" in first and "常务副站长：何丽华（镇公共服务办主任）" in first
    assert any("审核人（站长）：叶建国" in page for page in pages), last
    notes = {row[0].value: row[1].value for row in load_workbook(folder / f"{folder.name}.xlsx")["说明"].iter_rows()
             if row[0].value}
    assert "站长：叶建国" in notes["站点负责人"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["layout_version"] == "2" and "orgs.total" in {f["key"] for f in manifest["figures"]}


def test_demo_holds_leadership_and_organisations(station_db, monkeypatch):
    monkeypatch.setattr(demo, "_feature_generators", lambda: iter([demo_targets.add_demo, targets_orgs.add_demo]))
    generate_demo(station_db, residents=1500, today=D(2026, 11, 20))
    with station_db.session() as s:
        leader = s.scalar(select(Station.leader_name))
        orgs = organisations.list_orgs(s)
        fig = organisations.month_figures(s, 2026, 11)
        linked_volunteers = s.scalar(select(func.count(Volunteer.id)).where(Volunteer.org_id.is_not(None)))
        volunteers = s.scalar(select(func.count(Volunteer.id)))
    assert leader and len(orgs) == len(targets_orgs.ORGS)
    assert {o.kind for o in orgs} >= {OrgKind.VOLUNTEER_TEAM, OrgKind.CHARITY, OrgKind.COMMUNITY}
    assert linked_volunteers == volunteers > 0 and sum(o.activities for o in orgs) > 0
    assert fig.orgs_at_end == len(orgs) - 1 and fig.orgs_new == 1 and fig.members_at_end > 0
