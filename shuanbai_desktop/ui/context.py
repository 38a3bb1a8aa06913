"""What every screen gets: the database, the logged-in user, the station."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..data.db import Database
from ..services.auth import UserInfo
from ..services.permissions import Permission, allowed
from ..services.station import StationInfo


@dataclass
class AppContext:
    db: Database
    user: UserInfo
    station: StationInfo
    # Called by a screen that replaced the database (restore): the app closes the
    # main window and shows the log-in again on the new database.
    request_relogin: Callable[[Database], None] = field(default=lambda db: None)

    # The administrator's reason for changing a record of a reported month, given once after a
    # refusal (ui/report/month_override.py) and used by the next save only.
    month_override: str | None = None

    def can(self, permission: Permission) -> bool:
        """Whether to offer an action: the same table the services enforce (services/permissions.py)."""
        return allowed(self.user.role, permission)

    @contextmanager
    def session(self):
        """One transaction, audited as the logged-in user."""
        reason, self.month_override = self.month_override, None
        with self.db.session(self.user.actor) as session:
            if reason:
                from ..services.report import month_lock_override
                month_lock_override(session, reason)  # Permission.MONTH_OVERRIDE
            yield session
