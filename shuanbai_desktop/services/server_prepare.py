"""A station database on a PostgreSQL server, before the program uses it (issue 19).

* ``prepare`` (the command ``server-prepare``): as the server's administrator, the login role, the database
  owned by it (UTF8, from template0) and the extensions the schema needs (``pg_trgm``); run again, it
  changes nothing; a database holding tables of another program is refused.
* ``probe`` (the set-up wizard's 测试连接 and 下一步): as the station's login role, what the database holds
  (a station, or nothing yet) and whether the role may use it; each reason it cannot in Chinese, at the
  wizard's field it concerns.

Both talk to the server with psycopg directly (``backend.connect``): nothing here needs SQLAlchemy.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..data import audit_key, backend, shared_marker
from ..data.backend import ServerRefused, ServerTarget
from ..data.migrate import BYTE_ORDER_COLLATIONS
from ..errors import UserError

if TYPE_CHECKING:
    from ..data.db import Database

EXTENSIONS = ("pg_trgm",)  # database/versions/0012_search_index.py
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# The wizard's field labels (ui/setup_pages.ServerPage): a refusal names the field to put right.
HOST, PORT, DATABASE, USER, PASSWORD, SHARED = "服务器地址", "端口", "数据库名", "用户名", "密码", "共用文件夹"


# --- the wizard's 测试连接 ---------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    station_name: str | None  # the station in the database; None: none yet (the wizard sets one up)
    server_version: str  # e.g. "15.8"
    empty: bool  # no tables at all (the migrations will build them)


def probe(target: ServerTarget, password: str | None = None) -> Probe:
    """Connect as the station's role and look: a station (its name), an empty database, or one of ours
    without a station yet. ``UserError`` (field: the wizard's label) for an unreachable server, a wrong
    password, no such database or role, TLS refused, no right to connect or to build the tables, and a
    database holding another program's tables."""
    try:
        conn = backend.connect(target, password)
    except ServerRefused as refused:
        raise _probe_refusal(target, refused) from None
    try:
        return _look(conn, target)
    finally:
        conn.close()


def _probe_refusal(target: ServerTarget, refused: ServerRefused) -> UserError:
    text = str(refused.cause)
    who = target.username or "（默认用户）"
    if backend.needs_password(refused):
        return UserError(f"服务器拒绝了用户“{who}”的登录：密码不对，或没有填写密码。", field=PASSWORD)
    if re.search(r'database "[^"]*" does not exist', text):
        return UserError(f"服务器上没有名为“{target.database}”的数据库。请检查数据库名，或先由服务器管理员用 "
                         "server-prepare 建立（见 docs/server.md）。", field=DATABASE)
    if re.search(r'role "[^"]*" does not exist', text):
        return UserError(f"服务器上没有名为“{who}”的登录用户。请检查用户名，或先由服务器管理员用 "
                         "server-prepare 建立（见 docs/server.md）。", field=USER)
    if "permission denied" in text:
        return UserError(f"用户“{who}”没有连接数据库“{target.database}”的权限。请服务器管理员用 server-prepare "
                         "准备数据库（见 docs/server.md）。", field=USER)
    if "pg_hba.conf" in text:
        return UserError(refused.message, field=HOST)
    if "SSL" in text or "ssl" in text:
        return UserError(f"服务器 {target.host} 不接受加密连接（TLS）：连接其他电脑上的数据库服务器必须加密。"
                         "请服务器管理员开启 ssl 并安装证书（见 docs/server.md“加密连接”）。", field=HOST)
    return UserError(f"连接不上服务器 {target.host or '本机'}（端口 {target.port or 5432}）：请检查服务器电脑是否开着、"
                     "地址和端口是否正确、服务器的防火墙是否放行这个端口。", field=HOST)


def _look(conn, target: ServerTarget) -> Probe:
    version = str(conn.execute("SHOW server_version").fetchone()[0]).split(" ")[0]
    encoding, collation = conn.execute("SELECT pg_encoding_to_char(encoding), datcollate FROM pg_database "
                                       "WHERE datname = current_database()").fetchone()
    if encoding != "UTF8" or collation not in BYTE_ORDER_COLLATIONS:
        raise UserError(f"数据库“{target.database}”的编码或排序规则是 {encoding}、{collation}；本程序需要 UTF8 编码和 C 排序"
                        "规则。请服务器管理员用 server-prepare 另建一个数据库（见 docs/server.md）。", field=DATABASE)
    tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
                          "'information_schema')").fetchone()[0]
    ours = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()[0]
    who = target.username or "（默认用户）"
    if tables and not ours:
        raise UserError(f"数据库“{target.database}”里已有别的程序的数据表，不是社工站工作平台的数据库。"
                        "请换一个空的数据库（server-prepare 可以建立）。", field=DATABASE)
    if not tables:
        can_build = conn.execute("SELECT current_schema() IS NOT NULL AND "
                                 "has_schema_privilege(current_schema(), 'CREATE')").fetchone()[0]
        if not can_build:
            raise UserError(f"用户“{who}”不能在数据库“{target.database}”中建立数据表（没有权限）。"
                            "请服务器管理员用 server-prepare 准备：数据库应归这个用户所有。", field=USER)
        conn.rollback()
        shared_marker.claim(target, None)  # a folder marked as another database's is refused
        check_shared_folder(target, None)
        return Probe(None, version, True)
    has_station = conn.execute("SELECT to_regclass('station') IS NOT NULL").fetchone()[0]
    if has_station and not conn.execute("SELECT has_table_privilege('station', 'SELECT, INSERT, UPDATE') AND "
                                        "has_table_privilege('audit_entry', 'INSERT')").fetchone()[0]:
        raise UserError(f"用户“{who}”没有读写数据库“{target.database}”中社工站数据的权限。"
                        "请用数据库的所有者（server-prepare 建立的用户）连接。", field=USER)
    row = conn.execute("SELECT name FROM station LIMIT 1").fetchone() if has_station else None
    chain = None
    if row and conn.execute("SELECT to_regclass('setting') IS NOT NULL").fetchone()[0]:
        found = conn.execute("SELECT value FROM setting WHERE key = %s", (audit_key.CHAIN_SETTING,)).fetchone()
        chain = json.loads(found[0]) if found else None
    held = shared_marker.read_found(lambda sql: (conn.execute(sql).fetchone() or (None,))[0])
    conn.rollback()
    shared_marker.claim(target, held)  # the folder's marker names this database (or none yet): else refused
    check_shared_folder(target, str(chain) if row and audit_key.valid_chain_id(chain) else None)
    return Probe(str(row[0]) if row else None, version, False)


