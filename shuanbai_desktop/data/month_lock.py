"""Month lock: records dated in a month already reported to the county (已报送) stay as reported.

A model opts in with a class attribute naming its date column::

    class Visit(Base):
        __month_field__ = "visit_date"

Before every flush, new, changed and deleted objects of such models are checked: when
their date (the old one or the new one) falls in a locked month, the flush is refused
with ``MonthLocked`` — unless ``session.info["month_override"]`` holds the reason an
administrator gave, in which case the change goes through and the reason is written to
the audit trail in the same transaction. Rows written with Core ``insert()``/``update()``
(bulk demo data) bypass the ORM and are not checked.

Records that live across months (a window matter registered in May and finished in June)
may name several date columns and the columns whose change alters the month's figures::

    class WindowRegistration(Base):
        __month_field__ = ("registered_on", "result_date")
        __month_watch__ = ("channel", "matter_type_id", "handling", "person_id")

A new or deleted record is checked against every named date. A change is checked against
the old and new value of each date column it changes, and — when it changes other columns
(only those in ``__month_watch__``, if the model names them) — against the first date.
So finishing in June a matter registered in May is allowed; changing its channel is not.

Rows without a date of their own that count with a dated parent (the workers and persons met
of a visit) name the parent and the foreign-key attribute that points to it::

    class VisitWorker(Base):
        __month_parent__ = (Visit, "visit_id")  # or ("Visit", "visit_id")

A new, changed or deleted child is checked against every date of its parent (the old value too,
when the parent's date changes in the same flush). A child whose parent is itself new or deleted
in the same flush is left to the parent's own check.

Bulk ``update()``/``delete()`` statements through a session are refused on audited tables
(``data/audit.py``), so they cannot slip past the lock either.

The listener is installed once on SQLAlchemy's ``Session`` class by ``install_global()``,
called when ``data/models/report.py`` is imported (every model module is imported at start-up).

Across PCs (a PostgreSQL server, issue 19): SQLite's ``BEGIN IMMEDIATE`` made the check and the write one
step. On a server a transaction that changes dated records takes a shared advisory lock before it reads
the locked months, and one that locks a month (a new or changed ``LockedMonth``) the exclusive one, both
held to the commit: a change and the month's locking never pass each other.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..errors import UserError

OVERRIDE_KEY = "month_override"
_installed = False


class MonthLocked(UserError):
    """A change touches a reported month; ``months`` are the "YYYY-MM" concerned."""

    def __init__(self, message: str, months: tuple[str, ...], field: str | None = None):
        super().__init__(message, field=field)
        self.months = months


def month_key(value: date | datetime) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def month_text(key: str) -> str:
    year, month = key.split("-")
    return f"{int(year)}年{int(month)}月"


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _fields(cls) -> tuple[str, ...]:
    fields = getattr(cls, "__month_field__", None)
    return (fields,) if isinstance(fields, str) else tuple(fields or ())


def _current(obj, field: str) -> list[tuple[str, date]]:
    day = _as_date(getattr(obj, field, None))
    return [(field, day)] if day else []


def _update_dates(obj, fields: tuple[str, ...]) -> list[tuple[str, date]]:
    state = inspect(obj)
    changed = {a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()}
    found = []
    for field in fields:
        if field in changed:
            history = state.attrs[field].history
            found += [(field, d) for d in map(_as_date, (*history.deleted, *history.added)) if d]
    others = changed - set(fields)
    watch = getattr(type(obj), "__month_watch__", None)
    if others and (watch is None or others & set(watch)):
        found += _current(obj, fields[0])
    return found


def _dates(obj, fields: tuple[str, ...], action: str) -> list[tuple[str, date]]:
    """(date column, date) pairs the change touches."""
    if action == "update":
        return _update_dates(obj, fields)
    return [pair for field in fields for pair in _current(obj, field)]


def _parent_spec(cls) -> tuple[type, str] | None:
    spec = getattr(cls, "__month_parent__", None)
    if spec is None:
        return None
    parent, fk = spec
    if isinstance(parent, str):
        from .base import Base
        parent = next(m.class_ for m in Base.registry.mappers if m.class_.__name__ == parent)
    return parent, fk


def _pending_parent(session: Session, parent_cls: type, obj):
    """A child appended to a parent's collection: its foreign key is filled in only by the flush."""
    for candidate in (*session.new, *session.dirty):
        if not isinstance(candidate, parent_cls):
            continue
        for rel in inspect(parent_cls).relationships:
            if rel.mapper.class_ is type(obj) and rel.uselist and obj in getattr(candidate, rel.key):
                return candidate
    return None


def _parents(session: Session, obj, action: str) -> list:
    parent_cls, fk = _parent_spec(type(obj))
    state = inspect(obj)
    ids = {getattr(obj, fk, None)}
    if action == "update":
        ids |= set(state.attrs[fk].history.deleted)
    ids.discard(None)
    with session.no_autoflush:
        found = [session.get(parent_cls, pid) for pid in sorted(ids)]
    if not ids:
        found = [_pending_parent(session, parent_cls, obj)]
    return [p for p in found if p is not None]


def _parent_dates(session: Session, obj, action: str) -> list[tuple[str, date]]:
    """The dates of the parent(s) a child row counts with; none when the parent checks itself."""
    pairs = []
    for parent in _parents(session, obj, action):
        if parent in session.new or parent in session.deleted:
            continue
        state = inspect(parent)
        for field in _fields(type(parent)):
            pairs += _current(parent, field)
            pairs += [(field, d) for d in map(_as_date, state.attrs[field].history.deleted) if d]
    return pairs


