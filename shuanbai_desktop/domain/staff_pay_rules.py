"""Pay rules (R2.4): pay level from certificate and seniority, performance pay from weighted
factors, 四险一金 from the contribution base. Money is Decimal yuan rounded to the fen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..errors import UserError
from .staff_labels import Certificate, Education, Factor, Insurance, StaffRole
from .staff_rules import ANNUAL_HOURS

FEN = Decimal("0.01")

#: Weights (percent, summing to 100) until the county sets its own in 设置 → 绩效因素权重.
DEFAULT_WEIGHTS: dict[Factor, int] = {
    Factor.EDUCATION: 5, Factor.QUALIFICATION: 10, Factor.RESULTS: 40, Factor.POST: 10,
    Factor.SENIORITY: 10, Factor.HONOURS: 5, Factor.ACADEMIC: 5, Factor.STUDY_HOURS: 5, Factor.CERT_LEVEL: 10,
}

#: Employer and personal rates in percent, until the station enters the county's in 设置 → 薪酬标准表.
DEFAULT_RATES: dict[Insurance, tuple[Decimal, Decimal]] = {
    Insurance.PENSION: (Decimal("16"), Decimal("8")),
    Insurance.MEDICAL: (Decimal("5.5"), Decimal("2")),
    Insurance.UNEMPLOYMENT: (Decimal("0.8"), Decimal("0.2")),
    Insurance.INJURY: (Decimal("0.2"), Decimal("0")),
    Insurance.FUND: (Decimal("5"), Decimal("5")),
}

EDUCATION_SCORES = {Education.SECONDARY: 40, Education.COLLEGE: 60, Education.BACHELOR: 80,
                    Education.MASTER: 90, Education.DOCTOR: 100}
CERT_LEVEL_SCORES = {Certificate.NONE: 0, Certificate.ASSISTANT: 60, Certificate.INTERMEDIATE: 80,
                     Certificate.SENIOR: 100}
ROLE_SCORES = {StaffRole.DEPUTY_HEAD: 100, StaffRole.AFFAIRS_WORKER: 80, StaffRole.DISABILITY_OFFICER: 80,
               StaffRole.SERVICE_WORKER: 80}
LIAISON_BONUS = 10  # a 社工点联络人 leads a point
SENIORITY_FULL_YEARS = 10  # full seniority score after 10 years


def round_fen(value) -> Decimal:
    """Yuan rounded half up to the fen (分), as pay sheets round."""
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def seniority_years(start: date, on: date) -> int:
    """Whole years of service from ``start`` to ``on``."""
    if on < start:
        return 0
    return on.year - start.year - int((on.month, on.day) < (start.month, start.day))


def check_weights(weights: Mapping[Factor, int]) -> None:
    for factor in Factor:
        value = weights.get(factor, 0)
        if not 0 <= value <= 100:
            raise UserError(f"“{factor.label}”的权重应在 0 到 100 之间。", field=factor.label)
    total = sum(weights.get(f, 0) for f in Factor)
    if total != 100:
        raise UserError(f"各因素权重之和应为 100%，现在是 {total}%。", field="权重合计")


def check_score(factor: Factor, score: int) -> None:
    if not 0 <= score <= 100:
        raise UserError(f"“{factor.label}”得分应在 0 到 100 之间。", field=factor.label)


@dataclass(frozen=True)
class WorkerFacts:
    """What the automatic factor scores are computed from."""

    education: Education
    certificate: Certificate
    supervisor_cert: bool
    role: StaffRole
    is_liaison: bool
    years: int
    study_hours: Decimal  # training hours this calendar year up to the pay month
    month: int


def auto_scores(facts: WorkerFacts) -> dict[Factor, int]:
    """Scores (0–100) of the factors that follow from the staff file; entered ones start at 100/0/0."""
    target = Decimal(ANNUAL_HOURS * facts.month) / 12
    study = min(100, int(facts.study_hours * 100 / target)) if target else 100
    qualification = 100 if facts.certificate.certified else (50 if facts.supervisor_cert else 0)
    post = min(100, ROLE_SCORES[facts.role] + (LIAISON_BONUS if facts.is_liaison else 0))
    return {
        Factor.EDUCATION: EDUCATION_SCORES[facts.education],
        Factor.QUALIFICATION: qualification,
        Factor.RESULTS: 100,
        Factor.POST: post,
        Factor.SENIORITY: min(100, facts.years * 100 // SENIORITY_FULL_YEARS),
        Factor.HONOURS: 0,
        Factor.ACADEMIC: 0,
        Factor.STUDY_HOURS: study,
        Factor.CERT_LEVEL: CERT_LEVEL_SCORES[facts.certificate],
    }


def performance_ratio(weights: Mapping[Factor, int], scores: Mapping[Factor, int]) -> Decimal:
    """Σ weight × score / 10000: the share of the performance-pay standard earned (0–1)."""
    total = sum(weights.get(f, 0) * scores.get(f, 0) for f in Factor)
    return Decimal(total) / 10000


def performance_pay(standard: Decimal, weights: Mapping[Factor, int], scores: Mapping[Factor, int]) -> Decimal:
    return round_fen(Decimal(standard) * performance_ratio(weights, scores))


def check_rates(rates: Mapping[Insurance, tuple[Decimal, Decimal]]) -> None:
    for kind in Insurance:
        for part, value in zip(("单位", "个人"), rates[kind], strict=True):
            if not Decimal(0) <= Decimal(value) <= Decimal(40):
                raise UserError(f"{kind.label}{part}缴费比例应在 0% 到 40% 之间。", field=f"{kind.label}{part}")


def contributions(base: Decimal, rates: Mapping[Insurance, tuple[Decimal, Decimal]]
                  ) -> dict[Insurance, tuple[Decimal, Decimal]]:
    """(employer, personal) amounts of each insurance for a contribution base."""
    return {kind: (round_fen(base * emp / 100), round_fen(base * per / 100)) for kind, (emp, per) in rates.items()}


@dataclass(frozen=True)
class LevelRule:
    id: int
    certificate: Certificate
    min_years: int


def suggest_level(levels: Sequence[LevelRule], certificate: Certificate, years: int) -> int | None:
    """The highest level the worker's certificate and seniority reach (levels ordered low → high)."""
    fitting = [lv for lv in levels if lv.certificate.rank <= certificate.rank and lv.min_years <= years]
    if not fitting:
        return None
    return max(fitting, key=lambda lv: (lv.certificate.rank, lv.min_years)).id
