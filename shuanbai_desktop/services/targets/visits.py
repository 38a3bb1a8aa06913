"""入户走访: visits with workers, persons met, needs and risk; the next due date per household (R4.3).

Recording, correcting and deleting a visit need ``Permission.VISIT_RECORD``; 录入人 is the session's
user. Workers and persons met change row by row through the ORM, so each change is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...data.models import Person, User
from ...data.models.targets import CaseRecord, Household, Visit, VisitPerson, VisitWorker
from ...domain.target_labels import Risk, VisitForm
from ...errors import UserError
from ..fields import clean_text, parse_day, past_day
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new, user_names, village_names
from .intervals import default_next_due

SOON_DAYS = 7


@dataclass(frozen=True)
class VisitInput:
    household_id: int
    visit_date: date
    worker_ids: tuple[int, ...]
    person_ids: tuple[int, ...]
    form: VisitForm
    findings: str
    risk: Risk
    need_material: str = ""
    need_spiritual: str = ""
    need_social: str = ""
    next_due: date | None = None  # None: the default for the risk level (设置 → 走访周期)


@dataclass(frozen=True)
class VisitRow:
    id: int
    household_id: int
    household_name: str
    village_name: str
    visit_date: date
    form: VisitForm
    workers: str
    persons_met: str
    risk: Risk
    needs: str
    findings: str
    next_due: date

    @property
    def need_types(self) -> tuple[str, ...]:
        return tuple(part.split("：", 1)[0] for part in self.needs.split("；") if part)


@dataclass(frozen=True)
class DueVisit:
    household_id: int
    household_name: str
    village_name: str
    worker_name: str
    last_visit: date | None
    risk: Risk | None
    next_due: date
    days_left: int  # negative: overdue by that many days

    @property
    def state(self) -> str:
        if self.days_left < 0:
            return f"超期 {-self.days_left} 天"
        return "今天到期" if self.days_left == 0 else f"{self.days_left} 天后到期"


def _validated(session: Session, data: VisitInput, today: date) -> tuple[VisitInput, date]:
    """The cleaned input and the visit's next due date (the risk level's default when not given)."""
    get_or_error(session, Household, data.household_id, "户档")
    visit_date = past_day(data.visit_date, "走访日期", today)
    if not data.worker_ids:
        raise UserError("请至少选择一位走访社工。", field="走访社工")
    known = set(session.scalars(select(User.id).where(User.id.in_(data.worker_ids))))
    if known != set(data.worker_ids):
        raise UserError("所选走访社工的账户不存在。", field="走访社工")
    if not data.person_ids:
        raise UserError("请勾选本次见到的家庭成员（至少一位）。", field="见到的人")
    members = set(session.scalars(select(Person.id).where(Person.household_id == data.household_id)))
    if not set(data.person_ids) <= members:
        raise UserError("见到的人须是这户的成员。", field="见到的人")
    findings = clean_text(data.findings, "走访情况", 4000, required=True)
    risk = Risk(data.risk)
    next_due = data.next_due or default_next_due(session, risk, visit_date)
    next_due = parse_day(next_due, "下次走访日期")
    if next_due <= visit_date:
        raise UserError("下次走访日期应晚于本次走访日期。", field="下次走访日期")
    clean = VisitInput(data.household_id, visit_date, tuple(dict.fromkeys(data.worker_ids)),
                       tuple(dict.fromkeys(data.person_ids)), VisitForm(data.form), findings, risk,
                       clean_text(data.need_material, "物质需求", 500), clean_text(data.need_spiritual, "精神需求", 500),
                       clean_text(data.need_social, "社会需求", 500), next_due)
    return clean, next_due


def save_visit(session: Session, data: VisitInput, today: date | None = None, visit_id: int | None = None) -> int:
    """Record (or correct) a visit; the household's next due date follows its latest visit."""
    acting = require(session, Permission.VISIT_RECORD)
    clean, next_due = _validated(session, data, today or date.today())
    visit = get_or_new(session, Visit, visit_id, "走访记录")
    visit.household_id = clean.household_id
    visit.visit_date = clean.visit_date
    visit.form = clean.form.value
    visit.findings = clean.findings
    visit.risk = clean.risk.value
    visit.next_due = next_due
    visit.need_material = clean.need_material
    visit.need_spiritual = clean.need_spiritual
    visit.need_social = clean.need_social
    if visit_id is None:
        visit.recorded_by = "" if acting.is_system else acting.username
        session.add(visit)
    session.flush()
    _set_links(session, VisitWorker, VisitWorker.user_id, visit.id, clean.worker_ids)
    _set_links(session, VisitPerson, VisitPerson.person_id, visit.id, clean.person_ids)
    household = get_or_error(session, Household, clean.household_id, "户档")
    if household.worker_id is None:
        household.worker_id = clean.worker_ids[0]
    refresh_household_due(session, household)
    return visit.id


