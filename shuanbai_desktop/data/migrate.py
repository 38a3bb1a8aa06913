"""Open a database safely: refuse foreign, newer, read-only or shared files, back up, migrate.

Order at start-up (under the instance lock): checks on the raw file (nothing written) → a hot
journal left by a killed writer is rolled back by one read-write open (our files only) → checks
through read-only connections → verified backup when
the schema is older than this program's → Alembic ``upgrade head`` in one
transaction → ``PRAGMA application_id``.

Nothing here imports Alembic or SQLAlchemy unless a migration is due: the revisions this program
knows are read from the names in its version files (``version_graph``), and the integrity check
(``PRAGMA quick_check``) may run in the background behind the first window (``IntegrityCheck``,
``Database.hold_until_checked``), holding back every session until it has passed.
"""

from __future__ import annotations

import ast
import functools
import logging
import re
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..errors import DatabaseRefused, DiskFull, is_disk_full
from .db import Database
from .engine import APPLICATION_ID, BUSY_TIMEOUT_MS, SQLITE_MAGIC, connect, connect_readonly, key_for, sqlite

if TYPE_CHECKING:
    from alembic.config import Config

    from .backend import ServerTarget

log = logging.getLogger(__name__)
SQLITE_BUSY = 5
SQLITE_READONLY = 8
DAMAGED = ("数据库完整性检查未通过，文件可能已损坏。为避免进一步损坏，程序没有写入。"
           "请使用“shuanbai-desktop restore 备份文件”从最近的备份恢复。")


def alembic_config() -> Config:
    from alembic.config import Config
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    return cfg


_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


