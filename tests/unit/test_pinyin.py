"""Pinyin search keys for names: surname readings, odd characters and matching."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from shuanbai_desktop.domain.pinyin import (
    COMPOUND_SURNAMES,
    SURNAME_READINGS,
    matches_pinyin,
    name_search_keys,
)

FAST = settings(max_examples=300, deadline=None, database=None)


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三", "zhangsan", "zs"),
        ("李四", "lisi", "ls"),
        ("吕女士", "lvnvshi", "lns"),
        ("欧阳修", "ouyangxiu", "oyx"),
        ("司马光", "simaguang", "smg"),
        ("诸葛亮", "zhugeliang", "zgl"),
        ("上官婉儿", "shangguanwaner", "sgwe"),
        ("司徒雷登", "situleideng", "stld"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("冼星海", "xianxinghai", "xxh"),
        ("", "", ""),
    ],
)
def test_name_search_keys(name, full, initials):
    assert name_search_keys(name) == (full, initials)


@pytest.mark.parametrize(
    ("surname", "reading"),
    [
        ("曾", "zeng"),
        ("单", "shan"),
        ("解", "xie"),
        ("仇", "qiu"),
        ("朴", "piao"),
        ("区", "ou"),
        ("查", "zha"),
        ("覃", "qin"),
        ("洗", "xian"),
        ("翟", "zhai"),
        ("缪", "miao"),
        ("盖", "ge"),
    ],
)
def test_surname_readings_override_common_readings(surname, reading):
    assert lazy_pinyin(surname) != [reading], "pypinyin now reads it right; test no longer proves anything"
    full, initials = name_search_keys(surname + "小明")
    assert full == reading + "xiaoming"
    assert initials == reading[0] + "xm"


def test_zeng_surname_vs_given_name():
    assert name_search_keys("曾小明")[0].startswith("zeng")
    assert name_search_keys("单单")[0] == "shandan"


def test_surname_reading_only_applies_to_first_character():
    assert name_search_keys("王曾")[0] == "wangceng"


def test_surname_does_not_form_a_phrase_with_the_given_name():
    assert lazy_pinyin("冯河")[0] == "ping", "phrase 冯河 (ping he) gone from pypinyin; pick another"
    assert name_search_keys("冯河") == ("fenghe", "fh")


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("阿依古丽·买买提", "ayiguli·maimaiti", "aygl·mmt"),
        ("王2号", "wang2hao", "w2h"),
        ("Tom 李", "tomli", "toml"),
        ("ＡＢ张", "abzhang", "abz"),
        ("张 三", "zhangsan", "zs"),
    ],
)
def test_non_han_characters_are_kept_lowercase(name, full, initials):
    assert name_search_keys(name) == (full, initials)


@pytest.mark.parametrize(
    ("name", "keys"), [("张𠮷三", ("zhangsan", "zs")), ("𠮷", ("", "")), ("李\U0002b81d", ("li", "l"))]
)
def test_unknown_han_characters_are_skipped(name, keys):
    assert name_search_keys(name) == keys


@FAST
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=8))
def test_keys_never_crash_and_are_lowercase_without_spaces(name):
    full, initials = name_search_keys(name)
    assert full == full.lower()
    assert not any(ch.isspace() for ch in full + initials)
    assert len(initials) <= len(full)


@FAST
@given(st.text(alphabet="张王李赵曾单欧阳司马小明华丽强国庆", min_size=1, max_size=5))
def test_han_names_give_ascii_keys_and_one_initial_per_character(name):
    full, initials = name_search_keys(name)
    assert full.isascii() and full.isalpha() and full == full.lower()
    assert len(initials) == len(name)
    assert matches_pinyin(initials, full, initials)
    assert matches_pinyin(full, full, initials)


def test_tables_use_plain_lowercase_syllables():
    readings = list(SURNAME_READINGS.values()) + [s for pair in COMPOUND_SURNAMES.values() for s in pair]
    assert all(r.isascii() and r.isalpha() and r == r.lower() for r in readings)
    assert all(len(k) == 2 for k in COMPOUND_SURNAMES)
    assert all(len(k) == 1 for k in SURNAME_READINGS)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zhang", True),
        ("zhangsan", True),
        ("ZS", True),
        ("san", True),
        ("zs", True),
        ("s", True),
        ("zhang san", True),
        ("", True),
        ("zhangsi", False),
        ("sz", False),
        ("li", False),
        ("张", False),
    ],
)
def test_matches_pinyin(query, expected):
    full, initials = name_search_keys("张三")
    assert matches_pinyin(query, full, initials) is expected


def test_matches_pinyin_ignores_separators_in_keys():
    full, initials = name_search_keys("阿依古丽·买买提")
    assert matches_pinyin("gulimai", full, initials)
    assert matches_pinyin("aygl", full, initials)
    assert matches_pinyin("glm", full, initials)
    assert not matches_pinyin("mmta", full, initials)


def test_matches_pinyin_accepts_u_umlaut_for_v():
    full, initials = name_search_keys("吕女士")
    assert matches_pinyin("lü", full, initials)
    assert matches_pinyin("lvnv", full, initials)
