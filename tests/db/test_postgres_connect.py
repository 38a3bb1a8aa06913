"""A station on a PostgreSQL server (issue 19): the URL and its refusals, TLS off loopback, the password's
sources, the migrations from an empty database to head, the command line, and one audit chain written by
two processes at once. Runs against this worker's throwaway cluster (tests/pgcluster.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from shuanbai_desktop.data import audit, backend, migrate
from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.errors import DatabaseRefused, UserError
from shuanbai_desktop.services import database_ops
from tests import pgcluster
from tests.db.test_cli import cli

REMOTE = "postgresql+psycopg://zhanzhang@192.168.1.20:5432/qiaodong"


# --- the URL ------------------------------------------------------------------------------------


def test_a_password_in_the_url_is_refused_and_not_repeated(tmp_path):
    with pytest.raises(UserError) as caught:
        backend.parse_server_url("postgresql+psycopg://zhanzhang:Secret-99@192.168.1.20/qiaodong", tmp_path)
    assert "密码不能写在命令行里" in caught.value.message and "Secret-99" not in caught.value.message
    assert caught.value.field == "--db"


@pytest.mark.parametrize(("url", "words"), [
    ("mysql+pymysql://u@h/db", "不支持的数据库驱动"),
    ("postgresql+psycopg2://u@127.0.0.1/db", "不支持的数据库驱动"),
    ("postgresql+psycopg://u@127.0.0.1:5432/", "缺少数据库名"),
    ("postgresql+psycopg://u@127.0.0.1/db?options=-c%20x", "不支持的参数"),
    ("postgresql+psycopg://u@192.168.1.20/db?sslmode=disable", "必须加密传输"),
    ("postgresql+psycopg://u@192.168.1.20/db?sslmode=prefer", "必须加密传输"),
    ("postgresql+psycopg://u@db.station.lan/db?sslmode=allow", "必须加密传输"),
    ("postgresql+psycopg://u@127.0.0.1/db?sslmode=maybe", "sslmode“maybe”无效"),
])
def test_urls_that_are_refused(tmp_path, url, words):
    with pytest.raises(UserError) as caught:
        backend.parse_server_url(url, tmp_path)
    assert words in caught.value.message


def test_tls_is_required_off_loopback_and_optional_on_it(tmp_path):
    remote = backend.parse_server_url(REMOTE, tmp_path)
    assert not remote.local and remote.connect_kwargs()["sslmode"] == "require"
    assert backend.parse_server_url(REMOTE + "?sslmode=verify-full", tmp_path).connect_kwargs()["sslmode"] == \
        "verify-full"
    for local in ("postgresql+psycopg://u@127.0.0.1:5432/db", "postgresql+psycopg://u@localhost/db",
                  "postgresql+psycopg://u@[::1]:5433/db", "postgresql+psycopg://u@/db?host=/run/postgresql",
                  "postgresql+psycopg://u@127.0.0.1/db?sslmode=disable"):
        target = backend.parse_server_url(local, tmp_path)
        assert target.local, local
    assert backend.parse_server_url("postgresql+psycopg://u@/db?host=/run/postgresql&port=5433",
                                    tmp_path).connect_kwargs()["port"] == 5433


def test_a_remote_server_needs_the_shared_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(backend.ENV_SHARED_DIR, raising=False)
    with pytest.raises(UserError) as caught:
        backend.parse_server_url(REMOTE)
    assert caught.value.field == "--shared-dir"
    monkeypatch.setenv(backend.ENV_SHARED_DIR, str(tmp_path / "共用 文件夹"))
    target = backend.parse_server_url(REMOTE)
    assert target.shared_dir == (tmp_path / "共用 文件夹").resolve()
    assert target.anchor.parent == target.shared_dir
    assert target.display() == "postgresql://zhanzhang@192.168.1.20:5432/qiaodong"
    # A server on this PC: a folder of this PC when none is given.
    monkeypatch.delenv(backend.ENV_SHARED_DIR)
    assert backend.parse_server_url("postgresql+psycopg://u@127.0.0.1:5432/db").shared_dir.name == \
        "server-127.0.0.1-5432-db"


# --- the password -------------------------------------------------------------------------------


def _password_target(pg_server, tmp_path, name: str):
    pg_server.create_database(name)
    return backend.parse_server_url(pg_server.url(name, pgcluster.PASSWORD_ROLE), tmp_path)


def _reach(target) -> int:
    conn = backend.connect(target)
    try:
        return conn.execute("SELECT 1").fetchone()[0]
    finally:
        conn.close()


def test_the_password_comes_from_pgpassword_or_the_pgpass_file(pg_server, tmp_path, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    target = _password_target(pg_server, tmp_path, "pw_sources")
    with pytest.raises(DatabaseRefused) as caught:
        _reach(target)
    assert "密码不对或没有提供密码" in caught.value.message
    monkeypatch.setenv("PGPASSWORD", "wrong")
    with pytest.raises(DatabaseRefused):
        _reach(target)
    monkeypatch.setenv("PGPASSWORD", pgcluster.PASSWORD)
    assert _reach(target) == 1
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_server.port}:*:{pgcluster.PASSWORD_ROLE}:{pgcluster.PASSWORD}\n",
                      encoding="utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert _reach(target) == 1


def test_the_prompt_is_asked_once_when_nothing_else_gives_the_password(pg_server, tmp_path, monkeypatch):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    target = _password_target(pg_server, tmp_path, "pw_prompt")
    asked: list[str] = []

    def prompt(where):
        asked.append(where.display())
        return pgcluster.PASSWORD

    backend.set_password_prompt(prompt)
    try:
        engine = backend.make_server_engine(target)
        for _ in range(3):
            with engine.connect() as conn:
                assert conn.execute(text("SELECT 1")).scalar() == 1
            engine.dispose()  # new connections: the password is remembered, not asked again
    finally:
        backend.set_password_prompt(None)
    assert asked == [target.display()]


def test_the_command_line_refuses_a_password_in_the_url(tmp_path):
    result = cli("--db", "postgresql+psycopg://admin:Geheim-2024@127.0.0.1/st", "verify")
    assert result.returncode == 2
    assert "密码不能写在命令行里" in result.stderr and "Geheim-2024" not in result.stderr


# --- the schema ---------------------------------------------------------------------------------


def test_the_migrations_build_an_empty_database_to_head(pg_server, tmp_path, empty_template):
    pg_server.create_database("mig_empty")
    try:
        db = migrate.open_server_database(pgcluster.target("mig_empty", tmp_path))
        try:
            revision, _tables = migrate.server_revision(db)
            assert revision == migrate.head_revisions()
            with db.engine.connect() as conn:
                server_tables = set(inspect(conn).get_table_names())
        finally:
            db.close()
        sqlite_db = database_ops.open_app_database(empty_template)
        try:
            with sqlite_db.engine.connect() as conn:
                file_tables = {t for t in inspect(conn).get_table_names() if not t.startswith("person_fts")}
        finally:
            sqlite_db.close()
        assert server_tables == file_tables  # the same tables (FTS5's are SQLite's own search index)
    finally:
        pg_server.drop_database("mig_empty")


def test_refusals_of_a_server_database(pg_server, tmp_path):  # each database its own shared folder
    pg_server.create_database("foreign_db")
    pg_server.psql("CREATE TABLE invoices (id integer)", "foreign_db")
    with pytest.raises(DatabaseRefused) as caught:
        migrate.open_server_database(pgcluster.target("foreign_db", tmp_path / "foreign_db"))
    assert "不是社工站工作平台的数据库" in caught.value.message
    pg_server.create_database("older_db")
    db = migrate.open_server_database(pgcluster.target("older_db", tmp_path / "older_db"))
    db.close()
    pg_server.psql("UPDATE alembic_version SET version_num = '0001' WHERE version_num = "
                   "(SELECT min(version_num) FROM alembic_version)", "older_db")
    with pytest.raises(DatabaseRefused) as caught:
        migrate.open_server_database(pgcluster.target("older_db", tmp_path / "older_db"))
    assert "pg_dump" in caught.value.message
    pg_server.psql("UPDATE alembic_version SET version_num = '9999_from_the_future' WHERE version_num = '0001'", "older_db")
    with pytest.raises(DatabaseRefused) as caught:
        migrate.open_server_database(pgcluster.target("older_db", tmp_path / "older_db"))
    assert "更新版本" in caught.value.message
    pg_server.psql("CREATE DATABASE sorted_otherwise TEMPLATE template0 LC_COLLATE 'POSIX' LC_CTYPE 'C'")
    pg_server.psql("CREATE DATABASE latin TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C'")
    with pytest.raises(DatabaseRefused) as caught:
        migrate.open_server_database(pgcluster.target("latin", tmp_path / "latin"))
    assert "UTF8" in caught.value.message
    migrate.open_server_database(pgcluster.target("sorted_otherwise", tmp_path / "sorted_otherwise")).close()  # POSIX = C
    for name in ("foreign_db", "older_db", "sorted_otherwise", "latin"):
        pg_server.drop_database(name)


def test_the_server_refuses_what_cannot_be_reached(tmp_path):
    target = backend.parse_server_url("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path)
    with pytest.raises(DatabaseRefused) as caught:
        migrate.open_server_database(target)
    assert "连接不上数据库服务器" in caught.value.message


# --- the command line, end to end ---------------------------------------------------------------


def _env_cli(env: dict, *args):
    return subprocess.run([sys.executable, "-m", "shuanbai_desktop", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=600, stdin=subprocess.DEVNULL)


def test_init_demo_report_verify_on_a_server(pg_server, tmp_path):
    pg_server.create_database("cli_station")
    env = dict(os.environ, SHUANBAI_DB=pg_server.url("cli_station"), SHUANBAI_SHARED_DIR=str(tmp_path / "shared"))
    password = tmp_path / "pw.txt"
    password.write_text("Init2024pass\n", encoding="utf-8")
    login = ("--user", "admin", "--password-file", password)
    done = _env_cli(env, "init", "--town", "441302001", "--name", "桥东街道社会工作服务站", "--admin", "admin",
                    "--password-file", password, "--recovery-file", tmp_path / "recovery.txt")
    assert done.returncode == 0, done.stderr
    assert "加密由服务器负责" in done.stdout
    done = _env_cli(env, "init", "--town", "441302001", "--name", "又一个", "--admin", "admin2",
                    "--password-file", password, "--recovery-file", tmp_path / "recovery-2.txt")
    assert done.returncode == 2 and "已经设立过社工站" in done.stderr
    assert not (tmp_path / "recovery-2.txt").exists()  # made for the code, removed when init was refused
    done = _env_cli(env, "demo", "--residents", "120", *login)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out"
    out.mkdir()
    done = _env_cli(env, "report", "--month", "2026-04", "--out", out, *login)
    assert done.returncode == 0, done.stderr
    assert any(p.suffix == ".xlsx" for p in out.rglob("*"))
    done = _env_cli(env, "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "操作日志校验链完整" in done.stdout
    assert list((tmp_path / "shared" / "keys").glob("*.key"))  # the audit key in the shared folder
    done = _env_cli(env, "backup", *login)  # pg_dump, restored on trial (tests/db/test_server_backup.py)
    assert done.returncode == 0 and "备份完成" in done.stdout, done.stdout + done.stderr
    pg_server.drop_database("cli_station")


# --- one audit chain, two writers ---------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from shuanbai_desktop.data import audit, backend
    from shuanbai_desktop.services.opening import open_app_database
    url, shared, who, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    db = open_app_database(backend.parse_server_url(url, shared))
    for k in range(count):
        with db.session(audit.Actor(None, who)) as s:
            audit.record_event(s, "test", str(k), f"{who} 第 {k} 次")
            audit.record_event(s, "test", str(k), f"{who} 第 {k} 次（二）")
    db.close()
""")


