"""Backups of a station on a PostgreSQL server (issue 19): ``pg_dump``, verified in a scratch database,
restored by an administrator. ``database_ops`` calls this for a server database; ``backup.py`` keeps the
SQLite file's backups and the parts both share (names, sidecars, listing, rotation, the second folder).

A backup is ``backup-<乡镇代码>-<YYYYMMDD-HHMMSS>-<kind>.pgdump`` (``pg_dump --format=custom``) with the same
JSON sidecar as a file station's (SHA-256, audit head, check state) plus the server's facts: its version,
the database, the Alembic revisions and the row counts of the key tables, all read in the snapshot the dump
was made from (``pg_export_snapshot`` → ``pg_dump --snapshot``: what is counted is what is dumped, while
the other PCs go on writing). Beside it, as for a file station: ``<backup>.key`` (the audit trail's keys and
newest entry) and the attachments copied into ``<backup folder>/attachments``. The backup folder is
``<shared folder>/backups`` (``paths.backups_dir`` of the anchor), the second folder the setting's.

The client tools (``pg_dump``, ``pg_restore``, ``psql``) are the PC's: on PATH, else the newest
``/usr/lib/postgresql/*/bin``, on Windows ``%ProgramFiles%\\PostgreSQL\\*\\bin``; the first whose major version
is not older than the server's is used (an older one cannot dump a newer server: refused, naming both).
The password goes to them in ``PGPASSWORD`` (the one the program's own connection used: given, pgpass or
the prompt), never on their command line; ``-w``: they never prompt themselves.

**Verification** restores the dump into a scratch database on the same server
(``shuanbai_verify_<random>``, dropped afterwards) and checks it as a file backup is checked: known Alembic
revisions equal to the sidecar's, the key tables' rows and the audit head equal to the sidecar's, the audit
chain verifies with the backup's own keys. A login role without CREATEDB gets the check that needs no server:
the archive read whole by ``pg_restore`` (every table's data decompressed), recorded as ``readable``.

**Restore** (``BACKUP_RESTORE``) is refused while other sessions use the database (listed from
``pg_stat_activity``); a safety dump of the current state comes first; then one transaction through ``psql``:
the station's objects dropped and the dump's script (``pg_restore -f -``) run, committed only when
``pg_restore`` read the whole archive — all or nothing. See docs/decisions.md (服务器上的备份).
"""

from __future__ import annotations

import glob
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import IO

from .. import paths
from ..data import audit, audit_key, backend, shared_marker
from ..data.backend import ServerTarget
from ..data.base import now
from ..data.db import Database
from ..data.files import fsync_dir
from ..data.migrate import known_revisions
from ..domain.labels import BackupKind
from ..errors import DatabaseRefused, DiskFull, UserError
from . import attachments, backup
from .backup import DUMP_SUFFIX, OK, PENDING, READABLE, BackupInfo, Progress, RestoreSource, no_progress
from .window import tickets

log = logging.getLogger(__name__)
SCRATCH_PREFIX = "shuanbai_verify_"
FORMAT = "pg_dump-custom"
TOOLS = ("pg_dump", "pg_restore", "psql")
CLIENT_HINT = "请在这台电脑上安装与服务器同版本或更新的 PostgreSQL 客户端工具（见 docs/server.md“备份”）。"
_VERSION_RE = re.compile(r"(\d+)(?:\.(\d+))?")
_TOOL_VERSION_RE = re.compile(r"\)\s*(\d+)(?:\.(\d+))?")


# --- the client tools ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientTools:
    folder: Path
    version: str  # "15.18"
    major: int

    def tool(self, name: str) -> str:
        return str(self.folder / (f"{name}.exe" if os.name == "nt" else name))


def candidate_folders() -> list[Path]:
    """Where the client tools are looked for, in order: PATH, then the newest installed versions."""
    found: list[Path] = []
    on_path = shutil.which("pg_dump")
    if on_path:
        found.append(Path(on_path).parent)
    pattern = (os.path.join(os.environ.get("ProgramFiles", r"C:\Program Files"), "PostgreSQL", "*", "bin")
               if os.name == "nt" else "/usr/lib/postgresql/*/bin")
    versioned = sorted(glob.glob(pattern), key=lambda p: _major_of(Path(p).parent.name), reverse=True)
    for folder in versioned:
        if Path(folder) not in found:
            found.append(Path(folder))
    return found


def _major_of(text: str) -> int:
    match = _VERSION_RE.search(text)
    return int(match[1]) if match else 0


