"""The backend seam: a station's database is a SQLite file (the embedded default, ``data/engine.py``) or a
database on a PostgreSQL server (issue 19: a station that outgrows one PC). What differs between the two
is here, or asks here (``is_server``):

============================  =======================================  =========================================
                              SQLite (a file)                           PostgreSQL (a server)
============================  =======================================  =========================================
target                        a path                                    ``postgresql+psycopg://USER@HOST:PORT/DB``
connection                    ``engine.connect`` (SQLCipher, its key)   psycopg 3; password from ``PGPASSWORD``,
                                                                        pgpass or a prompt; TLS off loopback
transaction                   ``BEGIN IMMEDIATE`` (one writer)          a plain BEGIN (READ COMMITTED); the audit
                                                                        rows are appended at the commit under
                                                                        ``pg_advisory_xact_lock``
per-connection settings       the PRAGMAs                               none
one program per database      the instance lock file                    none (many PCs); the idle lock per PC
integrity                     ``quick_check`` at the start              the server's (checksummed WAL, its pages)
encryption at rest            SQLCipher key file and slots              the server's (its disk, TLS on the wire)
files kept beside it          the database's folder                     the shared folder (``shared_dir``)
============================  =======================================  =========================================

**Files of a server station** (attachments, the audit trail's key and head, the counter's ticket ledger)
live in a folder every PC of the station can reach: ``--shared-dir`` / ``SHUANBAI_SHARED_DIR``; for a
server on this PC (loopback or a unix socket) a folder of this PC when none is given. The services find
that folder as they find a SQLite file's: through a path (``ServerTarget.anchor``, ``<shared>/station.server``)
whose folder is the shared one, returned by ``db.session_path`` for a server session. See docs/decisions.md
(多台电脑与 PostgreSQL).
"""

from __future__ import annotations

import ipaddress
import os
import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..errors import DatabaseRefused, UserError

if TYPE_CHECKING:
    from sqlalchemy import Engine

ENV_SHARED_DIR = "SHUANBAI_SHARED_DIR"
ANCHOR_NAME = "station.server"  # the path in the shared folder that the station's files hang from
AUDIT_LOCK_KEY = 0x53424457_0001  # pg_advisory_xact_lock: the audit chain is appended by one transaction at a time
SAFE_SSLMODES = ("require", "verify-ca", "verify-full")
CONNECT_TIMEOUT_S = 10
_FIELD = "--db"


def is_server_url(text: object) -> bool:
    """True for a PostgreSQL URL (``postgresql+psycopg://…``), False for a path (``paths.is_server_url``)."""
    return paths.is_server_url(text)


@dataclass(frozen=True)
class ServerTarget:
    """A station database on a PostgreSQL server: where it is (never a password) and its shared folder."""
    username: str | None
    host: str | None  # None: libpq's default (the local unix socket)
    port: int | None
    database: str
    sslmode: str | None
    shared_dir: Path

    @property
    def local(self) -> bool:
        """A server on this PC: a unix socket, or a loopback address (TLS not required)."""
        return is_local_host(self.host)

    @property
    def anchor(self) -> Path:
        """The path the station's files are found from (its folder: the shared one)."""
        return self.shared_dir / ANCHOR_NAME

    def display(self) -> str:
        """``postgresql://user@host:port/db`` for messages and the window's status line (no secrets)."""
        who = f"{self.username}@" if self.username else ""
        where = self.host or "本机"
        port = f":{self.port}" if self.port else ""
        return f"postgresql://{who}{where}{port}/{self.database}"

    def connect_kwargs(self) -> dict:
        """psycopg's (libpq's) keywords: libpq itself reads ``PGPASSWORD`` and the pgpass file."""
        kwargs: dict = {"dbname": self.database, "application_name": "shuanbai-desktop"}
        if self.username:
            kwargs["user"] = self.username
        if self.host:
            kwargs["host"] = self.host
        if self.port:
            kwargs["port"] = self.port
        kwargs["sslmode"] = self.sslmode or ("prefer" if self.local else "require")
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_S  # a server PC that is off: said within seconds
        return kwargs


