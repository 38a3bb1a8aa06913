"""A station file whose data were moved to a PostgreSQL server (迁移到服务器, services/server_move.py) is kept,
marked as moved, and from then on only read: the one place that refuses its writes is here, in the sessions
of its database handle (``install``, called by ``Database``), so every service and the command line are
covered.

* **The mark**: the setting ``station.moved_to`` (the server's address as ``ServerTarget.display()`` gives
  it, never a password), written in the file by the move once the server has committed; and, for the start
  of the program (before an encrypted file can be read), a small file beside it, ``<file>.moved`` (JSON: the
  address, the shared folder, when).
* **Refused**: any change of the station's data through a session of the file — a flush that inserts,
  changes or deletes a row, and an ``insert``/``update``/``delete`` statement — with
  “本站数据已迁移到服务器 …，此文件只能查看”.
* **Still possible**: reading and exporting history. A log-in keeps the account's log-in bookkeeping
  (``LOG_IN_COLUMNS``) and the trail's events (log-in, export, backup) are still written: they say who
  looked at the old file, and change none of the station's data (docs/decisions.md, 迁移到服务器).

Nothing here is imported before a session is made but ``read_marker`` (the start-up's question), which
needs neither SQLAlchemy nor the file's key.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import UserError

MOVED_SETTING = "station.moved_to"
MARKER_SUFFIX = ".moved"
LOG_IN_COLUMNS = frozenset({"failed_attempts", "locked_until", "last_login_at"})  # a log-in may still set these
_CACHE = "moved_to"  # session.info: the mark as this transaction read it ("" for none)


def moved_message(where: str) -> str:
    return (f"本站数据已迁移到服务器 {where}，此文件只能查看：不能再录入、修改或删除数据。"
            "请在各电脑上连接站内服务器后继续工作。")


def moved_to(session) -> str | None:
    """The server the file's data went to (its display address), None for a file not moved (and on a
    server). Read once per transaction."""
    cached = session.info.get(_CACHE)
    if cached is None:
        cached = _read(session)
        session.info[_CACHE] = cached
    return cached or None


def _read(session) -> str:
    from sqlalchemy import select

    from .backend import is_server
    from .models.core import Setting
    connection = session.connection()  # not through the session: no autoflush, no do_orm_execute
    if is_server(connection):
        return ""
    raw = connection.execute(select(Setting.value).where(Setting.key == MOVED_SETTING)).scalar()
    if raw is None:
        return ""
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return str(value)


def refuse_if_moved(session) -> None:
    """``UserError`` with the moved message when the session's file was moved to a server."""
    where = moved_to(session)
    if where:
        raise UserError(moved_message(where))


def _changes_station_data(session) -> bool:
    """True unless the flush changes no more than accounts' log-in bookkeeping (``LOG_IN_COLUMNS``)."""
    from sqlalchemy import inspect

    from .models.users import User
    if session.new or session.deleted:
        return True
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        if not isinstance(obj, User):
            return True
        state = inspect(obj)
        for attr in state.mapper.column_attrs:
            if attr.key not in LOG_IN_COLUMNS and state.attrs[attr.key].history.has_changes():
                return True
    return False


def _before_flush(session, _flush_context, _instances) -> None:
    if _changes_station_data(session):
        refuse_if_moved(session)


def _on_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        refuse_if_moved(state.session)


def install(session_factory) -> None:
    """The refusal in every session of a database handle (``Database._make_engine``)."""
    from sqlalchemy import event
    event.listen(session_factory, "before_flush", _before_flush)
    event.listen(session_factory, "do_orm_execute", _on_execute)


# --- the mark beside the file, for the start of the program ----------------------------------------


def marker_path(db_path: Path) -> Path:
    return Path(f"{db_path}{MARKER_SUFFIX}")


def read_marker(db_path: Path) -> dict | None:
    """What ``<file>.moved`` says (``url``, ``shared_dir``, ``at``), None without a readable one. Light:
    the GUI's start asks it before the first window."""
    try:
        data = json.loads(marker_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    return data


def start_notice(db_path: Path) -> str | None:
    """The start-up's message for a moved file: where the station now lives (None: not moved)."""
    data = read_marker(db_path)
    if data is None:
        return None
    when = str(data.get("at") or "")[:16].replace("T", " ")
    shared = data.get("shared_dir") or ""
    text = f"本站数据已于 {when} 迁移到站内服务器 {data['url']}。" if when else \
        f"本站数据已迁移到站内服务器 {data['url']}。"
    if shared:
        text += f"附件和操作日志密钥在共用文件夹 {shared}。"
    return text + ("这个文件已保留，只能查看历史数据，不能再录入或修改。"
                   "请用“连接站内服务器”（或 --db 服务器地址）打开现在的数据。")
