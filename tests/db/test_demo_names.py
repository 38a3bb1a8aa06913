"""Demo people's given names read as their sex (issue 14: the demo gave 男 to 林丽娟 and 女 to 黄志明).

The sex of a resident and of a staff member comes from the ID number's sequence digit; the name must
agree with it. The characters below are judged here, independently of the generator's own pools: each
reads plainly as a woman's or a man's given name.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from shuanbai_desktop.data.models import Person
from shuanbai_desktop.data.models.staff import StaffMember
from shuanbai_desktop.demo import generate_demo
from shuanbai_desktop.domain.idcard import sex_from_number
from tests.conftest import build_template

WOMANLY = set("丽娟芳娜婷燕霞梅兰萍凤玲珍淑秀艳莉颖慧桂")
MANLY = set("强磊军勇刚志明豪浩伟杰涛斌龙鹏峰辉")
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def station_template(tmp_path_factory, station_template):
    def build(db) -> None:
        generate_demo(db, residents=1500, today=TODAY)
    return build_template(tmp_path_factory, station_template, build)


def _given(name: str) -> str:
    return name[2:] if name.startswith("欧阳") else name[1:]


def _clash(name: str, sex: str) -> set[str]:
    """The characters of the given name that read as the other sex."""
    return set(_given(name)) & (MANLY if sex == "女" else WOMANLY)


def test_residents_names_match_their_sex(station_db):
    with station_db.session() as s:
        people = s.execute(select(Person.name, Person.sex, Person.id_number)).all()
    assert len(people) >= 1500
    wrong = [(name, sex) for name, sex, _ in people if _clash(name, sex)]
    assert wrong == []
    for _name, sex, number in people:
        assert sex_from_number(number) == sex  # the sex is the ID number's
    sexes = {sex for _, sex, _ in people}
    assert sexes == {"男", "女"}


def test_staff_names_match_their_sex(station_db):
    with station_db.session() as s:
        staff = s.execute(select(StaffMember.name, StaffMember.sex)).all()
    named = dict(staff)
    assert named["黄志明"] == "男" and named["曾嘉豪"] == "男"
    assert named["林丽娟"] == "女" and named["陈晓红"] == "女"
    assert [(name, sex) for name, sex in staff if _clash(name, sex)] == []


def test_guardians_names_match_their_relation(station_db):
    with station_db.session() as s:
        guardians = s.execute(select(Person.guardian_name, Person.guardian_relation)
                              .where(Person.guardian_name != "")).all()
    assert guardians
    for name, relation in guardians:
        sex = "男" if relation in ("祖父", "外祖父", "父亲") else "女"
        assert not _clash(name, sex), (name, relation)
