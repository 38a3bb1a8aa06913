"""Shared set-up for the window tests (imported by the other test_window_* modules), and the shipped catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from shuanbai_desktop.data.db import Database
from shuanbai_desktop.domain.counter_labels import Channel, Handling
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, persons, station
from shuanbai_desktop.services.auth import UserInfo
from shuanbai_desktop.services.permissions import as_system
from shuanbai_desktop.services.window import catalogue, departments
from shuanbai_desktop.services.window.registration import RegistrationInput, Saved, register
from tests.conftest import build_server_template, build_template, open_copy

PASSWORD = "Chuang2024ab"
AT = datetime(2026, 11, 25, 9, 30)  # a Wednesday
ZHANG_ID = "44130219900101001X"  # valid check digit


@dataclass
class Win:
    db: Database
    admin: UserInfo
    clerk: UserInfo  # 窗口 worker
    worker: UserInfo  # 社工
    supervisor: UserInfo  # 督导, read-only
    zhang: int  # 张三 (person id)
    li: int  # 李四
    matters: dict[str, int]
    departments: dict[str, int]

    def register(self, matter: str = "居家养老服务", handling: Handling = Handling.ASSIGN, at: datetime = AT,
                 actor: UserInfo | None = None, **fields) -> Saved:
        fields.setdefault("person_id", self.zhang)
        fields.setdefault("channel", Channel.VISIT)
        with self.db.session((actor or self.clerk).actor) as s:
            return register(s, RegistrationInput(matter_type_id=self.matters[matter], handling=handling, **fields),
                            at=at)


def _build_template(db: Database) -> dict:
    with db.session() as s:
        as_system(s)
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "惠州市惠城区桥东路1号", "0752-2808727",
                              "admin", "李副站长", PASSWORD)
        users = [auth.create_user(s, name, display, role, PASSWORD, must_change=False).id
                 for name, display, role in (("window1", "陈晓红", Role.WINDOW),
                                             ("sg1", "黄志明", Role.SOCIAL_WORKER), ("dudao", "刘督导", Role.SUPERVISOR))]
        zhang = persons.save_person(s, persons.PersonInput("张三", ZHANG_ID, phone="13800138000",
                                                           address="东湖社区3组8号"))
        li = persons.save_person(s, persons.PersonInput("李四", "", "未办证", phone="0752-2808111"))
        return {"users": users, "zhang": zhang, "li": li,
                "matters": {m.name: m.id for m in catalogue.list_matters(s)},
                "departments": {d.name: d.id for d in departments.list_departments(s)}}


_BUILT: dict[tuple[Path, str], tuple] = {}  # one template per test run and backend (the run's temp folder)


@pytest.fixture(scope="module")
def win_template(request, tmp_path_factory, empty_template, backend) -> tuple:
    """A station with users and residents, built once per run (and backend) from the migrated template; each
    test gets a copy (every module importing this fixture shares the one template)."""
    run = (tmp_path_factory.getbasetemp(), backend)
    if run not in _BUILT:
        ids: dict = {}
        if backend == "postgresql":
            template = build_server_template(tmp_path_factory, request.getfixturevalue("pg_empty_template"),
                                             lambda db: ids.update(_build_template(db)))
        else:
            template = build_template(tmp_path_factory, empty_template, lambda db: ids.update(_build_template(db)))
        _BUILT[run] = (template, ids)
    return _BUILT[run]


@pytest.fixture(name="win")
def win_fixture(request, win_template, tmp_path):
    """Import ``win_fixture`` and ``win_template`` into a test module to get the ``win`` fixture there."""
    template, ids = win_template
    db = open_copy(request, template, tmp_path)
    with db.session() as s:
        admin = auth.get_user(s, 1)
        clerk, worker, supervisor = (auth.get_user(s, i) for i in ids["users"])
    db.acting_for = admin.actor  # sessions opened without an actor act as the administrator
    yield Win(db, admin, clerk, worker, supervisor, ids["zhang"], ids["li"], ids["matters"], ids["departments"])
    db.close()


EXPECTED_MATTERS = ["最低生活保障", "特困人员救助供养", "临时救助", "困难残疾人生活补贴和重度残疾人护理补贴", "残疾人证办理",
                    "孤儿和事实无人抚养儿童保障", "高龄津贴", "居家养老服务", "心理疏导", "政策咨询", "其他"]


def test_catalogue_is_prefilled_with_the_usual_town_matters(win):
    with win.db.session() as s:
        matters = catalogue.list_matters(s)
        depts = departments.list_departments(s)
    assert [m.name for m in matters] == EXPECTED_MATTERS
    dibao = matters[0]
    assert dibao.default_handling is Handling.TRANSFER and dibao.department_name == "镇社会事务办"
    assert dibao.time_limit_days == 30 and len(dibao.materials) >= 5
    assert any("户口簿" in m for m in dibao.materials)
    assert matters[EXPECTED_MATTERS.index("政策咨询")].default_handling is Handling.ON_SPOT
    assert [d.name for d in depts] == ["镇社会事务办", "县民政局", "残联", "人社所", "卫健", "教育", "村(居)委会", "其他单位"]
