"""Audit trail: every insert, update and delete made through a session, in its transaction.

Each entry's hash is HMAC-SHA256, under a key kept outside the database (``audit_key``), over
the previous entry's hash and the entry itself, so editing or removing an entry breaks the
chain at the next one, and recomputing the later hashes needs the key (``verify_chain``).
Entries written before the database had a key keep the plain SHA-256 formula. After each
commit that wrote entries, the newest one's id and hash go to a head file outside the database,
so removing the newest entries is noticed too.

When the rows are appended: on SQLite at each flush (``BEGIN IMMEDIATE`` already made the transaction
the only writer). On a PostgreSQL server the transaction's rows are collected (``COLLECTED``) and
appended in one step just before its commit, under the chain's advisory lock, which is then held only
for that insert and the COMMIT: several PCs' transactions run side by side and queue only there. A
reader that must see its own transaction's entries calls ``append_collected`` first (``verify_chain``
and ``record_versions.last_change`` do).

Bulk ``update()``/``delete()`` statements through a session on an audited table are refused
(they would bypass this trail and the month lock) unless the session is the program's own
(``services/permissions.as_system``).

Values of columns marked ``info={"pii": ...}`` are masked before they are written:
ID numbers and phones partly, free text by its length only, secrets entirely.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session

from ..domain.idcard import mask_id_number
from ..domain.phone import mask_phone
from . import audit_key
from .backend import is_server, lock_audit_chain, server_of
from .base import Base, now
from .db import session_path
from .engine import sqlite
from .models.core import AuditEntry, Setting

log = logging.getLogger(__name__)
GENESIS = "0" * 64
SYSTEM_ACTOR = (None, "system")
PENDING_HEAD = "audit_pending_head"  # session.info: what this transaction wrote, for the head file
COLLECTED = "audit_collected"  # session.info on a server: this transaction's rows, appended at its commit
_APPENDED = "audit_appended"  # session.info: how many of the collected rows are in the table already
_SAVEPOINTS = "audit_savepoints"  # session.info: savepoint → (rows collected, rows appended) when it began


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str


def set_actor(session: Session, user_id: int | None, username: str) -> None:
    session.info["actor"] = Actor(user_id, username)


def _actor(session: Session) -> Actor:
    return session.info.get("actor") or Actor(*SYSTEM_ACTOR)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} 字节>"
    return value


def _masked(column, value):
    kind = column.info.get("pii")
    if value is None or kind is None:
        return _plain(value)
    if kind == "id":
        return mask_id_number(str(value))
    if kind == "phone":
        return mask_phone(str(value))
    if kind == "text":  # free text (case notes): the trail says it changed, not what it says
        return f"（文本 {len(str(value))} 字）"
    return "***"


def _columns(obj):
    """Audited columns: all but those marked ``info={"audit": False}`` (log-in bookkeeping)."""
    mapper = inspect(obj).mapper
    return [(attr.key, attr.columns[0]) for attr in mapper.column_attrs
            if attr.columns[0].info.get("audit", True)]


def _record_id(obj) -> str:
    state = inspect(obj)
    key = state.identity or state.mapper.primary_key_from_instance(obj)
    return "/".join(str(v) for v in key)


def _label(obj) -> str:
    attr = getattr(type(obj), "__audit_label__", None)
    label = getattr(obj, attr, None) if attr else None
    if attr and label is not None:
        column = dict(_columns(obj)).get(attr)
        return str(_masked(column, label)) if column is not None else str(label)
    return _record_id(obj)


def _changes(obj, action: str) -> dict:
    state = inspect(obj)
    out = {}
    for key, column in _columns(obj):
        if action == "update":
            hist = state.attrs[key].history
            if hist.has_changes():
                old = hist.deleted[0] if hist.deleted else None
                new = hist.added[0] if hist.added else None
                if old != new:
                    out[key] = [_masked(column, old), _masked(column, new)]
        else:
            value = state.dict.get(key)
            if value is not None:
                out[key] = _masked(column, value)
    return out


def table_label(table_name: str) -> str:
    for mapper in Base.registry.mappers:
        if mapper.local_table.name == table_name:
            return getattr(mapper.class_, "__label__", table_name)
    return table_name


def _entry_hash(prev_hash: str, row: dict, key: bytes | None = None) -> str:
    """HMAC-SHA256 under ``key``; the plain SHA-256 of entries written before the database had a key."""
    payload = json.dumps([row["id"], row["at"].isoformat(), row["user_id"], row["username"], row["action"],
                          row["table_name"], row["record_id"], row["summary"], row["changes"]],
                         ensure_ascii=False, separators=(",", ":"))
    data = (prev_hash + payload).encode("utf-8")
    if key is None:
        return hashlib.sha256(data).hexdigest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def chain_id(conn) -> str | None:
    """The database's chain id (names its key file); None for a database not yet keyed."""
    return _chain_value(conn.execute(select(Setting.value).where(Setting.key == audit_key.CHAIN_SETTING)).scalar())


