"""Log-in, lock-out, password rules and the administrator's account management."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from shuanbai_desktop import demo
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.password_file import read_password_file
from shuanbai_desktop.services import auth, settings, setup_checks
from tests.conftest import ADMIN_PASSWORD, raw_connect

T0 = datetime(2026, 3, 2, 9, 0)


def test_password_stored_as_argon2id_with_owasp_parameters(station_db):
    stored = raw_connect(station_db.path).execute("SELECT password_hash FROM app_user").fetchone()[0]
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 19456 and int(params["t"]) >= 2
    raw = station_db.path.read_bytes()
    assert ADMIN_PASSWORD.encode() not in raw


WRONG = "用户名或密码错误。连续输错 5 次，账户将锁定 15 分钟。"


def test_five_wrong_passwords_lock_then_the_lock_ends(station_db):
    messages = []
    for i in range(5):
        with pytest.raises(UserError) as err:
            auth.log_in(station_db, "admin", "wrong-pass1", at=T0 + timedelta(seconds=i))
        messages.append(err.value.message)
    assert messages == [WRONG] * 5  # no count-down: it would tell that the account exists
    with pytest.raises(UserError, match="14 分钟"):
        auth.log_in(station_db, "admin", ADMIN_PASSWORD, at=T0 + timedelta(minutes=1, seconds=5))
    user = auth.log_in(station_db, "admin", ADMIN_PASSWORD, at=T0 + timedelta(minutes=16))
    assert user.username == "admin" and user.failed_attempts == 0


def test_lockout_threshold_and_duration_are_configurable(station_db):
    with station_db.session() as s:
        settings.set_int(s, "login.max_failures", 3)
        settings.set_int(s, "login.lock_minutes", 30)
    for _ in range(3):
        with pytest.raises(UserError, match="^用户名或密码错误。连续输错 3 次，账户将锁定 30 分钟。$"):
            auth.log_in(station_db, "admin", "nope12345", at=T0)
    with pytest.raises(UserError, match="已锁定，请 30 分钟后再试"):
        auth.log_in(station_db, "admin", ADMIN_PASSWORD, at=T0)


def test_setting_out_of_bounds_is_refused(station_db):
    with pytest.raises(UserError, match="3 到 20"), station_db.session() as s:
        settings.set_int(s, "login.max_failures", 1)


@pytest.mark.parametrize(("password", "rule"), [
    ("short1a", "至少需要 8 位"), ("abcdefghij", "字母和数字"), ("1234567890", "字母和数字"),
    ("xiaoming2024", "不能包含用户名"), ("a1" * 100, "不能超过"),
    ("password1", "是常见密码"), ("aaaaaaa1", "太容易被猜到"), ("qwerty123", "太容易被猜到"),
    ("woaini1314", "常见的拼音"), ("Gnimoaix2024", "含有用户名或姓名"), ("X1a0m1ng2024", "含有用户名或姓名")])
def test_password_rules(station_db, admin, password, rule):
    with pytest.raises(UserError, match=rule), station_db.session() as s:
        auth.create_user(s, "xiaoming", "小明", Role.WINDOW, password)


def test_chinese_password_round_trips(station_db, admin):
    with station_db.session() as s:
        auth.create_user(s, "worker", "黄社工", Role.SOCIAL_WORKER, "社工站密码２０２４ab")
    assert auth.log_in(station_db, "worker", "社工站密码2024ab").must_change_password


def test_admin_resets_disables_and_unlocks(station_db, admin):
    with station_db.session(admin.actor) as s:
        worker = auth.create_user(s, "window1", "陈晓红", Role.WINDOW, "Kaishi2024x")
    with station_db.session(admin.actor) as s:
        auth.reset_password(s, worker.id, "Reset2024y")
    assert auth.log_in(station_db, "window1", "Reset2024y").must_change_password
    with station_db.session(admin.actor) as s:
        auth.set_disabled(s, worker.id, True)
    with pytest.raises(UserError, match="停用"):
        auth.log_in(station_db, "window1", "Reset2024y")


def test_non_admin_cannot_manage_users(station_db, admin):
    """The acting user is the session's, looked up in the database: a counter clerk cannot reset the
    administrator's password, create an administrator, or promote themselves."""
    with station_db.session(admin.actor) as s:
        auth.create_user(s, "window1", "陈晓红", Role.WINDOW, "Kaishi2024x", must_change=False)
    clerk = auth.log_in(station_db, "window1", "Kaishi2024x")
    with pytest.raises(UserError, match="“窗口”角色不能管理用户账户"), station_db.session(clerk.actor) as s:
        auth.reset_password(s, admin.id, "Hacked2024z")
    with pytest.raises(UserError, match="不能管理用户账户"), station_db.session(clerk.actor) as s:
        auth.create_user(s, "boss2", "假站长", Role.ADMIN, "Chief2024xx", must_change=False)
    with pytest.raises(UserError, match="不能管理用户账户"), station_db.session(clerk.actor) as s:
        auth.update_user(s, clerk.id, "陈晓红", Role.ADMIN)
    with station_db.session() as s:
        assert auth.get_user(s, clerk.id).role is Role.WINDOW
        assert [u.username for u in auth.list_users(s)] == ["admin", "window1"]
    assert auth.log_in(station_db, "admin", ADMIN_PASSWORD).username == "admin"


