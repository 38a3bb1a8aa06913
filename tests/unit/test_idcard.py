"""China resident ID numbers: parsing, rules, masking and the demo-data generator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shuanbai_desktop.domain.idcard import (
    MIN_BIRTH_YEAR,
    IdNumberInfo,
    age_on,
    is_valid_id_number,
    make_id_number,
    mask_id_number,
    normalize_id_number,
    parse_id_number,
    sex_from_number,
)
from shuanbai_desktop.errors import UserError

TODAY = date(2025, 6, 15)
FAST = settings(max_examples=300, deadline=None, database=None)

VALID = ["11010519491231002X", "440524188001010014", "34052419800101001X", "370101190102039973"]

regions = st.sampled_from(["110105", "440524", "441302", "445281", "340524", "650102", "810000", "931234"])
births = st.dates(min_value=date(MIN_BIRTH_YEAR, 1, 1), max_value=TODAY)
seqs = st.integers(min_value=0, max_value=999)


def error_of(raw: str, today: date = TODAY) -> UserError:
    with pytest.raises(UserError) as info:
        parse_id_number(raw, today=today)
    assert info.value.field == "身份证号"
    return info.value


@pytest.mark.parametrize("number", VALID)
def test_known_valid_numbers(number):
    info = parse_id_number(number, today=TODAY)
    assert info.number == number
    assert info.region_code == number[:6]
    assert not info.converted_from_15


def test_parse_returns_all_fields():
    assert parse_id_number("11010519491231002X", today=TODAY) == IdNumberInfo(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        sex="女",
        region_code="110105",
        converted_from_15=False,
    )


def test_parse_reads_male_from_odd_sequence():
    info = parse_id_number("370101190102039973", today=TODAY)
    assert (info.sex, info.birth_date) == ("男", date(1901, 2, 3))


def test_wrong_check_digit_is_rejected():
    assert error_of("110105194912310021").message == "身份证号校验位错误，请核对最后一位"


def test_fifteen_digit_number_is_upgraded():
    info = parse_id_number("110105491231002", today=TODAY)
    assert info.number == "11010519491231002X"
    assert info.converted_from_15
    assert info.birth_date == date(1949, 12, 31)
    assert info.sex == "女"


@pytest.mark.parametrize(
    "raw",
    [
        "１１０１０５１９４９１２３１００２Ｘ",
        "11010519491231002x",
        " 110105-19491231-002x ",
        "110105 1949 1231 002X",
    ],
)
def test_normalization_variants_parse(raw):
    assert parse_id_number(raw, today=TODAY).number == "11010519491231002X"


def test_normalize_id_number():
    assert normalize_id_number("１１０１０５　１９４９１２３１００２ｘ") == "11010519491231002X"
    assert normalize_id_number("") == ""


@pytest.mark.parametrize("raw", ["", "   ", "- -"])
def test_empty_is_rejected(raw):
    assert error_of(raw).message == "身份证号不能为空"


@pytest.mark.parametrize("raw", ["1101051949123100", "11010519491231002", "1101051949123100211", "12345"])
def test_wrong_length_is_rejected(raw):
    assert error_of(raw).message.startswith("身份证号应为18位（或旧版15位）")


@pytest.mark.parametrize(
    "raw", ["11010519491231A02X", "1101051949123100X2", "11010549123100X", "一二三", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"]
)
def test_non_digits_are_rejected(raw):
    assert "只能包含数字" in error_of(raw).message


@pytest.mark.parametrize("body", ["11010519490230002", "11010519491301002", "11010519490100002"])
def test_impossible_birth_date_is_rejected(body):
    number = body + _check(body)
    assert error_of(number).message == "身份证号中的出生日期无效"


def test_future_birth_date_is_rejected():
    body = "11010520250616002"
    assert "晚于今天" in error_of(body + _check(body), today=TODAY).message
    assert parse_id_number(body + _check(body), today=date(2025, 6, 16)).birth_date == date(2025, 6, 16)


def test_birth_year_before_minimum_is_rejected():
    body = f"110105{MIN_BIRTH_YEAR - 1}1231002"
    assert f"早于{MIN_BIRTH_YEAR}年" in error_of(body + _check(body)).message


@pytest.mark.parametrize("region", ["000000", "100000", "160000", "660000", "700000", "840000", "990000"])
def test_unknown_province_is_rejected(region):
    body = region + "19800101001"
    assert error_of(body + _check(body)).message == "身份证号前两位不是有效的省级地区代码"


@pytest.mark.parametrize("region", ["710000", "810000", "820000", "830000", "944156", "650102"])
def test_special_regions_are_accepted(region):
    assert is_valid_id_number(make_id_number(region, date(1980, 1, 1), 1), today=TODAY)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1980, 6, 15), date(2025, 6, 15), 45),
        (date(1980, 6, 16), date(2025, 6, 15), 44),
        (date(1980, 6, 14), date(2025, 6, 15), 45),
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(2000, 12, 31), date(2001, 1, 1), 0),
        (date(2025, 6, 15), date(2025, 6, 15), 0),
    ],
)
def test_age_on_boundaries(birth, on, age):
    assert age_on(birth, on) == age


def test_age_on_rejects_date_before_birth():
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@FAST
@given(births)
def test_age_turns_over_exactly_on_birthday(birth):
    year = birth.year + 60
    birthday = _anniversary(birth, year)
    assert age_on(birth, birthday) == 60
    assert age_on(birth, birthday - timedelta(days=1)) == 59


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("440524188001010014", "440524********0014"),
        ("110105491231002", "110105*****1002"),
        ("12345678901", "123456*8901"),
        ("1234567890", "********90"),
        ("123", "*23"),
        ("", ""),
    ],
)
def test_mask_id_number(number, masked):
    assert mask_id_number(number) == masked


def test_make_id_number_rejects_bad_input():
    with pytest.raises(ValueError):
        make_id_number("11010", date(1980, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("110105", date(1980, 1, 1), 1000)
    with pytest.raises(ValueError):
        make_id_number("110105", date(1980, 1, 1), -1)
    with pytest.raises(ValueError):
        make_id_number("990000", date(1980, 1, 1), 1)
    with pytest.raises(ValueError):
        make_id_number("110105", date(9999, 1, 1), 1)


@FAST
@given(regions, births, seqs)
def test_generated_numbers_validate(region, birth, seq):
    number = make_id_number(region, birth, seq)
    info = parse_id_number(number, today=TODAY)
    assert (info.number, info.birth_date, info.region_code) == (number, birth, region)
    assert info.sex == ("男" if seq % 2 else "女")


@FAST
@given(regions, births, seqs, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_any_single_digit_substitution_is_rejected(region, birth, seq, position, shift):
    number = make_id_number(region, birth, seq)
    digit = str((int(number[position]) + shift) % 10)
    assert not is_valid_id_number(number[:position] + digit + number[position + 1 :], today=TODAY)


@FAST
@given(regions, births, seqs, st.integers(min_value=0, max_value=15))
def test_adjacent_transposition_is_rejected(region, birth, seq, position):
    number = make_id_number(region, birth, seq)
    a, b = number[position], number[position + 1]
    assume(a != b)
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not is_valid_id_number(swapped, today=TODAY)


@FAST
@given(regions, births, seqs)
def test_sex_follows_parity_of_seventeenth_digit(region, birth, seq):
    number = make_id_number(region, birth, seq)
    assert sex_from_number(number) == ("男" if int(number[16]) % 2 else "女")
    assert int(number[14:17]) == seq


def _check(body: str) -> str:
    """ISO 7064 MOD 11-2 written out independently of the module under test."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body))
    return "10X98765432"[total % 11]


def _anniversary(birth: date, year: int) -> date:
    if (birth.month, birth.day) == (2, 29):
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 3, 1)
    return birth.replace(year=year)