def _touched(session: Session):
    """(action, object, (date column, date) pairs) for each change the lock must look at."""
    for action, objs in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objs:
            fields = _fields(type(obj))
            child = _parent_spec(type(obj)) is not None
            if not fields and not child:
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            pairs = _dates(obj, fields, action) if fields else []
            if child:
                pairs += _parent_dates(session, obj, action)
            yield action, obj, pairs


MONTH_LOCK_KEY = 0x53424457_0002  # pg_advisory_xact_lock(_shared): changes of dated records vs. locking a month


def _server_lock(session: Session, shared: bool) -> None:
    from sqlalchemy import text

    from .backend import is_server
    conn = session.connection()
    if is_server(conn):
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        conn.execute(text(f"SELECT {function}(:key)"), {"key": MONTH_LOCK_KEY})


_CHECKED = "month_lock.checked"  # session.info: (the transaction, months found open in it)


def _locked(session: Session, months: set[str]) -> set[str]:
    """The reported (locked) months among ``months``. A month found open stays open until this transaction
    ends (it holds the shared lock on a server; SQLite's ``BEGIN IMMEDIATE`` makes it the only writer), so
    a later flush of the same transaction asks only about months not asked yet: a save flushing twice (a
    registration, then its steps) takes the lock and reads the table once."""
    from .models.report import LockedMonth
    transaction = session.get_transaction()
    checked = session.info.get(_CHECKED)
    if checked is None or checked[0] is not transaction:
        checked = (transaction, set())
        session.info[_CHECKED] = checked
        _server_lock(session, shared=True)
    open_months: set[str] = checked[1]
    asked = months - open_months
    if not asked:
        return set()
    rows = session.connection().execute(select(LockedMonth.month).where(LockedMonth.month.in_(sorted(asked))))
    locked = {r[0] for r in rows}
    open_months.update(asked - locked)
    return locked


def _field_label(obj, field: str) -> str | None:
    column = inspect(type(obj)).columns.get(field)
    if column is None and _parent_spec(type(obj)) is not None:  # a child: the parent's date column
        column = inspect(_parent_spec(type(obj))[0]).columns.get(field)
    return column.info.get("label") if column is not None else None


def _override_refusal(session: Session) -> str | None:
    """Why this session may not change a reported month (None when it may): the acting user's role,
    read from the database, must allow ``Permission.MONTH_OVERRIDE`` (domain/permissions.py, the
    table the services enforce); the program's own work (``as_system``) may."""
    from ..domain.labels import Role
    from ..domain.permissions import SYSTEM_KEY, Permission, allowed
    from .models.users import User
    if session.info.get(SYSTEM_KEY):
        return None
    actor = session.info.get("actor")
    row = None
    if actor is not None and actor.user_id is not None:
        row = session.connection().execute(select(User.role, User.disabled).where(User.id == actor.user_id)).first()
    if row is None or row.disabled:
        return "没有登录的用户，不能修改该月的记录。"
    role = Role(row.role)
    if not allowed(role, Permission.MONTH_OVERRIDE):
        return f"“{role.short}”角色不能{Permission.MONTH_OVERRIDE.label}，请联系管理员（站长/副站长）。"
    return None


def _refuse(obj, field: str, day: date, month: str) -> MonthLocked:
    label = getattr(type(obj), "__label__", type(obj).__name__)
    return MonthLocked(f"{month_text(month)}已报送县(区)民政局（{label}，日期 {day:%Y-%m-%d}），"
                       "修改需要管理员确认并填写原因。", (month,), field=_field_label(obj, field))


def _record_override(session: Session, action: str, obj, month: str, reason: str) -> None:
    from . import audit
    verb = {"insert": "新增", "update": "修改", "delete": "删除"}[action]
    label = getattr(type(obj), "__label__", type(obj).__name__)
    state = inspect(obj)
    record = "/".join(str(v) for v in state.identity) if state.identity else ""
    audit.record_event(session, state.mapper.local_table.name, record,
                       f"{verb}已报送月份（{month_text(month)}）的{label}：{reason}",
                       {"month": month, "reason": reason, "action": action})


def _before_flush(session: Session, _context, _instances) -> None:
    from .models.report import LockedMonth
    if any(isinstance(obj, LockedMonth) for obj in (*session.new, *session.dirty, *session.deleted)):
        _server_lock(session, shared=False)  # before any shared one of this transaction (no upgrade)
        session.info.pop(_CHECKED, None)  # a month this transaction locks is asked about again
    touched = list(_touched(session))
    months = {month_key(d) for *_, pairs in touched for _f, d in pairs}
    if not months:
        return
    locked = _locked(session, months)
    if not locked:
        return
    reason = (session.info.get(OVERRIDE_KEY) or "").strip()
    for action, obj, pairs in touched:
        hit = sorted((d, f) for f, d in pairs if month_key(d) in locked)
        if not hit:
            continue
        day, field = hit[0]
        month = month_key(day)
        if not reason:
            raise _refuse(obj, field, day, month)
        refusal = _override_refusal(session)
        if refusal is not None:
            raise MonthLocked(f"{month_text(month)}已报送；{refusal}", (month,))
        _record_override(session, action, obj, month, reason)


def install_global() -> None:
    """Listen on every Session (idempotent)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _before_flush)
        _installed = True


def set_override(session: Session, reason: str) -> None:
    """Let this session change records of locked months; the reason goes to the audit trail."""
    text = (reason or "").strip()
    if len(text) < 4:
        raise UserError("修改已报送月份的记录需要填写原因（至少 4 个字）。", field="原因")
    if len(text) > 150:
        raise UserError("原因不能超过 150 个字。", field="原因")
    session.info[OVERRIDE_KEY] = text