def test_last_admin_cannot_be_disabled_or_demoted(station_db, admin):
    with station_db.session(admin.actor) as s:
        other = auth.create_user(s, "boss", "站长", Role.ADMIN, "Chief2024xx", must_change=False)
    boss = auth.log_in(station_db, "boss", "Chief2024xx")
    with station_db.session(boss.actor) as s:
        auth.set_disabled(s, admin.id, True)
    with pytest.raises(UserError, match="最后一个"), station_db.session(boss.actor) as s:
        auth.update_user(s, other.id, "站长", Role.WINDOW)
    with pytest.raises(UserError, match="自己"), station_db.session(boss.actor) as s:
        auth.set_disabled(s, boss.id, True)


def test_change_own_password(station_db, admin):
    with pytest.raises(UserError, match="原密码"), station_db.session() as s:
        auth.change_own_password(s, admin.id, "wrong", "Xinde2024mm")
    with station_db.session() as s:
        auth.change_own_password(s, admin.id, ADMIN_PASSWORD, "Xinde2024mm")
    assert auth.log_in(station_db, "admin", "Xinde2024mm").username == "admin"


def test_weaker_stored_hash_is_upgraded_on_log_in(station_db):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(ADMIN_PASSWORD)
    conn = raw_connect(station_db.path, "rw")
    conn.execute("UPDATE app_user SET password_hash=?", (weak,))
    conn.commit()
    conn.close()
    auth.log_in(station_db, "admin", ADMIN_PASSWORD)
    stored = raw_connect(station_db.path).execute("SELECT password_hash FROM app_user").fetchone()[0]
    assert stored != weak and "m=19456" in stored


def test_unknown_user_gives_the_same_message(station_db):
    with pytest.raises(UserError, match=f"^{WRONG}$"):
        auth.log_in(station_db, "nobody", "whatever1")


def _trail(db) -> str:
    conn = raw_connect(db.path)
    try:
        return conn.execute("SELECT group_concat(summary || ' ' || changes, ' | ') FROM audit_entry").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("typed", [ADMIN_PASSWORD, "440524188001010014", "A7"])
def test_an_unknown_user_name_is_kept_by_its_length_only(station_db, typed):
    """A password (or ID number) typed into the user-name box never reaches the trail, even masked."""
    with pytest.raises(UserError):
        auth.log_in(station_db, typed, "whatever1")
    trail = _trail(station_db)
    assert f"登录失败：用户名不存在（输入了 {len(typed)} 个字符，原文不记录）" in trail
    assert typed not in trail and typed[:4] not in trail and "0014" not in trail


def test_a_known_user_name_is_recorded_as_it_is(station_db):
    for _ in range(5):
        with pytest.raises(UserError):
            auth.log_in(station_db, "admin", "wrong-pass1", at=T0)
    assert "账户锁定：admin（连续输错 5 次）" in _trail(station_db)


def test_an_unknown_user_costs_one_argon2_verification_like_a_known_one(station_db, monkeypatch):
    """Timing: the unknown name is verified against a dummy hash with the same parameters."""
    checked = []

    class Spy:
        def __init__(self, hasher):
            self.hasher = hasher

        def verify(self, stored, password):
            checked.append(stored)
            return self.hasher.verify(stored, password)

        def __getattr__(self, name):
            return getattr(self.hasher, name)

    monkeypatch.setattr(auth, "HASHER", Spy(auth.HASHER))
    for name in ("nobody", "admin"):
        with pytest.raises(UserError):
            auth.log_in(station_db, name, "wrong-pass1", at=T0)
    dummy, real = checked
    assert dummy != real
    assert dummy.split("$")[1:4] == real.split("$")[1:4]  # argon2id, version, m/t/p


def _worker(db, admin, password="Kaishi2024x"):
    with db.session(admin.actor) as s:
        return auth.create_user(s, "window1", "陈晓红", Role.WINDOW, password, must_change=False)


def test_a_disabled_account_says_so_only_after_the_right_password(station_db, admin):
    worker = _worker(station_db, admin)
    with station_db.session(admin.actor) as s:
        auth.set_disabled(s, worker.id, True)
    with pytest.raises(UserError) as wrong:
        auth.log_in(station_db, "window1", "wrong-pass1", at=T0)
    assert wrong.value.message == WRONG
    with pytest.raises(UserError, match="已停用"):
        auth.log_in(station_db, "window1", "Kaishi2024x", at=T0)


