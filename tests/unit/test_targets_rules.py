"""Pure rules of 服务对象与个案: ID spellings the registry treats as one, amounts, stages, group ages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuanbai_desktop.domain.idcard import age_on, make_id_number, parse_id_number
from shuanbai_desktop.domain.target_labels import CaseOutcome, CaseStage, TargetGroup
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.targets.profile import check_profile

TODAY = date(2026, 11, 20)
births = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@given(births, st.integers(min_value=0, max_value=999), st.sampled_from(["upper", "lower", "full", "spaced"]))
def test_every_spelling_of_a_number_is_the_same_person(birth, seq, spelling):
    number = make_id_number("440524", birth, seq)
    typed = {"upper": number, "lower": number.lower(), "full": number.translate(FULL_WIDTH),
             "spaced": f"{number[:6]} {number[6:14]}-{number[14:]}"}[spelling]
    info = parse_id_number(typed, TODAY)
    assert info.number == number and info.birth_date == birth
    assert info.sex == ("男" if seq % 2 else "女")


@given(births, st.integers(min_value=0, max_value=999), st.integers(min_value=0, max_value=16),
       st.integers(min_value=1, max_value=9))
def test_any_single_mistyped_digit_is_refused(birth, seq, position, delta):
    number = make_id_number("440524", birth, seq)
    digit = (int(number[position]) + delta) % 10
    typo = number[:position] + str(digit) + number[position + 1:]
    with pytest.raises(UserError) as err:
        parse_id_number(typo, TODAY)
    assert err.value.field == "身份证号"


def test_stages_in_order():
    assert [s.number for s in CaseStage] == [1, 2, 3, 4, 5, 6]
    assert CaseStage.IDENTIFY.next is CaseStage.ASSESS and CaseStage.FOLLOW_UP.next is None
    assert {o for o in CaseOutcome if o.early_allowed} == {CaseOutcome.REFERRED, CaseOutcome.MOVED_OR_DIED,
                                                          CaseOutcome.DECLINED}


@dataclass(frozen=True)
class Profile:
    groups: tuple = ()
    disability_type: str = ""
    disability_grade: str = ""
    guardian_name: str = "祖母"


@given(births)
def test_child_and_elderly_groups_follow_the_age(birth):
    age = age_on(birth, TODAY)
    for group, allowed in ((TargetGroup.LEFT_BEHIND_CHILD, age < 18), (TargetGroup.ELDERLY_IN_DIFFICULTY, age >= 60)):
        if allowed:
            check_profile(Profile((group,)), birth, TODAY)
        else:
            with pytest.raises(UserError) as err:
                check_profile(Profile((group,)), birth, TODAY)
            assert err.value.field == "服务对象类别"


def test_minor_in_a_child_group_needs_a_guardian():
    with pytest.raises(UserError, match="监护人姓名"):
        check_profile(Profile((TargetGroup.CHILD_IN_DIFFICULTY,), guardian_name=""), TODAY - timedelta(days=3000), TODAY)