def _tools_in(folder: Path) -> ClientTools | None:
    tools = ClientTools(folder, "", 0)
    if not all(Path(tools.tool(name)).is_file() for name in TOOLS):
        return None
    try:
        out = subprocess.run([tools.tool("pg_dump"), "--version"], capture_output=True, text=True, timeout=60,
                             stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    match = _TOOL_VERSION_RE.search(out.stdout) or _VERSION_RE.search(out.stdout)  # "pg_dump (PostgreSQL) 15.18 (…)"
    if out.returncode != 0 or match is None:
        return None
    version = f"{match[1]}.{match[2]}" if match[2] else match[1]
    return ClientTools(folder, version, int(match[1]))


def find_client_tools(server_major: int, server_version: str) -> ClientTools:
    """The first client tools (``candidate_folders``) able to dump this server; a ``UserError`` naming both
    versions when every one found is older than the server, or saying what to install when there is none."""
    newest: ClientTools | None = None
    for folder in candidate_folders():
        tools = _tools_in(folder)
        if tools is None:
            continue
        if tools.major >= server_major:
            return tools
        if newest is None or tools.major > newest.major:
            newest = tools
    if newest is not None:
        raise UserError(f"这台电脑上的 PostgreSQL 客户端工具（pg_dump {newest.version}）比数据库服务器"
                        f"（PostgreSQL {server_version}）旧，不能备份或恢复它。" + CLIENT_HINT)
    raise UserError("这台电脑上没有找到 PostgreSQL 客户端工具（pg_dump、pg_restore、psql），"
                    "不能备份或恢复服务器上的数据库。" + CLIENT_HINT)


# --- talking to the server ------------------------------------------------------------------------------


def password_of(db: Database) -> str | None:
    """The password the program's own connection used (given, from pgpass or the prompt): handed to the
    client tools in ``PGPASSWORD`` and to the scratch database's connections. None: none was needed."""
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        given = raw.info.password if raw is not None else ""
    return given or None


def _environment(target: ServerTarget, password: str | None, database: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    options = target.connect_kwargs()
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "sslmode": "PGSSLMODE"}
    for key, name in names.items():
        if options.get(key) is not None:
            env[name] = str(options[key])
    env["PGDATABASE"] = database or target.database
    env["PGAPPNAME"] = "shuanbai-desktop backup"
    env.pop("PGPASSWORD", None)
    if password:
        env["PGPASSWORD"] = password
    return env


def _conninfo(database: str) -> str:
    """``--dbname`` as a connection string naming only the database (the rest comes from the environment)."""
    quoted = database.replace("\\", "\\\\").replace("'", "\\'")
    return f"dbname='{quoted}'"


def _connect(target: ServerTarget, password: str | None, database: str | None = None, **kwargs):
    return backend.connect(replace(target, database=database or target.database), password, **kwargs)


def _server_version(conn) -> tuple[int, str]:
    number = int(conn.execute("SHOW server_version_num").fetchone()[0])
    text = str(conn.execute("SHOW server_version").fetchone()[0]).split(" ")[0]
    return number // 10000, text


def _tool_error(stderr: str, what: str, server_version: str = "") -> UserError:
    """pg_dump's / pg_restore's / psql's complaint in Chinese (its own last lines kept for the administrator)."""
    text = stderr.strip()
    if "No space left on device" in text:
        return DiskFull(f"磁盘空间不足，{what}没有完成：备份所在的磁盘已满。未完成的文件已删除，已有的备份和数据保持不变。"
                        "请清理磁盘空间，或换一个有空间的位置后再试。")
    if "server version mismatch" in text:
        client = re.search(r"pg_dump version:\s*([\d.]+)", text)
        return UserError(f"这台电脑上的 PostgreSQL 客户端工具（pg_dump {client[1] if client else '较旧版本'}）比数据库"
                         f"服务器（PostgreSQL {server_version or '较新版本'}）旧，{what}没有完成。" + CLIENT_HINT)
    if "Permission denied" in text:
        return UserError(f"{what}没有完成：无法写入备份文件夹（没有写入权限）。已有的备份和数据保持不变。")
    last = " ".join(text.splitlines()[-2:])[:300]
    return UserError(f"{what}没有完成（PostgreSQL 客户端工具报告：{last or '未知错误'}）。已有的备份和数据保持不变。")


def _run(args: list[str], env: dict[str, str], what: str, server_version: str = "") -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise UserError(f"{what}没有完成：无法运行 {Path(args[0]).name}（{exc.strerror}）。" + CLIENT_HINT) from None
    if done.returncode != 0:
        log.warning("%s exited with %d", Path(args[0]).name, done.returncode)
        raise _tool_error(done.stderr, what, server_version)
    return done.stdout


# --- what a database holds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What a server backup's sidecar records and its verification compares (no personal data)."""
    summary: backup.Summary
    revisions: tuple[str, ...]
    chain_id: str | None
    server_version: str
    server_major: int
    database: str

    def extra(self, client: ClientTools) -> dict[str, object]:
        return {"format": FORMAT, "server_version": self.server_version, "client_version": client.version,
                "database": self.database, "alembic": list(self.revisions), "chain_id": self.chain_id,
                "audit_hash": self.summary.audit_hash, "tables": sorted(self.summary.tables),
                "counts": dict(self.summary.counts)}


def _facts(conn, database: str) -> Facts:
    tables = frozenset(r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall())
    counts = tuple((t, int(conn.execute(f'SELECT count(*) FROM public."{t}"').fetchone()[0]))
                   for t in backup.KEY_TABLES if t in tables)
    head, head_hash = 0, ""
    if "audit_entry" in tables:
        row = conn.execute("SELECT id, hash FROM public.audit_entry ORDER BY id DESC LIMIT 1").fetchone()
        head, head_hash = (int(row[0]), str(row[1])) if row else (0, "")
    station = conn.execute("SELECT town_code, name FROM public.station LIMIT 1").fetchone() \
        if "station" in tables else None
    town, name = (station[0], station[1]) if station else ("000000000", "")
    revisions: tuple[str, ...] = ()
    if "alembic_version" in tables:
        revisions = tuple(sorted(r[0] for r in conn.execute("SELECT version_num FROM public.alembic_version")))
    chain = None
    if "setting" in tables:
        raw = conn.execute("SELECT value FROM public.setting WHERE key = %s", (audit_key.CHAIN_SETTING,)).fetchone()
        chain = _chain_value(raw[0]) if raw else None
    major, version = _server_version(conn)
    summary = backup.Summary(tables, counts, head, head_hash, town, name)
    return Facts(summary, revisions, chain, version, major, database)


def _chain_value(raw: str) -> str:
    try:
        value = json.loads(raw)
    except ValueError:
        return str(raw)
    return value if isinstance(value, str) else str(value)


# --- making a backup ---------------------------------------------------------------------------------------


def backup_name(town_code: str, at: datetime, kind: BackupKind) -> str:
    return f"backup-{town_code}-{at:%Y%m%d-%H%M%S}-{kind.value}{DUMP_SUFFIX}"


def _new_private_file(path: Path) -> None:
    """Create ``path`` empty and private before anything is written into it (it will hold personal data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    paths.make_private(path)


def make_backup(db: Database, dest_dir: Path, kind: BackupKind, at: datetime | None = None,
                full: bool = False, progress: Progress | None = None) -> BackupInfo:
    """``pg_dump`` of the server database into ``dest_dir``, reported done when the archive lists the data of
    every table the snapshot had; ``full`` also restores it into a scratch database now (the pre-migration
    backup), otherwise the sidecar says ``pending`` (``verify_and_record``)."""
    target = _target(db)
    at, progress = at or now(), progress or no_progress
    backup.backup_folder(dest_dir)
    password = password_of(db)
    tmp: Path | None = None
    try:
        with _snapshot(target, password) as (snapshot, facts):
            tools = find_client_tools(facts.server_major, facts.server_version)
            final = dest_dir / backup_name(facts.summary.town_code, at, kind)
            tmp = final.with_name(final.name + backup.TMP)
            _new_private_file(tmp)
            progress(5, "正在导出服务器上的数据库")
            _run([tools.tool("pg_dump"), "-w", "--format=custom", f"--snapshot={snapshot}", f"--file={tmp}",
                  _conninfo(target.database)], _environment(target, password), "备份", facts.server_version)
        info = _finish(db, target, password, tools, facts, tmp, final, kind, at, full, progress)
    except OSError as exc:
        if tmp is not None:
            backup.secure_remove(tmp)
        failure = backup._write_failure(exc, dest_dir, "备份")
        if failure is None:
            raise
        raise failure from exc
    except BaseException:
        if tmp is not None:
            backup.secure_remove(tmp)
        raise
    log.info("server backup written: %s (%d bytes, %s)", info.path.name, info.size, info.check)
    return info


def _target(db: Database) -> ServerTarget:
    if db.server is None:
        raise ValueError("not a server database")
    return db.server


@contextmanager
def _snapshot(target: ServerTarget, password: str | None) -> Iterator[tuple[str, Facts]]:
    """A repeatable-read transaction whose snapshot is exported for pg_dump, held open while it runs."""
    import psycopg
    conn = _connect(target, password)
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = str(conn.execute("SELECT pg_export_snapshot()").fetchone()[0])
        yield snapshot, _facts(conn, target.database)
        conn.rollback()
    finally:
        conn.close()


def _finish(db: Database, target: ServerTarget, password: str | None, tools: ClientTools, facts: Facts,
            tmp: Path, final: Path, kind: BackupKind, at: datetime, full: bool, progress: Progress) -> BackupInfo:
    backup._fsync(tmp)
    progress(55, "正在核对备份文件")
    missing = sorted(facts.summary.tables - _data_entries(tools, tmp))
    if missing:
        raise UserError(f"备份文件与数据库不一致（缺少 {len(missing)} 个数据表的数据），没有保存这份备份。")
    progress(65, "正在计算校验值")
    info = BackupInfo(final, at, kind, tmp.stat().st_size, PENDING, backup._sha256(tmp), facts.summary.audit_head,
                      facts.summary.town_code, None, facts.extra(tools))
    head = audit_key.Head(facts.chain_id or "", facts.summary.audit_head, facts.summary.audit_hash) \
        if facts.chain_id and facts.summary.audit_head else None
    audit_key.write_backup_keys(final, facts.chain_id, head, db.anchor)  # the trail's keys and newest entry
    if full:
        progress(70, "正在服务器上试恢复这份备份")
        result = verify_file(target, password, tmp, info)
        if result not in (OK, READABLE):
            audit_key.backup_key_path(final).unlink(missing_ok=True)
            raise UserError(f"备份文件的检查未通过（{result}），没有保存这份备份。")
        info = replace(info, check=result, checked_at=now())
    progress(85, "正在复制附件")
    attachments.sync_store(db.anchor, final.parent / "attachments")
    backup.write_sidecar(info)  # before the rename: a backup never appears without its sidecar
    os.replace(tmp, final)
    fsync_dir(final.parent)
    progress(95, "备份已保存")
    return replace(info, path=final)


_TOC_DATA = re.compile(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ")


def _data_entries(tools: ClientTools, dump: Path) -> set[str]:
    """The tables of schema public whose data the archive holds (its table of contents)."""
    listing = _run([tools.tool("pg_restore"), "--list", str(dump)], dict(os.environ), "核对备份文件")
    found = set()
    for line in listing.splitlines():
        match = _TOC_DATA.match(line)
        if match and match[1] == "public":
            found.add(match[2].strip('"'))
    return found


# --- verification ---------------------------------------------------------------------------------------


def read_check(dump: Path) -> str:
    """The check that needs no server: ``readable`` when ``pg_restore`` reads the archive whole (every table's
    data decompressed, into nothing), else what went wrong."""
    try:
        tools = find_client_tools(0, "")
        _run([tools.tool("pg_restore"), f"--file={os.devnull}", str(dump)], dict(os.environ), "读取备份文件")
    except UserError as exc:
        return _damaged(exc)
    return READABLE


def _damaged(exc: UserError) -> str:
    return f"备份文件已损坏或不完整，无法完整读取（{exc.message}）"


def can_create_databases(conn) -> bool:
    row = conn.execute("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    return bool(row and row[0])


def verify_file(target: ServerTarget, password: str | None, dump: Path, info: BackupInfo) -> str:
    """``ok`` when the dump restores into a scratch database and holds what its sidecar says; ``readable``
    when the login role may not create the scratch database (the archive read whole instead); otherwise
    what was found, in Chinese."""
    if info.sha256 and backup._sha256(dump) != info.sha256:
        return "文件校验值与备份时不符（文件被改动或损坏）"
    extra = dict(info.extra or {})
    admin = _connect(target, password, autocommit=True)
    try:
        major, version = _server_version(admin)
        tools = find_client_tools(major, version)
        if not can_create_databases(admin):
            log.info("login role lacks CREATEDB: the backup is read whole, not restored on trial")
            return read_check(dump)
        scratch = SCRATCH_PREFIX + secrets.token_hex(6)
        admin.execute(f'CREATE DATABASE "{scratch}" TEMPLATE template0 ENCODING \'UTF8\' '
                      "LC_COLLATE 'C' LC_CTYPE 'C'")
        try:
            try:
                _run([tools.tool("pg_restore"), "-w", "--exit-on-error", "--no-owner", "--no-privileges",
                      f"--dbname={_conninfo(scratch)}", str(dump)], _environment(target, password, scratch),
                     "试恢复", version)
            except UserError as exc:
                return _damaged(exc)
            return _compare(target, password, scratch, dump, info, extra)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    finally:
        admin.close()


def _compare(target: ServerTarget, password: str | None, scratch: str, dump: Path, info: BackupInfo,
             extra: Mapping[str, object]) -> str:
    """The restored scratch database against the sidecar: revisions, key tables' rows, audit head, chain."""
    conn = _connect(target, password, scratch)
    try:
        facts = _facts(conn, scratch)
    finally:
        conn.close()
    found: list[str] = []
    recorded = extra.get("alembic")
    if not facts.revisions:
        found.append("不是社工站工作平台的数据库（没有数据结构版本）")
    elif not set(facts.revisions) <= known_revisions():
        found.append("数据结构版本比本程序新")
    elif isinstance(recorded, list) and list(facts.revisions) != recorded:
        found.append("数据结构版本与备份时记录的不同")
    counts = extra.get("counts")
    have = dict(facts.summary.counts)
    if isinstance(counts, dict):
        for table, want in counts.items():
            if have.get(table) != want:
                found.append(f"{table} 表 {have.get(table, 0)} 行（应为 {want} 行）")
    if facts.summary.audit_head != info.audit_head or (
            extra.get("audit_hash") is not None and facts.summary.audit_hash != extra["audit_hash"]):
        found.append("操作日志末条与备份时记录的不同")
    if found:
        return "；".join(found)
    chain = _verify_chain(target, password, scratch, dump, facts)
    return OK if chain.ok else f"操作日志校验链未通过：{chain.message}"


def _verify_chain(target: ServerTarget, password: str | None, scratch: str, dump: Path, facts: Facts):
    """The scratch database's audit chain, with the backup's own keys (``<backup>.key``; else the station's)
    and its recorded newest entry as the head, in a folder of their own."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import NullPool
    keys, head = audit_key.read_backup_keys(dump if dump.suffix == DUMP_SUFFIX else _final_name(dump))
    if not keys:
        keys, _lost = audit_key.lineage(facts.chain_id, target.anchor)
    scratch_target = replace(target, database=scratch)
    engine = create_engine("postgresql+psycopg://", creator=lambda: backend.connect(scratch_target, password),
                           poolclass=NullPool)
    with tempfile.TemporaryDirectory(prefix="shuanbai-verify-") as folder:
        anchor = Path(folder) / backend.ANCHOR_NAME
        for key in keys:
            audit_key.save_key(key, anchor)
        if head is not None and head.chain_id:
            audit_key.write_head(anchor, head)
        try:
            with Session(engine) as session:
                return audit.verify_chain(session, anchor)
        finally:
            engine.dispose()


def _final_name(tmp: Path) -> Path:
    """The backup a ``.tmp`` file becomes (its ``.key`` is written under that name first)."""
    return tmp.with_name(tmp.name[:-len(backup.TMP)]) if tmp.name.endswith(backup.TMP) else tmp


def verify_and_record(db: Database, info: BackupInfo, at: datetime | None = None) -> BackupInfo:
    """The full check of one server backup (``verify_file``), recorded in its sidecar."""
    result = verify_file(_target(db), password_of(db), info.path, info)
    checked = replace(info, size=info.path.stat().st_size, check=result, checked_at=at or now())
    backup.write_sidecar(checked)
    if result not in (OK, READABLE):
        log.warning("server backup %s failed its check", info.path.name)
    return checked


def run_pending_checks(db: Database, dest_dir: Path, stop: backup.Stop | None = None) -> list[BackupInfo]:
    """``verify_and_record`` for every server backup still pending in ``dest_dir``, newest first."""
    done = []
    for info in backup.list_backups(dest_dir):
        if stop is not None and stop():
            break
        if info.pending and info.path.suffix == DUMP_SUFFIX:
            try:
                done.append(verify_and_record(db, info))
            except (OSError, UserError, DatabaseRefused):
                log.warning("server backup %s could not be checked now", info.path.name, exc_info=True)
    return done


def clean_folder(folder: Path) -> list[str]:
    """What a killed server backup left: ``*.pgdump.tmp`` (overwritten with zeros, then removed); the rest
    (sidecars, key files) is ``backup.clean_folder``'s."""
    done = []
    if folder.is_dir():
        for path in folder.glob(f"*{DUMP_SUFFIX}{backup.TMP}"):
            backup.secure_remove(path)
            done.append(path.name)
    return done + backup.clean_folder(folder)


# --- restore ---------------------------------------------------------------------------------------------


def _copy_rows(tools: ClientTools, dump: Path, table: str) -> list[dict[str, str | None]]:
    """The rows of one small table as the archive holds them (``pg_restore --data-only -t``, no server)."""
    script = _run([tools.tool("pg_restore"), "--data-only", f"--table={table}", "--file=-", str(dump)],
                  dict(os.environ), "读取备份文件")
    rows: list[dict[str, str | None]] = []
    columns: list[str] | None = None
    for line in script.splitlines():
        if columns is None:
            match = re.match(r"^COPY \S+ \((.*)\) FROM stdin;$", line)
            if match:
                columns = [c.strip().strip('"') for c in match[1].split(",")]
            continue
        if line == "\\.":
            break
        rows.append(dict(zip(columns, (_copy_value(v) for v in line.split("\t")), strict=False)))
    return rows


_COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _copy_value(field: str) -> str | None:
    if field == "\\N":
        return None
    return re.sub(r"\\(.)", lambda m: _COPY_ESCAPES.get(m[1], m[1]), field)


def restore_tmp(target: ServerTarget) -> Path:
    return Path(f"{target.anchor}{backup.RESTORE_TMP}")


def prepare_restore(target: ServerTarget, backup_file: Path) -> RestoreSource:
    """Copy the backup into the shared folder (read-only media work; the file checked is the file restored),
    then check the copy without the server: SHA-256 against the sidecar, a pg_dump archive of ours (its
    station and Alembic revisions read from it), not newer than this program, read whole."""
    if not backup_file.is_file():
        raise UserError(f"找不到备份文件：{backup_file.name}", field="备份文件")
    if backup_file.suffix == backup.SUFFIX:
        raise UserError("这是单机数据库文件（SQLite）的备份，不能直接恢复到服务器上：请先在单机上恢复它，"
                        "再用“迁移到服务器”。", field="备份文件")
    copy = restore_tmp(target)
    try:
        paths.make_private_dir(copy.parent)
        try:
            digest = backup._copy_and_hash(backup_file, copy)
        except OSError as exc:
            failure = backup._write_failure(exc, copy.parent, "恢复前复制备份")
            if failure is None:
                raise
            raise failure from exc
        expected = backup._sidecar_sha(backup_file)
        if expected and digest != expected:
            raise UserError("备份文件与备份时记录的校验值（SHA-256）不符：文件在备份之后被改动过或已损坏，"
                            "不能用于恢复。请换一份备份。", field="备份文件")
        tools = find_client_tools(0, "")
        try:
            stations = _copy_rows(tools, copy, "station")
            versions = _copy_rows(tools, copy, "alembic_version")
        except UserError:
            raise UserError("所选文件不是本程序的服务器备份（不是 pg_dump 自定义格式的备份文件，或已损坏）。",
                            field="备份文件") from None
        revisions = {r.get("version_num") for r in versions} - {None}
        if not revisions:
            raise UserError("所选文件不是本程序的服务器备份（其中没有社工站工作平台的数据结构）。", field="备份文件")
        if not revisions <= known_revisions():
            raise UserError("这份备份由更新版本的社工站工作平台创建，本版本不能用它恢复。请先安装最新版本。",
                            field="备份文件")
        readable = read_check(copy)
        if readable != READABLE:
            raise UserError(f"{readable}，不能用于恢复。", field="备份文件")
        station = stations[0] if stations else {}
        head = backup._read(backup_file)
    except BaseException:
        backup.secure_remove(copy)
        raise
    return RestoreSource(backup_file, copy, station.get("town_code") or "", station.get("name") or "",
                         head.audit_head if head else 0, bool(expected))


def current_station(target: ServerTarget, password: str | None) -> tuple[str, str] | None:
    """(town code, name) of the station in the server database now; None when it has none."""
    conn = _connect(target, password)
    try:
        has = conn.execute("SELECT to_regclass('public.station') IS NOT NULL").fetchone()[0]
        row = conn.execute("SELECT town_code, name FROM public.station LIMIT 1").fetchone() if has else None
    finally:
        conn.close()
    return (row[0], row[1]) if row else None


def other_station(target: ServerTarget, password: str | None, source: RestoreSource) -> tuple[str, str] | None:
    current = current_station(target, password)
    if current is None or source.town_code in ("", "000000000") or current[0] == source.town_code:
        return None
    return current


def other_sessions(target: ServerTarget, password: str | None) -> list[str]:
    """The other client sessions on the station's database, one line each (user, program, from where, since)."""
    conn = _connect(target, password)
    try:
        rows = conn.execute(
            "SELECT usename, application_name, client_addr::text, backend_start FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
            "ORDER BY backend_start").fetchall()
    finally:
        conn.close()
    lines = []
    for user, program, address, since in rows:
        where = address or "本机"
        started = f"{since:%Y-%m-%d %H:%M}" if since else "时间不明"
        lines.append(f"登录角色 {user or '（无权查看）'}，程序 {program or '（未知）'}，来自 {where}，{started} 起")
    return lines


def refuse_if_in_use(target: ServerTarget, password: str | None, settle_s: float = 2.0) -> None:
    """Refused while another client is connected. A connection this program has just closed (the station's
    own engine, disposed before the restore) stays listed by the server for a moment while its backend
    exits: asked again for up to ``settle_s`` before those that remain are named."""
    sessions = other_sessions(target, password)
    waited = 0.0
    while sessions and waited < settle_s:
        time.sleep(0.1)
        waited += 0.1
        sessions = other_sessions(target, password)
    if sessions:
        listed = "\n".join(f"  · {line}" for line in sessions[:10])
        more = f"\n  ……共 {len(sessions)} 个" if len(sessions) > 10 else ""
        raise UserError(f"还有 {len(sessions)} 个连接正在使用服务器上的这个数据库（其他电脑上的社工站工作平台或其他程序），"
                        "恢复会覆盖他们正在保存的数据，所以没有恢复，数据库未作任何改动。请先让其他电脑退出程序，"
                        f"再恢复：\n{listed}{more}")


_DROP_STATION_OBJECTS = """
SELECT format('DROP VIEW IF EXISTS public.%I CASCADE;', viewname) FROM pg_views WHERE schemaname = 'public'
UNION ALL
SELECT format('DROP TABLE IF EXISTS public.%I CASCADE;', tablename) FROM pg_tables WHERE schemaname = 'public'
UNION ALL
SELECT format('DROP SEQUENCE IF EXISTS public.%I CASCADE;', sequencename) FROM pg_sequences
 WHERE schemaname = 'public'
UNION ALL
SELECT format('DROP ROUTINE IF EXISTS %s CASCADE;', p.oid::regprocedure) FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
"""


def _restore_script_prelude(target: ServerTarget, password: str | None) -> str:
    """What clears the station's objects (tables, views, sequences, its own functions; not extensions), run
    in the restore's transaction: a backup of an older schema leaves nothing of the newer one behind."""
    conn = _connect(target, password)
    try:
        statements = [r[0] for r in conn.execute(_DROP_STATION_OBJECTS).fetchall()]
    finally:
        conn.close()
    return "\\set ON_ERROR_STOP on\nBEGIN;\nSET client_min_messages = warning;\n" + "\n".join(statements) + "\n"


def _restore_into_database(target: ServerTarget, password: str | None, dump: Path, database_id: str) -> None:
    """One transaction through psql: the station's objects dropped, the dump's script run, the database's id
    (``_database_id_after_restore``) set; COMMIT is sent only once pg_restore read the whole archive. A failure anywhere ends psql without COMMIT: the server
    rolls everything back, and the database is as it was."""
    conn = _connect(target, password)
    try:
        major, version = _server_version(conn)
    finally:
        conn.close()
    tools = find_client_tools(major, version)
    env = _environment(target, password)
    prelude = _restore_script_prelude(target, password)
    with tempfile.TemporaryFile() as psql_err, tempfile.TemporaryFile() as restore_err:
        psql = subprocess.Popen([tools.tool("psql"), "-X", "-q", "-w", "-v", "ON_ERROR_STOP=1", "-d",
                                 _conninfo(target.database)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=psql_err, env=env)
        source = subprocess.Popen([tools.tool("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
                                  stdout=subprocess.PIPE, stderr=restore_err, stdin=subprocess.DEVNULL, env=env)
        into, script = psql.stdin, source.stdout
        if into is None or script is None:
            raise RuntimeError("psql and pg_restore were started with pipes")
        fed = _feed(into, script, source, prelude)
        source_rc = source.wait()
        if fed and source_rc == 0:
            with suppress(OSError):
                into.write(_keep_id(database_id).encode("utf-8") + b"\nCOMMIT;\n")
        with suppress(OSError):
            into.close()
        psql_rc = psql.wait()
        psql_err.seek(0)
        restore_err.seek(0)
        if source_rc != 0:
            raise _restore_failure(restore_err.read().decode("utf-8", "replace"), version)
        if psql_rc != 0 or not fed:
            raise _restore_failure(psql_err.read().decode("utf-8", "replace"), version)


def _keep_id(database_id: str) -> str:
    """The restored database's id (``shared_marker.ID_SETTING``), in the restore's transaction."""
    if not audit_key.valid_chain_id(database_id):
        raise ValueError("not a database id")
    key, value = shared_marker.ID_SETTING, json.dumps(database_id)
    return (f"\nDELETE FROM public.setting WHERE key = '{key}';\n"
            f"INSERT INTO public.setting (key, value) VALUES ('{key}', '{value}');\n")


def _database_id_after_restore(target: ServerTarget, password: str | None, source: RestoreSource) -> str:
    """Which id the database has after the restore: a restore never changes which shared folder a database
    uses (docs/decisions.md, 共用文件夹属于哪个数据库). Its own id when it has one (the folder must be its own:
    a marker of another database is refused, as at an open); an empty database (a new server after a loss)
    takes the id of the folder's marker, only from a backup of that very database (else refused: two
    databases would share the folder); with neither, a new id (a backup's id never names a second database).
    Reads only."""
    conn = _connect(target, password)
    try:
        found = shared_marker.read_found(lambda sql: (conn.execute(sql).fetchone() or (None,))[0])
    finally:
        conn.close()
    marker = shared_marker.read_marker(target.shared_dir)
    if marker is None:
        return found.database_id or shared_marker.new_id()
    if found.database_id is not None:
        if found.database_id != marker.database_id:
            raise shared_marker.foreign(target, marker)
        return found.database_id
    if _backup_id(source.copy) != marker.database_id:
        raise shared_marker.foreign(target, marker)
    return marker.database_id


def _backup_id(dump: Path) -> str | None:
    """The database id a server backup carries (None: none, a backup from before the marker)."""
    rows = _copy_rows(find_client_tools(0, ""), dump, "setting")
    for row in rows:
        if row.get("key") == shared_marker.ID_SETTING:
            return shared_marker.setting_text(row.get("value"))
    return None


def _feed(into: IO[bytes], script: IO[bytes], source: subprocess.Popen, prelude: str) -> bool:
    """Copy the prelude, then pg_restore's script, into psql; False when psql stopped taking it (an error)."""
    try:
        into.write(prelude.encode("utf-8"))
        for block in iter(lambda: script.read(1 << 20), b""):
            into.write(block)
    except OSError:  # BrokenPipeError: psql stopped at an error (ON_ERROR_STOP)
        source.kill()
        return False
    finally:
        script.close()
    return True


def _restore_failure(stderr: str, version: str) -> UserError:
    error = _tool_error(stderr, "恢复", version)
    return UserError(error.message.replace("已有的备份和数据保持不变", "服务器上的数据库保持恢复前的样子（整体撤销）"))


def restore_needs_user(target: ServerTarget) -> bool:
    """Whether a restore onto the server database goes through a logged-in administrator: it holds the
    station's tables and an active account. An empty (new) database, or one without accounts, has no one to
    ask: guarded by the server itself (only its login role can write it anyway) and by the backup's checks."""
    try:
        conn = _connect(target, None)
    except DatabaseRefused:
        conn = None
    if conn is None:
        return True  # the password is asked by the open that follows
    try:
        if not conn.execute("SELECT to_regclass('public.app_user') IS NOT NULL").fetchone()[0]:
            return False
        return int(conn.execute("SELECT count(*) FROM public.app_user WHERE NOT disabled").fetchone()[0]) > 0
    finally:
        conn.close()


def restore(db: Database | None, target: ServerTarget, source: Path | RestoreSource, actor: audit.Actor | None,
            allow_other_station: bool = False, password: str | None = None) -> tuple[Database, Path | None]:
    """Restore a server backup into the station's own database (``db`` open: its sessions are closed first;
    None: a database no one can log in to). Refused while other sessions use the database; a safety dump
    of the current state first (``PRE_RESTORE``), then ``_restore_into_database`` (keeping the database's id:
    ``_database_id_after_restore``), the backup's audit keys and the folder's marker into the shared folder, the head file rolled back to the restored trail, the database reopened through
    ``open_app_database`` (migrating an older backup) and the event audited. Returns (reopened, safety dump)."""
    if db is not None:
        password = password_of(db)
        db.engine.dispose()  # this program's own idle connections are not "other sessions"
    prepared = source if isinstance(source, RestoreSource) else prepare_restore(target, source)
    try:
        other = other_station(target, password, prepared)
        if other is not None and not allow_other_station:
            raise backup.OtherStationBackup(prepared, *other)
        database_id = _database_id_after_restore(target, password, prepared)
        refuse_if_in_use(target, password)
        folder = paths.backups_dir(target.anchor)
        safety = None
        last_ticket = None
        if db is not None:
            with db.session() as s:  # the number the restored data must continue after (window.tickets)
                last_ticket = tickets.last_issued(s, now().date())
            safety = make_backup(db, folder, BackupKind.PRE_RESTORE).path
            db.close()
        elif current_station(target, password) is not None:
            safety = _safety_without_db(target, password, folder)
        refuse_if_in_use(target, password)
        keys, recorded_head = audit_key.read_backup_keys(prepared.original)
        _restore_into_database(target, password, prepared.copy, database_id)
    finally:
        backup.secure_remove(prepared.copy)
    _install_audit_keys(target, password, keys, recorded_head)
    attachments.restore_store(prepared.original.parent / "attachments", target.anchor)
    try:
        shared_marker.write_marker(target, database_id)
    except OSError:  # the open that follows writes it, or says why not
        log.warning("the shared folder's marker was not written after the restore", exc_info=True)
    log.info("restored the server database from %s", prepared.original.name)
    from .opening import open_app_database
    reopened = open_app_database(target)
    backup.record_restore(reopened, prepared, safety, prepared.town_code if other is not None else None, actor,
                          last_ticket)
    return reopened, safety


def _safety_without_db(target: ServerTarget, password: str | None, folder: Path) -> Path:
    """The safety dump of a database no one can log in to (no accounts): through a handle of its own."""
    db = Database(None, server=target)
    try:
        return make_backup(db, folder, BackupKind.PRE_RESTORE).path
    finally:
        db.close()


def _install_audit_keys(target: ServerTarget, password: str | None, keys: list[audit_key.ChainKey],
                        recorded: audit_key.Head | None) -> None:
    """After a restore: the backup's audit keys in the shared folder, the head file set to the restored
    trail's newest entry (restoring legitimately removes newer entries)."""
    conn = _connect(target, password)
    try:
        raw = conn.execute("SELECT value FROM public.setting WHERE key = %s", (audit_key.CHAIN_SETTING,)).fetchone()
        last = conn.execute("SELECT id, hash FROM public.audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    try:
        for key in keys:
            audit_key.save_key(key, target.anchor)
        chain = _chain_value(raw[0]) if raw else None
        head = audit_key.Head(chain, int(last[0]), str(last[1])) if chain and last else None
        if recorded is not None and chain == recorded.chain_id and (head is None or recorded.id > head.id):
            head = recorded
        if head is None:
            audit_key.head_path(target.anchor).unlink(missing_ok=True)
        else:
            audit_key.write_head(target.anchor, audit_key.Head(head.chain_id, head.id, head.hash))
    except OSError:
        log.warning("audit key or head not installed after the restore", exc_info=True)


def clean_leftovers(target: ServerTarget) -> list[str]:
    """At an open: a killed restore's copy in the shared folder, then the backup folder."""
    done = []
    copy = restore_tmp(target)
    if copy.exists():
        backup.secure_remove(copy)
        done.append(copy.name)
    return done + clean_folder(paths.backups_dir(target.anchor))

