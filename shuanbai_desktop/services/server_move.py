"""迁移到服务器 (issue 19): a station's SQLite file copied into an empty database on a PostgreSQL server.

``move_to_server(db, target, actor, at, progress)``, an administrator's step, in this order:

1. **Checks**: the acting user is an administrator; the file is not already moved; the server is reached
   (a password given by the dialog, else ``PGPASSWORD``/pgpass/the prompt of ``backend``), its database is
   UTF-8 with byte order (``migrate``'s check) and **empty** (any table is named in the refusal); the shared
   folder holds no other station's audit trail and no marker of another database.
2. **A verified backup** of the file (``database_ops.backup_now`` and the full check, as ``backup`` does).
3. In **one transaction on the server** (PostgreSQL's DDL is transactional: a failure anywhere leaves
   the database as empty as it was, and the files made in the shared folder are removed again):
   the schema by the Alembic chain (the program's heads, which the open file is at); every table in
   dependency order (SQLAlchemy Core, in batches, primary keys kept; the search index's table is filled by
   the server's trigger, ``person.id_rev`` by the server), then each serial sequence past the highest id;
   the stored attachments into the shared folder's store, **plain** (the server station keeps them so:
   docs/decisions.md, 迁移到服务器); the audit trail's keys into ``<shared>/keys`` — the copied entries keep
   their hashes and the server continues the same chain — and one new event “迁移到服务器”; then the check:
   row counts equal table by table, the chain verifies on the server; then a new recovery code for the server
   (``server_recovery.make``: the file's code only opens the file's key slot, it cannot be carried); last the
   database's own id and the shared folder's marker naming it (``data/shared_marker.py``).
4. **The old file** is marked (``data/moved_station.py``: the setting ``station.moved_to`` and its own
   event, in the transaction that held the file's write lock since the copy began, committed after the
   server's; and ``<file>.moved`` beside it): from then on it refuses every write.
5. The server database is checked again through a fresh session (``verify``: the chain with its head).

The source's write lock (SQLite's ``BEGIN IMMEDIATE``) is held from the first row read to the mark: no
change can slip in between what is copied and what is marked.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from .. import paths
from ..data import audit, audit_key, moved_station, shared_marker
from ..data.backend import ServerTarget, make_server_engine
from ..data.base import Base
from ..data.db import Database
from ..data.migrate import _check_server_database, alembic_config, head_revisions
from ..data.models.attachments import Attachment
from ..data.models.core import AuditEntry, Setting
from ..data.models.person import is_search_index_table
from ..domain.labels import BackupKind, Role
from ..errors import DatabaseRefused, UserError
from . import attachments, backup, database_ops, server_recovery
from .permissions import acting_user

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]
BATCH = 2000
EVENT = "迁移到服务器"
NOT_COPIED = frozenset({"alembic_version", "sqlite_sequence"})  # the Alembic chain writes its own


@dataclass(frozen=True)
class TableCount:
    table: str
    label: str
    rows: int


@dataclass(frozen=True)
class MoveResult:
    server: str  # ``ServerTarget.display()``
    shared_dir: Path
    backup_file: Path
    tables: tuple[TableCount, ...]
    attachments: int  # stored files written to the shared folder
    missing_attachments: int  # rows whose file was missing or damaged in the station's store already
    audit_entries: int  # on the server, the new event included
    chain_message: str
    recovery_code: str = field(default="", repr=False)  # the server's new code, for the administrator

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


# --- checks ------------------------------------------------------------------------------------


def _require_admin(session: Session) -> None:
    acting = acting_user(session)
    if acting.role is not Role.ADMIN:
        raise UserError("只有管理员可以把本站迁移到服务器。操作未执行。")


def _foreign_tables(conn) -> list[str]:
    """Every table or view of the database outside PostgreSQL's own schemas."""
    rows = conn.execute(text(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
        "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1, 2")).all()
    return [name if schema == "public" else f"{schema}.{name}" for schema, name in rows]


