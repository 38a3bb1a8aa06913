"""Annual assessment of each worker and third-party evaluation of the station (R2.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.staff import StaffMember
from ...data.models.staff_activity import StaffAssessment, StaffEvaluation
from ...domain.staff_labels import Grade, StaffRole, StaffStatus
from ...errors import UserError
from ..fields import clean_text, not_after, optional_number
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new
from .common import member

DEFAULT_UNITS = "乡镇(街道)会同县(区)民政、财政等部门"


@dataclass(frozen=True)
class AssessmentInput:
    staff_id: int
    year: int
    grade: Grade
    score: Decimal | str | None = None
    assessed_on: date | None = None
    units: str = ""
    notes: str = ""


@dataclass(frozen=True)
class AssessmentRow:
    """A worker on the staff in ``year`` and their assessment for it (``id`` None: not yet assessed)."""

    id: int | None
    staff_id: int
    name: str
    role: StaffRole
    year: int
    grade: Grade | None
    score: Decimal | None
    assessed_on: date | None
    units: str
    notes: str


def _score(raw, field: str) -> Decimal | None:
    return optional_number(raw, field, places=1, minimum=0, maximum=100)


def save_assessment(session: Session, data: AssessmentInput, assessment_id: int | None = None,
                    today: date | None = None) -> int:
    require(session, Permission.STAFF_EDIT)
    today = today or date.today()
    staff = member(session, data.staff_id)
    if data.year > today.year:
        raise UserError(f"不能录入未来年度（{data.year}年）的考核。", field="考核年度")
    if data.year < staff.hire_date.year:
        raise UserError(f"“{staff.name}”{staff.hire_date.year}年才入职，不能录入{data.year}年度的考核。",
                        field="考核年度")
    clash = session.scalar(select(StaffAssessment.id).where(StaffAssessment.staff_id == staff.id,
                                                            StaffAssessment.year == data.year))
    if clash and clash != assessment_id:
        raise UserError(f"“{staff.name}”{data.year}年度的考核已经录入过了，每人每年只有一次年度考核；"
                        "如需更正，请在列表中选中后修改。", field="考核年度")
    not_after(data.assessed_on, today, "考核日期")
    row = get_or_new(session, StaffAssessment, assessment_id, "考核记录")
    row.staff_id = staff.id
    row.year = data.year
    row.grade = Grade(data.grade).value
    row.score = _score(data.score, "考核得分")
    row.assessed_on = data.assessed_on
    row.units = clean_text(data.units, "考核单位", 120) or DEFAULT_UNITS
    row.notes = clean_text(data.notes, "备注", 200)
    if assessment_id is None:
        session.add(row)
    session.flush()
    return row.id


def delete_assessment(session: Session, assessment_id: int) -> None:
    require(session, Permission.STAFF_EDIT)
    session.delete(get_or_error(session, StaffAssessment, assessment_id, "考核记录"))


def assessments(session: Session, year: int) -> list[AssessmentRow]:
    """Every worker on the staff during ``year``, assessed or not; then anyone else assessed for it."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    done = {a.staff_id: a for a in session.scalars(select(StaffAssessment).where(StaffAssessment.year == year))}
    staff = session.scalars(select(StaffMember).where(
        ((StaffMember.hire_date <= last) & ((StaffMember.leave_date.is_(None)) | (StaffMember.leave_date >= first)))
        | StaffMember.id.in_(list(done))).order_by(StaffMember.hire_date, StaffMember.id))
    out = []
    for s in staff:
        a = done.get(s.id)
        out.append(AssessmentRow(a.id if a else None, s.id, s.name, StaffRole(s.role), year,
                                 Grade(a.grade) if a else None, a.score if a else None,
                                 a.assessed_on if a else None, a.units if a else "", a.notes if a else ""))
    return out


def missing_assessments(session: Session, year: int) -> list[str]:
    """Names of workers on the staff now without an assessment for ``year``."""
    return [r.name for r in assessments(session, year)
            if r.grade is None and member(session, r.staff_id).status == StaffStatus.ACTIVE.value]


@dataclass(frozen=True)
class EvaluationInput:
    year: int
    evaluator: str
    result: Grade
    score: Decimal | str | None = None
    evaluated_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class EvaluationRow:
    id: int
    year: int
    evaluator: str
    result: Grade
    score: Decimal | None
    evaluated_on: date | None
    notes: str


def save_evaluation(session: Session, data: EvaluationInput, evaluation_id: int | None = None,
                    today: date | None = None) -> int:
    require(session, Permission.STAFF_EDIT)
    today = today or date.today()
    if data.year > today.year:
        raise UserError(f"不能录入未来年度（{data.year}年）的评估。", field="评估年度")
    clash = session.scalar(select(StaffEvaluation.id).where(StaffEvaluation.year == data.year))
    if clash and clash != evaluation_id:
        raise UserError(f"{data.year}年度的第三方评估已经录入过了；如需更正，请选中后修改。", field="评估年度")
    not_after(data.evaluated_on, today, "评估日期")
    row = get_or_new(session, StaffEvaluation, evaluation_id, "评估记录")
    row.year = data.year
    row.evaluator = clean_text(data.evaluator, "评估机构", 80, required=True)
    row.result = Grade(data.result).value
    row.score = _score(data.score, "评估得分")
    row.evaluated_on = data.evaluated_on
    row.notes = clean_text(data.notes, "备注", 200)
    if evaluation_id is None:
        session.add(row)
    session.flush()
    return row.id


def delete_evaluation(session: Session, evaluation_id: int) -> None:
    require(session, Permission.STAFF_EDIT)
    session.delete(get_or_error(session, StaffEvaluation, evaluation_id, "评估记录"))


def list_evaluations(session: Session) -> list[EvaluationRow]:
    return [EvaluationRow(e.id, e.year, e.evaluator, Grade(e.result), e.score, e.evaluated_on, e.notes)
            for e in session.scalars(select(StaffEvaluation).order_by(StaffEvaluation.year.desc()))]


def evaluation_for(session: Session, year: int) -> EvaluationRow | None:
    return next((e for e in list_evaluations(session) if e.year == year), None)
