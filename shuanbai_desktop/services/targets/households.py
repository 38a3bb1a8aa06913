"""一户一档: household files with members and relationships, housing and income (R4.2).

Changes need ``Permission.HOUSEHOLD_EDIT``. Members and incomes change row by row through the ORM,
so each change is in the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...data.models import Person
from ...data.models.targets import Household, HouseholdIncome, Visit
from ...domain.idcard import age_on, mask_id_number
from ...domain.target_labels import Housing, HousingCondition, IncomeSource, Relation, Risk
from ...errors import UserError
from ..fields import clean_text, optional_money
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new, user_names, village_names
from .profile import groups_of

MAX_YEARLY = Decimal("10000000")  # a household's yearly income from one source, in yuan


@dataclass(frozen=True)
class MemberInput:
    person_id: int
    relation: Relation


@dataclass(frozen=True)
class IncomeInput:
    source: IncomeSource
    yearly_amount: str | Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class HouseholdInput:
    members: tuple[MemberInput, ...]
    name: str = ""
    village_code: str | None = None
    address: str = ""
    housing: Housing = Housing.UNKNOWN
    housing_condition: HousingCondition = HousingCondition.UNKNOWN
    housing_note: str = ""
    worker_id: int | None = None
    notes: str = ""
    incomes: tuple[IncomeInput, ...] = ()


@dataclass(frozen=True)
class HouseholdRow:
    id: int
    name: str
    village_name: str
    address: str
    members: int
    head_name: str
    worker_name: str
    last_visit: date | None
    risk: Risk | None
    next_due: date | None


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    relation: Relation
    sex: str
    age: int | None
    id_masked: str
    groups_text: str


@dataclass(frozen=True)
class IncomeRow:
    source: IncomeSource
    yearly_amount: Decimal | None
    note: str


@dataclass(frozen=True)
class HouseholdInfo:
    id: int
    name: str
    village_code: str | None
    village_name: str
    address: str
    housing: Housing
    housing_condition: HousingCondition
    housing_note: str
    worker_id: int | None
    worker_name: str
    notes: str
    members: tuple[MemberRow, ...]
    incomes: tuple[IncomeRow, ...] = field(default=())
    last_visit: date | None = None
    risk: Risk | None = None
    next_due: date | None = None
    version: int = 0  # what the form hands back to its save (a save from an older version is refused)

    @property
    def yearly_income(self) -> Decimal:
        return sum((i.yearly_amount or Decimal(0) for i in self.incomes), Decimal(0))


def _check_members(session: Session, members: tuple[MemberInput, ...], household_id: int | None) -> list[Person]:
    if not members:
        raise UserError("户档至少要有一位成员（户主）。", field="家庭成员")
    ids = [m.person_id for m in members]
    if len(set(ids)) != len(ids):
        raise UserError("同一位居民在成员中出现了两次。", field="家庭成员")
    heads = [m for m in members if Relation(m.relation) is Relation.HEAD]
    if len(heads) != 1:
        raise UserError("每户须有且只有一位户主。", field="家庭成员")
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    for pid in ids:
        person = people.get(pid)
        if person is None:
            raise UserError("所选成员的居民记录不存在（可能已被删除）。", field="家庭成员")
        if person.household_id and person.household_id != household_id:
            other = get_or_error(session, Household, person.household_id, "户档")
            raise UserError(f"“{person.name}”已是“{other.name}”的成员，一人只能在一户。请先从该户移出。",
                            field="家庭成员")
    return [people[m.person_id] for m in members]


def _clean_incomes(incomes) -> list[IncomeInput]:
    out = []
    for i in incomes:
        source = IncomeSource(i.source)
        out.append(IncomeInput(source, optional_money(i.yearly_amount, f"{source.label}年收入", MAX_YEARLY),
                               clean_text(i.note, "收入说明", 80)))
    return out


def save_household(session: Session, data: HouseholdInput, household_id: int | None = None,
                   version: int | None = None) -> int:
    """Create or update a household file with its members and incomes; one transaction. ``version``: the
    ``HouseholdInfo.version`` the form was opened on (a save after someone else's is refused)."""
    require(session, Permission.HOUSEHOLD_EDIT)
    people = _check_members(session, data.members, household_id)
    head = people[[Relation(m.relation) for m in data.members].index(Relation.HEAD)]
    incomes = _clean_incomes(data.incomes)
    h = get_or_new(session, Household, household_id, "户档", version)
    h.name = clean_text(data.name, "户名", 60) or f"{head.name}户"
    h.village_code = data.village_code or head.village_code
    h.address = clean_text(data.address, "住址", 120) or head.address
    h.housing = Housing(data.housing).value
    h.housing_condition = HousingCondition(data.housing_condition).value
    h.housing_note = clean_text(data.housing_note, "住房说明", 200)
    h.worker_id = data.worker_id
    h.notes = clean_text(data.notes, "备注", 2000)
    if household_id is None:
        session.add(h)
    session.flush()
    _set_members(session, h.id, data.members)
    _set_incomes(session, h.id, incomes)
    session.flush()
    return h.id


def _set_incomes(session: Session, household_id: int, incomes: list[IncomeInput]) -> None:
    """Stored incomes equal to a wanted one stay; the others are deleted, the new ones added."""
    wanted = [(i.source.value, i.yearly_amount, i.note) for i in incomes]
    for row in list(session.scalars(select(HouseholdIncome).where(HouseholdIncome.household_id == household_id)
                                    .order_by(HouseholdIncome.id))):
        key = (row.source, row.yearly_amount, row.note)
        if key in wanted:
            wanted.remove(key)
        else:
            session.delete(row)
    session.add_all(HouseholdIncome(household_id=household_id, source=source, yearly_amount=amount, note=note)
                    for source, amount, note in wanted)


def _set_members(session: Session, household_id: int, members: tuple[MemberInput, ...]) -> None:
    wanted = {m.person_id: Relation(m.relation).value for m in members}
    for person in session.scalars(select(Person).where(or_(Person.household_id == household_id,
                                                           Person.id.in_(wanted)))):
        if person.id in wanted:
            person.household_id = household_id
            person.relation = wanted[person.id]
        else:
            person.household_id = None
            person.relation = ""


def delete_household(session: Session, household_id: int) -> None:
    """Remove a household file; members stay registered (without a household)."""
    require(session, Permission.HOUSEHOLD_EDIT)
    h = get_or_error(session, Household, household_id, "户档")
    if session.scalar(select(func.count(Visit.id)).where(Visit.household_id == household_id)):
        raise UserError("这户已有走访记录，不能删除户档（记录须保留）。可把成员移到其他户档。")
    for person in session.scalars(select(Person).where(Person.household_id == household_id)):
        person.household_id = None
        person.relation = ""
    for income in session.scalars(select(HouseholdIncome).where(HouseholdIncome.household_id == household_id)):
        session.delete(income)
    session.flush()
    session.delete(h)
    session.flush()


def members_of(session: Session, household_id: int, today: date | None = None) -> tuple[MemberRow, ...]:
    today = today or date.today()
    people = list(session.scalars(select(Person).where(Person.household_id == household_id)))
    groups = groups_of(session, [p.id for p in people])
    order = {r.value: i for i, r in enumerate(Relation)}
    people.sort(key=lambda p: (order.get(p.relation, 99), p.birth_date or date.max))
    return tuple(MemberRow(p.id, p.name, Relation(p.relation or "other"), p.sex,
                           age_on(p.birth_date, today) if p.birth_date else None,
                           mask_id_number(p.id_number or ""), "、".join(g.label for g in groups.get(p.id, ())))
                 for p in people)


def get_household(session: Session, household_id: int) -> HouseholdInfo:
    h = get_or_error(session, Household, household_id, "户档")
    incomes = session.scalars(select(HouseholdIncome).where(HouseholdIncome.household_id == h.id)
                              .order_by(HouseholdIncome.id))
    workers = user_names(session)
    return HouseholdInfo(h.id, h.name, h.village_code, village_names(session).get(h.village_code or "", ""),
                         h.address, Housing(h.housing), HousingCondition(h.housing_condition), h.housing_note,
                         h.worker_id, workers.get(h.worker_id or 0, ""), h.notes, members_of(session, h.id),
                         tuple(IncomeRow(IncomeSource(i.source), i.yearly_amount, i.note) for i in incomes),
                         h.last_visit_date, Risk(h.last_risk) if h.last_risk else None, h.next_visit_due,
                         h.version)


@dataclass(frozen=True)
class HouseholdFilter:
    text: str = ""  # part of the household name, or of a member's name
    village_code: str | None = None
    worker_id: int | None = None


def household_ids(session: Session, flt: HouseholdFilter) -> list[int]:
    query = select(Household.id)
    if flt.text.strip():
        like = f"%{flt.text.strip()}%"
        members = select(Person.household_id).where(Person.name.like(like), Person.household_id.is_not(None))
        query = query.where(or_(Household.name.like(like), Household.id.in_(members)))
    if flt.village_code:
        query = query.where(Household.village_code == flt.village_code)
    if flt.worker_id:
        query = query.where(Household.worker_id == flt.worker_id)
    return list(session.scalars(query.order_by(Household.village_code, Household.name, Household.id)))


def household_rows(session: Session, ids: list[int]) -> list[HouseholdRow]:
    rows = {h.id: h for h in session.scalars(select(Household).where(Household.id.in_(ids)))}
    counts = dict(session.execute(select(Person.household_id, func.count(Person.id))
                                  .where(Person.household_id.in_(ids)).group_by(Person.household_id)).all())
    heads = dict(session.execute(select(Person.household_id, Person.name)
                                 .where(Person.household_id.in_(ids), Person.relation == Relation.HEAD.value)).all())
    villages, workers = village_names(session), user_names(session)
    return [HouseholdRow(h.id, h.name, villages.get(h.village_code or "", ""), h.address, counts.get(h.id, 0),
                         heads.get(h.id, ""), workers.get(h.worker_id or 0, ""), h.last_visit_date,
                         Risk(h.last_risk) if h.last_risk else None, h.next_visit_due)
            for h in (rows.get(i) for i in ids) if h is not None]
