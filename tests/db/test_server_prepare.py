"""``server-prepare`` (issue 19, docs/server.md): the server's administrator makes the login role, the database
owned by it and the extension the schema needs — run as a real process against the tests' throwaway
cluster; run again it changes nothing; a database holding another program's tables is refused untouched;
the printed URL and ``init`` line work as printed (init builds the station, its tables owned by the role)."""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import count

import pytest

from shuanbai_desktop.data import backend
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import server_prepare
from tests import pgcluster

ROLE_PASSWORD = "Zhan-Server-2024-pw"
_NAMES = count(1)


def _cli(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shuanbai_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env or dict(os.environ), timeout=600, stdin=subprocess.DEVNULL)


@pytest.fixture
def names(pg_server, request):
    """A database and a role name of this test's own, dropped after it."""
    n = next(_NAMES)
    database, role = f"prep_{os.getpid()}_{n}", f"prep_role_{os.getpid()}_{n}"

    def drop() -> None:
        pg_server.drop_database(database)
        pg_server.psql(f"DROP ROLE IF EXISTS {role}")

    request.addfinalizer(drop)
    return database, role


def test_prepare_makes_role_database_and_extension_then_changes_nothing(pg_server, names, tmp_path):
    database, role = names
    secret = tmp_path / "role-password.txt"
    secret.write_text(ROLE_PASSWORD + "\n", encoding="utf-8")
    admin_url = pg_server.url("postgres")
    done = _cli("server-prepare", "--admin-url", admin_url, "--database", database, "--role", role,
                "--role-password-file", secret)
    assert done.returncode == 0, done.stderr
    assert f"登录角色 {role}：新建" in done.stdout and f"数据库 {database}：新建（UTF8，所有者 {role}）" in done.stdout
    assert "扩展 pg_trgm：已安装" in done.stdout
    url = f"postgresql+psycopg://{role}@127.0.0.1:{pg_server.port}/{database}"
    assert url in done.stdout and "init --town" in done.stdout and ROLE_PASSWORD not in done.stdout

    with pg_server.connect() as conn:
        owner, encoding, collation = conn.execute("SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), "
                                                  "datcollate FROM pg_database WHERE datname = %s", (database,)).fetchone()
        stored = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role,)).fetchone()[0]
        public_connect = conn.execute("SELECT has_database_privilege('public', %s, 'CONNECT')", (database,)).fetchone()[0]
    assert (owner, encoding, collation) == (role, "UTF8", "C")  # byte order, as SQLite sorts (data/migrate.py)
    assert stored.startswith("SCRAM-SHA-256$")  # the server got a hash, never the password itself
    assert not public_connect  # other roles of the server cannot connect to the station's database
    with pg_server.connect(database) as conn:
        assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone() is not None

    again = _cli("server-prepare", "--admin-url", admin_url, "--database", database, "--role", role)
    assert again.returncode == 0, again.stderr  # no password asked: the role exists
    assert f"登录角色 {role}：已存在（密码未改）" in again.stdout and f"数据库 {database}：已存在" in again.stdout
    assert "扩展 pg_trgm：已有" in again.stdout

    # The printed init line, as printed: the station is built by the new role, which owns the database.
    pg_server.psql(f"ALTER ROLE {role} NOSUPERUSER")  # (it is not one; made explicit for the reader)
    env = dict(os.environ, PGPASSWORD=ROLE_PASSWORD)
    admin_pw = tmp_path / "admin.txt"
    admin_pw.write_text("Init2024pass\n", encoding="utf-8")
    init = _cli("--db", url, "--shared-dir", tmp_path / "shared", "init", "--town", "441302001", "--name",
                "桥东街道社会工作服务站", "--admin", "admin", "--password-file", admin_pw,
                "--recovery-file", tmp_path / "recovery.txt", env=env)
    assert init.returncode == 0, init.stderr
    with pg_server.connect(database) as conn:
        assert conn.execute("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'station'").fetchone()[0] == role
    third = _cli("server-prepare", "--admin-url", admin_url, "--database", database, "--role", role)
    assert third.returncode == 0 and "已有社工站的数据：不用再 init" in third.stdout


def test_a_database_with_another_programs_tables_is_refused_untouched(pg_server, names, tmp_path):
    database, role = names
    pg_server.create_database(database)
    pg_server.psql("CREATE TABLE invoices (id integer)", database)
    secret = tmp_path / "pw.txt"
    secret.write_text(ROLE_PASSWORD, encoding="utf-8")
    done = _cli("server-prepare", "--admin-url", pg_server.url("postgres"), "--database", database, "--role", role,
                "--role-password-file", secret)
    assert done.returncode == 2
    assert "已有别的程序的数据表（例如 public.invoices）" in done.stderr and "未作任何改动" in done.stderr
    with pg_server.connect() as conn:
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None  # no role made
    with pg_server.connect(database) as conn:
        assert conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone() is None