def _set_links(session: Session, model, column, visit_id: int, wanted: tuple[int, ...]) -> None:
    """Keep the rows of ``model`` (workers or persons met) of this visit equal to ``wanted``."""
    key = column.key
    stored = {getattr(row, key): row for row in session.scalars(select(model).where(model.visit_id == visit_id))}
    for value in set(stored) - set(wanted):
        session.delete(stored[value])
    session.add_all(model(visit_id=visit_id, **{key: value}) for value in wanted if value not in stored)


def refresh_household_due(session: Session, household: Household) -> None:
    latest = session.execute(select(Visit.visit_date, Visit.risk, Visit.next_due)
                             .where(Visit.household_id == household.id)
                             .order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(1)).first()
    household.last_visit_date, household.last_risk, household.next_visit_due = latest or (None, "", None)
    session.flush()


def delete_visit(session: Session, visit_id: int) -> None:
    """Delete a visit with its workers and persons met (each row audited); a case it started keeps
    its other records and forgets the visit."""
    require(session, Permission.VISIT_RECORD)
    visit = get_or_error(session, Visit, visit_id, "走访记录")
    household = get_or_error(session, Household, visit.household_id, "户档")
    for model in (VisitWorker, VisitPerson):
        for row in session.scalars(select(model).where(model.visit_id == visit_id)):
            session.delete(row)
    for case_record in session.scalars(select(CaseRecord).where(CaseRecord.source_visit_id == visit_id)):
        case_record.source_visit_id = None
    session.flush()
    session.delete(visit)
    session.flush()
    refresh_household_due(session, household)


def _needs_text(v: Visit) -> str:
    parts = (("物质", v.need_material), ("精神", v.need_spiritual), ("社会", v.need_social))
    return "；".join(f"{k}：{t}" for k, t in parts if t)


@dataclass(frozen=True)
class VisitFilter:
    household_id: int | None = None
    worker_id: int | None = None
    village_code: str | None = None
    person_id: int | None = None
    since: date | None = None
    until: date | None = None


def list_visits(session: Session, flt: VisitFilter, limit: int = 500) -> list[VisitRow]:
    query = select(Visit).join(Household, Household.id == Visit.household_id)
    if flt.household_id:
        query = query.where(Visit.household_id == flt.household_id)
    if flt.worker_id:
        query = query.where(Visit.id.in_(select(VisitWorker.visit_id).where(VisitWorker.user_id == flt.worker_id)))
    if flt.village_code:
        query = query.where(Household.village_code == flt.village_code)
    if flt.person_id:
        query = query.where(Visit.id.in_(select(VisitPerson.visit_id).where(VisitPerson.person_id == flt.person_id)))
    if flt.since:
        query = query.where(Visit.visit_date >= flt.since)
    if flt.until:
        query = query.where(Visit.visit_date <= flt.until)
    visits = list(session.scalars(query.order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(limit)))
    return _rows(session, visits)