def is_local_host(host: str | None) -> bool:
    if not host or host.startswith("/") or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_server_url(text: str, shared_dir: str | os.PathLike | None = None) -> ServerTarget:
    """The server target of ``--db``/``SHUANBAI_DB``. Refused (``UserError``, field ``--db``): a password
    in the URL, another driver, no database name, a query option other than ``host``/``port``/``sslmode``,
    and a remote host with an ``sslmode`` weaker than ``require``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError
    try:
        url = make_url(text.strip())
    except ArgumentError:
        raise UserError("数据库地址格式不对：应为 postgresql+psycopg://用户名@服务器:端口/数据库名。",
                        field=_FIELD) from None
    if url.password is not None:
        raise UserError("密码不能写在命令行里（也不能写在 SHUANBAI_DB 中）：数据库地址里的密码会留在命令历史和进程列表中。"
                        "请去掉地址中的密码，改用 PGPASSWORD 环境变量或 pgpass 密码文件，或在提示时输入。",
                        field=_FIELD)
    if url.get_backend_name() != "postgresql" or url.get_driver_name() not in ("psycopg", "psycopg3", ""):
        raise UserError(f"不支持的数据库驱动“{url.drivername}”：请用 postgresql+psycopg://…", field=_FIELD)
    if not url.database:
        raise UserError("数据库地址缺少数据库名：postgresql+psycopg://用户名@服务器:端口/数据库名。", field=_FIELD)
    query = {k: (v if isinstance(v, str) else v[-1]) for k, v in url.query.items()}
    unknown = sorted(set(query) - {"host", "port", "sslmode"})
    if unknown:
        raise UserError(f"数据库地址中不支持的参数：{'、'.join(unknown)}（只可用 host、port、sslmode）。", field=_FIELD)
    host = url.host or query.get("host") or None
    port = url.port or (int(query["port"]) if query.get("port", "").isdigit() else None)
    sslmode = query.get("sslmode") or None
    if sslmode is not None and sslmode not in ("disable", "allow", "prefer", *SAFE_SSLMODES):
        raise UserError(f"sslmode“{sslmode}”无效：可用 require、verify-ca、verify-full。", field=_FIELD)
    if not is_local_host(host) and sslmode is not None and sslmode not in SAFE_SSLMODES:
        raise UserError(f"连接其他电脑上的数据库服务器必须加密传输（TLS）：sslmode 不能是“{sslmode}”，"
                        "请去掉它或改为 require、verify-ca、verify-full。", field=_FIELD)
    return ServerTarget(url.username or None, host, port, url.database, sslmode,
                        _shared_dir(host, port, url.database, shared_dir))


def _shared_dir(host: str | None, port: int | None, database: str,
                given: str | os.PathLike | None) -> Path:
    raw = given or os.environ.get(ENV_SHARED_DIR)
    if raw:
        return Path(raw).expanduser().resolve()
    if not is_local_host(host):
        raise UserError("连接站内服务器时须指定各电脑共用的文件夹（附件和操作日志密钥放在那里）："
                        "用 --shared-dir 文件夹 或环境变量 SHUANBAI_SHARED_DIR。", field="--shared-dir")
    name = re.sub(r"[^0-9A-Za-z_.-]", "_", f"server-{(host or 'local').strip('/')}-{port or 5432}-{database}")
    base = paths.machine_data_dir() if paths.machine_dir_available() else paths.data_dir()
    return (base / name).resolve()


# --- password prompt --------------------------------------------------------------------------

PasswordPrompt = Callable[[ServerTarget], "str | None"]
_PROMPT: list[PasswordPrompt] = []


def set_password_prompt(prompt: PasswordPrompt | None) -> None:
    """What asks for the server password when neither ``PGPASSWORD`` nor pgpass gives one and the server
    asks for it (the command line's terminal prompt, the GUI's dialog); None: no one to ask."""
    _PROMPT.clear()
    if prompt is not None:
        _PROMPT.append(prompt)


def _needs_password(exc: Exception) -> bool:
    text = str(exc)
    return "no password supplied" in text or "password authentication failed" in text


def needs_password(refused: ServerRefused) -> bool:
    """The server refused for want of the right password (a prompt may ask for it)."""
    return _needs_password(refused.cause)


def connect(target: ServerTarget, password: str | None = None, **kwargs):
    """A psycopg connection to the target; refusals in Chinese (``DatabaseRefused``) for what a user can
    put right: the server not reached, a wrong password, a database or role that does not exist."""
    import psycopg
    options = target.connect_kwargs() | kwargs
    if password is not None:
        options["password"] = password
    try:
        return psycopg.connect(**options)
    except psycopg.OperationalError as exc:
        raise _refusal(target, exc) from None


class ServerRefused(DatabaseRefused):
    """The server could not be used; ``cause`` is the driver's error (the prompt asks on a missing password)."""

    def __init__(self, message: str, cause: Exception):
        super().__init__(message)
        self.cause = cause


