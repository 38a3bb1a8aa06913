"""工作台 at a glance: today's tiles and the 12-month trends (also the monthly report's trend page).

Each trend series is one statement: per month, a count over a range of an indexed date column, which
SQLite answers from the index alone (grouping the rows by month instead computes a month for every row:
30 times slower at 1,000,000 visits, tests/benchmarks/bench_workbench.py). A month's numbers are the monthly report's own
(tests/db/test_report_trends.py): 窗口登记 = the month's registrations less the voided ones,
入户走访 = visits (户次) dated in the month, 新开个案 = cases opened in the month, 在案个案 = cases
open at the month's end (opened by then, not closed by then).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from ..data.models.targets import CaseRecord, Visit
from ..data.models.window import WindowRegistration as R
from ..domain.counter_labels import Status
from ..domain.target_labels import CaseStatus
from .targets.visits import due_counts
from .window.queries import counts as window_counts

MONTHS = 12


@dataclass(frozen=True)
class Tiles:
    registered_today: int  #: 今日登记 (the counter's 今日登记 list, voided ones included)
    open_matters: int  #: 在办事项 (in progress or transferred)
    overdue_matters: int  #: of those, past their due date
    visits_due: int  #: households whose next visit is overdue or due within 7 days (the 入户走访 list)
    visits_overdue: int  #: of those, overdue
    active_cases: int  #: cases in progress (进行中)


@dataclass(frozen=True)
class Trends:
    months: tuple[tuple[int, int], ...]  #: (year, month), oldest first
    registrations: tuple[int, ...]  #: 窗口登记（件，不含作废）
    visits: tuple[int, ...]  #: 入户走访（户次）
    cases_opened: tuple[int, ...]  #: 新开个案
    cases_active: tuple[int, ...]  #: 月末在案个案
    partial_last: bool = False  #: the last month is the running one (figures so far)

    @property
    def period_text(self) -> str:
        (y1, m1), (y2, m2) = self.months[0], self.months[-1]
        return f"{y1}年{m1}月—{y2}年{m2}月"


def tiles(session: Session, today: date) -> Tiles:
    window = window_counts(session, today, None)
    due = due_counts(session, today, "worker")
    active = session.execute(select(func.count(CaseRecord.id))
                             .where(CaseRecord.status == CaseStatus.OPEN.value)).scalar_one()
    return Tiles(window.today, window.open, window.overdue, sum(c.overdue + c.soon for c in due),
                 sum(c.overdue for c in due), active)


def month_list(year: int, month: int, count: int = MONTHS) -> tuple[tuple[int, int], ...]:
    """``count`` months ending with (year, month), oldest first, as (year, month)."""
    index = year * 12 + month - 1
    out = []
    for i in range(index - count + 1, index + 1):
        out.append((i // 12, i % 12 + 1))
    return tuple(out)


def _bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _count(model, *conditions):
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


def _per_month(session: Session, months: tuple[tuple[int, int], ...], figures) -> list[tuple[int, ...]]:
    """One statement for a series: ``figures(first, last)`` gives the month's count expressions (range
    counts on an indexed date column, which SQLite answers from the index alone); one row per month."""
    parts = []
    for n, (year, month) in enumerate(months):
        first, last = _bounds(year, month)
        parts.append(select(literal(n).label("n"), *figures(first, last)))
    rows = sorted(session.execute(union_all(*parts)).all())
    return [tuple(int(v or 0) for v in row[1:]) for row in rows]


def _registrations(first: date, last: date) -> tuple:
    """The month's registrations less the voided ones (these few through the status index)."""
    in_month = R.registered_on.between(first, last)
    return (_count(R, in_month) - _count(R, R.status == Status.VOID.value, in_month),)


def _visits(first: date, last: date) -> tuple:
    return (_count(Visit, Visit.visit_date.between(first, last)),)


def _cases(first: date, last: date) -> tuple:
    """Opened in the month; open at its end = opened by then less closed by then (closed_on ≥ opened_on)."""
    return (_count(CaseRecord, CaseRecord.opened_on.between(first, last)),
            _count(CaseRecord, CaseRecord.opened_on <= last) - _count(CaseRecord, CaseRecord.closed_on <= last))


def month_trends(session: Session, year: int, month: int, today: date, count: int = MONTHS) -> Trends:
    """The ``count`` months ending with (year, month); the last is partial when it is ``today``'s month."""
    months = month_list(year, month, count)
    registrations = [r[0] for r in _per_month(session, months, _registrations)]
    visits = [r[0] for r in _per_month(session, months, _visits)]
    cases = _per_month(session, months, _cases)
    return Trends(months, tuple(registrations), tuple(visits), tuple(c[0] for c in cases),
                  tuple(c[1] for c in cases), (year, month) == (today.year, today.month))


def recent_trends(session: Session, today: date) -> Trends:
    """工作台: the 12 months up to and including today's."""
    return month_trends(session, today.year, today.month, today)
