"""The person registry: validation, duplicates, search by name, pinyin, ID digits, phone; the full ID
number only through an audited reveal with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.domain.target_labels import BenefitKind
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, persons
from shuanbai_desktop.services.persons import DuplicatePerson, PersonFilter, PersonInput, SimilarPersons
from shuanbai_desktop.services.targets.profile import BenefitInput
from tests.conftest import BOTH

BACKENDS = BOTH

VILLAGE = "441302001001"
ID_A = "440524188001010014"
ID_B = "11010519491231002X"


def _save(db, data, **kw):
    with db.session() as s:
        return persons.save_person(s, data, today=date(2026, 11, 28), **kw)


def _full(db, pid) -> str:
    with db.session() as s:
        return persons.reveal_id_number(s, pid, "核对身份证件")


def test_id_number_normalised_and_fields_derived(station_db):
    pid = _save(station_db, PersonInput("张三", "１１０１０５１９４９１２３１００２ｘ", village_code=VILLAGE))
    with station_db.session() as s:
        person = persons.get_person(s, pid)
    assert person.sex == "女" and person.birth_date == date(1949, 12, 31)
    assert person.id_masked == "110105********002X"
    assert _full(station_db, pid) == ID_B


def test_legacy_15_digit_number_converted(station_db):
    pid = _save(station_db, PersonInput("李四", "110105491231002"))
    assert _full(station_db, pid) == ID_B


@pytest.mark.parametrize(("data", "field", "rule"), [
    (PersonInput(""), "姓名", "不能为空"),
    (PersonInput("王" * 41, ID_A), "姓名", "不能超过 40"),
    (PersonInput("王五", "110105194912310021"), "身份证号", "校验位"),
    (PersonInput("王五"), "身份证号", "无身份证号的原因"),
    (PersonInput("王五", ID_A, phone="12345"), "联系电话", ""),
    (PersonInput("王五", ID_A, village_code="999999999999"), "村(居)", "不属于本站"),
])
def test_bad_input_names_the_field_and_saves_nothing(station_db, data, field, rule):
    with pytest.raises(UserError) as err:
        _save(station_db, data)
    assert err.value.field == field and rule in err.value.message
    with station_db.session() as s:
        assert persons.count(s, PersonFilter()) == 0


def test_infant_without_number_allowed_with_reason(station_db):
    pid = _save(station_db, PersonInput("小宝", no_id_reason="新生儿未办证", village_code=VILLAGE))
    with station_db.session() as s:
        assert persons.get_person(s, pid).id_masked == ""
        with pytest.raises(UserError, match="没有登记身份证号"):
            persons.reveal_id_number(s, pid, "核对身份证件")


def test_same_id_refused_and_existing_record_named(station_db):
    first = _save(station_db, PersonInput("张三", ID_A))
    with pytest.raises(DuplicatePerson) as err:
        _save(station_db, PersonInput("张叁", ID_A.lower()))
    assert err.value.existing_id == first and "440524********0014" in err.value.message


def test_same_name_same_village_warns_then_saves_when_confirmed(station_db):
    _save(station_db, PersonInput("陈小明", no_id_reason="婴儿", village_code=VILLAGE))
    with pytest.raises(SimilarPersons) as err:
        _save(station_db, PersonInput("陈小明", ID_A, village_code=VILLAGE))
    assert err.value.candidates[0].name == "陈小明" and "婴儿" not in err.value.message
    _save(station_db, PersonInput("陈小明", ID_A, village_code=VILLAGE), confirm_similar=True)
    with station_db.session() as s:
        assert persons.count(s, PersonFilter(text="陈小明")) == 2


@pytest.fixture
def registry(station_db):
    for name, number, phone in (("张三", ID_A, "13800138000"), ("曾小明", ID_B, ""),
                                ("张晓红", "", "0752-2808727"), ("䶮王", "34052419800101001X", "")):
        _save(station_db, PersonInput(name, number, no_id_reason="" if number else "未办证", phone=phone,
                                      village_code=VILLAGE))
    return station_db


@pytest.mark.parametrize(("text", "names"), [
    ("张", ["张三", "张晓红"]), ("zs", ["张三"]), ("ZS", ["张三"]), ("zeng", ["曾小明"]),
    ("zxm", ["曾小明"]), ("0014", ["张三"]), ("8000", ["张三"]), ("2808727", ["张晓红"]),
    (ID_B, ["曾小明"]), ("110105491231002", ["曾小明"]), ("䶮", ["䶮王"]), ("李", []),
])
def test_search_one_box(registry, text, names):
    with registry.session() as s:
        assert sorted(r.name for r in persons.search(s, PersonFilter(text=text))) == sorted(names)


def test_rows_are_masked(registry):
    with registry.session() as s:
        row = persons.search(s, PersonFilter(text="zs"))[0]
    assert row.id_masked == "440524********0014" and row.phone_masked == "138****8000"
    assert row.village_name == "东湖社区居委会"


def _events(db, pid) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == "person",
                                                       AuditEntry.record_id == str(pid),
                                                       AuditEntry.action == "event")))


def _user(db, username: str, role: Role):
    with db.session() as s:
        auth.create_user(s, username, f"测试{role.short}", role, "Qiao-dong-2024-zhan", must_change=False)
    return auth.log_in(db, username, "Qiao-dong-2024-zhan")


def test_reading_a_person_never_gives_the_full_number(station_db):
    """Issue 12: a 窗口 or 督导 account read full ID numbers through get_person."""
    pid = _save(station_db, PersonInput("张三", ID_A, village_code=VILLAGE))
    for username, role in (("chuangkou", Role.WINDOW), ("dudao", Role.SUPERVISOR)):
        user = _user(station_db, username, role)
        with station_db.session(user.actor) as s:
            detail = persons.get_person(s, pid)
        assert ID_A not in repr(detail) and detail.id_masked == "440524********0014"
        with pytest.raises(UserError, match=f"“{role.short}”角色不能查看完整身份证号"):
            with station_db.session(user.actor) as s:
                persons.reveal_id_number(s, pid, "核对身份证件")
    assert _events(station_db, pid) == []


def test_reveal_needs_a_reason_and_is_audited(station_db):
    pid = _save(station_db, PersonInput("张三", ID_A, village_code=VILLAGE))
    worker = _user(station_db, "shegong", Role.SOCIAL_WORKER)
    for reason in ("", "  ", "核对"):
        with pytest.raises(UserError, match="原因") as err, station_db.session(worker.actor) as s:
            persons.reveal_id_number(s, pid, reason)
        assert err.value.field == "查看原因"
    assert _events(station_db, pid) == []
    with station_db.session(worker.actor) as s:
        assert persons.reveal_id_number(s, pid, "核对低保申请材料") == ID_A
    [event] = _events(station_db, pid)
    assert event.summary == "查看完整身份证号" and event.username == "shegong"
    assert "核对低保申请材料" in event.changes and ID_A not in event.changes


def test_editing_without_the_number_keeps_the_stored_number(station_db):
    """The edit form sends id_number=None when the number was never shown in full."""
    pid = _save(station_db, PersonInput("张三", ID_A, phone="13800138000", village_code=VILLAGE))
    _save(station_db, PersonInput("张三", None, phone="13900139000", village_code=VILLAGE), person_id=pid)
    with station_db.session() as s:
        detail = persons.get_person(s, pid)
    assert detail.phone == "13900139000" and detail.birth_date == date(1880, 1, 1) and detail.sex == "男"
    assert _full(station_db, pid) == ID_A
    with pytest.raises(UserError, match="无身份证号的原因"):  # None on a new person: no number at all
        _save(station_db, PersonInput("李四", None))


def test_counter_creates_but_does_not_edit(station_db):
    window = _user(station_db, "chuangkou", Role.WINDOW)
    with station_db.session(window.actor) as s:
        pid = persons.save_person(s, PersonInput("王五", ID_A), today=date(2026, 11, 28))
    with pytest.raises(UserError, match="不能修改或删除居民信息"):
        with station_db.session(window.actor) as s:
            persons.save_person(s, PersonInput("王五", None, phone="13800138000"), pid, today=date(2026, 11, 28))
    with station_db.session() as s:
        assert persons.get_person(s, pid).phone == ""


def _benefit_entries(db) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.table_name == "person_benefit")
                              .order_by(AuditEntry.id)))


def test_removing_a_benefit_leaves_an_audit_entry(station_db):
    """Issue 12 “Audit gaps”: benefits were replaced by a bulk delete, which left no entry."""
    dibao, other = BenefitInput(BenefitKind.DIBAO, "850"), BenefitInput(BenefitKind.OTHER, "100", note="临时补助")
    pid = _save(station_db, PersonInput("张三", ID_A, benefits=(dibao, other)))
    assert [e.action for e in _benefit_entries(station_db)] == ["insert", "insert"]
    _save(station_db, PersonInput("张三", None, benefits=(dibao,)), person_id=pid)
    entries = _benefit_entries(station_db)
    assert [e.action for e in entries] == ["insert", "insert", "delete"]  # the kept one is not rewritten
    assert "临时补助" in entries[-1].changes
    with station_db.session() as s:
        assert [b.kind for b in persons.get_person(s, pid).benefits] == [BenefitKind.DIBAO]
