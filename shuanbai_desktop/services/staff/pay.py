"""The monthly pay sheet (R2.4): base pay by level, performance pay from weighted factors, 四险一金."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.staff import StaffMember, StaffPayLevel, StaffPayMonth
from ...domain.staff_labels import Certificate, Education, Factor, Insurance, StaffRole
from ...domain.staff_pay_rules import (
    WorkerFacts,
    auto_scores,
    check_score,
    contributions,
    performance_pay,
    performance_ratio,
    round_fen,
    seniority_years,
)
from ...domain.staff_rules import month_end
from ...errors import UserError
from ..fields import clean_text, money
from ..permissions import Permission, require
from ..records import get_or_error
from .pay_table import get_rates, get_weights
from .training import hours_by_staff


@dataclass(frozen=True)
class PayLine:
    id: int
    staff_id: int
    name: str
    role: StaffRole
    level_name: str
    base_pay: Decimal
    performance_standard: Decimal
    scores: dict[Factor, int]
    ratio: Decimal
    performance_pay: Decimal
    other_pay: Decimal
    contribution_base: Decimal
    contributions: dict[Insurance, tuple[Decimal, Decimal]]
    notes: str

    @property
    def gross(self) -> Decimal:
        return self.base_pay + self.performance_pay + self.other_pay

    @property
    def employer_total(self) -> Decimal:
        return sum((e for e, _ in self.contributions.values()), Decimal(0))

    @property
    def personal_total(self) -> Decimal:
        return sum((p for _, p in self.contributions.values()), Decimal(0))

    @property
    def net(self) -> Decimal:
        """应发 minus the personal part of 四险一金 (income tax is withheld by the town's payroll)."""
        return self.gross - self.personal_total


@dataclass(frozen=True)
class PaySheet:
    year: int
    month: int
    lines: tuple[PayLine, ...]
    weights: dict[Factor, int]

    def total(self, attr: str) -> Decimal:
        return sum((getattr(line, attr) for line in self.lines), Decimal(0))


def _check_month(year: int, month: int, today: date) -> None:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise UserError("请选择有效的年份和月份。", field="月份")
    if (year, month) > (today.year, today.month):
        raise UserError("不能生成未来月份的工资表。", field="月份")


def _on_staff(year: int, month: int):
    first, last = date(year, month, 1), month_end(year, month)
    return (StaffMember.hire_date <= last) & ((StaffMember.leave_date.is_(None)) | (StaffMember.leave_date >= first))


def _facts(s: StaffMember, year: int, month: int, hours: Decimal) -> WorkerFacts:
    on = month_end(year, month)
    return WorkerFacts(Education(s.education), Certificate(s.certificate), s.supervisor_cert, StaffRole(s.role),
                       s.is_liaison, seniority_years(s.career_start or s.hire_date, on), hours, month)


def _fill(line: StaffPayMonth, s: StaffMember, level: StaffPayLevel, scores: dict[Factor, int],
          session: Session) -> None:
    weights, rates = get_weights(session), get_rates(session)
    line.level_name = level.name
    line.base_pay = level.base_pay
    line.performance_standard = level.performance_standard
    line.factor_scores = json.dumps({f.value: scores[f] for f in Factor}, sort_keys=True)
    line.performance_pay = performance_pay(level.performance_standard, weights, scores)
    if line.contribution_base is None:
        line.contribution_base = round_fen(level.base_pay + level.performance_standard)
    _set_contributions(line, rates)


def _set_contributions(line: StaffPayMonth, rates) -> None:
    amounts = contributions(Decimal(line.contribution_base), rates)
    line.contributions = json.dumps({k.value: [str(e), str(p)] for k, (e, p) in amounts.items()}, sort_keys=True)


def generate_month(session: Session, year: int, month: int, today: date | None = None) -> tuple[int, list[str]]:
    """Lines for every worker on the staff that month who has none yet; returns (added, names without a level)."""
    require(session, Permission.STAFF_EDIT)
    _check_month(year, month, today or date.today())
    have = set(session.scalars(select(StaffPayMonth.staff_id).where(StaffPayMonth.year == year,
                                                                    StaffPayMonth.month == month)))
    hours = hours_by_staff(session, date(year, 1, 1), month_end(year, month))
    added, missing = 0, []
    for s in session.scalars(select(StaffMember).where(_on_staff(year, month)).order_by(StaffMember.id)):
        if s.id in have:
            continue
        level = session.get(StaffPayLevel, s.pay_level_id) if s.pay_level_id else None
        if level is None:
            missing.append(s.name)
            continue
        line = StaffPayMonth(staff_id=s.id, year=year, month=month, other_pay=Decimal(0), notes="")
        _fill(line, s, level, auto_scores(_facts(s, year, month, hours.get(s.id, Decimal(0)))), session)
        session.add(line)
        added += 1
    session.flush()
    return added, missing


def update_line(session: Session, line_id: int, entered: dict[Factor, int], other_pay, contribution_base,
                notes: str = "") -> None:
    """The deputy head's part: entered factor scores, allowances, contribution base; pay recomputed."""
    require(session, Permission.STAFF_EDIT)
    line = get_or_error(session, StaffPayMonth, line_id, "工资记录")
    scores = {Factor(k): v for k, v in json.loads(line.factor_scores).items()}
    for factor, value in entered.items():
        check_score(factor, int(value))
        scores[factor] = int(value)
    other = money(other_pay, "津贴补贴")
    base = money(contribution_base, "缴费基数")
    line.factor_scores = json.dumps({f.value: scores[f] for f in Factor}, sort_keys=True)
    line.performance_pay = performance_pay(line.performance_standard, get_weights(session), scores)
    line.other_pay = other
    line.contribution_base = base
    line.notes = clean_text(notes, "备注", 200)
    _set_contributions(line, get_rates(session))


def delete_month(session: Session, year: int, month: int) -> int:
    """Discard a month's sheet (to generate it again after the pay table changed)."""
    require(session, Permission.STAFF_EDIT)
    lines = list(session.scalars(select(StaffPayMonth).where(StaffPayMonth.year == year, StaffPayMonth.month == month)))
    for line in lines:
        session.delete(line)
    return len(lines)


def _line(row: StaffPayMonth, s: StaffMember, weights: dict[Factor, int]) -> PayLine:
    scores = {Factor(k): int(v) for k, v in json.loads(row.factor_scores).items()}
    amounts = {Insurance(k): (Decimal(e), Decimal(p)) for k, (e, p) in json.loads(row.contributions).items()}
    return PayLine(row.id, s.id, s.name, StaffRole(s.role), row.level_name, row.base_pay, row.performance_standard,
                   scores, performance_ratio(weights, scores), row.performance_pay, row.other_pay,
                   row.contribution_base, amounts, row.notes)


def pay_sheet(session: Session, year: int, month: int) -> PaySheet:
    """Each worker's pay is personal: read by whoever keeps the pay sheet (``Permission.STAFF_EDIT``)."""
    require(session, Permission.STAFF_EDIT)
    weights = get_weights(session)
    query = (select(StaffPayMonth, StaffMember).join(StaffMember, StaffMember.id == StaffPayMonth.staff_id)
             .where(StaffPayMonth.year == year, StaffPayMonth.month == month))
    lines = [_line(row, s, weights) for row, s in session.execute(query)]
    order = {r: i for i, r in enumerate(StaffRole)}
    lines.sort(key=lambda ln: (order[ln.role], ln.staff_id))
    return PaySheet(year, month, tuple(lines), weights)