def check_shared_folder(target: ServerTarget, chain_id: str | None) -> None:
    """The shared folder of a station that exists (``chain_id``: its audit trail's) must be there, writable,
    and hold that trail's key (else it is another folder, or the share is not connected); for a new station
    the folder, or the folder it will be made in, must be there."""
    folder = target.shared_dir
    if chain_id is None:
        parent = folder if folder.exists() else folder.parent
        if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            raise UserError(f"共用文件夹“{folder}”无法建立或写入：请检查它所在的磁盘或网络共享是否已连上、"
                            "这台电脑的账户能否写入。", field=SHARED)
        return
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"找不到共用文件夹“{folder}”，或不能写入：请检查网络共享是否已连上（见 docs/server.md"
                        "“共用文件夹”）。", field=SHARED)
    if not audit_key.key_path(chain_id, target.anchor).is_file():
        raise UserError(f"共用文件夹“{folder}”里没有这个社工站的操作日志密钥（keys 文件夹）：请选各电脑共用的那个"
                        "文件夹，即设立社工站时填的共用文件夹。", field=SHARED)


# --- server-prepare ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    role_created: bool
    database_created: bool
    owner_changed: bool  # an empty database of another owner given to the role
    extensions_created: tuple[str, ...]
    holds_station: bool  # the database already holds a station's tables (prepared before, or in use)
    server_version: str


def check_name(text: str, field: str) -> str:
    """A role or database name the program can use unquoted: lower-case letters, digits, _ (up to 63)."""
    name = text.strip()
    if not _NAME.match(name):
        raise UserError(f"{field}“{text}”不能用：只可用小写英文字母、数字和下划线，以字母开头，最多 63 个字符。",
                        field=field)
    return name