def _chain_end(conn) -> tuple[int, str, str | None]:
    """The next entry's id, the hash it follows and the chain id, in one statement (on a server it runs
    under the chain's lock: one round trip less while every PC's save waits)."""
    chain = select(Setting.value).where(Setting.key == audit_key.CHAIN_SETTING).scalar_subquery()
    newest = select(func.max(AuditEntry.id)).scalar_subquery()
    its_hash = select(AuditEntry.hash).where(AuditEntry.id == newest).scalar_subquery()
    raw, last_id, last_hash = conn.execute(select(chain, newest, its_hash)).one()
    next_id, prev = (last_id + 1, last_hash) if last_id is not None else (1, GENESIS)
    return next_id, prev, _chain_value(raw)


def _chain_value(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return str(raw)
    return value if isinstance(value, str) else str(value)


def _writing_key(session: Session, conn, next_id: int, current: str | None) -> tuple[audit_key.ChainKey, bool,
                                                                                        list[dict]]:
    """The key to write with, whether it was created now, and an event row to write first.

    A database without a key gets one (its entries so far stay plain). When the database names a
    key whose file is missing, writing goes on under a new key that names the lost one (so a key
    file found later still verifies the entries before) and an event says so in the trail."""
    where = session_path(session)  # a shared station's keys are in the machine's folder
    if current is None:
        key = audit_key.create_key(next_id, db_path=where)
        conn.execute(insert(Setting).values(key=audit_key.CHAIN_SETTING, value=json.dumps(key.chain_id)))
        return key, True, []
    key = audit_key.load_key(current, where)
    if key is not None:
        return key, False, []
    log.warning("the audit key file of this database is missing; a new key continues the trail")
    key = audit_key.create_key(next_id, previous=current if audit_key.valid_chain_id(current) else None,
                               db_path=where)
    conn.execute(update(Setting).where(Setting.key == audit_key.CHAIN_SETTING)
                 .values(value=json.dumps(key.chain_id)))
    note = _row(session, "event", "audit_entry", "", "操作日志密钥文件缺失，自本条起改用新的密钥校验",
                {"keyed_from": next_id})
    return key, False, [note]


def _write(session: Session, rows: list[dict]) -> None:
    """The rows of a flush or an event: appended now (SQLite, or a session without the commit hook), or on
    a server collected for ``_before_commit``."""
    collected = session.info.get(COLLECTED)
    if collected is not None:
        collected.extend(rows)
        return
    _append(session, rows)


def append_collected(session: Session) -> None:
    """Append the rows this transaction collected so far (a server; nothing to do on SQLite or when none
    wait), after flushing what is pending as the reader's own query would. For a reader that must see its
    transaction's own entries: the chain's lock is then taken at once and held to the commit, so call it
    only where the transaction ends without waiting for another lock (a check, a refusal)."""
    collected = session.info.get(COLLECTED)
    if collected is None:
        return
    if session.autoflush:
        session.flush()
    done = session.info.get(_APPENDED, 0)
    if len(collected) > done:
        _append(session, collected[done:])
        session.info[_APPENDED] = len(collected)


def _append(session: Session, rows: list[dict]) -> None:
    conn = session.connection()
    pending = session.info.get(PENDING_HEAD)
    if pending is not None:
        # An earlier flush of this transaction wrote entries: it holds the write lock, so the chain's end
        # and key are still what it left (saves two queries and reading the key file per flush).
        next_id, prev = pending["last_id"] + 1, pending["hash"]
        key, created, notes = pending["key"], False, []
    else:
        # One chain: SQLite's BEGIN IMMEDIATE made this transaction the only writer; on a server the
        # advisory lock does, taken just before the commit and held to it (data/backend.py), so the newest
        # entry read is final.
        lock_audit_chain(conn)
        next_id, prev, current = _chain_end(conn)
        key, created, notes = _writing_key(session, conn, next_id, current)
    rows = notes + rows
    first_id = next_id
    for row in rows:
        row.update(id=next_id, prev_hash=prev)
        row["hash"] = prev = _entry_hash(prev, row, key.key)
        next_id += 1
    conn.execute(insert(AuditEntry), rows)
    if pending is not None:  # an earlier flush of this transaction wrote entries too
        first_id, created = pending["first_id"], pending["created"] or created
    session.info[PENDING_HEAD] = {"key": key, "created": created, "first_id": first_id,
                                  "last_id": next_id - 1, "hash": prev}


def _row(session: Session, action: str, table: str, record_id: str, summary: str, changes: dict) -> dict:
    actor = _actor(session)
    return {"at": now(), "user_id": actor.user_id, "username": actor.username, "action": action,
            "table_name": table, "record_id": record_id, "summary": summary[:200],
            "changes": json.dumps(changes, ensure_ascii=False, sort_keys=True)}


_VERB = {"insert": "新增", "update": "修改", "delete": "删除"}


def _after_flush(session: Session, _ctx) -> None:
    rows = []
    for action, objs in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            if not getattr(type(obj), "__audited__", True):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _changes(obj, action)
            if action == "update" and not changes:
                continue
            table = inspect(obj).mapper.local_table.name
            summary = f"{_VERB[action]}{getattr(type(obj), '__label__', table)}「{_label(obj)}」"
            rows.append(_row(session, action, table, _record_id(obj), summary, changes))
    if rows:
        _write(session, rows)


def record_event(session: Session, table: str, record_id: str, summary: str, details: dict | None = None) -> None:
    """Audit something that is not a row change (log-in, backup, restore, export)."""
    _write(session, [_row(session, "event", table, record_id, summary, details or {})])


def _after_transaction_create(session: Session, transaction) -> None:
    """A transaction begins: on a server its rows are collected from now on; a savepoint notes how many
    were collected and appended when it began (its rollback drops what came after)."""
    if transaction.parent is None:
        for key in (_APPENDED, _SAVEPOINTS):
            session.info.pop(key, None)
        if is_server(session.get_bind()):
            session.info[COLLECTED] = []
        else:
            session.info.pop(COLLECTED, None)
    elif transaction.nested and session.info.get(COLLECTED) is not None:
        marks = session.info.setdefault(_SAVEPOINTS, {})
        marks[transaction] = (len(session.info[COLLECTED]), session.info.get(_APPENDED, 0))


def _before_commit(session: Session) -> None:
    """A server: the collected rows in one step (lock, the chain's end, hashes, one insert) just before the
    COMMIT. SQLAlchemy fires this hook before the commit's own last flush, so that flush is made here first
    (its rows are collected too); the insert is Core, and the session is left clean. Also at a savepoint's
    release: what is appended then stays appended, and a later savepoint's rollback puts it right."""
    if session.info.get(COLLECTED) is None:
        return
    session.flush()
    append_collected(session)


def _after_commit(session: Session) -> None:
    """The head file follows the database: written after the commit (it must not run ahead of it; a
    savepoint's release is not the commit). A failure to write it is logged, never raised: the change
    itself is saved. On a server at most once per ``SERVER_HEAD_INTERVAL_S`` per PC (``_ServerHeads``)."""
    if session.in_nested_transaction():
        return
    for key in (COLLECTED, _APPENDED, _SAVEPOINTS):
        session.info.pop(key, None)
    pending = session.info.pop(PENDING_HEAD, None)
    path = session_path(session)
    if pending is None or path is None:
        return
    engine = session.get_bind().engine
    if server_of(engine) is not None:
        _SERVER_HEADS.committed(engine, path, pending)
    else:
        _write_head(engine, path, pending)


def _write_head(engine, path: Path, pending: dict) -> None:
    def stored(entry_id: int) -> str | None:
        if server_of(engine) is not None:
            return _server_hash(engine, entry_id)
        return _stored_hash(path, entry_id)

    try:
        audit_key.advance_head(path, pending["key"], pending["created"], pending["first_id"],
                               pending["last_id"], pending["hash"], stored)
    except (OSError, sqlite.Error, DBAPIError) as exc:
        log.warning("audit head file not written: %s", type(exc).__name__)


SERVER_HEAD_INTERVAL_S = 5.0


class _ServerHeads:
    """The head file of a server station lives in the shared folder, written by every PC: after every commit
    it cost each save two fsyncs on the share (≈10 ms on a local disk, more over the network) and made the
    PCs take turns on one file. So a PC writes it at most once every ``SERVER_HEAD_INTERVAL_S``: a commit
    within the interval leaves its head waiting, replaced by the next one (only the newest matters: a head
    names the chain's newest entry this PC wrote); the waiting head is written at the next commit after the
    interval, or when the database is closed (``write_waiting_head``). What the head guards (entries removed
    from the end of the trail) is thus covered up to the last few seconds of each PC's work."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written: dict[int, float] = {}
        self._waiting: dict[int, tuple[Path, dict]] = {}

    def committed(self, engine, path: Path, pending: dict) -> None:
        with self._lock:
            key = id(engine)
            if time.monotonic() - self._written.get(key, -SERVER_HEAD_INTERVAL_S) < SERVER_HEAD_INTERVAL_S:
                self._waiting[key] = (path, pending)
                return
            self._written[key] = time.monotonic()
            self._waiting.pop(key, None)
        _write_head(engine, path, pending)

    def write_waiting(self, engine) -> None:
        with self._lock:
            key = id(engine)
            waiting = self._waiting.pop(key, None)
            self._written.pop(key, None)
        if waiting is not None:
            _write_head(engine, *waiting)


_SERVER_HEADS = _ServerHeads()


def write_waiting_head(engine) -> None:
    """A server station's head still waiting (``_ServerHeads``): written now (the database is being closed,
    or a check is about to read the head)."""
    if server_of(engine) is not None:
        _SERVER_HEADS.write_waiting(engine)


def _stored_hash(db_path: Path, entry_id: int) -> str | None:
    """One entry's hash, read outside any session (only when the head file looks newer than a commit)."""
    from .engine import connect_readonly
    conn = connect_readonly(db_path)
    try:
        row = conn.execute("SELECT hash FROM audit_entry WHERE id = ?", (entry_id,)).fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def _server_hash(engine, entry_id: int) -> str | None:
    """``_stored_hash`` on a server: a connection of the session's engine, outside the session."""
    with engine.connect() as conn:
        return conn.execute(select(AuditEntry.hash).where(AuditEntry.id == entry_id)).scalar()


