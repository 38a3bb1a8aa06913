"""A database handle: its path, engine and session factory, one session per user action."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import DiskFull, is_disk_full
from . import audit
from .engine import make_engine


@dataclass
class Database:
    path: Path
    readonly: bool = False
    # The user every session acts for when no actor is passed: the command line sets it after its
    # log-in (and the tests' station fixtures to their administrator). The GUI passes its actor.
    acting_for: audit.Actor | None = None
    engine: Engine = field(init=False)
    _factory: sessionmaker = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.path, readonly=self.readonly)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        audit.install(self._factory)

    @contextmanager
    def session(self, actor: audit.Actor | None = None) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        A full disk (SQLITE_FULL, in a statement or at COMMIT) becomes ``DiskFull`` once the
        transaction is rolled back: nothing of the block is in the file.
        """
        try:
            with self._factory() as session, session.begin():
                actor = actor or self.acting_for
                if actor is not None:
                    session.info["actor"] = actor
                yield session
        except (DBAPIError, sqlite3.Error, OSError) as exc:
            if is_disk_full(exc):
                raise DiskFull() from exc
            raise

    def close(self) -> None:
        self.engine.dispose()
