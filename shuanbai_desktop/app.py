"""GUI start-up: logging → Qt with the shipped fonts → crash dialog → instance lock → database → screens.

Only what the first window needs is imported before it is shown: the database's start-up checks
run without SQLAlchemy or Alembic (unless a migration is due), and its integrity check runs in the
background behind the window (docs/decisions.md, “Start-up”).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from . import APP_NAME, paths
from .data.lock import InstanceLock
from .errors import DatabaseRefused, UserError
from .logging_setup import setup_logging
from .ui import messages
from .ui.crash_dialog import install_excepthook
from .ui.focus_frame import install_focus_frame
from .ui.fonts import install_fonts, install_translations
from .ui.threads import install_gui_collector

if TYPE_CHECKING:
    from .data.backend import ServerTarget

log = logging.getLogger(__name__)


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)  # not the display name: Qt would append it to every title
    app.setQuitOnLastWindowClosed(False)  # between the main window and the log-in no window is open
    install_fonts(app)
    install_translations(app)
    install_gui_collector(app)
    install_focus_frame(app)  # the blue ring round whatever has the keys
    return app


def _tell(text: str, title: str, smoke_test: bool) -> None:
    """A start-up refusal for the user. ``--smoke-test`` (installer build, tests) has nobody to close a
    modal box: the message goes to stderr instead, and the exit code says the rest."""
    if smoke_test:
        print(f"SMOKE-TEST REFUSED {title}：{text}", file=sys.stderr, flush=True)
        return
    messages.error(None, text, title)


def refuse_start(message: str, smoke_test: bool = False) -> int:
    """A start refused before any database was chosen (``paths.resolve_db_path``: the PC's shared station
    this account has no rights to): said in a message box, exit code 2."""
    setup_logging()
    make_app()
    log.warning("start refused before opening a database")
    _tell(message, "无法打开数据库", smoke_test)
    return 2


def _cannot_write(folder: Path, smoke_test: bool = False) -> None:
    log.exception("cannot write in %s", folder)
    _tell(f"无法在数据库所在的文件夹中写入（没有写入权限或磁盘已满）：\n{folder}", "无法打开数据库", smoke_test)


def _take_lock(db_path: Path, smoke_test: bool = False) -> tuple[InstanceLock | None, int]:
    """The one-writer lock, or None and the exit code once the user was told why not."""
    try:
        paths.refuse_folder_as_database(db_path)
    except DatabaseRefused as exc:  # a folder where the file belongs: nothing is created beside it
        _tell(exc.message, "无法打开数据库", smoke_test)
        return None, 2
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        return InstanceLock(db_path).acquire(), 0
    except DatabaseRefused as exc:  # another window has it: not an error, and nothing is written
        _tell(exc.message, "数据库正在使用", smoke_test)
        return None, 0
    except OSError:
        _cannot_write(db_path.parent, smoke_test)
        return None, 2


def run_gui(db_path: Path, idle_timeout_ms: int | None = None, smoke_test: bool = False,
            offer_server: bool = False) -> int:
    """0 when the user left normally (or another window already has the database), 2 when it cannot open.
    ``offer_server``: a new station's wizard asks 本机数据库 / 连接站内服务器 (no ``--db`` was given)."""
    log_file = setup_logging()
    app = make_app()
    install_excepthook(log_file)
    log.info("GUI start, database %s", db_path)
    lock, code = _take_lock(db_path, smoke_test)
    if lock is None:
        return code
    try:
        return _run_with_lock(app, db_path, idle_timeout_ms, smoke_test, offer_server)
    finally:
        lock.release()


