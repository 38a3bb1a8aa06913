"""Engine factory: every connection gets the same PRAGMAs, every write is BEGIN IMMEDIATE.

Journal mode: rollback journal (DELETE) with ``synchronous=FULL``. The SQLite that
CPython 3.11 bundles (3.40) carries the WAL-reset bug fixed only in 3.51.3, and a
rollback journal leaves no ``-wal``/``-shm`` files to be separated from the database
by a user copying files. One writer per database is enforced by an instance lock
(``data/lock.py``). See docs/decisions.md.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is imported when the first engine is made, not by the start-up checks
    from sqlalchemy import Engine

APPLICATION_ID = 0x53424457  # "SBDW": marks a file as ours (PRAGMA application_id)
BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode=DELETE",
    "PRAGMA synchronous=FULL",
    "PRAGMA secure_delete=ON",
)


def sqlite_uri(path: Path, mode: str = "ro") -> str:
    """A SQLite URI for ``path`` with every special character quoted (``#``, ``?``, ``%``, spaces,
    Chinese). The one way a path reaches SQLite as a URI; never format ``file:{path}`` by hand."""
    return f"{Path(path).absolute().as_uri()}?mode={mode}"


def connect_readonly(path: Path, **kwargs) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``): it never creates the file and never writes to it."""
    return sqlite3.connect(sqlite_uri(path, "ro"), uri=True, **kwargs)


def _ro_creator(path: Path):
    def connect() -> sqlite3.Connection:
        return connect_readonly(path, check_same_thread=False)
    return connect


def make_engine(path: Path, readonly: bool = False) -> Engine:
    """An engine on ``path``; ``readonly`` opens the file with SQLite's ``mode=ro``."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL
    from sqlalchemy.pool import NullPool

    kwargs = {"creator": _ro_creator(path), "poolclass": NullPool} if readonly else {
        "connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}}
    # hide_parameters: a failed statement's log line never carries its values (personal data).
    engine = create_engine(URL.create("sqlite", database=str(path)), hide_parameters=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (real transactions)
        cur = dbapi_conn.cursor()
        for pragma in PRAGMAS:
            if readonly and "journal_mode" in pragma:
                continue
            cur.execute(pragma)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine
