"""What every screen gets: the database, the logged-in user, the station."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..data.db import Database
from ..services.auth import UserInfo
from ..services.station import StationInfo


@dataclass
class AppContext:
    db: Database
    user: UserInfo
    station: StationInfo
    # Called by a screen that replaced the database (restore): the app closes the
    # main window and shows the log-in again on the new database.
    request_relogin: Callable[[Database], None] = field(default=lambda db: None)

    def session(self):
        """One transaction, audited as the logged-in user."""
        return self.db.session(self.user.actor)
