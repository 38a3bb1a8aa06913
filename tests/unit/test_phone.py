"""Mainland phone numbers: normalization, validation rules and masking."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuanbai_desktop.domain.phone import mask_phone, normalize_phone, validate_phone
from shuanbai_desktop.errors import UserError

FAST = settings(max_examples=300, deadline=None, database=None)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８ ００１３ ８０００", "13800138000"),
        ("(0752) 2808727", "07522808727"),
        ("（0752）2808727", "07522808727"),
        ("86123456", "86123456"),
        ("+86 0752 2808727", "+8607522808727"),
        ("", ""),
    ],
)
def test_normalize_phone(raw, normalized):
    assert normalize_phone(raw) == normalized


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("19912345678", "19912345678"),
        ("13012345678", "13012345678"),
        ("0752-2808727", "0752-2808727"),
        ("07522808727", "0752-2808727"),
        ("020-83123456", "020-83123456"),
        ("(020)83123456", "020-83123456"),
        ("010 8888 6666", "010-88886666"),
        ("2808727", "2808727"),
        ("28087270", "28087270"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_valid_phones(raw, result):
    assert validate_phone(raw) == result


@pytest.mark.parametrize(
    "raw",
    [
        "12345678901",
        "10012345678",
        "1380013800",
        "138001380001",
        "0752-280872",
        "0752-280872712",
        "0752-0808727",
        "020-12345678",
        "123456",
        "1234567",
        "400-123-4567",
        "075-2808727",
        "abc",
        "138OO138000",
        "١٣٨٠٠١٣٨٠٠٠",
        "+1 202 555 0100",
    ],
)
def test_invalid_phones_are_rejected(raw):
    with pytest.raises(UserError) as info:
        validate_phone(raw)
    assert info.value.field == "联系电话"
    assert info.value.message.startswith("联系电话")


def test_error_names_the_given_field_and_rule():
    with pytest.raises(UserError) as info:
        validate_phone("12345678901", field="监护人电话")
    assert info.value.field == "监护人电话"
    assert "监护人电话不是有效的手机号" in info.value.message
    assert "11位" in info.value.message


def test_error_for_letters_mentions_digits():
    with pytest.raises(UserError) as info:
        validate_phone("138abc")
    assert "只能包含数字" in info.value.message


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13800138000", "138****8000"),
        ("+86 138 0013 8000", "138****8000"),
        ("0752-2808727", "0752-****727"),
        ("020-83123456", "020-*****456"),
        ("2808727", "****727"),
        ("12", "*2"),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@FAST
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", "+86", "0086", "86", "+86 "]))
def test_every_mobile_validates_with_any_prefix(mobile, prefix):
    spaced = f"{mobile[:3]} {mobile[3:7]}-{mobile[7:]}"
    assert validate_phone(prefix + spaced) == mobile
    assert mask_phone(mobile) == mobile[:3] + "****" + mobile[7:]


@FAST
@given(st.from_regex(r"1[0-2][0-9]{9}", fullmatch=True))
def test_mobiles_with_second_digit_below_3_are_rejected(number):
    with pytest.raises(UserError):
        validate_phone(number)
