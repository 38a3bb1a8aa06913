"""Numbers that must be unique and sequential (受理编号, 档号, asset codes, case and plan numbers), on one PC
or on a station server with several writers at once.

Each series (``window_ticket:20261128``, ``archive_item:…``) has a row in ``number_series``. The writer
that hands out the series' next number first locks that row (``SELECT … FOR UPDATE``: PostgreSQL holds
the lock until the writer's transaction ends; on SQLite ``BEGIN IMMEDIATE`` already serialises every
writer and the clause is left out), and only then reads the highest number in use. A second writer
waits for the first to commit and then sees its number (READ COMMITTED reads what was committed before
each statement): no number is handed out twice and none is skipped. The numbers are those of the
series' own table (today's ``max()+1``): a number is stored nowhere else, so nothing can disagree with
the records, a backup restores both together, and the numbering rules of each series stay its own.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .models.numbering import NumberSeries


def lock_series(session: Session, series: str) -> None:
    """Hold ``series`` for this transaction: created on first use, then locked until the commit."""
    dialect = session.get_bind().dialect.name
    table = NumberSeries.__table__
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    session.execute(insert.values(series=series).on_conflict_do_nothing(index_elements=["series"]))
    session.execute(select(NumberSeries.series).where(NumberSeries.series == series).with_for_update())


def next_number(session: Session, series: str, highest_used: Callable[[], int]) -> int:
    """One more than ``highest_used()`` (the highest number of the series in its table), read once
    ``series`` is locked for this transaction: the caller stores the number before it commits."""
    lock_series(session, series)
    return highest_used() + 1


def starting_with(column, prefix: str) -> ColumnElement[bool]:
    """``column`` begins with ``prefix``, as a range of its index (``prefix`` ≤ value < ``prefix`` with its
    last character's successor): what a series reads its highest number with. Not ``LIKE 'prefix%'``: on a
    server LIKE is ILIKE (data/backend.py), which reads the whole table, and it would do so while the series
    is locked and every other PC's next number waits. Both backends compare text by code point (SQLite's
    BINARY, the server database's collation C), so the range holds exactly the values with the prefix."""
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))
