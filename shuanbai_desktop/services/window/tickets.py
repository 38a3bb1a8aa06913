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
from ...data.db import session_path
from ...data.models import AuditEntry
from ...data.models.window import WindowRegistration
from ...data.numbering import lock_series

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
    seq = func.substr(WindowRegistration.ticket_no, len(_prefix(day)) + 1)
    return session.scalar(select(func.max(cast(seq, Integer)))
                          .where(WindowRegistration.ticket_no.like(f"{_prefix(day)}%"))) or 0


def _restored_since_last_ticket(session: Session, day: date) -> bool:
    start = datetime.combine(day, time())
    restored = session.scalar(select(func.max(AuditEntry.at)).where(
        AuditEntry.table_name == "backup", AuditEntry.summary.like(RESTORE_SUMMARY), AuditEntry.at >= start))
    if restored is None:
        return False
    later = session.scalar(select(func.count()).where(WindowRegistration.registered_at >= restored,
                                                      WindowRegistration.registered_on == day))
    return not later


def next_ticket(session: Session, day: date) -> str:
    """Allocate the next number of ``day`` and note it in the ledger before the caller commits. The day's
    series is locked first (``data/numbering``): a second writer on a server waits and then sees this one."""
    lock_series(session, f"window_ticket:{day:%Y%m%d}")
    path = ledger_path(db) if (db := session_path(session)) else None
    from_ledger = _seq(_read_ledger(path), day)
    seq = max(_db_max(session, day), from_ledger)
    if not from_ledger and _restored_since_last_ticket(session, day):
        seq = (seq // JUMP + 1) * JUMP
    ticket = format_ticket(day, seq + 1)
    _write_ledger(path, ticket)
    return ticket
