"""Changing a record of a month already reported (已报送): the administrator's reason.

The month lock (``data/month_lock.py``) refuses a change in a reported month unless the session
carries a reason. Screens and services set it only through ``month_lock_override``, which requires
``Permission.MONTH_OVERRIDE`` first; the lock's flush listener checks the acting user's role against
the same table again, so a reason put into the session by other means does not help either.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ...data.month_lock import set_override
from ..permissions import Permission, require


def month_lock_override(session: Session, reason: str) -> None:
    """Let this session change records of reported months; each change is audited with ``reason``."""
    require(session, Permission.MONTH_OVERRIDE)
    set_override(session, reason)
