"""Pure rules of the staff files (R2): contract status and renewal, training and supervision
minimums. No database, no Qt: dates and values in, answers out. Staffing checks (R1.4) are in
``staff_staffing``."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..errors import UserError
from .staff_labels import Certificate, ContractStatus, Grade

CONTRACT_YEARS = 3  # 聘期3年
EXPIRY_WARNINGS = (90, 60, 30)  # days before the end of a contract
RENEWAL_RULE_FROM = date(2022, 7, 1)  # 2022年7月1日起，原则上只续聘持证且年度考核合格及以上等级的社工
PRE_JOB_HOURS = 15  # 岗前培训每名社工不少于15小时
ANNUAL_HOURS = 48  # 每个社工培训每人每年不少于48小时
SUPERVISION_VISIT_HOURS = 16  # 每次督导时长不少于16小时


# --- contracts ---------------------------------------------------------------------
def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_contract_end(start: date, years: int = CONTRACT_YEARS) -> date:
    """A 3-year term ends the day before the same date three years on (2021-07-01 → 2024-06-30).

    A term from 29 February ends on the last day of February (民法典第二百零二条: no
    corresponding day, the month's last day).
    """
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:
        anniversary = date(start.year + years, 3, 1)
    return date.fromordinal(anniversary.toordinal() - 1)


def contract_status(start: date, end: date, terminated_on: date | None, renewed: bool,
                    today: date) -> ContractStatus:
    if terminated_on is not None and terminated_on <= today:
        return ContractStatus.TERMINATED
    if renewed:
        return ContractStatus.RENEWED
    if today < start:
        return ContractStatus.PENDING
    return ContractStatus.EXPIRED if today > end else ContractStatus.ACTIVE


def expiry_band(end: date, today: date) -> int | None:
    """The tightest warning band (30, 60 or 90 days) the end date falls in; None when further off."""
    left = (end - today).days
    return next((band for band in sorted(EXPIRY_WARNINGS) if 0 <= left <= band), None)


def check_contract_dates(start: date, end: date, probation_months: int) -> None:
    if end < start:
        raise UserError("合同终止日期不能早于起始日期。", field="终止日期")
    if not 0 <= probation_months <= 6:
        raise UserError("试用期应在 0 到 6 个月之间（劳动合同法规定三年期合同试用期不超过6个月）。", field="试用期")


def overlaps(a_start: date, a_end: date, b_start: date, b_end: date) -> bool:
    return a_start <= b_end and b_start <= a_end


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]

    @property
    def text(self) -> str:
        return "；".join(self.reasons)


def renewal_eligibility(renewal_start: date, certificate: Certificate, certificate_date: date | None,
                        latest: tuple[int, Grade] | None) -> Eligibility:
    """R2.3: from 2022-07-01 only a certified worker whose latest annual assessment is 合格 or better.

    ``renewal_start`` is the first day of the new contract; ``latest`` is (year, grade) of the
    most recent annual assessment on file.
    """
    if renewal_start < RENEWAL_RULE_FROM:
        return Eligibility(True, ("2022年7月1日前续聘，不受持证和年度考核条件限制。",))
    reasons = []
    if not certificate.certified:
        reasons.append("未取得社会工作者职业资格证书（助理社会工作师及以上）")
    elif certificate_date is not None and certificate_date > renewal_start:
        reasons.append(f"职业资格证书取得日期（{certificate_date:%Y-%m-%d}）晚于续签起始日期")
    if latest is None:
        reasons.append("没有年度考核记录")
    elif not latest[1].passed:
        reasons.append(f"最近一次年度考核（{latest[0]}年）为“{latest[1].label}”")
    if reasons or latest is None:
        return Eligibility(False, tuple(reasons))
    grade = f"{latest[0]}年度考核“{latest[1].label}”"
    return Eligibility(True, (f"持{certificate.label}证书，{grade}，符合续聘条件。",))


# --- training ----------------------------------------------------------------------
def check_training_hours(hours: Decimal, start: date, end: date) -> None:
    days = (end - start).days + 1
    if hours <= 0:
        raise UserError("培训学时必须大于 0。", field="学时")
    if hours > 24 * days:
        span = "一天" if days == 1 else f"{days} 天"
        raise UserError(f"培训学时不能超过每天 24 小时（{span}最多 {24 * days} 学时）。", field="学时")


def months_in_year(year: int, hire_date: date, until: date) -> int:
    """Calendar months of ``year`` a worker was on the staff, up to ``until`` (partial months count)."""
    first = max(date(year, 1, 1), hire_date)
    last = min(date(year, 12, 31), until)
    return 0 if last < first else (last.month - first.month + 1)


def annual_hours_required(year: int, hire_date: date) -> int:
    """48 hours for a full year; a worker hired during the year owes 4 hours per month on the staff."""
    months = months_in_year(year, hire_date, date(year, 12, 31))
    return ANNUAL_HOURS * months // 12


@dataclass(frozen=True)
class Shortfall:
    kind: str  # "岗前培训" or "年度培训"
    required: Decimal
    done: Decimal

    @property
    def missing(self) -> Decimal:
        return self.required - self.done

    @property
    def text(self) -> str:
        return f"{self.kind}已 {_hours(self.done)} 学时，应 {_hours(self.required)} 学时，还差 {_hours(self.missing)} 学时"


def training_shortfalls(year: int, hire_date: date, pre_job_hours: Decimal,
                        year_hours: Decimal) -> list[Shortfall]:
    out = []
    if pre_job_hours < PRE_JOB_HOURS:
        out.append(Shortfall("岗前培训", Decimal(PRE_JOB_HOURS), pre_job_hours))
    required = annual_hours_required(year, hire_date)
    if year_hours < required:
        out.append(Shortfall(f"{year}年培训", Decimal(required), year_hours))
    return out


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def hours_text(value: Decimal) -> str:
    """12 → "12", 7.5 → "7.5"."""
    return _hours(Decimal(value))


# --- supervision -------------------------------------------------------------------
def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """(year, month) from the month of ``first`` to the month of ``last``, inclusive."""
    out, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def missing_supervision_months(visit_dates: Iterable[date], first: date, last: date) -> list[tuple[int, int]]:
    """Months from ``first`` to ``last`` without a single supervision visit."""
    held = {(d.year, d.month) for d in visit_dates}
    return [ym for ym in months_between(first, last) if ym not in held]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