def prepare(admin: ServerTarget, database: str, role: str, ask_role_password: Callable[[], str],
            ask_admin_password: Callable[[], str | None] | None = None) -> Prepared:
    """As the administrator of ``admin`` (a superuser, or a role with CREATEROLE and CREATEDB): the login
    role ``role`` (its password from ``ask_role_password``, asked only when the role is new; sent to the
    server as a SCRAM-SHA-256 hash, never as text), the database ``database`` owned by it (UTF8, collation C
    as ``migrate`` requires, template0, CONNECT for its owner only), ``pg_trgm`` in it. Idempotent. Refused before anything is made: a database
    holding another program's tables, one in another encoding, one with a station owned by another role."""
    from psycopg import sql
    database = check_name(database, "--database")
    role = check_name(role, "--role")
    conn = _admin_connect(admin, ask_admin_password)
    try:
        version = str(conn.execute("SHOW server_version").fetchone()[0]).split(" ")[0]
        found = conn.execute("SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding), datcollate "
                             "FROM pg_database WHERE datname = %s", (database,)).fetchone()
        holds_station = False
        if found is not None:
            if found[1] != "UTF8" or found[2] not in BYTE_ORDER_COLLATIONS:
                raise UserError(f"数据库“{database}”已存在，但它的编码或排序规则是 {found[1]}、{found[2]}；本程序需要 UTF8 "
                                "编码和 C 排序规则（与本机数据库排序一致）。未作任何改动，请换一个数据库名。",
                                field="--database")
            holds_station, foreign = _look_inside(admin, database, ask_admin_password)
            if foreign:
                raise UserError(f"数据库“{database}”里已有别的程序的数据表（例如 {foreign}），不是社工站工作平台的"
                                "数据库，未作任何改动。请换一个数据库名。", field="--database")
            if holds_station and found[0] != role:
                raise UserError(f"数据库“{database}”已有社工站数据，它的所有者是“{found[0]}”，不是“{role}”，"
                                f"未作任何改动。请用 --role {found[0]}。", field="--role")
        role_created = False
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
            password = ask_role_password()
            hashed = conn.pgconn.encrypt_password(password.encode("utf-8"), role.encode("utf-8"), b"scram-sha-256")
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(hashed.decode("ascii"))))
            role_created = True
        database_created = owner_changed = False
        if found is None:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
                                 "LC_CTYPE 'C'").format(
                sql.Identifier(database), sql.Identifier(role)))
            database_created = True
        elif found[0] != role:  # empty (checked above): given to the station's role
            conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), sql.Identifier(role)))
            owner_changed = True
        if database_created or owner_changed:
            conn.execute(sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(
                sql.Identifier(database)))
        extensions = _extensions(admin, database, ask_admin_password)
    finally:
        conn.close()
    return Prepared(role_created, database_created, owner_changed, extensions, holds_station, version)


def _admin_connect(target: ServerTarget, ask: Callable[[], str | None] | None, database: str | None = None):
    """An autocommit connection as the administrator: ``PGPASSWORD``/pgpass first, then ``ask`` (once)."""
    options: dict = {"autocommit": True}
    if database is not None:
        options["dbname"] = database
    try:
        return backend.connect(target, None, **options)
    except ServerRefused as refused:
        if not backend.needs_password(refused) or ask is None:
            raise
        given = ask()
        if not given:
            raise
        conn = backend.connect(target, given, **options)
        _ADMIN_PASSWORD[target] = given
        return conn


_ADMIN_PASSWORD: dict[ServerTarget, str] = {}  # this process only: the second connection asks no more


def _inside(admin: ServerTarget, database: str, ask: Callable[[], str | None] | None):
    password = _ADMIN_PASSWORD.get(admin)
    if password:
        return backend.connect(admin, password, autocommit=True, dbname=database)
    return _admin_connect(admin, ask, database)


def _look_inside(admin: ServerTarget, database: str, ask: Callable[[], str | None] | None) -> tuple[bool, str | None]:
    """(a station's tables are there, the first table of another program's when there is one)."""
    conn = _inside(admin, database, ask)
    try:
        ours = conn.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL").fetchone()[0]
        other = conn.execute("SELECT schemaname || '.' || tablename FROM pg_tables WHERE schemaname NOT IN "
                             "('pg_catalog', 'information_schema') ORDER BY 1 LIMIT 1").fetchone()
    finally:
        conn.close()
    return bool(ours), (str(other[0]) if other is not None and not ours else None)


def _extensions(admin: ServerTarget, database: str, ask: Callable[[], str | None] | None) -> tuple[str, ...]:
    """The extensions the schema needs, made in the database when missing (those made returned)."""
    from psycopg import sql
    conn = _inside(admin, database, ask)
    try:
        made = []
        for name in EXTENSIONS:
            if conn.execute("SELECT 1 FROM pg_extension WHERE extname = %s", (name,)).fetchone() is None:
                conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(name)))
                made.append(name)
        return tuple(made)
    finally:
        conn.close()


def check_opened_station(db: Database) -> None:
    """At a start on a server: the station there (if it has one yet) must find its files in the shared folder
    (``check_shared_folder``); the share not connected, or another folder, is refused before anyone logs in
    (the trail would otherwise get a new key on this PC that the other PCs cannot verify)."""
    from sqlalchemy import inspect, text
    if db.server is None:
        return
    with db.engine.connect() as conn:
        if not inspect(conn).has_table("station") or conn.execute(text("SELECT 1 FROM station")).first() is None:
            return
        raw = conn.execute(text("SELECT value FROM setting WHERE key = :key"),
                           {"key": audit_key.CHAIN_SETTING}).scalar()
    chain = json.loads(raw) if raw else None
    check_shared_folder(db.server, str(chain) if audit_key.valid_chain_id(chain) else None)
