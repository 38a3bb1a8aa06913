"""Small helpers shared by the section builders."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from ..layout import Check, RecordRef

MAX_LISTED = 200  # records listed under one check; the count is always the full one


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def check_from_query(session: Session, query, *, key: str, sheet: str, level: str, title: str, hint: str,
                     table: str, area: str, text: Callable[..., str]) -> list[Check]:
    """A check listing the rows of ``query`` (first column the id, the rest fed to ``text``); [] if none.

    One pass over the rows: they are counted as they come and only the first ``MAX_LISTED`` are kept.
    """
    refs, count = [], 0
    for row in session.execute(query):
        count += 1
        if count <= MAX_LISTED:
            refs.append(RecordRef(table, row[0], text(*row[1:]), area))
    if not count:
        return []
    return [Check(key, sheet, level, title.format(n=count), hint, count, tuple(refs))]


def day(value: date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "（无日期）"