def run_gui_server(target: ServerTarget, idle_timeout_ms: int | None = None, smoke_test: bool = False) -> int:
    """The GUI on a station's PostgreSQL server (``--db URL``, ``SHUANBAI_DB`` or the server remembered on
    this PC): no instance lock (several PCs work at once); the password prompt is a dialog. A server that
    cannot be used is a question (重试 / 改用其他服务器… / 退出), never an empty station."""
    from .ui import server_dialogs
    from .ui.app_flow import AppFlow
    log_file = setup_logging()
    app = make_app()
    install_excepthook(log_file)
    log.info("GUI start, database on a server")
    server_dialogs.install()
    flow = AppFlow(None, idle_timeout_ms=idle_timeout_ms, server=target)
    flow.finished.connect(app.exit)

    def refused(message: str) -> None:
        _tell(message, "无法打开数据库", smoke_test)
        app.exit(2)

    flow.refused.connect(refused)
    if smoke_test:
        _leave_after_first_window(app, flow)
    flow.start()
    return app.exec()


def _run_with_lock(app: QApplication, db_path: Path, idle_timeout_ms: int | None,
                   smoke_test: bool = False, offer_server: bool = False) -> int:
    from .services.opening import FileKind, inspect, open_app_database
    from .ui.app_flow import AppFlow
    try:
        state = inspect(db_path)  # new, plain, or encrypted (opened by the log-in, which unlocks it)
        db = open_app_database(db_path, check_in_background=True) if state.kind is FileKind.PLAIN else None
    except UserError as exc:
        _tell(exc.message, "无法打开数据库", smoke_test)
        return 2
    except OSError:
        _cannot_write(db_path.parent, smoke_test)
        return 2
    from .data.moved_station import start_notice
    moved = start_notice(db_path)  # 迁移到服务器: the file is only read now; say where the station lives
    if moved is not None and smoke_test:
        print(f"SMOKE-TEST MOVED {moved}", file=sys.stderr, flush=True)
    elif moved is not None:
        messages.info(None, moved, "本站已迁移到服务器")
    flow = AppFlow(db, idle_timeout_ms=idle_timeout_ms, path=db_path, state=state, offer_server=offer_server)
    flow.finished.connect(app.exit)

    def refused(message: str) -> None:  # the integrity check behind the first window failed
        _tell(message, "无法打开数据库", smoke_test)
        app.exit(2)

    flow.refused.connect(refused)
    if smoke_test:
        _leave_after_first_window(app, flow)  # its first look comes before the work behind the window
    try:
        flow.start()
    except UserError as exc:  # a file SQLite cannot read at all, met reading the window's title
        if db is not None:
            db.close()
        _tell(exc.message, "无法打开数据库", smoke_test)
        return 2
    return app.exec()


def _leave_after_first_window(app: QApplication, flow) -> None:
    """``--smoke-test`` (installer/build.py): say when the first window is shown (``SMOKE-TEST SHOWN``,
    tests/benchmarks/bench_startup.py times it), report it once the work behind it is done (the
    integrity check passed: ``SMOKE-TEST OK``; failed: ``SMOKE-TEST REFUSED``, exit code 2), then close
    it as a user would (Esc/Cancel → the flow's normal exit path, exit code 0). No window, or no
    outcome, within 30 s → exit code 3."""
    deadline = time.monotonic() + 30
    shown: list[bool] = []

    def check() -> None:
        if flow.unreachable is not None and flow.unreachable.isVisible():  # the station's server cannot be used
            print(f"SMOKE-TEST REFUSED 无法连接站内服务器：{flow.unreachable.text()}", file=sys.stderr, flush=True)
            flow.unreachable.hide()  # nobody answers it: closed without an answer (an answer would quit with 0)
            app.exit(2)
            return
        window = next((w for w in (flow.wizard, flow.login) if w is not None and w.isVisible()), None)
        if window is not None and not shown:
            shown.append(True)
            print(f"SMOKE-TEST SHOWN {type(window).__name__}", flush=True)
        if window is not None and flow.is_prepared:
            print(f"SMOKE-TEST OK {type(window).__name__} {window.windowTitle()}", flush=True)
            window.reject()
        elif window is None and shown:
            return  # refused behind the window: ``refused`` has said so and ends with exit code 2
        elif time.monotonic() > deadline:
            print("SMOKE-TEST FAILED: no window within 30 s", file=sys.stderr, flush=True)
            app.exit(3)
        else:
            QTimer.singleShot(10, check)

    QTimer.singleShot(0, check)  # in the event loop, once the window had its first turn