def _rows(session: Session, visits: list[Visit]) -> list[VisitRow]:
    ids = [v.id for v in visits]
    users, villages = user_names(session), village_names(session)
    workers: dict[int, list[str]] = {}
    for vid, uid in session.execute(select(VisitWorker.visit_id, VisitWorker.user_id)
                                    .where(VisitWorker.visit_id.in_(ids))):
        workers.setdefault(vid, []).append(users.get(uid, ""))
    met: dict[int, list[str]] = {}
    for vid, name in session.execute(select(VisitPerson.visit_id, Person.name).join(Person)
                                     .where(VisitPerson.visit_id.in_(ids))):
        met.setdefault(vid, []).append(name)
    households = {h.id: h for h in session.scalars(select(Household).where(
        Household.id.in_({v.household_id for v in visits})))}
    return [VisitRow(v.id, v.household_id, households[v.household_id].name,
                     villages.get(households[v.household_id].village_code or "", ""), v.visit_date, VisitForm(v.form),
                     "、".join(workers.get(v.id, [])), "、".join(met.get(v.id, [])), Risk(v.risk), _needs_text(v),
                     v.findings, v.next_due) for v in visits]


def get_visit(session: Session, visit_id: int) -> tuple[VisitRow, VisitInput]:
    v = get_or_error(session, Visit, visit_id, "走访记录")
    workers = tuple(session.scalars(select(VisitWorker.user_id).where(VisitWorker.visit_id == v.id)))
    met = tuple(session.scalars(select(VisitPerson.person_id).where(VisitPerson.visit_id == v.id)))
    data = VisitInput(v.household_id, v.visit_date, workers, met, VisitForm(v.form), v.findings, Risk(v.risk),
                      v.need_material, v.need_spiritual, v.need_social, v.next_due)
    return _rows(session, [v])[0], data


def due_visits(session: Session, today: date, within_days: int = SOON_DAYS, worker_id: int | None = None,
               village_code: str | None = None) -> list[DueVisit]:
    """Households whose next visit is overdue or due within ``within_days``, most overdue first."""
    query = select(Household).where(Household.next_visit_due.is_not(None),
                                    Household.next_visit_due <= today + timedelta(days=within_days))
    if worker_id:
        query = query.where(Household.worker_id == worker_id)
    if village_code:
        query = query.where(Household.village_code == village_code)
    users, villages = user_names(session), village_names(session)
    out = []
    for h in session.scalars(query.order_by(Household.next_visit_due, Household.id)):
        due = h.next_visit_due
        if due is None:  # the query leaves these out; this tells the type checker
            continue
        out.append(DueVisit(h.id, h.name, villages.get(h.village_code or "", ""), users.get(h.worker_id or 0, "未指定"),
                            h.last_visit_date, Risk(h.last_risk) if h.last_risk else None, due,
                            (due - today).days))
    return out


@dataclass(frozen=True)
class DueCount:
    key: str  # worker name or village name
    overdue: int
    soon: int


def due_counts(session: Session, today: date, by: str) -> list[DueCount]:
    """Overdue and due-soon households per worker (``by="worker"``) or per village (``by="village"``)."""
    column = Household.worker_id if by == "worker" else Household.village_code
    names = user_names(session) if by == "worker" else village_names(session)
    overdue = func.sum(case((Household.next_visit_due < today, 1), else_=0))
    soon = func.sum(case((Household.next_visit_due >= today, 1), else_=0))
    rows = session.execute(select(column, overdue, soon).where(
        Household.next_visit_due.is_not(None), Household.next_visit_due <= today + timedelta(days=SOON_DAYS))
        .group_by(column))
    out = [DueCount(names.get(key, "未指定") if key is not None else "未指定", o or 0, s or 0) for key, o, s in rows]
    return sorted(out, key=lambda c: (-c.overdue, -c.soon, c.key))
