"""The order of screens: set-up wizard (first start) → log-in → main window → log-in again or exit.

Nothing here blocks (dialogs are opened, not exec'd), so tests drive the same flow as users.
The first window comes before SQLAlchemy, the models and the services are loaded, and before the
integrity check of the file has ended: both go on behind it (``start`` → ``_prepare``); a file that
fails the check closes the window and is refused (``refused``), as at the start-up checks.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..data.db import Database
from ..errors import UserError
from ..services import opening
from . import background, messages
from .login_dialog import LoginDialog

if TYPE_CHECKING:
    from ..services import station
    from ..services.auth import UserInfo
    from .main_window import MainWindow
    from .setup_wizard import SetupWizard

log = logging.getLogger(__name__)


class AppFlow(QObject):
    """``finished(code)`` once the user has left; the database is closed by then. ``refused(message)``
    when the file failed its integrity check behind the first window (the window is closed, the
    database too). ``prepared`` once the check has passed and the log-in's code is loaded."""

    finished = Signal(int)
    refused = Signal(str)
    prepared = Signal()

    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None,
                 idle_timeout_ms: int | None = None):
        super().__init__()
        self.db = db
        self._clock = clock
        self._idle_ms = idle_timeout_ms
        self.wizard: SetupWizard | None = None
        self.login: LoginDialog | None = None
        self.window: MainWindow | None = None
        self._checks: background.Job | None = None  # the background full check of new backups
        self._stop_checks = threading.Event()
        self._preparing: background.Job | None = None
        self.is_prepared = False
        self._refusing = False
        self._closed = False

    def start(self) -> None:
        """The first window (its title read straight from the file), then the rest behind it."""
        if opening.station_name(self.db) is None:
            self.show_wizard()
        else:
            self.show_login()
        QTimer.singleShot(0, self._prepare)  # once the window has had its first turn of the event loop

    def _prepare(self) -> None:
        if self._preparing is not None or self._closed:
            return
        db = self.db
        self._preparing = background.Job(self)
        self._preparing.finished.connect(self._prepared)
        self._preparing.failed.connect(self._prepare_failed)
        self._preparing.start(lambda _progress: opening.load_behind_first_window(db))

    @Slot(object)
    def _prepared(self, _result: object) -> None:
        self.is_prepared = True
        self.prepared.emit()

    @Slot(object)
    def _prepare_failed(self, exc: Exception) -> None:
        if not isinstance(exc, UserError):  # a bug: the log-in's own session meets it again and says so
            log.error("preparing the database behind the first window failed", exc_info=exc)
            return
        self._refusing = True  # the dialogs' rejected signal must not run the normal exit
        for dialog in (self.wizard, self.login):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
        self.db.close()
        self.refused.emit(exc.message)

    def _station(self) -> station.StationInfo | None:
        from ..services import station
        with self.db.session() as session:
            return station.get_station(session)

    def show_wizard(self) -> None:
        from .setup_wizard import SetupWizard
        self.wizard = SetupWizard(self.db)
        self.wizard.accepted.connect(self._wizard_done)  # bound methods, not lambdas: no GC cycles
        self.wizard.rejected.connect(self._cancelled)
        self.wizard.open()

    def _wizard_done(self) -> None:
        self.show_login(self.wizard.admin_username)

    def show_login(self, username: str = "") -> None:
        self.login = LoginDialog(self.db, opening.station_name(self.db) or "", username, self._clock)
        self.login.accepted.connect(self._logged_in)
        self.login.rejected.connect(self._cancelled)
        self.login.open()

    def _cancelled(self) -> None:
        if not self._refusing:
            self.quit(0)

    def _logged_in(self) -> None:
        from .context import AppContext
        from .main_window import MainWindow
        user: UserInfo = self.login.user
        self.login = None
        self.auto_backup(on_exit=False)
        ctx = AppContext(self.db, user, self._station(), request_relogin=self._relogin)
        self.window = MainWindow(ctx, self._idle_ms)
        self.window.closed.connect(self._window_closed)
        self.window.show()
        self.start_backup_checks()

    def start_backup_checks(self) -> None:
        """The full check of backups still pending (the last exit backup, …), in a background thread
        once the window is up; stopped (and left pending for next time) when the window closes."""
        from ..services import database_ops
        self.stop_backup_checks()
        self._stop_checks = threading.Event()
        db, stop = self.db, self._stop_checks.is_set
        self._checks = background.Job(self)
        self._checks.failed.connect(self._checks_failed)
        self._checks.start(lambda _progress: database_ops.check_pending_backups(db, stop))

    def stop_backup_checks(self) -> None:
        """Ask the check to stop and wait for it: it stops within moments, whatever the file's size."""
        self._stop_checks.set()
        if self._checks is not None:
            self._checks.wait()
            self._checks = None

    @Slot(object)
    def _checks_failed(self, exc: Exception) -> None:
        log.error("background check of backups failed", exc_info=exc)

    def _relogin(self, db: Database) -> None:
        """A screen replaced the database (restore) or the user's role: log in again."""
        self.db = db
        QTimer.singleShot(0, self._finish_for_relogin)

    def _finish_for_relogin(self) -> None:
        if self.window is not None:
            self.window.finish("relogin")

    def _window_closed(self, reason: str) -> None:
        username = self.window.ctx.user.username if reason != "exit" else ""
        closed_window, self.window = self.window, None
        self.stop_backup_checks()
        try:
            if reason != "relogin":  # after a restore the data are the backup's: nothing new to keep
                self.auto_backup(on_exit=True)
        finally:
            # Deleted only now: the backup's progress dialog runs a local event loop, which would
            # delete the window in the middle of its own ``closed`` signal (later slots never ran).
            closed_window.deleteLater()
            if reason == "exit":
                self.quit(0)
            else:
                self.show_login(username if reason == "relogin" else "")

    def auto_backup(self, on_exit: bool) -> None:
        """The daily backup after log-in, the exit backup when data changed, under a progress dialog;
        closing waits for the copy and its quick checks only (the full check comes later, in the
        background). A failure is said, not fatal."""
        from ..services import database_ops
        failure = ""
        db = self.db
        try:
            background.run_with_progress(
                None, "正在备份数据……", lambda _progress: database_ops.maybe_backup(db, on_exit=on_exit), "备份")
        except UserError as exc:
            failure = exc.message
        except OSError:
            log.exception("automatic backup failed")
            failure = "备份文件夹无法写入（可能是磁盘已满或没有写入权限）。"
        if failure:
            messages.error(None, f"自动备份没有完成：{failure}\n请稍后在“设置 → 备份与恢复”中手动备份。", "备份未完成")

    def quit(self, code: int) -> None:
        self._closed = True
        self.stop_backup_checks()
        self.db.close()  # a check still running behind the first window is stopped first
        self.finished.emit(code)
