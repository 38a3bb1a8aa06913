"""台账: every register exported for a date range through the one ledger writer (R6.2).

A ledger is declared once (``Ledger``): its Chinese title, which date the range applies to,
its columns, and a generator of rows. Ledgers whose feature is not in this program are not
offered. ID numbers and phones are masked unless an administrator asks for the full
numbers; every export is audited with the range, the row count and that choice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data import audit
from ...data.models import ServicePoint, User, Village
from ...errors import UserError
from ...exports.ledger_xlsx import LedgerColumn
from ..permissions import Permission, require
from .sections import month_figures_of

Rows = Callable[[Session, date, date], Iterable[Sequence]]
YIELD = 5000


@dataclass(frozen=True)
class Ledger:
    key: str  # command-line name, e.g. "visits"
    title: str  # 走访台账
    date_rule: str  # which records the range selects, shown beside the range
    package: str | None  # services package that must exist for this ledger
    columns: tuple[LedgerColumn, ...]
    rows: Rows

    @property
    def has_personal_numbers(self) -> bool:
        return any(c.kind in ("id", "phone") for c in self.columns)


@dataclass(frozen=True)
class LedgerResult:
    ledger: str
    path: Path
    rows: int
    full_numbers: bool


def C(header: str, width: int, kind: str = "") -> LedgerColumn:  # noqa: N802  (reads like a table)
    return LedgerColumn(header, width, kind)


def labels(enum) -> dict[str, str]:
    return {m.value: m.label for m in enum}


def names(session: Session, query) -> dict:
    return {key: value for key, value in session.execute(query)}


def user_names(session: Session) -> dict[int, str]:
    return names(session, select(User.id, User.display_name))


def village_names(session: Session) -> dict[str, str]:
    return names(session, select(Village.code, Village.name))


def point_names(session: Session) -> dict[int, str]:
    return names(session, select(ServicePoint.id, ServicePoint.name))


def day_range(first: date, last: date) -> tuple[datetime, datetime]:
    """For datetime columns: [first 00:00, day after last 00:00)."""
    return datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())


def stream(session: Session, query):
    return session.execute(query.execution_options(yield_per=YIELD))


def all_ledgers() -> list[Ledger]:
    from .ledgers_office import OFFICE
    from .ledgers_people import PEOPLE
    return [*PEOPLE, *OFFICE]


def available() -> list[Ledger]:
    """The ledgers this program can export (their feature is present)."""
    return [g for g in all_ledgers() if g.package is None or month_figures_of(g.package) is not None]


def find(name: str) -> Ledger:
    text = (name or "").strip()
    for ledger in available():
        if text in (ledger.key, ledger.title, ledger.title.removesuffix("台账")):
            return ledger
    choices = "、".join(f"{g.key}（{g.title}）" for g in available())
    raise UserError(f"没有名为“{text}”的台账。可用：{choices}。", field="台账")


def _check_range(first: date, last: date) -> None:
    if first > last:
        raise UserError("起始日期不能晚于截止日期。", field="起始日期")


def export_ledger(session: Session, name: str, first: date, last: date, target: Path, *, full_numbers: bool = False,
                  progress: Callable[[int], None] | None = None) -> LedgerResult:
    """Write the ledger to ``target`` (.xlsx) and audit the export in the caller's transaction.

    Needs ``Permission.LEDGER_EXPORT``; with ``full_numbers`` (ID numbers and phones unmasked)
    ``LEDGER_EXPORT_FULL``.
    """
    from ...exports.ledger_xlsx import write_ledger
    require(session, Permission.LEDGER_EXPORT_FULL if full_numbers else Permission.LEDGER_EXPORT)
    ledger = find(name)
    _check_range(first, last)
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    from .collect import station_header
    header = station_header(session)
    numbers = "含完整身份证号和电话" if full_numbers else "身份证号、电话已脱敏"
    subtitle = (f"{header.name}　{first:%Y-%m-%d} 至 {last:%Y-%m-%d}（{ledger.date_rule}）　"
                f"导出于 {datetime.now():%Y-%m-%d %H:%M}" + (f"　{numbers}" if ledger.has_personal_numbers else ""))
    count = write_ledger(target, ledger.title, f"{header.name}{ledger.title}", subtitle, ledger.columns,
                         ledger.rows(session, first, last), full_numbers, progress)
    audit.record_event(session, "export", "", f"导出{ledger.title}（{first:%Y-%m-%d} 至 {last:%Y-%m-%d}，{count} 行，"
                       f"{numbers if ledger.has_personal_numbers else '无证件号码'}）",
                       {"ledger": ledger.key, "rows": count, "full_numbers": full_numbers})
    return LedgerResult(ledger.title, target, count, full_numbers)
