"""Bad input on persons, households and visits: a Chinese message naming the field, nothing saved."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from shuanbai_desktop.data.models.targets import Household, Visit
from shuanbai_desktop.domain.target_labels import BenefitKind, Relation, Risk, TargetGroup, VisitForm
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.persons import PersonFilter, PersonInput
from shuanbai_desktop.services.targets import households, intervals, visits
from shuanbai_desktop.services.targets.households import HouseholdInput, MemberInput
from shuanbai_desktop.services.targets.profile import BenefitInput
from tests.conftest import BOTH

BACKENDS = BOTH

VILLAGE = "441302001001"
TODAY = date(2026, 11, 20)
OLD = "440524194501010011"
CHILD = "440524201503040022"


def _save(db, data, person_id=None):
    with db.session() as s:
        return persons.save_person(s, data, person_id, today=TODAY)


@pytest.mark.parametrize(("data", "field", "rule"), [
    (PersonInput("王五", "440524198002300011"), "身份证号", "出生日期无效"),
    (PersonInput("王五", "440524203001010011"), "身份证号", "晚于今天"),
    (PersonInput("王五", OLD, phone="12345678901"), "联系电话", "不是有效的手机号"),
    (PersonInput("王五", OLD, groups=(TargetGroup.LEFT_BEHIND_CHILD,)), "服务对象类别", "未满 18 周岁"),
    (PersonInput("王五", CHILD, groups=(TargetGroup.ELDERLY_IN_DIFFICULTY,)), "服务对象类别", "年满 60 周岁"),
    (PersonInput("王五", CHILD, groups=(TargetGroup.LEFT_BEHIND_CHILD,)), "监护人", "监护人姓名"),
    (PersonInput("王五", OLD, groups=(TargetGroup.DISABLED,)), "残疾类别", "残疾类别"),
    (PersonInput("王五", OLD, disability_grade="2"), "残疾类别", "同时选择残疾类别"),
    (PersonInput("王五", OLD, guardian_phone="123"), "监护人电话", ""),
    (PersonInput("王五", OLD, benefits=(BenefitInput(BenefitKind.DIBAO, "-5"),)), "低保金金额", "不能为负数"),
    (PersonInput("王五", OLD, benefits=(BenefitInput(BenefitKind.DIBAO, "1.005"),)), "低保金金额", "两位小数"),
    (PersonInput("王五", OLD, benefits=(BenefitInput(BenefitKind.DIBAO), BenefitInput(BenefitKind.DIBAO))),
     "享受待遇", "重复"),
])
def test_person_rules(station_db, data, field, rule):
    with pytest.raises(UserError) as err:
        _save(station_db, data)
    assert err.value.field == field and rule in err.value.message
    with station_db.session() as s:
        assert persons.count(s, PersonFilter()) == 0


def test_window_edit_without_target_fields_keeps_them(station_db):
    pid = _save(station_db, PersonInput("王五", OLD, groups=(TargetGroup.LOW_INCOME,),
                                        benefits=(BenefitInput(BenefitKind.DIBAO, "850"),), health="chronic"))
    _save(station_db, PersonInput("王五", OLD, phone="13800138000", village_code=VILLAGE), pid)
    with station_db.session() as s:
        p = persons.get_person(s, pid)
        assert persons.search(s, PersonFilter(group=TargetGroup.LOW_INCOME))[0].groups_text == "低保对象"
    assert p.groups == (TargetGroup.LOW_INCOME,) and p.benefits[0].text == "低保金 850.00 元/月"
    assert p.health.label == "慢性病" and p.phone == "13800138000"


@pytest.fixture
def house(station_db, admin):
    a = _save(station_db, PersonInput("王五", OLD, village_code=VILLAGE))
    b = _save(station_db, PersonInput("王小五", CHILD, village_code=VILLAGE))
    c = _save(station_db, PersonInput("赵六", "440524198001010013", village_code=VILLAGE))
    with station_db.session() as s:
        hid = households.save_household(s, HouseholdInput((MemberInput(a, Relation.HEAD),
                                                           MemberInput(b, Relation.GRANDCHILD))))
    return hid, a, b, c


@pytest.mark.parametrize(("members", "rule"), [
    ((), "至少要有一位成员"),
    (("c:head", "c:child"), "出现了两次"),
    (("c:child",), "有且只有一位户主"),
    (("c:head", "a:spouse"), "已是“王五户”的成员"),
])
def test_household_rules(station_db, house, members, rule):
    hid, a, b, c = house
    ids = {"a": a, "b": b, "c": c}
    data = HouseholdInput(tuple(MemberInput(ids[m[0]], Relation(m[2:])) for m in members))
    with pytest.raises(UserError, match=rule), station_db.session() as s:
        households.save_household(s, data)
    with station_db.session() as s:
        assert s.scalar(select(func.count(Household.id))) == 1


def _visit(hid, who, **kw):
    base = dict(household_id=hid, visit_date=date(2026, 11, 10), worker_ids=(1,), person_ids=who,
                form=VisitForm.HOME, findings="情况稳定", risk=Risk.MEDIUM)
    base.update(kw)
    return visits.VisitInput(**base)


@pytest.mark.parametrize(("kw", "field", "rule"), [
    ({"visit_date": date(2026, 11, 21)}, "走访日期", "不能晚于今天"),
    ({"next_due": date(2026, 11, 9)}, "下次走访日期", "应晚于本次走访日期"),
    ({"next_due": date(2026, 11, 10)}, "下次走访日期", "应晚于本次走访日期"),
    ({"worker_ids": ()}, "走访社工", "至少选择一位"),
    ({"person_ids": ()}, "见到的人", "至少一位"),
    ({"person_ids": "c"}, "见到的人", "须是这户的成员"),
    ({"findings": "  "}, "走访情况", "不能为空"),
])
def test_visit_rules(station_db, house, kw, field, rule):
    hid, a, b, c = house
    if kw.get("person_ids") == "c":
        kw["person_ids"] = (c,)
    with pytest.raises(UserError) as err, station_db.session() as s:
        visits.save_visit(s, _visit(hid, (a,), **kw), today=TODAY)
    assert err.value.field == field and rule in err.value.message
    with station_db.session() as s:
        assert s.scalar(select(func.count(Visit.id))) == 0 and households.get_household(s, hid).next_due is None


def test_next_visit_follows_risk_settings_and_latest_visit(station_db, house):
    hid, a, b, _ = house
    with station_db.session() as s:
        intervals.set_days(s, {Risk.HIGH: 5, Risk.MEDIUM: 20, Risk.LOW: 60})
        first = visits.save_visit(s, _visit(hid, (a, b), risk=Risk.HIGH), today=TODAY)
        assert households.get_household(s, hid).next_due == date(2026, 11, 15)
        visits.save_visit(s, _visit(hid, (a,), visit_date=date(2026, 11, 1), risk=Risk.LOW), today=TODAY)
        assert households.get_household(s, hid).next_due == date(2026, 11, 15)  # an older visit does not move it
        visits.delete_visit(s, first)
        info = households.get_household(s, hid)
    assert (info.last_visit, info.risk, info.next_due) == (date(2026, 11, 1), Risk.LOW, date(2026, 12, 31))
    with pytest.raises(UserError, match="高风险不长于中风险"), station_db.session() as s:
        intervals.set_days(s, {Risk.HIGH: 40, Risk.MEDIUM: 30, Risk.LOW: 90})


def test_due_lists_per_worker_and_village(station_db, house, admin):
    hid, a, _, _ = house
    with station_db.session() as s:
        visits.save_visit(s, _visit(hid, (a,), visit_date=date(2026, 10, 1), next_due=date(2026, 11, 1)),
                          today=TODAY)
        due = visits.due_visits(s, TODAY)
        by_worker = visits.due_counts(s, TODAY, "worker")
        by_village = visits.due_counts(s, TODAY, "village")
        mine = visits.due_visits(s, TODAY, worker_id=admin.id)
    assert due[0].state == "超期 19 天" and mine == due
    assert (by_worker[0].key, by_worker[0].overdue) == ("李副站长", 1)
    assert by_village[0].key == "东湖社区居委会"