def _refuse_unless_empty(conn, target: ServerTarget) -> None:
    _check_server_database(conn, Database(None, server=target))
    found = _foreign_tables(conn)
    if not found:
        return
    shown = "、".join(found[:5]) + (f" 等 {len(found)} 个" if len(found) > 5 else "")
    what = "已有社工站的数据" if "alembic_version" in found else "不是空的"
    raise UserError(f"服务器上的数据库 {target.display()} {what}：已有数据表 {shown}。"
                    "迁移只能迁入一个空数据库（新建的数据库，见 docs/server.md），数据库未作任何改动。",
                    field="数据库名")


def _refuse_used_shared_dir(target: ServerTarget) -> None:
    marker = shared_marker.read_marker(target.shared_dir)
    if marker is not None:
        raise shared_marker.foreign(target, marker)
    if audit_key.head_path(target.anchor).exists():
        raise UserError(f"共用文件夹 {target.shared_dir} 已被另一个站内服务器数据库使用（其中已有操作日志记录）。"
                        "请换一个空的共用文件夹。", field="共用文件夹")
    try:
        paths.make_private_dir(target.shared_dir)
    except OSError:
        raise UserError(f"无法在共用文件夹 {target.shared_dir} 中写入：请检查文件夹是否存在、"
                        "本机账户是否有写入权限。", field="共用文件夹") from None


def check_target(target: ServerTarget, password: str | None = None) -> str:
    """测试连接: the server is reached, its database is right and empty, the shared folder is usable.
    Returns what was found; a ``UserError``/``DatabaseRefused`` names what is wrong."""
    engine = make_server_engine(target, password=password)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar()
            _refuse_unless_empty(conn, target)
    finally:
        engine.dispose()
    _refuse_used_shared_dir(target)
    return (f"连接成功：PostgreSQL {str(version).split()[0]}，数据库 {target.database} 是空的，可以迁入。"
            f"共用文件夹：{target.shared_dir}")


# --- the move ----------------------------------------------------------------------------------


def move_to_server(db: Database, target: ServerTarget, actor: audit.Actor, at: datetime,
                   progress: Progress | None = None, password: str | None = None) -> MoveResult:
    """Move the station of ``db`` (a SQLite file) into the empty server database ``target``; see the module's
    description. ``password``: the server password typed in the dialog (never kept), else libpq's sources
    and the prompt. ``progress(percent, text)`` is called along the way (raising there stops the move, with
    nothing left on the server)."""
    progress = progress or backup.no_progress
    path = db.file
    with db.session(actor) as s:
        _require_admin(s)
        moved_station.refuse_if_moved(s)
    database_ops.require_station(db)
    progress(1, "正在连接服务器")
    engine = make_server_engine(target, password=password)
    try:
        with engine.connect() as conn:
            _refuse_unless_empty(conn, target)
        _refuse_used_shared_dir(target)
        backup_file = _verified_backup(db, actor, progress)
        result = _move(db, path, engine, target, actor, at, backup_file, progress)
        progress(97, "正在服务器上核对")
        chain = _verify_on_server(engine, result.tables)
        progress(98, "正在为服务器整理统计信息")
        _analyze(engine)
    finally:
        engine.dispose()
    progress(100, "迁移完成")
    log.info("station moved to a server: %d tables, %d rows, %d attachment files",
             len(result.tables), result.rows, result.attachments)
    return MoveResult(result.server, result.shared_dir, result.backup_file, result.tables, result.attachments,
                      result.missing_attachments, chain.entries, chain.message, result.recovery_code)