def test_an_empty_database_of_another_owner_is_given_to_the_role(pg_server, names, tmp_path):
    database, role = names
    pg_server.create_database(database)  # made by the administrator, empty
    secret = tmp_path / "pw.txt"
    secret.write_text(ROLE_PASSWORD, encoding="utf-8")
    done = _cli("server-prepare", "--admin-url", pg_server.url("postgres"), "--database", database, "--role", role,
                "--role-password-file", secret)
    assert done.returncode == 0, done.stderr
    assert f"已存在，空的，所有者改为 {role}" in done.stdout


def test_refusals_before_anything_is_made(pg_server, names, tmp_path):
    database, role = names
    short = tmp_path / "short.txt"
    short.write_text("short", encoding="utf-8")
    done = _cli("server-prepare", "--admin-url", pg_server.url("postgres"), "--database", database, "--role", role,
                "--role-password-file", short)
    assert done.returncode == 2 and "至少要 12 个字符" in done.stderr
    no_file = _cli("server-prepare", "--admin-url", pg_server.url("postgres"), "--database", database, "--role", role)
    assert no_file.returncode == 2 and "--role-password-file" in no_file.stderr  # no terminal to ask on
    bad = _cli("server-prepare", "--admin-url", pg_server.url("postgres"), "--database", "Station-1", "--role", role)
    assert bad.returncode == 2 and "只可用小写英文字母" in bad.stderr
    with_password = _cli("server-prepare", "--admin-url", f"postgresql+psycopg://postgres:secret@127.0.0.1:"
                         f"{pg_server.port}/postgres", "--database", database, "--role", role)
    assert with_password.returncode == 2 and "密码不能写在命令行里" in with_password.stderr
    with pg_server.connect() as conn:
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is None
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None


def test_the_admin_password_is_asked_when_the_server_wants_one(pg_server, names):
    """The administrator's connection: PGPASSWORD/pgpass first (here: none), then the prompt, once."""
    database, role = names
    admin = backend.parse_server_url(pg_server.url("postgres", pgcluster.PASSWORD_ROLE), "/tmp")
    asked: list[int] = []

    def ask() -> str:
        asked.append(1)
        return pgcluster.PASSWORD

    env_password = os.environ.pop("PGPASSWORD", None)
    try:
        done = server_prepare.prepare(admin, database, role, lambda: ROLE_PASSWORD, ask)
    finally:
        if env_password is not None:
            os.environ["PGPASSWORD"] = env_password
    assert done.role_created and done.database_created and asked == [1]
    with pytest.raises(UserError, match="密码"):
        server_prepare.prepare(backend.parse_server_url(pg_server.url("postgres", pgcluster.PASSWORD_ROLE), "/tmp"),
                               database, role, lambda: ROLE_PASSWORD, lambda: "wrong")


def test_the_wizards_connection_test_names_each_reason_at_its_field(pg_server, names, tmp_path):
    """``probe`` (测试连接): unreachable, wrong password, no such database or user, TLS refused, no rights —
    each in Chinese at the field to put right; an empty prepared database is fit for a new station."""
    database, role = names
    server_prepare.prepare(backend.parse_server_url(pg_server.url("postgres"), "/tmp"), database, role,
                           lambda: ROLE_PASSWORD)
    shared = tmp_path / "shared"

    def reason(url: str, password: str | None = None) -> tuple[str | None, str]:
        with pytest.raises(UserError) as caught:
            server_prepare.probe(backend.parse_server_url(url, shared), password)
        return caught.value.field, caught.value.message

    port = pg_server.port
    field, text = reason(f"postgresql+psycopg://{role}@127.0.0.1:{pgcluster._free_port()}/{database}")
    assert field == "服务器地址" and "连接不上服务器" in text
    field, text = reason(pg_server.url(database, pgcluster.PASSWORD_ROLE), "not-the-password")
    assert field == "密码" and "密码不对" in text
    field, text = reason(pg_server.url("no_such_db", role))
    assert field == "数据库名" and "没有名为“no_such_db”的数据库" in text
    field, text = reason(pg_server.url(database, "no_such_role"))
    assert field == "用户名" and "没有名为“no_such_role”的登录用户" in text
    field, text = reason(f"postgresql+psycopg://{role}@127.0.0.1:{port}/{database}?sslmode=require")  # ssl = off
    assert field == "服务器地址" and "不接受加密连接（TLS）" in text
    pg_server.psql(f"CREATE ROLE {role}_x LOGIN")
    try:
        field, text = reason(pg_server.url(database, f"{role}_x"))  # CONNECT revoked from PUBLIC by prepare
        assert field == "用户名" and "没有连接数据库" in text
        pg_server.psql(f"GRANT CONNECT ON DATABASE {database} TO {role}_x")
        field, text = reason(pg_server.url(database, f"{role}_x"))  # may connect, may not build the tables
        assert field == "用户名" and "不能在数据库" in text and "建立数据表" in text
    finally:
        pg_server.psql(f"REVOKE ALL ON DATABASE {database} FROM {role}_x")
        pg_server.psql(f"DROP ROLE {role}_x")
    found = server_prepare.probe(backend.parse_server_url(pg_server.url(database, role), shared))
    assert found.station_name is None and found.empty
