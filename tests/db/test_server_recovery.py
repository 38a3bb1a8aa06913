"""The recovery code (恢复码) of a station on a PostgreSQL server (issue 19, services/server_recovery.py through
services/encryption.py): made at ``init`` (written to ``--recovery-file``), renewed in 设置 (the old code stops
working), used by ``recover`` and the log-in's 忘记密码 (an administrator gets a new password, audited); a wrong
code refused with the file's message and nothing changed; only an Argon2id hash is stored, never in the trail.
Runs against this worker's throwaway cluster (tests/pgcluster.py); the command line in real processes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime

import pytest
from sqlalchemy import select

from shuanbai_desktop.data.keyring import normalize_recovery_code
from shuanbai_desktop.data.models import AuditEntry, Setting, User
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth, encryption, server_recovery
from tests import pgcluster
from tests.conftest import ADMIN_PASSWORD

BACKENDS = ("postgresql",)
AT = datetime(2026, 3, 2, 9, 15)
LATER = datetime(2026, 5, 6, 14, 40)
NEW_PASSWORD = "Qiaodong-2026-new"
WRONG = "ABCDE-FGH1J-KMNPQ-RSTVW-XYZ01-23456-789AB-CDEFG"


def _hash_of(db) -> str | None:
    with db.session() as s:
        row = s.get(Setting, server_recovery.HASH_SETTING)
        return json.loads(row.value) if row is not None else None


def _admin_hash(db) -> str:
    with db.session() as s:
        return s.scalars(select(User.password_hash).where(User.username == "admin")).one()


def _trail(db) -> list[AuditEntry]:
    with db.session() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _recover(db, code: str, username: str = "admin") -> None:
    encryption.recover_admin(None, code, username, NEW_PASSWORD, NEW_PASSWORD, LATER, db)


def test_renewal_gives_a_code_that_resets_an_administrator_and_the_old_one_stops(station_db):
    first, made = encryption.renew_recovery_code(station_db, station_db.acting_for, AT)
    assert made == AT and encryption.status(station_db).recovery_made_at == AT
    status = encryption.status(station_db)
    assert status.by_server and status.has_recovery  # 设置's 生成新的恢复码… is offered on a server
    second, _ = encryption.renew_recovery_code(station_db, station_db.acting_for, LATER)
    assert second != first

    station_db.acting_for = None  # the log-in window: nobody is logged in
    with pytest.raises(UserError) as caught:
        _recover(station_db, first)  # renewed: the old code no longer works
    assert caught.value.message == "恢复码不正确，或已被新的恢复码取代。" and caught.value.field == "恢复码"
    assert auth.log_in(station_db, "admin", ADMIN_PASSWORD).role is Role.ADMIN  # nothing changed

    _recover(station_db, second.lower().replace("-", " "))  # typed as forgivingly as on a file
    assert auth.log_in(station_db, "admin", NEW_PASSWORD).role is Role.ADMIN
    with pytest.raises(UserError):
        auth.log_in(station_db, "admin", ADMIN_PASSWORD)
    summaries = [e.summary for e in _trail(station_db)]
    assert summaries.count("生成新的恢复码（旧恢复码作废）") == 2
    assert "使用恢复码重设管理员密码：admin" in summaries


def test_a_wrong_code_or_a_non_administrator_changes_nothing(station_db):
    code, _ = encryption.renew_recovery_code(station_db, station_db.acting_for, AT)
    before, entries = _admin_hash(station_db), len(_trail(station_db))
    station_db.acting_for = None
    for typed in (WRONG, "不是恢复码", code[:-1]):
        with pytest.raises(UserError) as caught:
            _recover(station_db, typed)
        assert caught.value.message == "恢复码不正确，或已被新的恢复码取代。", typed
    with pytest.raises(UserError, match="两次输入的新密码不一致"):
        encryption.recover_admin(None, code, "admin", NEW_PASSWORD, NEW_PASSWORD + "x", LATER, station_db)
    with station_db.session() as s:  # an account that is no administrator: refused by the same rule as on a file
        auth.add_first_user(s, "wangfang", "王芳", Role.SOCIAL_WORKER, "Wang-2026-first")
    entries += 1
    with pytest.raises(UserError, match="恢复码只能为一个在用的管理员账户重设密码"):
        _recover(station_db, code, "wangfang")
    assert _admin_hash(station_db) == before
    assert len(_trail(station_db)) == entries  # not even a trail entry: the transaction rolled back
    assert auth.log_in(station_db, "admin", ADMIN_PASSWORD).role is Role.ADMIN


def test_only_a_hash_is_kept_and_the_trail_holds_neither(station_db):
    code, _ = encryption.renew_recovery_code(station_db, station_db.acting_for, AT)
    stored = _hash_of(station_db)
    assert stored is not None and stored.startswith("$argon2id$")
    assert normalize_recovery_code(code) not in stored
    with station_db.session() as s:
        values = " ".join(s.scalars(select(Setting.value)))
    assert normalize_recovery_code(code) not in values and code not in values
    for entry in _trail(station_db):
        text = f"{entry.summary} {entry.changes}"
        assert stored not in text and normalize_recovery_code(code) not in text


def test_a_server_station_without_a_code_says_so(station_db):
    assert _hash_of(station_db) is None  # set up before codes were made on a server
    station_db.acting_for = None
    with pytest.raises(UserError) as caught:
        _recover(station_db, WRONG)
    assert caught.value.message == server_recovery.NO_CODE and "设置 → 安全设置" in caught.value.message


def test_renewal_needs_users_manage(station_db):
    with station_db.session() as s:
        worker = auth.add_first_user(s, "wangfang", "王芳", Role.SOCIAL_WORKER, "Wang-2026-first")
    with pytest.raises(UserError, match="权限|管理员"):
        encryption.renew_recovery_code(station_db, worker.actor, AT)
    assert _hash_of(station_db) is None
    encryption.renew_recovery_code(station_db, station_db.acting_for, AT)  # the administrator may
    assert _hash_of(station_db) is not None


# --- the command line (real processes) -------------------------------------------------------------


def _cli(env: dict, *args):
    return subprocess.run([sys.executable, "-m", "shuanbai_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)


def test_init_writes_the_code_and_recover_uses_it(pg_server, tmp_path):
    pg_server.create_database("cli_recovery")
    env = dict(os.environ, SHUANBAI_DB=pg_server.url("cli_recovery"), SHUANBAI_SHARED_DIR=str(tmp_path / "shared"))
    try:
        password = tmp_path / "pw.txt"
        password.write_text("Init2024pass\n", encoding="utf-8")
        init = ("init", "--town", "441302001", "--name", "桥东街道社会工作服务站", "--admin", "admin",
                "--password-file", password)
        done = _cli(env, *init)
        assert done.returncode == 2 and "--recovery-file" in done.stderr  # required, as on a file
        recovery = tmp_path / "恢复码.txt"
        done = _cli(env, *init, "--recovery-file", recovery)
        assert done.returncode == 0, done.stderr
        assert f"恢复码已写入：{recovery}" in done.stdout
        code = recovery.read_text(encoding="utf-8").strip()
        assert len(normalize_recovery_code(code)) == 40 and code not in done.stdout + done.stderr
        assert stat.S_IMODE(recovery.stat().st_mode) == 0o600

        new_password = tmp_path / "new.txt"
        new_password.write_text(NEW_PASSWORD + "\n", encoding="utf-8")
        wrong = tmp_path / "wrong.txt"
        wrong.write_text(WRONG + "\n", encoding="utf-8")
        recover = ("recover", "--user", "admin", "--password-file", new_password)
        done = _cli(env, *recover, "--recovery-file", wrong)
        assert done.returncode == 2 and "恢复码不正确，或已被新的恢复码取代。" in done.stderr
        login = ("--user", "admin", "--password-file")
        assert _cli(env, "backup", *login, new_password).returncode == 2  # nothing changed: still the old one

        done = _cli(env, *recover, "--recovery-file", recovery)
        assert done.returncode == 0, done.stderr
        assert "已用恢复码为管理员“admin”设置新密码" in done.stdout
        done = _cli(env, "annual", "--year", "2026", *login, new_password)
        assert done.returncode == 0, done.stderr
        assert _cli(env, "annual", "--year", "2026", *login, password).returncode == 2
    finally:
        pgcluster.cluster().drop_database("cli_recovery")


def test_init_refuses_an_existing_recovery_file_and_makes_nothing(pg_server, tmp_path):
    pg_server.create_database("cli_recovery_kept")
    env = dict(os.environ, SHUANBAI_DB=pg_server.url("cli_recovery_kept"),
               SHUANBAI_SHARED_DIR=str(tmp_path / "shared"))
    try:
        password = tmp_path / "pw.txt"
        password.write_text("Init2024pass\n", encoding="utf-8")
        kept = tmp_path / "old-code.txt"
        kept.write_text("AN OLD CODE\n", encoding="utf-8")
        done = _cli(env, "init", "--town", "441302001", "--name", "桥东街道社会工作服务站", "--admin", "admin",
                    "--password-file", password, "--recovery-file", kept)
        assert done.returncode == 2 and "已存在，为免覆盖" in done.stderr
        assert kept.read_text(encoding="utf-8") == "AN OLD CODE\n"
        with pg_server.connect("cli_recovery_kept") as conn:  # no station was made
            assert conn.execute("SELECT to_regclass('station')").fetchone()[0] is None
    finally:
        pgcluster.cluster().drop_database("cli_recovery_kept")

