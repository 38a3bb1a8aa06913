"""Open a database safely: refuse foreign, newer, read-only or shared files, back up, migrate.

Order at start-up (under the instance lock): checks on the raw file (nothing written) → a hot
journal left by a killed writer is rolled back by one read-write open (our files only) → checks
through read-only connections → verified backup when
the schema is older than this program's → Alembic ``upgrade head`` in one
transaction → ``PRAGMA application_id``.
"""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from .. import paths
from ..errors import DatabaseRefused, DiskFull, is_disk_full
from .db import Database
from .engine import APPLICATION_ID, BUSY_TIMEOUT_MS, connect_readonly, sqlite_uri

log = logging.getLogger(__name__)
SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_BUSY = 5
SQLITE_READONLY = 8


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    return cfg


@functools.cache
def _scripts(location: str) -> ScriptDirectory:
    """The migration graph, read once per process (Alembic compiles every script each time it reads them)."""
    cfg = Config()
    cfg.set_main_option("script_location", location)
    return ScriptDirectory.from_config(cfg)


def head_revisions() -> frozenset[str]:
    """The heads of the migration graph (features may branch from a common base; all are applied)."""
    return frozenset(_scripts(str(paths.migrations_dir())).get_heads())


def head_revision() -> frozenset[str]:
    return head_revisions()


def known_revisions() -> set[str]:
    return {s.revision for s in _scripts(str(paths.migrations_dir())).walk_revisions()}


def _read_only_query(path: Path, sql: str):
    conn = connect_readonly(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def file_revision(path: Path) -> frozenset[str] | None:
    """The Alembic revisions stored in the file, or None for a new or empty file."""
    tables = {r[0] for r in _read_only_query(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    if "alembic_version" not in tables:
        return None
    rows = _read_only_query(path, "SELECT version_num FROM alembic_version")
    return frozenset(r[0] for r in rows) or None


def check_file(path: Path, recover: bool = False) -> frozenset[str] | None:
    """Raise DatabaseRefused unless ``path`` is absent, empty, or one of ours this program can open.

    Returns the file's schema revisions (None when new). Writes nothing, except that with ``recover``
    (the caller holds the instance lock) a hot journal left by an interrupted writer is rolled back
    first, as SQLite does on any read-write open: see ``roll_back_hot_journal``.
    """
    paths.refuse_network_path(path)
    paths.refuse_folder_as_database(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    if not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise DatabaseRefused(f"数据库文件是只读的，程序无法保存任何修改：{path.name}。"
                              "请在文件属性中取消“只读”后再打开。")
    with path.open("rb") as fh:
        header = fh.read(100)
    if header[:16] != SQLITE_MAGIC:
        raise DatabaseRefused(f"文件“{path.name}”不是社工站工作平台的数据库（不是 SQLite 数据库文件），未作任何改动。")
    if int.from_bytes(header[68:72], "big") not in (APPLICATION_ID, 0):  # PRAGMA application_id
        raise DatabaseRefused(f"文件“{path.name}”不是社工站工作平台的数据库，未作任何改动。")
    try:
        if recover:
            roll_back_hot_journal(path, header)
        return _check_contents(path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"数据库文件已损坏，无法读取（{exc}）。为避免进一步损坏，程序没有写入。"
                              "请使用“shuanbai-desktop restore 备份文件”从最近的备份恢复。") from None


def journal_path(path: Path) -> Path:
    return Path(f"{path}-journal")


def roll_back_hot_journal(path: Path, header: bytes) -> bool:
    """Let SQLite roll back what a killed writer (crash, power cut, full disk) left half done.

    A rollback journal beside the file after a crash is "hot": the file may hold pages of an
    uncommitted transaction, and only a read-write connection can put the old pages back (a
    read-only one fails with "attempt to write a readonly database"). One ordinary read-write open
    that reads the schema does it, exactly as SQLite would on the next write. Only for a file that
    is ours or not yet marked (``application_id`` 0 in the raw header: a first set-up killed before
    it was marked); another program's SQLite file is never written. The caller holds the instance
    lock; SQLite's own file locks make the roll-back safe besides. True when a journal was there.
    """
    journal = journal_path(path)
    if not journal.exists():
        return False
    if int.from_bytes(header[68:72], "big") not in (APPLICATION_ID, 0):
        return False  # another program's file: never written
    conn = sqlite3.connect(sqlite_uri(path, "rw"), uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code == SQLITE_READONLY:
            raise DatabaseRefused(
                f"上次程序中断时有一项操作没有完成，需要在数据库所在的文件夹中写入才能撤销它，但该文件夹不可写："
                f"{path.parent}。请取消文件夹的只读属性或检查权限后再打开。文件未作任何改动。") from None
        if code == SQLITE_BUSY:
            raise DatabaseRefused("数据库正被另一个程序使用，请关闭它后再打开。文件未作任何改动。") from None
        raise
    finally:
        conn.close()
    log.warning("journal of an interrupted transaction found; %s",
                "rolled back" if not journal.exists() else "kept by SQLite (not hot)")
    return True


def _check_contents(path: Path) -> frozenset[str] | None:
    app_id = _read_only_query(path, "PRAGMA application_id")[0][0]
    tables = _read_only_query(path, "SELECT count(*) FROM sqlite_master")[0][0]
    if app_id != APPLICATION_ID and (app_id != 0 or tables > 0):
        raise DatabaseRefused(f"文件“{path.name}”不是社工站工作平台的数据库，未作任何改动。")
    revision = file_revision(path)
    if revision is not None and not revision <= known_revisions():
        raise DatabaseRefused("这个数据库由更新版本的社工站工作平台创建，本版本无法打开，以免损坏数据。"
                              "请安装最新版本后再打开。文件未作任何改动。")
    if _read_only_query(path, "PRAGMA quick_check") != [("ok",)]:
        raise DatabaseRefused("数据库完整性检查未通过，文件可能已损坏。为避免进一步损坏，程序没有写入。"
                              "请使用“shuanbai-desktop restore 备份文件”从最近的备份恢复。")
    return revision


def upgrade(db: Database) -> None:
    cfg = alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
        conn.commit()
    with db.engine.connect() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        conn.commit()


def open_database(path: Path, backup: Callable[[Path], object] | None = None) -> Database:
    """Check, back up when an upgrade is due, migrate to head, return the handle.

    ``backup(path)`` makes the verified pre-migration backup; it runs before any
    migration touches the file.
    """
    revision = check_file(path, recover=True)
    new_file = not path.exists()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if revision is not None and revision != head_revision() and backup is not None:
        log.info("schema %s older than %s: backing up before migrating", revision, head_revision())
        backup(path)
    db = Database(path)
    if revision != head_revision():
        try:
            upgrade(db)  # one transaction: a full disk leaves the file as it was
        except Exception as exc:
            db.close()
            if is_disk_full(exc):
                raise DiskFull() from exc
            raise
    if new_file and os.name == "posix":
        os.chmod(path, 0o600)  # personal data: readable by this user only
    return db