def _refusal(target: ServerTarget, exc: Exception) -> ServerRefused:
    text = str(exc)
    if _needs_password(exc):
        message = (f"无法登录数据库服务器 {target.display()}：密码不对或没有提供密码。"
                   "请用 PGPASSWORD 环境变量或 pgpass 密码文件提供密码，或在提示时输入。")
    elif "pg_hba.conf" in text:
        message = (f"数据库服务器 {target.display()} 不允许这台电脑以这个用户名连接（服务器的 pg_hba.conf 里没有这台电脑"
                   "所在网段的 hostssl 行，或连接没有加密）。请服务器管理员按 docs/server.md 添加。")
    elif "permission denied" in text:
        message = (f"用户 {target.username or '（默认）'} 没有连接数据库 {target.database} 的权限。"
                   "请用 server-prepare 准备数据库和登录角色（见 docs/server.md）。")
    elif "does not exist" in text:
        message = (f"数据库服务器上没有这个数据库或登录角色：{target.display()}。"
                   "请检查地址中的用户名和数据库名（准备数据库见 docs/server.md）。")
    elif "SSL" in text or "ssl" in text:
        message = (f"无法与数据库服务器 {target.display()} 建立加密连接（TLS）。"
                   "请在服务器上开启 ssl 并安装证书（见 docs/server.md）。")
    else:
        message = (f"连接不上数据库服务器 {target.display()}。请检查服务器是否开着、"
                   "地址和端口是否正确、防火墙是否放行。")
    return ServerRefused(message, exc)


# --- engines -------------------------------------------------------------------------------------

_ANCHORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine → ServerTarget


def server_of(engine) -> ServerTarget | None:
    """The server target an engine was made for (None: a SQLite engine)."""
    return _ANCHORS.get(engine)


def make_server_engine(target: ServerTarget, readonly: bool = False, password: str | None = None) -> Engine:
    """An engine on a PostgreSQL station database: psycopg 3, pool_pre_ping, a plain BEGIN; a password
    asked once (``set_password_prompt``), or given (a dialog's password field: 迁移到服务器), is kept for
    the engine's later connections, in memory only."""
    from sqlalchemy import create_engine, event
    remembered: list[str] = [password] if password else []
    asking = threading.Lock()

    def creator():
        try:
            return connect(target, remembered[0] if remembered else None)
        except ServerRefused as refused:
            if not _needs_password(refused.cause) or not _PROMPT or remembered:
                raise
            with asking:
                if not remembered:
                    given = _PROMPT[0](target)
                    if not given:
                        raise
                    remembered.append(given)
            return connect(target, remembered[0])

    # hide_parameters: a failed statement's log line never carries its values (personal data).
    engine = create_engine("postgresql+psycopg://", creator=creator, pool_pre_ping=True, hide_parameters=True,
                           pool_size=3, max_overflow=5)
    engine.dialect.statement_compiler = _sqlite_alike(type(engine.dialect).statement_compiler)
    event.listen(engine, "after_cursor_execute", _follow_explicit_ids)
    if readonly:
        @event.listens_for(engine, "connect")
        def _read_only(dbapi_conn, _record):
            dbapi_conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_conn.commit()

    _ANCHORS[engine] = target
    return engine


