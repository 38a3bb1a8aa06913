"""Audit trail: every insert, update and delete made through a session, in its transaction.

Each entry's hash is SHA-256 over the previous entry's hash and the entry itself, so
editing or removing an entry breaks the chain at the next one (``verify_chain``).
Values of columns marked ``info={"pii": ...}`` are masked before they are written:
ID numbers and phones partly, free text by its length only, secrets entirely.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from ..domain.idcard import mask_id_number
from ..domain.phone import mask_phone
from .base import Base, now
from .models.core import AuditEntry

GENESIS = "0" * 64
SYSTEM_ACTOR = (None, "system")


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


def _entry_hash(prev_hash: str, row: dict) -> str:
    payload = json.dumps([row["id"], row["at"].isoformat(), row["user_id"], row["username"], row["action"],
                          row["table_name"], row["record_id"], row["summary"], row["changes"]],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def _write(session: Session, rows: list[dict]) -> None:
    conn = session.connection()
    last = conn.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    next_id, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    for row in rows:
        row.update(id=next_id, prev_hash=prev)
        row["hash"] = prev = _entry_hash(prev, row)
        next_id += 1
    conn.execute(insert(AuditEntry), rows)


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


def install(session_factory) -> None:
    from sqlalchemy import event
    event.listen(session_factory, "after_flush", _after_flush)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    first_broken_id: int | None
    message: str


def verify_chain(session: Session) -> ChainCheck:
    prev, count, expected_id = GENESIS, 0, 1
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    for entry in rows:
        row = {c: getattr(entry, c) for c in ("id", "at", "user_id", "username", "action", "table_name",
                                               "record_id", "summary", "changes")}
        if entry.id != expected_id or entry.prev_hash != prev or _entry_hash(prev, row) != entry.hash:
            return ChainCheck(False, count, entry.id,
                              f"操作日志第 {entry.id} 条与前一条的校验链不符，日志可能被改动或删除过。")
        prev, count, expected_id = entry.hash, count + 1, expected_id + 1
    return ChainCheck(True, count, None, f"操作日志校验链完整（共 {count} 条）。")