def test_two_processes_write_one_audit_chain(station_db, tmp_path):
    """Each writer's transaction appends two entries; without the advisory lock two transactions read the
    same newest entry and one of them fails (the same id) or the chain forks."""
    target = station_db.server
    with station_db.session() as s:
        before = s.execute(select(func.count(AuditEntry.id))).scalar_one()
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    url = pgcluster.cluster().url(target.database)
    writers = [subprocess.Popen([sys.executable, str(script), url, str(target.shared_dir), who, "40"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for who in ("甲电脑", "乙电脑")]
    for writer in writers:
        _out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    with station_db.session() as s:
        check = audit.verify_chain(s)
        after = s.execute(select(func.count(AuditEntry.id))).scalar_one()
    assert after - before == 2 * 40 * 2
    assert check.ok, check.message


def test_rows_inserted_with_their_ids_move_the_numbering_on(station_db):
    """The demo and the import give ids themselves (SQLite numbers the next row max(id) + 1): the server's
    numbering must not hand out one of those ids again."""
    from datetime import date

    from sqlalchemy import insert

    from shuanbai_desktop.data.models import Person
    from shuanbai_desktop.services import persons
    with station_db.session() as s:
        s.execute(insert(Person), [{"id": 500 + k, "name": f"张{k}", "name_pinyin": f"zhang{k}", "name_initials": "z",
                                    "no_id_reason": "未提供", "sex": "", "phone": "", "address": "",
                                    "status": "registered", "notes": ""} for k in range(3)])
    with station_db.session() as s:
        made = persons.save_person(s, persons.PersonInput("李四", "", no_id_reason="未提供"), today=date(2026, 5, 6))
    assert made > 502


BACKENDS = ("postgresql",)