def _after_soft_rollback(session: Session, previous) -> None:
    """Rolled back: nothing of it is in the file. A savepoint rolled back may have taken some of the
    entries with it: the head is then not written for this transaction (a lagging head is harmless)."""
    if previous.nested and PENDING_HEAD in session.info:
        session.info[PENDING_HEAD] = None
    elif not previous.nested:
        session.info.pop(PENDING_HEAD, None)
    if previous.nested:
        _savepoint_rolled_back(session, previous)
    elif previous.parent is None:  # the transaction: its collected rows go with it
        for key in (COLLECTED, _APPENDED, _SAVEPOINTS):
            session.info.pop(key, None)


def _savepoint_rolled_back(session: Session, savepoint) -> None:
    """The rows collected inside the savepoint are dropped; rows appended inside it (at an inner savepoint's
    release) left the table with it and are appended again at the commit (the chain's end is read afresh:
    PENDING_HEAD is None)."""
    mark = session.info.get(_SAVEPOINTS, {}).pop(savepoint, None)
    collected = session.info.get(COLLECTED)
    if mark is None or collected is None:
        return
    del collected[mark[0]:]
    session.info[_APPENDED] = min(session.info.get(_APPENDED, 0), mark[1])


def _refuse_bulk(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE through the ORM bypasses the audit trail and the month lock: refused on
    audited tables unless the session is the program's own (``permissions.as_system``)."""
    from ..domain.permissions import SYSTEM_KEY
    if not (state.is_update or state.is_delete) or state.session.info.get(SYSTEM_KEY):
        return
    for mapper in state.all_mappers:
        if getattr(mapper.class_, "__audited__", True):
            verb = "UPDATE" if state.is_update else "DELETE"
            raise RuntimeError(
                f"Bulk {verb} on the audited table '{mapper.local_table.name}' would bypass the audit trail "
                "and the month lock; load the rows and change or delete them through the session instead.")


def install(session_factory) -> None:
    from sqlalchemy import event
    event.listen(session_factory, "after_transaction_create", _after_transaction_create)
    event.listen(session_factory, "after_flush", _after_flush)
    event.listen(session_factory, "before_commit", _before_commit)
    event.listen(session_factory, "after_commit", _after_commit)
    event.listen(session_factory, "after_soft_rollback", _after_soft_rollback)
    event.listen(session_factory, "do_orm_execute", _refuse_bulk)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    first_broken_id: int | None
    message: str
    key_missing: bool = False  # the key file is not on this machine: the chain could not be checked
    missing: tuple[int, int] | None = None  # the newest entries found removed (first, last)


def _range_text(low: int, high: int) -> str:
    return f"第 {low} 条" if low == high else f"第 {low}–{high} 条"


def _key_missing_text(chain: str | None, db_path: Path | None = None) -> str:
    where = audit_key.key_path(chain, db_path) if audit_key.valid_chain_id(chain) else audit_key.keys_dir(db_path)
    return (f"无法校验：找不到操作日志密钥文件（{where}）。密钥保存在本机的配置文件夹里，不在数据库中；"
            "数据库从别的电脑复制来时，请把那台电脑上的这个文件一起复制过来，或从备份恢复（备份带有密钥）。")


def _key_for(keys: list[audit_key.ChainKey], lost: str | None, entry_id: int):
    """The key an entry was written with: bytes, None (plain formula), or ``lost`` (file missing)."""
    for key in keys:  # newest first
        if entry_id >= key.keyed_from:
            return key.key
    return lost if lost is not None else None


def _head_problems(head: audit_key.Head | None, lineage_ids: set[str], last_id: int,
                   hashes: dict[int, str]) -> tuple[list[str], tuple[int, int] | None]:
    if head is None:
        return [], None
    if head.chain_id not in lineage_ids:
        return [f"本机记录的这个数据库的操作日志（写到第 {head.id} 条）与现在的数据库对不上："
                "数据库文件可能在程序之外被替换过，或操作日志被改写过。"], None
    problems, missing = [], None
    if head.replaced is not None:
        problems.append(f"这个数据库的操作日志曾用密钥校验（本机记录写到第 {head.replaced[1]} 条），"
                        "后来数据库里的密钥标识不见了、日志重新开始用新密钥：操作日志可能被改写过。")
    if head.missing is not None:
        problems.append(f"操作日志的{_range_text(*head.missing)}记录曾被删除（本机记录日志已写到第 "
                        f"{head.missing[1]} 条，之后数据库却从第 {head.missing[0]} 条起重新写入）。")
    if last_id < head.id:
        missing = (last_id + 1, head.id)
        problems.append(f"操作日志的最新 {head.id - last_id} 条记录缺失（{_range_text(*missing)}）："
                        f"本机记录日志已写到第 {head.id} 条，数据库里只到第 {last_id} 条。")
    elif hashes.get(head.id) != head.hash:
        problems.append(f"操作日志第 {head.id} 条与本机记录的校验值不符，日志可能被改写过。")
    return problems, missing


def verify_chain(session: Session, db_path: Path | None = None) -> ChainCheck:
    """Check every entry against the one before (HMAC under the database's key; the plain formula
    before the key existed) and the newest against the head file beside the key."""
    append_collected(session)  # this transaction's own entries are part of the chain it checks
    conn = session.connection()
    write_waiting_head(conn.engine)  # this PC's newest head, if it waits (a server)
    chain = chain_id(conn)
    path = db_path or session_path(session)
    keys, lost = audit_key.lineage(chain, path)
    head = audit_key.read_head(path) if path is not None else None
    prev, count, expected_id, broken, unchecked = GENESIS, 0, 1, None, []
    hashes: dict[int, str] = {}
    columns = (AuditEntry.id, AuditEntry.at, AuditEntry.user_id, AuditEntry.username, AuditEntry.action,
               AuditEntry.table_name, AuditEntry.record_id, AuditEntry.summary, AuditEntry.changes,
               AuditEntry.prev_hash, AuditEntry.hash)
    for entry in session.execute(select(*columns).order_by(AuditEntry.id)):
        row = entry._asdict()
        key = _key_for(keys, lost, entry.id)
        if entry.id != expected_id or entry.prev_hash != prev:
            broken = entry.id
            break
        if isinstance(key, str):  # written with a key whose file is missing
            unchecked.append(entry.id)
        elif _entry_hash(prev, row, key) != entry.hash:
            broken = entry.id
            break
        prev, count, expected_id = entry.hash, count + 1, expected_id + 1
        if head is not None and entry.id == head.id:
            hashes[entry.id] = entry.hash
    last_id = expected_id - 1 if broken is None else session.scalar(select(AuditEntry.id)
                                                                      .order_by(AuditEntry.id.desc()).limit(1))
    problems, missing = _head_problems(head, {k.chain_id for k in keys} | ({chain} if chain else set()),
                                       last_id or 0, hashes)
    if broken is not None:
        problems.insert(0, f"操作日志第 {broken} 条与前一条的校验链不符，日志可能被改动或删除过。")
    key_missing = lost is not None and (not keys or bool(unchecked))
    if key_missing:
        text = _key_missing_text(lost, path)
        if unchecked and keys:
            text = f"{_range_text(unchecked[0], unchecked[-1])}操作日志" + text
        problems.insert(0, text)
    if problems:
        return ChainCheck(False, count, broken, "".join(problems), key_missing, missing)
    return ChainCheck(True, count, None, f"操作日志校验链完整（共 {count} 条）。")


def file_head(db_path: Path) -> tuple[str | None, audit_key.Head | None]:
    """The chain id and newest entry of a database file (a backup or a restored copy), read-only."""
    from .engine import connect_readonly
    conn = connect_readonly(db_path)
    try:
        try:
            raw = conn.execute("SELECT value FROM setting WHERE key = ?", (audit_key.CHAIN_SETTING,)).fetchone()
            last = conn.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
        except sqlite.OperationalError:  # not a station database (yet)
            return None, None
    finally:
        conn.close()
    chain = None
    if raw is not None:
        try:
            chain = str(json.loads(raw[0]))
        except ValueError:
            chain = str(raw[0])
    if last is None:
        return chain, None
    return chain, audit_key.Head(chain or "", int(last[0]), str(last[1]))


def write_backup_keys(db_copy: Path, backup_file: Path) -> Path:
    """``<backup>.key`` for a backup: the keys of its trail and its newest entry, read from the copy."""
    chain, head = file_head(db_copy)
    return audit_key.write_backup_keys(backup_file, chain, head if head is not None and head.chain_id else None)


def reset_head(db_path: Path, recorded: audit_key.Head | None = None) -> None:
    """After a restore: the head file is the restored database's newest entry (a restore rolls the
    trail back legitimately). ``recorded`` is the head the backup's sidecar names; when it is newer
    than the file's own, the file lost entries after it was backed up, and the head keeps saying so."""
    chain, head = file_head(db_path)
    target = audit_key.head_path(db_path)
    if head is None and recorded is None:
        target.unlink(missing_ok=True)
        return
    if recorded is not None and recorded.chain_id == (chain or "") and (head is None or recorded.id > head.id):
        head = recorded
    if head is None or not head.chain_id:  # an unkeyed trail: nothing outside the database to compare
        target.unlink(missing_ok=True)
        return
    audit_key.write_head(db_path, audit_key.Head(head.chain_id, head.id, head.hash))
