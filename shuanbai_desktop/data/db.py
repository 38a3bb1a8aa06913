"""A database handle: its path, engine and session factory, one session per user action."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from . import audit
from .engine import make_engine


@dataclass
class Database:
    path: Path
    readonly: bool = False
    engine: Engine = field(init=False)
    _factory: sessionmaker = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.path, readonly=self.readonly)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        audit.install(self._factory)

    @contextmanager
    def session(self, actor: audit.Actor | None = None) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._factory() as session, session.begin():
            if actor is not None:
                session.info["actor"] = actor
            yield session

    def close(self) -> None:
        self.engine.dispose()