def test_a_locked_account_says_so_only_after_the_right_password(station_db, admin):
    _worker(station_db, admin)
    for _ in range(5):
        with pytest.raises(UserError):
            auth.log_in(station_db, "window1", "wrong-pass1", at=T0)
    for _ in range(7):  # more wrong passwords while locked: the same message, the lock not extended
        with pytest.raises(UserError) as wrong:
            auth.log_in(station_db, "window1", "wrong-pass1", at=T0 + timedelta(minutes=1))
        assert wrong.value.message == WRONG
    with pytest.raises(UserError, match="已锁定，请 10 分钟后再试"):
        auth.log_in(station_db, "window1", "Kaishi2024x", at=T0 + timedelta(minutes=5))
    assert auth.log_in(station_db, "window1", "Kaishi2024x", at=T0 + timedelta(minutes=15, seconds=1))


def _unlock(db, user, password, at=T0):
    with db.session(user.actor) as s:
        return auth.check_unlock(s, user.id, password, at=at)


def test_lock_screen_failures_count_toward_the_same_lock_out(station_db, admin):
    worker = _worker(station_db, admin)
    for _ in range(2):
        with pytest.raises(UserError):
            auth.log_in(station_db, "window1", "wrong-pass1", at=T0)
    assert _unlock(station_db, worker, "wrong-pass1") == auth.UnlockCheck(False, False, 2)
    assert _unlock(station_db, worker, "wrong-pass1") == auth.UnlockCheck(False, False, 1)
    assert _unlock(station_db, worker, "wrong-pass1") == auth.UnlockCheck(False, True, 0)
    assert _unlock(station_db, worker, "Kaishi2024x") == auth.UnlockCheck(False, True, 0)  # locked: session ends
    with pytest.raises(UserError, match="已锁定"):
        auth.log_in(station_db, "window1", "Kaishi2024x", at=T0)
    assert "账户锁定：window1（连续输错 5 次）" in _trail(station_db)


def test_lock_screen_right_password_unlocks_and_clears_the_count(station_db, admin):
    worker = _worker(station_db, admin)
    assert not _unlock(station_db, worker, "wrong-pass1").unlocked
    assert _unlock(station_db, worker, "Kaishi2024x") == auth.UnlockCheck(True, False, 0)
    with station_db.session() as s:
        assert auth.get_user(s, worker.id).failed_attempts == 0
    with station_db.session(admin.actor) as s:
        auth.set_disabled(s, worker.id, True)
    assert _unlock(station_db, worker, "Kaishi2024x").session_ends  # disabled meanwhile


@pytest.mark.parametrize("weak", ["password1", "aaaaaaa1"])
def test_weak_passwords_are_refused_wherever_a_password_is_set(station_db, admin, weak):
    worker = _worker(station_db, admin)
    with pytest.raises(UserError, match="太容易被猜到") as err, station_db.session(admin.actor) as s:
        auth.reset_password(s, worker.id, weak)
    assert err.value.field == "密码"
    with pytest.raises(UserError, match="太容易被猜到"), station_db.session(admin.actor) as s:
        auth.change_own_password(s, admin.id, ADMIN_PASSWORD, weak)
    with pytest.raises(UserError, match="太容易被猜到"), station_db.session(admin.actor) as s:
        auth.create_user(s, "sg9", "黄社工", Role.SOCIAL_WORKER, weak)
    with pytest.raises(UserError, match="太容易被猜到"):
        setup_checks.check_admin("qiaodong", "李站长", weak, weak)


def test_demo_accounts_password_passes_the_rules():
    for username, display, _role in demo.DEMO_USERS:
        auth.check_password_rules(demo.DEMO_PASSWORD, username, display)


@pytest.mark.parametrize(("content", "expected"), [
    (b"\xef\xbb\xbfZhan2024abc\r\n", "Zhan2024abc"),  # Notepad: UTF-8 with BOM, CR LF
    (b"Zhan2024abc\n", "Zhan2024abc"),
    (b"Zhan2024abc", "Zhan2024abc"),
    ("\ufeff社工站密码2024ab\r\n".encode("utf-16-le"), "社工站密码2024ab"),  # Notepad "Unicode"
    (b" pass word 2024 \nsecond line\n", " pass word 2024 "),
])
def test_read_password_file(tmp_path, content, expected):
    file = tmp_path / "pw.txt"
    file.write_bytes(content)
    assert read_password_file(file) == expected


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\r\n", b"\xff\xfe\x00\xd8", b"\xc3\x28abc"])
def test_unreadable_password_file_is_refused_in_chinese(tmp_path, content):
    file = tmp_path / "pw.txt"
    file.write_bytes(content)
    with pytest.raises(UserError, match="密码文件") as err:
        read_password_file(file)
    assert err.value.field == "--password-file"
    with pytest.raises(UserError, match="无法读取密码文件"):
        read_password_file(tmp_path / "missing.txt")


def test_setting_up_a_station_again_adds_no_administrator(station_db, admin):
    """``setup_station`` needs no logged-in user: it is refused on a database with a station or accounts."""
    from shuanbai_desktop.services import station
    with pytest.raises(UserError, match="不能重复设立"), station_db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "", "", "boss", "假站长", "Chief2024xx")
    with station_db.session() as s:
        assert [u.username for u in auth.list_users(s)] == ["admin"]