def _verified_backup(db: Database, actor: audit.Actor, progress: Progress) -> Path:
    def step(percent: int, what: str = "") -> None:
        progress(2 + percent * 10 // 100, f"迁移前备份：{what}" if what else "迁移前备份")

    info = database_ops.backup_now(db, BackupKind.MANUAL, actor, progress=step)
    progress(12, "正在检查迁移前备份的完整性")
    checked = backup.check_and_record(info)
    if not checked.verified:
        raise UserError(f"迁移前的备份没有通过完整性检查（{checked.check_text}），没有迁移。"
                        "请先检查本机数据库（verify）。")
    return info.path


def _source_tables(conn) -> list:
    """The tables to copy, in dependency order; refused when the file has a table this program does not
    know (it would not be copied)."""
    names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    known = {t.name for t in Base.metadata.sorted_tables}
    unknown = sorted(n for n in names - known - NOT_COPIED if not is_search_index_table(n))
    if unknown:
        raise UserError(f"数据库中有本程序不认识的数据表（{'、'.join(unknown)}），没有迁移。")
    revision = {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
    if revision != set(head_revisions()):
        raise UserError("数据库的数据结构版本与本程序不一致，没有迁移。请重新启动程序后再试。")
    return [t for t in Base.metadata.sorted_tables if t.name in names]


def _count(conn, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _label(table) -> str:
    return audit.table_label(table.name)


def _move(db: Database, path: Path, engine, target: ServerTarget, actor: audit.Actor, at: datetime,
          backup_file: Path, progress: Progress) -> MoveResult:
    made: list[Path] = []  # files this move wrote in the shared folder: removed again on failure
    server_committed = False
    try:
        with db.session(actor) as src:  # BEGIN IMMEDIATE: the file's write lock, held until it is marked
            source = src.connection()
            tables = _source_tables(source)
            counts = tuple(TableCount(t.name, _label(t), _count(source, t)) for t in tables)
            with engine.connect() as conn:
                trans = conn.begin()
                try:
                    progress(15, "正在服务器上建立数据结构")
                    _build_schema(conn)
                    _copy_tables(source, conn, tables, counts, progress)
                    _set_sequences(conn, tables)
                    files, missing = _copy_attachments(src, path, target, made, progress)
                    _install_keys(src, path, target, made)
                    progress(92, "正在续写操作日志")
                    head = _append_event(conn, target, actor, at, counts, files, missing)
                    progress(94, "正在核对行数与操作日志")
                    _check_copy(conn, counts)
                    code = _new_recovery_code(conn, at)
                    _mark_shared_folder(conn, target, made)
                    trans.commit()
                except BaseException:
                    trans.rollback()
                    raise
            server_committed = True
            audit_key.write_head(target.anchor, head)
            _mark_file(src, target, at, counts)
        _write_marker(path, target, at)
    except BaseException as exc:
        if not server_committed:
            _remove_made(made)
            if isinstance(exc, DBAPIError):
                raise _server_failure(exc) from None
            raise
        if isinstance(exc, Exception):
            log.error("moved to the server, but the file could not be marked: %s", type(exc).__name__)
            raise UserError(f"数据已迁移到服务器 {target.display()} 并已提交，但没能在本机文件中标记“已迁移”"
                            f"（{type(exc).__name__}）。请不要再在这个文件中录入数据，改为连接服务器工作。") from exc
        raise
    return MoveResult(target.display(), target.shared_dir, backup_file, counts, files, missing, 0, "", code)


def _server_failure(exc: DBAPIError) -> UserError:
    """A statement the server refused: its primary message only (a DETAIL line may carry values)."""
    diag = getattr(getattr(exc, "orig", None), "diag", None)
    reason = getattr(diag, "message_primary", None) or type(exc.orig).__name__
    log.warning("move to the server refused by the server: %s", type(exc.orig).__name__)
    return UserError(f"服务器拒绝了迁移（{reason}）。服务器上的数据库已恢复为空，本机数据未作改动。")


def _build_schema(conn) -> None:
    """The Alembic chain on the server, inside the caller's transaction (Alembic leaves a transaction it
    did not begin to its owner), then emptied for the copy."""
    from alembic import command
    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "heads")
    # The migrations' own rows (default settings, departments …) are in the file too, as the station kept them.
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    conn.execute(text(f"TRUNCATE {names}"))


def _copy_tables(source, conn, tables: list, counts: tuple[TableCount, ...], progress: Progress) -> None:
    total = max(1, sum(c.rows for c in counts))
    done = 0
    for table, count in zip(tables, counts, strict=True):
        columns = [c for c in table.columns if c.computed is None]  # person.id_rev: computed by the server
        if count.rows == 0:
            continue
        query = select(*columns).order_by(*table.primary_key.columns).execution_options(yield_per=BATCH)
        result = source.execute(query)
        for part in result.partitions():
            rows = [{c.key: value for c, value in zip(columns, row, strict=True)} for row in part]
            conn.execute(insert(table), rows)
            done += len(rows)
            progress(20 + 60 * done // total, f"正在复制 {count.label}（{done}/{total} 行）")


def _set_sequences(conn, tables: list) -> None:
    """Each serial id's sequence past the highest id copied (``setval(pg_get_serial_sequence(...))``)."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1:
            continue
        column = keys[0]
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                {"t": table.name, "c": column.name}).scalar()
        if sequence is None:
            continue
        highest = conn.execute(select(func.max(column))).scalar()
        conn.execute(text("SELECT setval(:s, :v, :called)"),
                     {"s": sequence, "v": highest or 1, "called": highest is not None})


def _copy_attachments(src: Session, path: Path, target: ServerTarget, made: list[Path],
                      progress: Progress) -> tuple[int, int]:
    """Every stored file an attachment row names, decrypted (an encrypted station's ``.enc``) into the shared
    folder's store, checked against its SHA-256. Returns (files written, rows whose file was missing or
    damaged in the station's store already: they stay so on the server, and the event says how many)."""
    store = attachments.store_dir(target.anchor)
    rows = src.execute(select(Attachment).order_by(Attachment.id)).scalars().all()
    written, missing = 0, 0
    for number, row in enumerate(rows, 1):
        there = store / row.stored_name[:2] / row.stored_name
        if not there.exists():
            plain = attachments.store_dir(path) / row.stored_name[:2] / row.stored_name
            item = attachments.AttachmentRow(row.id, row.description, row.original_name, row.size, row.added_by,
                                             row.added_at, plain)
            try:
                attachments.plain_copy(item, path, there)
            except UserError:
                missing += 1
                continue
            made.append(there)
            if _sha256(there) != row.sha256:
                there.unlink()
                made.remove(there)
                missing += 1
                continue
            written += 1
        progress(80 + 10 * number // max(1, len(rows)), f"正在复制附件（{number}/{len(rows)}）")
    return written, missing


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _install_keys(src: Session, path: Path, target: ServerTarget, made: list[Path]) -> None:
    """The keys of the file's trail into the shared folder's keys: the server verifies and continues it."""
    chain = audit.chain_id(src.connection())
    keys, lost = audit_key.lineage(chain, path)
    if lost is not None:
        raise UserError(f"找不到本站操作日志的密钥文件（{audit_key.key_path(lost, path)}），"
                        "服务器无法续写和校验操作日志，没有迁移。")
    for key in keys:
        where = audit_key.key_path(key.chain_id, target.anchor)
        if audit_key.save_key(key, target.anchor):
            made.append(where)


def _append_event(conn, target: ServerTarget, actor: audit.Actor, at: datetime,
                  counts: tuple[TableCount, ...], files: int, missing: int) -> audit_key.Head:
    """“迁移到服务器” at the end of the copied chain (its key, in the server's transaction); the new head."""
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        session.info["actor"] = actor
        audit.record_event(session, "station", "", f"{EVENT}：{target.display()}",
                           {"at": at.isoformat(timespec="seconds"), "tables": len(counts),
                            "rows": sum(c.rows for c in counts), "attachments": files,
                            "attachments_missing": missing, "new_recovery_code": True})
        pending = session.info[audit.PENDING_HEAD]
        session.commit()  # the savepoint only: the server's transaction is the caller's
    return audit_key.Head(pending["key"].chain_id, pending["last_id"], pending["hash"])


def _check_copy(conn, counts: tuple[TableCount, ...]) -> None:
    """Row counts equal table by table (the trail: one more, the new event) and the chain verifies."""
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    wrong = []
    for count in counts:
        expected = count.rows + (1 if count.table == AuditEntry.__tablename__ else 0)
        found = _count(conn, tables[count.table])
        if found != expected:
            wrong.append(f"{count.label} {found} 行（应为 {expected} 行）")
    if wrong:
        raise UserError(f"服务器上的行数与本机数据库不一致（{'；'.join(wrong)}），没有迁移。")
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        chain = audit.verify_chain(session)
    if not chain.ok:
        raise UserError(f"服务器上的操作日志校验未通过，没有迁移：{chain.message}")


def _new_recovery_code(conn, at: datetime) -> str:
    """The server's own recovery code, in the server's transaction (after the row counts were checked: it
    adds a setting). The file's code opens only the file's key slot and is never known here; the server's
    code is new, its hash stored, and it goes to the administrator with the result."""
    with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
        code = server_recovery.make(session, at)
        session.commit()  # the savepoint only: the server's transaction is the caller's
    return code


def _mark_shared_folder(conn, target: ServerTarget, made: list[Path]) -> None:
    """The server database's own id (a new one: the file has none) and the shared folder's marker naming it
    (``data/shared_marker.py``), in the server's transaction; the marker is removed again on failure."""
    database_id = shared_marker.new_id()
    conn.execute(delete(Setting).where(Setting.key == shared_marker.ID_SETTING))
    conn.execute(insert(Setting).values(key=shared_marker.ID_SETTING, value=json.dumps(database_id)))
    made.append(shared_marker.marker_path(target.shared_dir))
    shared_marker.write_marker(target, database_id)


def _mark_file(src: Session, target: ServerTarget, at: datetime, counts: tuple[TableCount, ...]) -> None:
    """The mark in the file, in the transaction that held its write lock since the copy began."""
    src.add(Setting(key=moved_station.MOVED_SETTING, value=json.dumps(target.display(), ensure_ascii=False)))
    audit.record_event(src, "station", "", f"{EVENT}：{target.display()}（本文件此后只能查看）",
                       {"at": at.isoformat(timespec="seconds"), "shared_dir": str(target.shared_dir),
                        "rows": sum(c.rows for c in counts)})
    src.flush()


def _write_marker(path: Path, target: ServerTarget, at: datetime) -> None:
    record = {"url": target.display(), "shared_dir": str(target.shared_dir), "at": at.isoformat(timespec="seconds")}
    try:
        audit_key.atomic_write(moved_station.marker_path(path), json.dumps(record, ensure_ascii=False))
    except OSError:  # the mark in the file is what refuses writes; this one is the start's message
        log.warning("the moved marker beside the file was not written", exc_info=True)


def _remove_made(made: list[Path]) -> None:
    for file in reversed(made):
        try:
            file.unlink(missing_ok=True)
        except OSError:
            log.warning("a file of the failed move was not removed")


def _verify_on_server(engine, counts: tuple[TableCount, ...]) -> audit.ChainCheck:
    """``verify`` on the server after the commit, in a session of its own: the chain with its head file,
    and the row counts again."""
    try:
        with engine.connect() as conn, conn.begin():
            _check_copy_counts_after(conn, counts)
            with Session(bind=conn) as session:
                chain = audit.verify_chain(session)
    except (SQLAlchemyError, DatabaseRefused) as exc:
        raise UserError(f"数据已迁移到服务器，但迁移后的核对没能完成（{type(exc).__name__}）。"
                        "请在服务器上运行 verify。") from exc
    if not chain.ok:
        raise UserError(f"数据已迁移到服务器，但迁移后的操作日志校验未通过：{chain.message}")
    return chain


def _analyze(engine) -> None:
    """``VACUUM (ANALYZE)`` of the copied tables at once (outside a transaction, as VACUUM must be): planner
    statistics, the visibility map (index-only reads) and the name indexes' pending entries merged. Without
    it the server plans the first searches and lists as if every table were empty, and reads a search index's
    unmerged list, until its autovacuum gets round to them (minutes after a big move)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))


def _check_copy_counts_after(conn, counts: tuple[TableCount, ...]) -> None:
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    for count in counts:
        at_least = count.rows + (1 if count.table == AuditEntry.__tablename__ else 0)
        if _count(conn, tables[count.table]) < at_least:
            raise UserError(f"数据已迁移到服务器，但迁移后核对时“{count.label}”的行数少于本机数据库。"
                            "请在服务器上运行 verify。")
