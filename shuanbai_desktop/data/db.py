"""A database handle: its path, engine and session factory, one session per user action.

The engine (and with it SQLAlchemy, the models and the audit trail) is made when it is first needed,
so that the GUI's first window does not wait for them (docs/decisions.md, “Start-up”). A handle whose
integrity check still runs in the background (``hold_until_checked``) begins no session before that
check has passed: every session may write, so none starts on a file not yet known to be intact. The
one exception is a session begun with ``read_before_check``: it may read at once, and it commits, or
lets a file made from what it read leave the program (``wait_until_checked``), only once the check has
passed (the command line's monthly export, issue 16).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DiskFull, is_disk_full
from .engine import sqlite

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from . import audit
    from .backend import ServerTarget
    from .migrate import IntegrityCheck


def session_path(session: Session) -> Path | None:
    """The database file a session works on (None for an in-memory or URI database): the one way a
    service finds the files kept beside the database (key file, head file, ledgers). On a PostgreSQL
    server: the shared folder's anchor (``backend.ServerTarget.anchor``), whose folder holds those files."""
    from .backend import server_of
    try:
        engine = session.get_bind().engine  # the bind may be an Engine or a Connection
    except Exception:  # noqa: BLE001 - no single bind
        return None
    server = server_of(engine)
    if server is not None:
        return server.anchor
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


_CHECK_GATE = "wait_until_checked"  # session.info: the handle's wait for its check (read_before_check)


def wait_until_checked(session: Session) -> None:
    """Before a file made from the session's data leaves the program (an export moved into place): wait
    for the handle's integrity check when the session began before it had passed (``read_before_check``);
    ``DatabaseRefused`` when it failed. Does nothing in any other session (they began after the check)."""
    gate = session.info.get(_CHECK_GATE)
    if gate is not None:
        gate()


@dataclass
class Database:
    path: Path | None  # the SQLite file; None for a database on a PostgreSQL server (``server``)
    readonly: bool = False
    # The user every session acts for when no actor is passed: the command line sets it after its
    # log-in (and the tests' station fixtures to their administrator). The GUI passes its actor.
    acting_for: audit.Actor | None = None
    server: ServerTarget | None = None
    _engine: Engine | None = field(default=None, init=False, repr=False)
    _factory: sessionmaker | None = field(default=None, init=False, repr=False)
    _made: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _check: IntegrityCheck | None = field(default=None, init=False, repr=False)
    _after_check: list[Callable[[], object]] = field(default_factory=list, init=False, repr=False)
    _checking: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def anchor(self) -> Path:
        """The path the station's files are found from: the SQLite file, or on a server the anchor in
        the shared folder (``backend.ServerTarget.anchor``). What ``session_path`` gives a session."""
        if self.server is not None:
            return self.server.anchor
        assert self.path is not None
        return self.path

    @property
    def file(self) -> Path:
        """The SQLite file, for what only a file has (its backups, its key file, its encryption); on a
        server database a ``UserError`` saying whose work that is there."""
        if self.path is None:
            from ..errors import UserError
            raise UserError("站内服务器上的数据库没有本机数据库文件：它的备份与恢复用 pg_dump（见 docs/server.md），"
                            "数据加密由服务器负责。")
        return self.path

    def where(self) -> str:
        """The database for a message or the status line: the file's path or the server's address."""
        return self.server.display() if self.server is not None else str(self.path)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._make_engine()
        assert self._engine is not None
        return self._engine

    def _make_engine(self) -> None:
        from sqlalchemy.orm import sessionmaker

        from . import audit, moved_station, record_versions
        from .backend import make_server_engine
        from .engine import make_engine
        with self._made:
            if self._engine is None:
                if self.server is not None:
                    engine = make_server_engine(self.server, readonly=self.readonly)
                else:
                    assert self.path is not None
                    engine = make_engine(self.path, readonly=self.readonly)
                self._factory = sessionmaker(engine, expire_on_commit=False)
                audit.install(self._factory)
                moved_station.install(self._factory)  # a file moved to a server refuses writes
                record_versions.install()
                self._engine = engine

    # --- the integrity check behind the first window -------------------------------------------

    def hold_until_checked(self, check: IntegrityCheck, then: Callable[[], object] | None = None) -> None:
        """No session begins until ``check`` (running in the background) has passed; ``then`` runs
        once, in the thread of the first session after it passed (before that session begins)."""
        with self._checking:
            self._check = check
            self._after_check = [then] if then is not None else []

    @property
    def checked(self) -> bool:
        """True unless an integrity check is still running or has failed."""
        check = self._check
        return check is None or check.passed

    def wait_checked(self, again_if_cancelled: bool = True) -> None:
        """Block until the background integrity check (if any) has ended; ``DatabaseRefused`` (the
        start-up's own message) when it failed, every time it is asked. A check cancelled by
        ``close()`` is run again here, unless ``again_if_cancelled`` is False (then this returns)."""
        check = self._check
        if check is None:
            return
        if not check.wait(again_if_cancelled):
            return
        with self._checking:
            if self._check is not check:
                return
            hooks, self._after_check = self._after_check, []
            for hook in hooks:
                hook()
            self._check = None

    @contextmanager
    def session(self, actor: audit.Actor | None = None, read_before_check: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        A full disk (SQLITE_FULL, in a statement or at COMMIT) becomes ``DiskFull`` once the
        transaction is rolled back: nothing of the block is in the file.

        ``read_before_check``: begin at once even while the integrity check still runs; the commit
        waits for it (a failed check: ``DatabaseRefused``, and the block is rolled back), and so does
        an error of the block (what a damaged file made go wrong is reported as the damage).
        """
        from sqlalchemy.exc import DBAPIError
        from sqlalchemy.orm.exc import StaleDataError
        check = self._check
        early = read_before_check and check is not None and not check.done
        if not early:
            self.wait_checked()
        if self._factory is None:
            self._make_engine()
        assert self._factory is not None
        try:
            with self._factory() as session, session.begin():
                actor = actor or self.acting_for
                if actor is not None:
                    session.info["actor"] = actor
                if not early:
                    yield session
                else:
                    session.info[_CHECK_GATE] = self.wait_checked
                    try:
                        yield session
                    except BaseException:
                        self.wait_checked()
                        raise
                    self.wait_checked()  # nothing is committed to a file not yet known to be intact
        except StaleDataError as exc:  # a row someone else changed since it was read: data/record_versions.py
            from .record_versions import from_stale
            raise from_stale(session.info, str(exc), self.session) from exc
        except (DBAPIError, sqlite.Error, OSError) as exc:
            if is_disk_full(exc):
                raise DiskFull() from exc
            raise

    def close(self) -> None:
        check = self._check
        if check is not None:
            check.cancel()  # stops within moments; the file was only read
        if self._engine is not None:
            from .audit import write_waiting_head  # a server's head file waiting to be written (audit.py)
            write_waiting_head(self._engine)
            self._engine.dispose()
