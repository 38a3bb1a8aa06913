"""The whole role × action table (docs/permissions.md), walked through the services.

For every role and every guarded action: the allowed ones succeed, the others are refused with a
Chinese ``UserError`` and nothing is written (row counts of every table and the audit trail stay
as they were). The acting user comes from the session; roles are looked up in the database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from shuanbai_desktop.data import audit
from shuanbai_desktop.data.db import Database
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.services.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    allowed,
    as_system,
    markdown_table,
    require,
)
from tests.conftest import ADMIN_PASSWORD, BOTH, build_template, copy_template

from .permission_probes import World, all_probes, set_up_all

BACKENDS = BOTH

USERS = {Role.ADMIN: "admin", Role.WINDOW: "chuangkou", Role.SOCIAL_WORKER: "shegong", Role.SUPERVISOR: "dudao"}
PASSWORD = "Qiao-dong-2024-zhan"


@pytest.fixture(scope="module")
def template(tmp_path_factory, empty_template) -> World:
    made: list[World] = []

    def build(db: Database) -> None:
        with db.session() as s:
            as_system(s)
            station.setup_station(s, "441302001", "桥东街道社会工作服务站", "惠州市惠城区桥东路1号",
                                  "0752-2808727", USERS[Role.ADMIN], "李副站长", ADMIN_PASSWORD)
            for role, name in USERS.items():
                if role is not Role.ADMIN:
                    auth.create_user(s, name, f"测试{role.short}", role, PASSWORD, must_change=False)
        world = World(db.path)
        with db.session() as s:
            as_system(s)
            set_up_all(s, world)
        made.append(world)

    build_template(tmp_path_factory, empty_template, build)
    return made[0]


@pytest.fixture
def world(template, tmp_path) -> World:
    path = tmp_path / "station.db"
    copy_template(template.db_path, path)
    copy = World(path, dict(template.ids), tmp_path / "scratch")
    copy.tmp.mkdir()
    return copy


def _snapshot(db: Database) -> dict[str, int]:
    with db.session() as s:
        tables = s.scalars(text("SELECT name FROM sqlite_master WHERE type='table' "
                                "AND name NOT LIKE 'sqlite_%'")).all()
        return {t: s.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables} | {
            "audit head": s.scalar(text("SELECT coalesce(max(id), 0) FROM audit_entry"))}


def _actor(db: Database, role: Role) -> audit.Actor:
    with db.session() as s:
        user_id = s.scalar(text("SELECT id FROM app_user WHERE username = :u"), {"u": USERS[role]})
    return audit.Actor(user_id, USERS[role])


def test_every_action_has_a_probe():
    assert set(all_probes()) == set(Permission)


def test_docs_show_the_table():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert markdown_table() in doc


def test_admin_may_do_everything_and_supervisor_changes_no_files():
    assert ROLE_PERMISSIONS[Role.ADMIN] == frozenset(Permission)
    assert not allowed(Role.SUPERVISOR, Permission.PERSON_EDIT)
    assert not allowed(Role.WINDOW, Permission.PERSON_REVEAL_ID)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("permission", list(Permission), ids=lambda p: p.value)
def test_role_action(permission: Permission, role: Role, world: World):
    probe = all_probes().get(permission)
    if probe is None:
        pytest.fail(f"no probe for {permission}")
    db = Database(world.db_path)
    try:
        actor = _actor(db, role)
        before = _snapshot(db)
        if allowed(role, permission):
            with db.session(actor) as s:
                probe(s, world)
        else:
            with pytest.raises(UserError, match="不能") as refused:
                with db.session(actor) as s:
                    probe(s, world)
            assert role.short in refused.value.message
            assert _snapshot(db) == before, "a refused action wrote something"
    finally:
        db.close()


def test_a_session_without_a_user_is_refused(world: World):
    db = Database(world.db_path)
    try:
        with pytest.raises(UserError, match="没有登录的用户"):
            with db.session() as s:
                require(s, Permission.PERSON_CREATE)
    finally:
        db.close()


def test_a_role_passed_in_is_not_trusted(world: World):
    """The acting user's role is read from the database, whatever the caller claims."""
    db = Database(world.db_path)
    try:
        window = _actor(db, Role.WINDOW)
        forged = audit.Actor(window.user_id, USERS[Role.ADMIN])  # a claimed admin name, a counter user's id
        with pytest.raises(UserError, match="窗口"):
            with db.session(forged) as s:
                require(s, Permission.USERS_MANAGE)
    finally:
        db.close()


def test_a_disabled_account_acts_no_more(world: World):
    db = Database(world.db_path)
    try:
        worker = _actor(db, Role.SOCIAL_WORKER)
        with db.session() as s:
            s.execute(text("UPDATE app_user SET disabled = 1 WHERE id = :i"), {"i": worker.user_id})
        with pytest.raises(UserError, match="停用"):
            with db.session(worker) as s:
                require(s, Permission.PERSON_CREATE)
    finally:
        db.close()
