"""Two people, one record: a save from a form opened on an older version of the record is refused.

The records people edit in forms carry a ``version`` (SQLAlchemy's ``version_id_col``, migration
0013_record_versions): every UPDATE of such a row says ``WHERE version = <the version read>`` and
raises the version by one. A form keeps the version it was opened on and hands it to the service's
save function, which loads the row for the transaction (locked on a server: ``FOR UPDATE``) and
compares (``check``, through ``services/records.get_or_error(…, version=)``). Should a change still slip
in between the read and the UPDATE (a path that does not lock, on a server), SQLAlchemy's
``StaleDataError`` is turned into the same message by the database handle (``Database.session``, the
one place: ``from_stale``).

Who made the last change, and when, comes from the audit trail (every change of these records is
audited in its own transaction, so the trail's newest entry for the row is the change that raised its
version; docs/decisions.md “两人同时编辑一条记录”).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Mapper, Session

from ..errors import UserError
from .base import Base
from .models.core import AuditEntry
from .models.users import User

TIME_FORMAT = "%Y-%m-%d %H:%M"  # as the screens show a moment
SYSTEM_NAME = "系统"
UPDATED = "versioned_updates"  # session.info: (model, primary key) of versioned rows this transaction updated


def stale_message(who: str, when: datetime | None) -> str:
    at = f"于{when:{TIME_FORMAT}}" if when is not None else ""
    return f"此记录已被{who}{at}修改，请重新打开。"


def last_change(session: Session, model: type, key: Any) -> tuple[str, datetime | None]:
    """Who changed the row last (an account's name, else the name it acted under) and when, from the
    audit trail; the row's ``updated_at`` when the trail has nothing (a change made by the program). On a
    server this transaction's own entries are appended first (a refusal follows: the lock is no burden)."""
    from .audit import append_collected
    append_collected(session)
    table = inspect(model).local_table.name
    record_id = "/".join(str(part) for part in (key if isinstance(key, tuple) else (key,)))
    query = (select(AuditEntry.at, AuditEntry.user_id, AuditEntry.username)
             .where(AuditEntry.table_name == table, AuditEntry.record_id == record_id,
                    AuditEntry.action.in_(("insert", "update")))
             .order_by(AuditEntry.id.desc()).limit(1))
    entry = session.execute(query).first()
    if entry is None:
        row = session.get(model, key)
        return SYSTEM_NAME, getattr(row, "updated_at", None)
    name = session.scalar(select(User.display_name).where(User.id == entry.user_id)) if entry.user_id else None
    if not name:
        name = SYSTEM_NAME if entry.username == "system" else entry.username
    return name, entry.at


def stale_error(session: Session, model: type, key: Any) -> UserError:
    return UserError(stale_message(*last_change(session, model, key)))


def check(session: Session, row: object, version: int) -> None:
    """The form was opened on ``version``: refused when the row has moved on since."""
    current = getattr(row, "version", None)
    if current is not None and current != version:
        key = inspect(row).identity
        raise stale_error(session, type(row), key[0] if key and len(key) == 1 else key)


# --- a change that slipped in between the read and the UPDATE: StaleDataError ----------------------

def _note_update(_mapper: Mapper, _connection, target: Base) -> None:
    """Before the UPDATE of a versioned row: remember which row it is and the version it was read at
    (StaleDataError names only the table)."""
    state = inspect(target)
    if state.session is None or state.mapper.version_id_col is None or state.identity is None:
        return
    version = state.committed_state.get("version", state.dict.get("version"))
    state.session.info.setdefault(UPDATED, []).append((type(target), state.identity, version))


def install() -> None:
    """Note the versioned rows each flush updates (once per process; the database handle calls it)."""
    if not event.contains(Base, "before_update", _note_update):
        event.listen(Base, "before_update", _note_update, propagate=True)
        event.listen(Base, "before_delete", _note_update, propagate=True)


def from_stale(info: dict, message: str, read: Callable[[], AbstractContextManager[Session]]) -> UserError:
    """The UserError for a ``StaleDataError`` (``message``: “UPDATE statement on table 'person' …”) of a
    transaction now rolled back, whose ``session.info`` was ``info``; ``read()`` opens a new session to
    find the row that moved on and who changed it."""
    candidates = [(model, key, version) for model, key, version in info.get(UPDATED, ())
                  if f"'{inspect(model).local_table.name}'" in message]
    with read() as session:
        for model, key, version in reversed(candidates):
            one = key[0] if len(key) == 1 else key
            row = session.get(model, one)
            if row is None:
                return UserError("此记录已被其他用户删除，请关闭后重新查找。")
            if row.version != version:
                return stale_error(session, model, one)
    return UserError(stale_message("其他用户", None))
