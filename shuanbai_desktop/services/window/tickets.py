"""Ticket numbers (受理编号) like ``20261128-003``: unique, readable, never reused.

Within the database the number is unique (a constraint) and registrations are never
deleted, only voided. The danger is a restore: a backup taken at 10:00 and restored at
15:00 the same day knows nothing of the tickets handed out in between, and would hand
out ``-003`` again. Two guards:

1. A ledger file beside the database (``<name>-window-tickets.json``, no personal data)
   keeps the last number issued on this computer. A restore replaces the database but
   not the ledger, so the next number continues after the last one really issued.
2. The restore leaves an audit event in the restored database. When the first ticket of
   the day after a same-day restore is issued and the ledger knows nothing of today (it
   is gone too, e.g. on a new computer), the sequence jumps to the next hundred
   (``-101``), well clear of numbers handed out in the lost part of the day.

On a PostgreSQL server there is no ledger: many PCs issue numbers, and a file in the shared folder
written under the day's lock would make every PC's registration wait for a network write. There the
restore itself knows the last number: the database it replaces is still readable, so the restore event
carries the day's highest number (``last_ticket``, read by ``last_issued`` before the restore), and the
first number after it continues from there. A restore event without it (nothing readable to ask) jumps
to the next hundred as above.

Numbers only ever need to be unique within a day: the date prefix keeps days apart.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from ... import paths
from ...data.backend import is_server
from ...data.db import session_path
from ...data.models import AuditEntry
from ...data.models.window import WindowRegistration
from ...data.numbering import lock_series, starting_with
from ..backup import LAST_TICKET

log = logging.getLogger(__name__)
RESTORE_SUMMARY = "从备份恢复%"
JUMP = 100


def ledger_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.stem}-window-tickets.json")


def _prefix(day: date) -> str:
    return f"{day:%Y%m%d}-"


def format_ticket(day: date, seq: int) -> str:
    return f"{_prefix(day)}{seq:03d}"


def _seq(ticket: str | None, day: date) -> int:
    if not ticket or not ticket.startswith(_prefix(day)):
        return 0
    try:
        return int(ticket.split("-", 1)[1])
    except ValueError:
        return 0


def _read_ledger(path: Path | None) -> str | None:
    if path is None or not path.exists():
        return None
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["last_ticket"])
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("ticket ledger %s unreadable; relying on the database alone", path.name)
        return None


def _write_ledger(path: Path | None, ticket: str) -> None:
    if path is None:
        return
    tmp = path.with_name(path.name + ".tmp")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump({"last_ticket": ticket}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        paths.make_private(tmp)  # every account of a shared station writes it too
        os.replace(tmp, path)
    except OSError as exc:  # the database constraint still keeps numbers unique
        log.warning("ticket ledger not written: %s", exc)
        tmp.unlink(missing_ok=True)


def _db_max(session: Session, day: date) -> int:
    prefix = _prefix(day)
    seq = func.substr(WindowRegistration.ticket_no, len(prefix) + 1)
    return session.scalar(select(func.max(cast(seq, Integer)))
                          .where(starting_with(WindowRegistration.ticket_no, prefix))) or 0


def last_issued(session: Session, day: date) -> str | None:
    """The highest number of ``day`` in the database (None: none yet): what a restore notes before it
    replaces the database (``LAST_TICKET``)."""
    seq = _db_max(session, day)
    return format_ticket(day, seq) if seq else None


def _restore_floor(session: Session, day: date) -> int | None:
    """After a restore today with no registration since: the number to continue after (the restore event's
    ``LAST_TICKET``, or the next hundred's start when the event does not know it). None: no such restore."""
    start = datetime.combine(day, time())
    event = session.execute(select(AuditEntry.at, AuditEntry.changes).where(
        AuditEntry.table_name == "backup", AuditEntry.summary.like(RESTORE_SUMMARY), AuditEntry.at >= start)
        .order_by(AuditEntry.at.desc()).limit(1)).first()
    if event is None:
        return None
    later = session.scalar(select(func.count()).where(WindowRegistration.registered_at >= event.at,
                                                      WindowRegistration.registered_on == day))
    if later:
        return None
    try:
        noted = json.loads(event.changes).get(LAST_TICKET)
    except (ValueError, AttributeError):
        noted = None
    if noted is None:
        return (_db_max(session, day) // JUMP + 1) * JUMP
    return _seq(str(noted), day)


def next_ticket(session: Session, day: date) -> str:
    """Allocate the next number of ``day`` (and, on one PC, note it in the ledger) before the caller commits.
    The day's series is locked first (``data/numbering``): a second writer on a server waits and then sees
    this one. On a server the restore check runs before the lock (it does not depend on it: the floor is a
    lower bound, taken together with the highest number read under the lock)."""
    if is_server(session.get_bind()):
        floor = _restore_floor(session, day) or 0
        lock_series(session, f"window_ticket:{day:%Y%m%d}")
        return format_ticket(day, max(_db_max(session, day), floor) + 1)
    lock_series(session, f"window_ticket:{day:%Y%m%d}")
    path = ledger_path(db) if (db := session_path(session)) else None
    from_ledger = _seq(_read_ledger(path), day)
    seq = max(_db_max(session, day), from_ledger)
    if not from_ledger:
        seq = max(seq, _restore_floor(session, day) or 0)
    ticket = format_ticket(day, seq + 1)
    _write_ledger(path, ticket)
    return ticket
