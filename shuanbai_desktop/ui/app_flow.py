"""The order of screens: set-up wizard (first start) → log-in → main window → log-in again or exit.

Nothing here blocks (dialogs are opened, not exec'd), so tests drive the same flow as users.
The first window comes before SQLAlchemy, the models and the services are loaded, and before the
integrity check of the file has ended: both go on behind it (``start`` → ``_prepare``); a file that
fails the check closes the window and is refused (``refused``), as at the start-up checks.

A station on a PostgreSQL server (``server``: ``--db URL``, ``SHUANBAI_DB`` or the server remembered on this
PC, ``server_choice``) is opened first; when it cannot be used the start asks 重试 / 改用其他服务器… / 退出
(``ui/server_dialogs.py``), never opening an empty station instead. The wizard's 连接站内服务器 ends in the
log-in of the server's station, and the choice is remembered for the next start.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..data.db import Database
from ..errors import DatabaseRefused, UserError
from ..services import opening
from . import background, messages
from .login_dialog import LoginDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from ..data.backend import ServerTarget
    from ..data.lock import InstanceLock
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

    def __init__(self, db: Database | None, clock: Callable[[], datetime] | None = None,
                 idle_timeout_ms: int | None = None, path: Path | None = None,
                 state: opening.FileState | None = None, server: ServerTarget | None = None,
                 offer_server: bool = False):
        """``db``: the database when it is open already (a plain file; tests); otherwise ``path`` and its
        ``state`` (``opening.inspect``): a new file gets the set-up wizard, an encrypted one the log-in
        that unlocks it; or ``server``, opened by ``start``. ``offer_server``: the wizard of a new file
        offers 连接站内服务器 (a first start without ``--db``)."""
        super().__init__()
        self.db = db
        self._server = server
        self._offer_server = offer_server
        self.unreachable: QMessageBox | None = None  # the start's question when the server cannot be used
        self.path = path if path is not None else db.path if db is not None else None
        self._state = state
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
        self._station_lock: InstanceLock | None = None  # the shared station's lock, when the wizard made it

    def start(self) -> None:
        """The first window (its title read straight from the file, or the key file), then the rest behind it."""
        if self.db is None and self._server is not None:
            self._open_server()
            return
        if self.db is not None:
            if opening.station_name(self.db) is None:
                self.show_wizard()
            else:
                self.show_login()
        elif self._state is None or self._state.kind is opening.FileKind.NEW:
            self.show_wizard()
        else:
            self.show_login()
        QTimer.singleShot(0, self._prepare)  # once the window has had its first turn of the event loop

    def _open_server(self) -> None:
        """The server's database, then the first window; or the question when it cannot be used."""
        from ..services import server_prepare
        from .widgets import busy_cursor
        target = self._server
        assert target is not None
        try:
            if not target.shared_dir.is_dir() and not target.shared_dir.parent.is_dir():
                raise UserError(f"找不到各电脑共用的文件夹“{target.shared_dir}”（网络共享没有连上，或服务器电脑关着）。")
            with busy_cursor():
                db = opening.open_app_database(target)
                try:
                    server_prepare.check_opened_station(db)
                except BaseException:
                    db.close()
                    raise
            self.db = db
        except UserError as exc:
            log.warning("the station server cannot be used at the start")
            self._ask_what_now(target, exc.message)
            return
        self.start()

    def _ask_what_now(self, target: ServerTarget, message: str) -> None:
        from .server_dialogs import unreachable_box
        self.unreachable = unreachable_box(target, message)
        self.unreachable.finished.connect(self._answered)
        self.unreachable.open()

    def _answered(self, _result: int) -> None:
        from .server_dialogs import Unreachable, answer
        box, self.unreachable = self.unreachable, None
        assert box is not None
        choice = answer(box)
        box.deleteLater()
        if choice is Unreachable.RETRY:
            QTimer.singleShot(0, self._open_server)
        elif choice is Unreachable.OTHER:
            self.show_wizard(server_hint=self._server)
            QTimer.singleShot(0, self._prepare)
        else:
            self.quit(0)

    def _prepare(self) -> None:
        if self._preparing is not None or self._closed or self._refusing:
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
        if self._refusing:  # refused already (the log-in met the same failed check)
            return
        if not isinstance(exc, UserError):  # a bug: the log-in's own session meets it again and says so
            log.error("preparing the database behind the first window failed", exc_info=exc)
            return
        self._refusing = True  # the dialogs' rejected signal must not run the normal exit
        for dialog in (self.wizard, self.login):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
        if self.db is not None:
            self.db.close()
        self.refused.emit(exc.message)

    def _station(self) -> station.StationInfo | None:
        from ..services import station
        with self.db.session() as session:
            return station.get_station(session)

    def show_wizard(self, server_hint: ServerTarget | None = None) -> None:
        from .. import paths
        from .setup_wizard import SetupWizard
        shared = paths.shared_choice(self.path) if self.db is None and self.path is not None else None  # 本站数据给谁用
        self.wizard = SetupWizard(self.db if self.db is not None else self.path, clock=self._clock,
                                  shared_path=shared, offer_server=self._offer_server and self.db is None,
                                  server_hint=server_hint)
        self.wizard.accepted.connect(self._wizard_done)  # bound methods, not lambdas: no GC cycles
        self.wizard.rejected.connect(self._cancelled)
        self.wizard.open()

    def _wizard_done(self) -> None:
        from .. import server_choice
        wizard = self.wizard
        self.db = wizard.db
        self.path = wizard.db.path if wizard.db is not None else self.path
        if wizard.on_server and wizard.server is not None:  # the next start goes there without asking
            self._server = wizard.server
            server_choice.remember(wizard.server_url, wizard.server.shared_dir)
        if wizard.lock is not None:  # made in the PC's shared folder: that file's lock, held to the end
            self._station_lock = wizard.lock
        if wizard.recovery_code and wizard.station is not None and wizard.made_at is not None:
            self._show_recovery_code(wizard.station.name, wizard.recovery_code, wizard.made_at,
                                     lambda: self.show_login(wizard.admin_username), on_server=wizard.on_server)
        else:
            self.show_login(wizard.admin_username)

    def _show_recovery_code(self, station_name: str, code: str, made_at: datetime, then: Callable[[], None],
                            on_server: bool = False) -> None:
        """The new recovery code, to print or write down, before anything else goes on."""
        from .recovery_dialog import RecoveryCodeDialog
        self.recovery_dialog = RecoveryCodeDialog(station_name, code, made_at, on_server=on_server)
        self.recovery_dialog.finished.connect(lambda _result: then())
        self.recovery_dialog.open()

    def _title(self) -> str:
        if self.db is not None:
            return opening.station_name(self.db) or ""
        return self._state.station_name or "" if self._state is not None else ""

    def show_login(self, username: str = "") -> None:
        self.login = LoginDialog(self.db, self._title(), username, self._clock, path=self.path)
        self.login.accepted.connect(self._logged_in)
        self.login.rejected.connect(self._cancelled)
        self.login.refused.connect(self._login_refused)
        self.login.open()

    def _login_refused(self, message: str) -> None:
        """The file the log-in opened (an encrypted one, checked once unlocked) failed its checks: the
        window is closed and the file refused, as when the check behind the first window fails."""
        if self.db is None and self.login is not None:
            self.db = self.login.db
        self._prepare_failed(DatabaseRefused(message))

    def _cancelled(self) -> None:
        if not self._refusing:
            self.quit(0)

    def _logged_in(self) -> None:
        from ..domain.labels import Role
        from ..services import encryption
        user: UserInfo = self.login.user
        self.db = self.login.db
        password = self.login.take_password()
        self.login = None
        if encryption.needs_encrypting(self.db):
            if user.role is Role.ADMIN:
                self._encrypt(user, password)
                return
            messages.info(None, "本版本会对数据库加密保存，需要管理员登录一次来完成。请告知管理员。", "数据库尚未加密")
        elif user.role is Role.ADMIN and self.db.path is not None:  # a server's: no files of its own
            plain = encryption.plain_backups(self.db.path)
            if plain:  # left from the upgrade (kept then, or made by the command line's)
                self._after_encrypting(user, plain)
                return
        self._open_main_window(user)

    def _encrypt(self, user: UserInfo, password: str) -> None:
        """The upgrade of a plain database at the administrator's log-in (services/encryption.py)."""
        from ..services import encryption
        from .login_dialog import wall_clock
        db, at = self.db, (self._clock() if self._clock else wall_clock())
        try:
            done = background.run_with_progress(
                None, "正在加密数据库（先做一份备份）……",
                lambda progress: encryption.encrypt_plain(db, user, password, at, progress), "数据库加密")
        except UserError as exc:
            messages.error(None, f"数据库加密没有完成：{exc.message}\n数据保持原样（未加密），下次管理员登录时会再试。",
                           "加密未完成")
            self._open_main_window(user)
            return
        self.db = done.db
        station_name = opening.station_name(self.db) or ""
        self._show_recovery_code(station_name, done.recovery_code, done.made_at,
                                 lambda: self._after_encrypting(user, done.plain_backups))

    def _after_encrypting(self, user: UserInfo, plain_backups: list[Path]) -> None:
        """The backups made before the encryption: removed securely when the administrator agrees; kept,
        the question comes again only when their number changes (``local_settings``)."""
        from ..services import encryption
        from .local_settings import local_settings
        store, key = local_settings(), f"plain_backups_kept/{encryption.station_key_id(self.db.path)}"
        if plain_backups and int(store.value(key, -1)) != len(plain_backups):
            if messages.confirm(
                    None, f"数据库已加密。加密之前做的 {len(plain_backups)} 份备份仍是未加密的，任何人拿到都能读出全部数据。\n"
                          "它们也是现在仅有的未加密副本：删除后，只能用账户密码或恢复码打开数据。\n\n"
                          "现在安全删除这些未加密的备份吗？（选“否”则保留，数量不变时不再询问）", "未加密的旧备份"):
                removed = encryption.remove_plain_backups(plain_backups, self.db.path)
                messages.info(None, f"已安全删除 {removed} 份未加密的备份。", "完成")
                store.remove(key)
            else:
                store.setValue(key, len(plain_backups))
        self._open_main_window(user)

    def _open_main_window(self, user: UserInfo) -> None:
        from .context import AppContext
        from .main_window import MainWindow
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
        if self.db is not None:
            self.db.close()  # a check still running behind the first window is stopped first
        if self._station_lock is not None:
            self._station_lock.release()
            self._station_lock = None
        self.finished.emit(code)
