"""The person registry: validation, duplicates, search by name, pinyin, ID digits, phone."""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.persons import DuplicatePerson, PersonFilter, PersonInput, SimilarPersons

VILLAGE = "441302001001"
ID_A = "440524188001010014"
ID_B = "11010519491231002X"


def _save(db, data, **kw):
    with db.session() as s:
        return persons.save_person(s, data, today=date(2026, 11, 28), **kw)


def test_id_number_normalised_and_fields_derived(station_db):
    pid = _save(station_db, PersonInput("张三", "１１０１０５１９４９１２３１００２ｘ", village_code=VILLAGE))
    with station_db.session() as s:
        person = persons.get_person(s, pid)
    assert person.id_number == ID_B and person.sex == "女" and person.birth_date == date(1949, 12, 31)
    assert person.id_masked == "110105********002X"


def test_legacy_15_digit_number_converted(station_db):
    pid = _save(station_db, PersonInput("李四", "110105491231002"))
    with station_db.session() as s:
        assert persons.get_person(s, pid).id_number == ID_B


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
        assert persons.get_person(s, pid).id_number is None


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
