"""入户走访: visits with workers, persons met, needs and risk; the next due date per household (R4.3).

Recording, correcting and deleting a visit need ``Permission.VISIT_RECORD``; 录入人 is the session's
user. Workers and persons met change row by row through the ORM, so each change is audited.

The visitors are any workers on the roster (人员名册), not only those who can log in: a roster worker
with an account is stored by the account (``VisitWorker``, as the due lists and filters count), one
without an account by the roster record (``VisitStaff``); accounts that do case work but are not on the
roster (the administrator) stay choosable (``visitor_choices``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...data.models import Person, User
from ...data.models.staff import StaffMember
from ...data.models.targets import CaseRecord, Household, Visit, VisitPerson, VisitStaff, VisitWorker
from ...domain.labels import Role
from ...domain.permissions import allowed
from ...domain.staff_labels import StaffStatus
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
    staff_ids: tuple[int, ...] = ()  # visitors from the roster (人员名册); those with an account count by it


@dataclass(frozen=True)
class Visitor:
    """One choice of 走访社工: a roster worker (``staff_id``), with their account if they have one."""

    name: str
    staff_id: int | None
    user_id: int | None
    on_staff: bool  # on the roster and in post (False: left, or an account not on the roster)

    @property
    def key(self) -> str:
        """A list key: "staff:<id>" for a roster worker, "user:<id>" for an account not on the roster."""
        return f"staff:{self.staff_id}" if self.staff_id is not None else f"user:{self.user_id or 0}"


def visitor_choices(session: Session, keep: VisitInput | None = None) -> list[Visitor]:
    """Workers in post on the roster (any role), then accounts that do case work and are not on the roster;
    the visitors of ``keep`` (a visit being corrected) stay in the list even if they have left since."""
    out: list[Visitor] = []
    linked: set[int] = set()
    kept_users = set(keep.worker_ids) if keep else set()
    kept_staff = set(keep.staff_ids) if keep else set()
    for member in session.scalars(select(StaffMember).order_by(StaffMember.name_pinyin, StaffMember.id)):
        if member.user_id is not None:
            linked.add(member.user_id)
        active = member.status == StaffStatus.ACTIVE.value
        if active or member.id in kept_staff or (member.user_id is not None and member.user_id in kept_users):
            out.append(Visitor(member.name, member.id, member.user_id, active))
    for account in session.scalars(select(User).order_by(User.id)):
        if account.id in linked:
            continue
        works = not account.disabled and allowed(Role(account.role), Permission.CASE_OPEN)
        if works or account.id in kept_users:
            out.append(Visitor(account.display_name, None, account.id, False))
    return out


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
    recorded_by: str = ""  # 录入人 (user name of the account that entered it)

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
    worker_ids, staff_ids = _visitors(session, data)
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
    clean = VisitInput(data.household_id, visit_date, worker_ids,
                       tuple(dict.fromkeys(data.person_ids)), VisitForm(data.form), findings, risk,
                       clean_text(data.need_material, "物质需求", 500), clean_text(data.need_spiritual, "精神需求", 500),
                       clean_text(data.need_social, "社会需求", 500), next_due, staff_ids)
    return clean, next_due


def _visitors(session: Session, data: VisitInput) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(accounts, roster workers without an account): a roster worker with an account counts by the account."""
    if not data.worker_ids and not data.staff_ids:
        raise UserError("请至少选择一位走访社工。", field="走访社工")
    known = set(session.scalars(select(User.id).where(User.id.in_(data.worker_ids))))
    if known != set(data.worker_ids):
        raise UserError("所选走访社工的账户不存在。", field="走访社工")
    accounts = list(dict.fromkeys(data.worker_ids))
    roster: list[int] = []
    members = {m.id: m for m in session.scalars(select(StaffMember).where(StaffMember.id.in_(data.staff_ids)))}
    for staff_id in dict.fromkeys(data.staff_ids):
        member = members.get(staff_id)
        if member is None:
            raise UserError("所选走访社工不在人员名册中（可能已被删除）。", field="走访社工")
        if member.user_id is None:
            roster.append(staff_id)
        elif member.user_id not in accounts:
            accounts.append(member.user_id)
    return tuple(accounts), tuple(roster)


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
    _set_links(session, VisitStaff, VisitStaff.staff_id, visit.id, clean.staff_ids)
    _set_links(session, VisitPerson, VisitPerson.person_id, visit.id, clean.person_ids)
    household = get_or_error(session, Household, clean.household_id, "户档")
    if household.worker_id is None and clean.worker_ids:
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
    for model in (VisitWorker, VisitStaff, VisitPerson):
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
    users_by_login = {login: name for login, name in session.execute(select(User.username, User.display_name))}
    workers: dict[int, list[str]] = {}
    for vid, uid in session.execute(select(VisitWorker.visit_id, VisitWorker.user_id)
                                    .where(VisitWorker.visit_id.in_(ids))):
        workers.setdefault(vid, []).append(users.get(uid, ""))
    for vid, name in session.execute(select(VisitStaff.visit_id, StaffMember.name).join(StaffMember)
                                     .where(VisitStaff.visit_id.in_(ids))):
        workers.setdefault(vid, []).append(name)
    met: dict[int, list[str]] = {}
    for vid, name in session.execute(select(VisitPerson.visit_id, Person.name).join(Person)
                                     .where(VisitPerson.visit_id.in_(ids))):
        met.setdefault(vid, []).append(name)
    households = {h.id: h for h in session.scalars(select(Household).where(
        Household.id.in_({v.household_id for v in visits})))}
    return [VisitRow(v.id, v.household_id, households[v.household_id].name,
                     villages.get(households[v.household_id].village_code or "", ""), v.visit_date, VisitForm(v.form),
                     "、".join(workers.get(v.id, [])), "、".join(met.get(v.id, [])), Risk(v.risk), _needs_text(v),
                     v.findings, v.next_due, _recorder(users_by_login, v.recorded_by)) for v in visits]


def _recorder(users_by_login: dict[str, str], login: str) -> str:
    name = users_by_login.get(login)
    return f"{name}（{login}）" if name and name != login else login


def get_visit(session: Session, visit_id: int) -> tuple[VisitRow, VisitInput]:
    v = get_or_error(session, Visit, visit_id, "走访记录")
    workers = tuple(session.scalars(select(VisitWorker.user_id).where(VisitWorker.visit_id == v.id)))
    met = tuple(session.scalars(select(VisitPerson.person_id).where(VisitPerson.visit_id == v.id)))
    roster = tuple(session.scalars(select(VisitStaff.staff_id).where(VisitStaff.visit_id == v.id)))
    data = VisitInput(v.household_id, v.visit_date, workers, met, VisitForm(v.form), v.findings, Risk(v.risk),
                      v.need_material, v.need_spiritual, v.need_social, v.next_due, roster)
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
