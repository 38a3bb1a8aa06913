"""Log-in, lock-out, password rules and the administrator's account management."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, settings
from tests.conftest import ADMIN_PASSWORD

T0 = datetime(2026, 3, 2, 9, 0)


def test_password_stored_as_argon2id_with_owasp_parameters(station_db):
    stored = sqlite3.connect(station_db.path).execute("SELECT password_hash FROM app_user").fetchone()[0]
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2
    raw = station_db.path.read_bytes()
    assert ADMIN_PASSWORD.encode() not in raw


def test_five_wrong_passwords_lock_then_the_lock_ends(station_db):
    messages = []
    for i in range(5):
        with pytest.raises(UserError) as err:
            auth.log_in(station_db, "admin", "wrong-pass1", at=T0 + timedelta(seconds=i))
        messages.append(err.value.message)
    assert "再输错 4 次" in messages[0] and "再输错 1 次" in messages[3]
    assert "已锁定" in messages[4] and "15 分钟" in messages[4]
    with pytest.raises(UserError, match="14 分钟"):
        auth.log_in(station_db, "admin", ADMIN_PASSWORD, at=T0 + timedelta(minutes=1, seconds=5))
    user = auth.log_in(station_db, "admin", ADMIN_PASSWORD, at=T0 + timedelta(minutes=16))
    assert user.username == "admin" and user.failed_attempts == 0


def test_lockout_threshold_and_duration_are_configurable(station_db):
    with station_db.session() as s:
        settings.set_int(s, "login.max_failures", 3)
        settings.set_int(s, "login.lock_minutes", 30)
    for _ in range(2):
        with pytest.raises(UserError, match="再输错"):
            auth.log_in(station_db, "admin", "nope12345", at=T0)
    with pytest.raises(UserError, match="30 分钟"):
        auth.log_in(station_db, "admin", "nope12345", at=T0)


def test_setting_out_of_bounds_is_refused(station_db):
    with pytest.raises(UserError, match="3 到 20"), station_db.session() as s:
        settings.set_int(s, "login.max_failures", 1)


@pytest.mark.parametrize(("password", "rule"), [
    ("short1a", "至少需要 8 位"), ("abcdefghij", "字母和数字"), ("1234567890", "字母和数字"),
    ("xiaoming2024", "不能包含用户名"), ("a1" * 100, "不能超过")])
def test_password_rules(station_db, admin, password, rule):
    with pytest.raises(UserError, match=rule), station_db.session() as s:
        auth.create_user(s, "xiaoming", "小明", Role.WINDOW, password)


def test_chinese_password_round_trips(station_db, admin):
    with station_db.session() as s:
        auth.create_user(s, "worker", "黄社工", Role.SOCIAL_WORKER, "社工站密码２０２４ab")
    assert auth.log_in(station_db, "worker", "社工站密码2024ab").must_change_password


def test_admin_resets_disables_and_unlocks(station_db, admin):
    with station_db.session(admin.actor) as s:
        worker = auth.create_user(s, "window1", "陈晓红", Role.WINDOW, "Start2024x")
    with station_db.session(admin.actor) as s:
        auth.reset_password(s, admin, worker.id, "Reset2024y")
    assert auth.log_in(station_db, "window1", "Reset2024y").must_change_password
    with station_db.session(admin.actor) as s:
        auth.set_disabled(s, admin, worker.id, True)
    with pytest.raises(UserError, match="停用"):
        auth.log_in(station_db, "window1", "Reset2024y")


def test_non_admin_cannot_manage_users(station_db, admin):
    with station_db.session(admin.actor) as s:
        auth.create_user(s, "window1", "陈晓红", Role.WINDOW, "Start2024x", must_change=False)
    clerk = auth.log_in(station_db, "window1", "Start2024x")
    with pytest.raises(UserError, match="只有管理员"), station_db.session() as s:
        auth.reset_password(s, clerk, admin.id, "Hacked2024z")


def test_last_admin_cannot_be_disabled_or_demoted(station_db, admin):
    with station_db.session(admin.actor) as s:
        other = auth.create_user(s, "boss", "站长", Role.ADMIN, "Chief2024xx", must_change=False)
    boss = auth.log_in(station_db, "boss", "Chief2024xx")
    with station_db.session() as s:
        auth.set_disabled(s, boss, admin.id, True)
    with pytest.raises(UserError, match="最后一个"), station_db.session() as s:
        auth.update_user(s, boss, other.id, "站长", Role.WINDOW)
    with pytest.raises(UserError, match="自己"), station_db.session() as s:
        auth.set_disabled(s, boss, boss.id, True)


def test_change_own_password(station_db, admin):
    with pytest.raises(UserError, match="原密码"), station_db.session() as s:
        auth.change_own_password(s, admin.id, "wrong", "Newpass2024")
    with station_db.session() as s:
        auth.change_own_password(s, admin.id, ADMIN_PASSWORD, "Newpass2024")
    assert auth.log_in(station_db, "admin", "Newpass2024").username == "admin"


def test_weaker_stored_hash_is_upgraded_on_log_in(station_db):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(ADMIN_PASSWORD)
    conn = sqlite3.connect(station_db.path)
    conn.execute("UPDATE app_user SET password_hash=?", (weak,))
    conn.commit()
    conn.close()
    auth.log_in(station_db, "admin", ADMIN_PASSWORD)
    stored = sqlite3.connect(station_db.path).execute("SELECT password_hash FROM app_user").fetchone()[0]
    assert stored != weak and "m=19456" in stored


def test_unknown_user_gives_the_same_message(station_db):
    with pytest.raises(UserError, match="^用户名或密码错误。$"):
        auth.log_in(station_db, "nobody", "whatever1")


def test_an_id_number_typed_as_user_name_is_masked_in_the_trail(station_db):
    with pytest.raises(UserError):
        auth.log_in(station_db, "440524188001010014", "whatever1")
    raw = sqlite3.connect(station_db.path).execute("SELECT group_concat(summary) FROM audit_entry").fetchone()[0]
    assert "440524188001010014" not in raw and "440524********0014" in raw
