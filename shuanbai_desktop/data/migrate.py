"""Open a database safely: refuse foreign, newer, read-only or shared files, back up, migrate.

Order at start-up: checks on the raw file (nothing written) → verified backup when
the schema is older than this program's → Alembic ``upgrade head`` in one
transaction → ``PRAGMA application_id``.
"""

from __future__ import annotations

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
from ..errors import DatabaseRefused
from .db import Database
from .engine import APPLICATION_ID

log = logging.getLogger(__name__)
SQLITE_MAGIC = b"SQLite format 3\x00"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    return cfg


def head_revisions() -> frozenset[str]:
    """The heads of the migration graph (features may branch from a common base; all are applied)."""
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def head_revision() -> frozenset[str]:
    return head_revisions()


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _read_only_query(path: Path, sql: str):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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


def check_file(path: Path) -> frozenset[str] | None:
    """Raise DatabaseRefused unless ``path`` is absent, empty, or one of ours this program can open.

    Returns the file's schema revisions (None when new). Never writes to the file.
    """
    paths.refuse_network_path(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    if not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise DatabaseRefused(f"数据库文件是只读的，程序无法保存任何修改：{path.name}。"
                              "请在文件属性中取消“只读”后再打开。")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise DatabaseRefused(f"文件“{path.name}”不是社工站工作平台的数据库（不是 SQLite 数据库文件），未作任何改动。")
    try:
        return _check_contents(path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"数据库文件已损坏，无法读取（{exc}）。为避免进一步损坏，程序没有写入。"
                              "请使用“shuanbai-desktop restore 备份文件”从最近的备份恢复。") from None


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
    revision = check_file(path)
    new_file = not path.exists()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if revision is not None and revision != head_revision() and backup is not None:
        log.info("schema %s older than %s: backing up before migrating", revision, head_revision())
        backup(path)
    db = Database(path)
    if revision != head_revision():
        upgrade(db)
    if new_file and os.name == "posix":
        os.chmod(path, 0o600)  # personal data: readable by this user only
    return db