@functools.cache
def version_graph(location: str) -> dict[str, frozenset[str]]:
    """Revision → the revisions it follows, read from the version files' own ``revision =`` and
    ``down_revision =`` lines (what Alembic reads), without importing Alembic or running the scripts.
    ``tests/db/test_migrations.py`` checks it against Alembic's own graph."""
    graph: dict[str, frozenset[str]] = {}
    for script in sorted((Path(location) / "versions").glob("*.py")):
        found = dict(_REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        down = ast.literal_eval(found.get("down_revision", "None"))
        parents = () if down is None else (down,) if isinstance(down, str) else tuple(down)
        graph[ast.literal_eval(found["revision"])] = frozenset(parents)
    return graph


def head_revisions() -> frozenset[str]:
    """The heads of the migration graph (features may branch from a common base; all are applied)."""
    graph = version_graph(str(paths.migrations_dir()))
    followed = set().union(*graph.values()) if graph else set()
    return frozenset(graph) - followed


def head_revision() -> frozenset[str]:
    return head_revisions()


def known_revisions() -> set[str]:
    return set(version_graph(str(paths.migrations_dir())))


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


def check_file(path: Path, recover: bool = False, integrity: bool = True) -> frozenset[str] | None:
    """Raise DatabaseRefused unless ``path`` is absent, empty, or one of ours this program can open.

    Returns the file's schema revisions (None when new). Writes nothing, except that with ``recover``
    (the caller holds the instance lock) a hot journal left by an interrupted writer is rolled back
    first, as SQLite does on any read-write open: see ``roll_back_hot_journal``. Without
    ``integrity`` the ``quick_check`` is left to the caller (``check_integrity``, ``IntegrityCheck``).
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
    if header[:16] != SQLITE_MAGIC:  # encrypted (its header too), or not a database at all
        if key_for(path) is None:
            raise not_ours_or_locked(path)
        header = b""
    elif int.from_bytes(header[68:72], "big") not in (APPLICATION_ID, 0):  # PRAGMA application_id
        raise DatabaseRefused(f"文件“{path.name}”不是社工站工作平台的数据库，未作任何改动。")
    try:
        if recover:
            roll_back_hot_journal(path, header)
        revision = _check_contents(path)
        if integrity:
            check_integrity(path)
        return revision
    except sqlite.DatabaseError as exc:
        raise unreadable(exc) from None


def not_ours_or_locked(path: Path) -> DatabaseRefused:
    """A file that is not plain SQLite, opened without its data key: encrypted (its key file is beside
    it) or not a database of ours at all."""
    from .keyring import keyring_path
    if keyring_path(path).exists():
        return DatabaseRefused(f"数据库“{path.name}”已加密，须先用账户密码或恢复码解锁才能打开。文件未作任何改动。")
    return DatabaseRefused(f"文件“{path.name}”不是社工站工作平台的数据库（不是 SQLite 数据库文件），"
                           f"也没有与它配套的密钥文件“{keyring_path(path).name}”，未作任何改动。")


def unreadable(exc: sqlite.DatabaseError) -> DatabaseRefused:
    """The refusal of a file SQLite cannot read at all (“database disk image is malformed”)."""
    return DatabaseRefused(f"数据库文件已损坏，无法读取（{exc}）。为避免进一步损坏，程序没有写入。"
                           "请使用“shuanbai-desktop restore 备份文件”从最近的备份恢复。")


def integrity_verdict(conn: sqlite.Connection) -> DatabaseRefused | None:
    """The integrity check on an open connection: ``PRAGMA quick_check`` (about 1 s at 100,000 residents,
    2.3 s encrypted); None when it says ok, else the refusal (``DAMAGED``, or ``unreadable`` for a page
    SQLite or SQLCipher cannot read). The one check of every path: here, ``IntegrityCheck``, and the
    command line's child process (``integrity_child``)."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite.DatabaseError as exc:
        return unreadable(exc)
    return None if rows == [("ok",)] else DatabaseRefused(DAMAGED)


def check_integrity(path: Path) -> None:
    """``integrity_verdict`` on a read-only connection of its own; DatabaseRefused unless it says ok."""
    try:
        conn = connect_readonly(path)
    except sqlite.DatabaseError as exc:
        raise unreadable(exc) from None
    try:
        verdict = integrity_verdict(conn)
    finally:
        conn.close()
    if verdict is not None:
        raise verdict


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
    conn = connect(path, "rw", timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite.OperationalError as exc:
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
    conn = connect_readonly(path)  # one connection for the start-up's questions (each open costs)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        has_any = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        if app_id != APPLICATION_ID and (app_id != 0 or has_any):
            raise DatabaseRefused(f"文件“{path.name}”不是社工站工作平台的数据库，未作任何改动。")
        revision = None
        if "alembic_version" in tables:
            revision = frozenset(r[0] for r in conn.execute("SELECT version_num FROM alembic_version")) or None
    finally:
        conn.close()
    if revision is not None and not revision <= known_revisions():
        raise DatabaseRefused("这个数据库由更新版本的社工站工作平台创建，本版本无法打开，以免损坏数据。"
                              "请安装最新版本后再打开。文件未作任何改动。")
    return revision


class IntegrityCheck:
    """``check_integrity`` in a thread of its own, started at once. ``wait()`` raises its refusal
    (every time it is asked); ``cancel()`` interrupts it (closing before it ended), and a later
    ``wait()`` then checks again in the caller's thread: a file is never taken as checked unchecked."""

    def __init__(self, path: Path):
        self.path = path
        self._done = threading.Event()
        self._guard = threading.Lock()
        self._conn: sqlite.Connection | None = None
        self._cancelled = False
        self._error: DatabaseRefused | None = None
        self._thread = threading.Thread(target=self._run, name="quick_check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with self._guard:
                if self._cancelled:
                    return
                self._conn = connect_readonly(self.path, check_same_thread=False)
            verdict = integrity_verdict(self._conn)
            if not self._cancelled:  # an interrupted check says nothing about the file
                self._error = verdict
        except sqlite.DatabaseError as exc:
            if not self._cancelled:  # an interrupted check says nothing about the file
                self._error = unreadable(exc)
        finally:
            with self._guard:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def passed(self) -> bool:
        return self._done.is_set() and not self._cancelled and self._error is None

    def wait(self, again_if_cancelled: bool = True) -> bool:
        """True once the file passed; False for a cancelled check not run again."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        if self._cancelled:
            if not again_if_cancelled:
                return False
            check_integrity(self.path)
            with self._guard:
                self._cancelled = False
        return True

    def cancel(self) -> None:
        with self._guard:
            if self._done.is_set():
                return
            self._cancelled = True
            if self._conn is not None:
                self._conn.interrupt()
        self._done.wait()


def start_integrity_check(path: Path, one_shot: bool = False) -> IntegrityCheck:
    """The background integrity check, started now: the one place that chooses how it runs.

    In a thread (``IntegrityCheck``), except for a one-shot command of the command line (``one_shot``) on
    POSIX: there it runs in a forked child process (``integrity_child``), away from the command's own
    reads (no shared GIL or SQLite allocator; issue 16, ``report --month``), as long as the fork is safe
    here (this process has one thread and no connection to the file). The GUI and Windows keep the thread.
    Either way the handle's semantics are the same (``Database.hold_until_checked``)."""
    if one_shot:
        from . import integrity_child
        if integrity_child.can_fork_here(path):
            return integrity_child.ChildIntegrityCheck(path)
    return IntegrityCheck(path)


def upgrade(db: Database) -> None:
    from alembic import command
    cfg = alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
        conn.commit()
    if db.server is not None:  # application_id marks a SQLite file as ours; a server database has its schema
        return
    with db.engine.connect() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
        conn.commit()


def server_revision(db: Database) -> tuple[frozenset[str] | None, bool]:
    """The Alembic revisions of a server database (None: not set up), and whether it holds any table."""
    from sqlalchemy import inspect, text
    with db.engine.connect() as conn:
        _check_server_database(conn, db)
        tables = inspect(conn).get_table_names()
        revision = None
        if "alembic_version" in tables:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            revision = frozenset(r[0] for r in rows) or None
    return revision, bool(tables)


BYTE_ORDER_COLLATIONS = ("C", "POSIX", "C.UTF-8", "C.utf8", "ucs_basic")


def _check_server_database(conn, db: Database) -> None:
    """UTF-8, and text sorted by its bytes as SQLite sorts it (collation C): every list's order, the
    search's prefix ranges and the display order are the same on both backends (docs/server.md)."""
    from sqlalchemy import text
    encoding, collation = conn.execute(text(
        "SELECT pg_encoding_to_char(encoding), datcollate FROM pg_database WHERE datname = current_database()")).one()
    if encoding != "UTF8" or collation not in BYTE_ORDER_COLLATIONS:
        where = db.server.display() if db.server is not None else ""
        raise DatabaseRefused(f"服务器上的数据库 {where} 的编码或排序规则不对（{encoding}，{collation}），"
                              "本程序需要 UTF8 编码和 C 排序规则。请按 docs/server.md 重新创建数据库："
                              "CREATE DATABASE 库名 TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'。"
                              "数据库未作任何改动。")


NO_SERVER_BACKUP = ("服务器上的这个数据库来自较早的版本，需要升级数据结构；升级前必须先做一份服务器备份（pg_dump），"
                    "而本版本还不能自动完成这一步。为免数据没有备份就被改动，程序没有升级它。"
                    "请管理员先按 docs/server.md 用 pg_dump 手动备份，再用新版本的“准备服务器数据库”步骤升级。")


def _claim_shared_folder(db: Database, target: ServerTarget, built: bool) -> str | None:
    """The shared folder must belong to this database (``shared_marker.claim``: refused, nothing written,
    when its marker names another one); the id its marker is to name, None: nothing to write."""
    from sqlalchemy import text

    from . import shared_marker
    found = None
    if built:
        with db.engine.connect() as conn:
            found = shared_marker.read_found(lambda sql: conn.execute(text(sql)).scalar())
    return shared_marker.claim(target, found)


def _mark_shared_folder(db: Database, target: ServerTarget, database_id: str) -> None:
    """The id stored in the database (when it has none yet), then the marker in the shared folder."""
    from . import shared_marker
    with db.engine.connect() as conn:
        stored = shared_marker.store_id(conn, database_id)
    shared_marker.write_marker(target, stored)


def open_server_database(target: ServerTarget, backup: Callable[[Database], object] | None = None) -> Database:
    """The PostgreSQL counterpart of ``open_database``: no file checks, no instance lock, no ``quick_check``
    (the server keeps its pages whole); a database from a newer version, or another program's (tables
    but no Alembic revision), is refused; migrations when due, after ``backup(db)`` (``pg_dump``) — without
    one, a database needing a migration is refused (``NO_SERVER_BACKUP``); an empty database is built. First of
    all, the shared folder must belong to the database (``shared_marker.claim``); its marker (and the database's
    id) is written at the end when missing."""
    db = Database(None, server=target)
    try:
        revision, has_tables = server_revision(db)
        if revision is None and has_tables:
            raise DatabaseRefused(f"服务器上的数据库 {target.display()} 里已有别的数据表，不是社工站工作平台的数据库，"
                                  "未作任何改动。请换一个空的数据库。")
        if revision is not None and not revision <= known_revisions():
            raise DatabaseRefused("服务器上的数据库由更新版本的社工站工作平台使用，本版本无法打开，以免损坏数据。"
                                  "请安装最新版本后再打开。数据库未作任何改动。")
        marking = _claim_shared_folder(db, target, built=revision is not None)  # before anything is written
        if revision is not None and revision != head_revision():
            if backup is None:
                raise DatabaseRefused(NO_SERVER_BACKUP)
            backup(db)
        if revision != head_revision():
            upgrade(db)  # one transaction (PostgreSQL's DDL is transactional too)
        paths.make_private_dir(target.shared_dir)
        if marking is not None:
            _mark_shared_folder(db, target, marking)
    except BaseException:
        db.close()
        raise
    return db


def open_database(path: Path, backup: Callable[[Path], object] | None = None,
                  check_in_background: bool = False, after_check: Callable[[], object] | None = None,
                  one_shot: bool = False) -> Database:
    """Check, back up when an upgrade is due, migrate to head, return the handle.

    ``backup(path)`` makes the verified pre-migration backup; it runs before any
    migration touches the file. With ``check_in_background`` the ``quick_check`` of a file that
    needs no migration runs in a thread while the caller goes on (the GUI shows its first window);
    the handle begins no session before it has passed (``Database.hold_until_checked``), and
    ``after_check`` runs then; ``one_shot``: the caller is a command of the command line, which ends
    with its command (``start_integrity_check``). A file to be migrated is always checked first, here.
    """
    revision = check_file(path, recover=True, integrity=False)
    if revision != head_revision() and path.exists() and path.stat().st_size > 0:
        check_integrity(path)  # never back up or migrate a damaged file
        check_in_background = False
    elif not check_in_background and revision is not None:
        check_integrity(path)
    new_file = not path.exists()
    paths.make_private_dir(path.parent)
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
    if new_file:
        paths.make_private(path)  # personal data: this user only (the group's in the machine's shared folder)
    if check_in_background and revision is not None:
        db.hold_until_checked(start_integrity_check(path, one_shot), after_check)
    elif after_check is not None:
        after_check()
    return db
