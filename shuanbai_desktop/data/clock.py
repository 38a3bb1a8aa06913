"""The time the program writes down, without loading the database layer (the command line unlocks an
encrypted station with it before SQLAlchemy is imported; ``data.base`` offers it to everything else)."""

from __future__ import annotations

from datetime import datetime


def now() -> datetime:
    """Local wall-clock time without microseconds: what the station's staff read."""
    return datetime.now().replace(microsecond=0)