def _serial_key(table) -> str | None:
    """The name of ``table``'s own integer key that the server numbers (a SERIAL), None for another key."""
    from sqlalchemy import Integer
    columns = list(getattr(table, "primary_key", ()))
    if not columns:  # a lightweight table() of a migration: its "id", when the server numbers it
        return "id"
    if len(columns) != 1 or not isinstance(columns[0].type, Integer) or columns[0].autoincrement is False:
        return None
    if columns[0].foreign_keys:
        return None
    return columns[0].name


def _follow_explicit_ids(_conn, cursor, _statement, _parameters, context, _executemany) -> None:
    """Rows inserted with their id given (the catalogue the migrations fill in, the demo, the import: SQLite
    gives the next row max(id) + 1 by itself) move the table's sequence past them, so that the next row the
    server numbers does not collide. Only for such inserts; never lowers the sequence."""
    compiled = getattr(context, "compiled", None)
    if compiled is None or not context.isinsert:
        return
    table = compiled.statement.table
    key = _serial_key(table)
    if key is None or key not in compiled.binds:
        return
    follow = cursor.connection.cursor()
    try:
        follow.execute(
            f"SELECT setval(s::regclass, GREATEST((SELECT COALESCE(max({key}), 1) FROM {table.name}), "
            f"nextval(s::regclass) - 1, 1)) FROM pg_get_serial_sequence(%s, %s) AS s WHERE s IS NOT NULL",
            (table.name, key))
    finally:
        follow.close()


STRFTIME_FORMATS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%Y-%m": "YYYY-MM", "%Y-%m-%d": "YYYY-MM-DD"}


def _sqlite_alike(base: type) -> type:
    """PostgreSQL's statement compiler where the services rely on SQLite's SQL: ``LIKE`` ignores the case of
    ASCII letters in SQLite (``ILIKE`` here: the list filters find “Dell” for “dell” on both backends), and
    ``group_concat(x, sep)`` is ``string_agg``, ``strftime(format, day)`` is ``to_char`` (the formats the services
    use: ``STRFTIME_FORMATS``). Everything else is PostgreSQL's own."""

    class StationCompiler(base):  # type: ignore[misc, valid-type]
        def visit_like_op_binary(self, binary, operator, **kw):
            return self.visit_ilike_op_binary(binary, operator, **kw)

        def visit_not_like_op_binary(self, binary, operator, **kw):
            return self.visit_not_ilike_op_binary(binary, operator, **kw)

        def visit_function(self, func, add_to_result_map=None, **kw):
            name = func.name.lower()
            if name == "strftime":
                return self._to_char(list(func.clauses), **kw)
            if name != "group_concat":
                return super().visit_function(func, add_to_result_map=add_to_result_map, **kw)
            args = list(func.clauses)
            separator = self.process(args[1], **kw) if len(args) > 1 else "','"
            return f"string_agg(CAST({self.process(args[0], **kw)} AS TEXT), {separator})"

        def _to_char(self, args: list, **kw) -> str:
            pattern = getattr(args[0], "value", None)
            if pattern not in STRFTIME_FORMATS or len(args) != 2:
                raise NotImplementedError(f"strftime({pattern!r}, …) has no PostgreSQL form here (data/backend.py)")
            return f"to_char({self.process(args[1], **kw)}, '{STRFTIME_FORMATS[pattern]}')"

    return StationCompiler


def is_server(bind) -> bool:
    """True when a session's bind, a connection or an engine is PostgreSQL's."""
    return bind.dialect.name == "postgresql"


def lock_audit_chain(conn) -> None:
    """Before the audit trail appends (on PostgreSQL just before the commit: ``audit._before_commit``): on
    PostgreSQL a transaction-level advisory lock, so that the chain stays one chain under writers on several
    PCs (each transaction reads the newest entry after the previous writer committed); held for the insert
    and the COMMIT only. SQLite's ``BEGIN IMMEDIATE`` already serialised every writer: nothing to do there."""
    if is_server(conn):
        from sqlalchemy import text
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
