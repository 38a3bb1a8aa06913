"""The one person registry (居民/服务对象): create, edit, find. Shared by every feature.

Search is one box: any part of the name, pinyin in full or initials (``zs`` → 张三),
an ID number or its last digits, a phone number or part of it. The service-target
fields (groups, disability, guardian, health, benefits) live in ``targets.profile``;
left ``None`` in ``PersonInput`` they keep what is stored.

Reading a person gives the ID number masked, whoever asks (``get_person``). The full number leaves
the registry only through ``reveal_id_number(s)``: ``Permission.PERSON_REVEAL_ID``, a reason, and an
audit event “查看完整身份证号” per person. An edit form that never revealed the number sends
``id_number=None`` and the stored number stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..data import audit
from ..data.models import Person, Village
from ..data.models.targets import Household
from ..domain.idcard import age_on, mask_id_number, parse_id_number
from ..domain.labels import PersonStatus
from ..domain.phone import mask_phone, validate_phone
from ..domain.pinyin import name_search_keys
from ..domain.target_labels import DisabilityGrade, DisabilityType, Health, Relation, TargetGroup
from ..errors import UserError
from .fields import clean_text
from .permissions import Permission, require
from .records import get_or_error, village_names
from .targets import profile
from .targets.person_query import PersonFilter, filtered, name_order

#: Readings pypinyin lacks for rare name characters (Ext-B), by a common variant.
RARE_READINGS = {"𠮷": "吉", "𡒄": "亨", "𨭉": "贲", "𪨊": "尾", "𬱖": "颙"}


@dataclass(frozen=True)
class PersonInput:
    name: str
    id_number: str | None = ""  # None (editing only): keep the stored number, which the form never saw
    no_id_reason: str = ""
    phone: str = ""
    village_code: str | None = None
    address: str = ""
    status: PersonStatus = PersonStatus.REGISTERED
    notes: str = ""
    # Service-target fields: None keeps the stored value (a new person gets none).
    groups: tuple[TargetGroup, ...] | None = None
    disability_type: str | None = None
    disability_grade: str | None = None
    guardian_name: str | None = None
    guardian_relation: str | None = None
    guardian_phone: str | None = None
    health: str | None = None
    health_note: str | None = None
    benefits: tuple[profile.BenefitInput, ...] | None = None


@dataclass(frozen=True)
class PersonRow:
    """What lists show: the ID number and phone masked."""

    id: int
    name: str
    sex: str
    age: int | None
    id_masked: str
    phone_masked: str
    village_name: str
    address: str
    status: PersonStatus
    groups: tuple[TargetGroup, ...] = ()
    household_id: int | None = None

    @property
    def groups_text(self) -> str:
        return "、".join(g.label for g in self.groups)


@dataclass(frozen=True)
class PersonDetail:
    """One person as every role may read it: the ID number masked (``reveal_id_number`` for the full one)."""

    id: int
    name: str
    id_masked: str  # "" when the person has no ID number
    no_id_reason: str
    sex: str
    birth_date: date | None
    phone: str
    village_code: str | None
    village_name: str
    address: str
    status: PersonStatus
    notes: str
    groups: tuple[TargetGroup, ...] = ()
    disability_type: DisabilityType = DisabilityType.NONE
    disability_grade: DisabilityGrade = DisabilityGrade.NONE
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_phone: str = ""
    health: Health = Health.UNKNOWN
    health_note: str = ""
    benefits: tuple[profile.BenefitRow, ...] = ()
    household_id: int | None = None
    household_name: str = ""
    relation: str = ""
    version: int = 0  # what the form hands back to save_person (a save from an older version is refused)

    def age(self, today: date | None = None) -> int | None:
        return age_on(self.birth_date, today or date.today()) if self.birth_date else None

    @property
    def relation_label(self) -> str:
        return Relation(self.relation).label if self.relation else ""


class DuplicatePerson(UserError):
    """The ID number is already registered: open that record instead."""

    def __init__(self, existing_id: int, name: str, masked: str):
        super().__init__(f"身份证号 {masked} 已登记在“{name}”名下，不能重复登记。已为您打开该居民的记录。",
                         field="身份证号")
        self.existing_id = existing_id


class SimilarPersons(UserError):
    """Same name with the same birth date or village: confirm before creating another."""

    def __init__(self, candidates: list[PersonRow]):
        lines = "；".join(f"{c.name}（{c.id_masked or '无身份证号'}，{c.village_name or '未填村(居)'}）"
                         for c in candidates[:5])
        super().__init__(f"已有相似的居民：{lines}。请确认不是同一人后再保存。", field="姓名")
        self.candidates = candidates


def _validated(session: Session, data: PersonInput, today: date) -> tuple[PersonInput, date | None, str]:
    return clean_person(data, today, lambda code: session.get(Village, code) is not None)


def clean_person(data: PersonInput, today: date,
                 village_ok: Callable[[str], bool]) -> tuple[PersonInput, date | None, str]:
    """The form's rules for one person, without the database: ``village_ok(code)`` says whether a village
    belongs to the station (the import passes a set it loaded once). Returns the cleaned input, the
    birth date and sex read from the ID number."""
    name = clean_text(data.name, "姓名", 40, required=True)
    birth, sex, number = None, "", None
    raw_number = data.id_number or ""
    if raw_number.strip():
        info = parse_id_number(raw_number, today)
        number, birth, sex = info.number, info.birth_date, info.sex
        reason = ""
    else:
        reason = clean_text(data.no_id_reason, "无身份证号原因", 80)
        if not reason:
            raise UserError("请填写身份证号；确实没有的（如未办证的婴儿），请填写无身份证号的原因。", field="身份证号")
    if data.village_code and not village_ok(data.village_code):
        raise UserError("所选村(居)不属于本站。", field="村(居)")
    clean = replace(data, name=name, id_number=number or "", no_id_reason=reason,
                    phone=validate_phone(data.phone or "", field="联系电话"),
                    address=clean_text(data.address, "住址", 120), notes=clean_text(data.notes, "备注", 2000),
                    status=PersonStatus(data.status))
    return profile.clean_input(clean), birth, sex


def _similar(session: Session, name: str, birth: date | None, village: str | None, exclude: int | None):
    cond = [Person.birth_date == birth] if birth else []
    if village:
        cond.append(Person.village_code == village)
    if not cond:
        return []
    query = select(Person).where(Person.name == name, or_(*cond))
    if exclude:
        query = query.where(Person.id != exclude)
    return [_row(p, village_names(session)) for p in session.scalars(query.limit(10))]


def search_keys(name: str) -> tuple[str, str]:
    """Pinyin keys of a name; rare characters pypinyin lacks are read as their common variant."""
    return name_search_keys("".join(RARE_READINGS.get(ch, ch) for ch in name))


def save_person(session: Session, data: PersonInput, person_id: int | None = None,
                confirm_similar: bool = False, today: date | None = None, version: int | None = None) -> int:
    """Create (``person_id`` None, ``PERSON_CREATE``) or update a person (``PERSON_EDIT``); one call,
    one record, all rules checked. ``data.id_number`` None keeps the stored number. ``version``: the
    ``PersonDetail.version`` the form was opened on (a save after someone else's is refused)."""
    require(session, Permission.PERSON_EDIT if person_id else Permission.PERSON_CREATE)
    today = today or date.today()
    person = get_or_error(session, Person, person_id, "居民记录", version) if person_id else None
    if data.id_number is None:
        data = replace(data, id_number=(person.id_number or "") if person is not None else "")
    clean, birth, sex = _validated(session, data, today)
    if clean.id_number:
        existing = session.scalar(select(Person).where(Person.id_number == clean.id_number))
        if existing and existing.id != person_id:
            raise DuplicatePerson(existing.id, existing.name, mask_id_number(existing.id_number or ""))
    profile.check_profile(profile.effective(session, clean, person), birth, today)
    if not confirm_similar:
        similar = _similar(session, clean.name, birth, clean.village_code, person_id)
        if similar:
            raise SimilarPersons(similar)
    person = person or Person()
    full, initials = search_keys(clean.name)
    person.name = clean.name
    person.name_pinyin = full
    person.name_initials = initials
    person.id_number = clean.id_number or None
    person.no_id_reason = clean.no_id_reason
    person.sex = sex
    person.birth_date = birth
    person.phone = clean.phone
    person.village_code = clean.village_code
    person.address = clean.address
    person.status = clean.status.value
    person.notes = clean.notes
    if person_id is None:
        session.add(person)
    session.flush()
    profile.store_profile(session, person, clean, today)
    session.flush()
    return person.id


def _row(p, villages: dict[str, str], today: date | None = None,
         groups: tuple[TargetGroup, ...] = ()) -> PersonRow:
    age = age_on(p.birth_date, today or date.today()) if p.birth_date else None
    return PersonRow(p.id, p.name, p.sex, age, mask_id_number(p.id_number or ""), mask_phone(p.phone or ""),
                     villages.get(p.village_code or "", ""), p.address, PersonStatus(p.status), groups,
                     p.household_id)


def get_person(session: Session, person_id: int) -> PersonDetail:
    """One person, the ID number masked: open to every role (lists and forms show it masked)."""
    p = get_or_error(session, Person, person_id, "居民记录")
    household = session.get(Household, p.household_id) if p.household_id else None
    return PersonDetail(p.id, p.name, mask_id_number(p.id_number or ""), p.no_id_reason, p.sex, p.birth_date,
                        p.phone, p.village_code, village_names(session).get(p.village_code or "", ""), p.address,
                        PersonStatus(p.status), p.notes, profile.groups_of(session, [p.id]).get(p.id, ()),
                        DisabilityType(p.disability_type), DisabilityGrade(p.disability_grade), p.guardian_name,
                        p.guardian_relation, p.guardian_phone, Health(p.health), p.health_note,
                        profile.benefits_of(session, p.id), p.household_id, household.name if household else "",
                        p.relation, p.version)


REVEAL_EVENT = "查看完整身份证号"


def clean_reveal_reason(reason: str | None) -> str:
    """Why the full number is needed: at least 4 characters (as for a reported month's change)."""
    text = clean_text(reason, "查看原因", 150)
    if len(text) < 4:
        raise UserError("查看完整身份证号须填写原因（至少 4 个字），原因记入操作日志。", field="查看原因")
    return text


def reveal_id_numbers(session: Session, person_ids: list[int], reason: str | None,
                      purpose: str = "") -> dict[int, str]:
    """Full ID numbers (``PERSON_REVEAL_ID``), each unmasking audited with the reason.

    ``purpose`` names where the numbers go when it is not the screen (e.g. “打印户档”). Persons
    without an ID number are left out of the answer and of the audit trail."""
    require(session, Permission.PERSON_REVEAL_ID)
    reason = clean_reveal_reason(reason)
    ids = list(dict.fromkeys(person_ids))
    numbers = dict(session.execute(select(Person.id, Person.id_number).where(Person.id.in_(ids))).all())
    details = {"reason": reason} | ({"purpose": purpose} if purpose else {})
    out: dict[int, str] = {}
    for pid in ids:
        number = numbers.get(pid)
        if number:
            audit.record_event(session, "person", str(pid), REVEAL_EVENT, details)
            out[pid] = number
    return out


def reveal_id_number(session: Session, person_id: int, reason: str | None) -> str:
    """The full ID number of one person for its edit form (``PERSON_REVEAL_ID``, audited with the reason)."""
    require(session, Permission.PERSON_REVEAL_ID)
    p = get_or_error(session, Person, person_id, "居民记录")
    if not p.id_number:
        raise UserError("这位居民没有登记身份证号。", field="身份证号")
    return reveal_id_numbers(session, [person_id], reason)[person_id]


# The person list's sortable columns (its headers): each an ORDER BY that an index of ``person`` answers in
# order (data/models/person.py), ending in the name's pinyin and the id so that the order is total.
# (column, descending) pairs; 年龄 ascending is the birth date descending (the youngest first).
SORT_KEYS: dict[str, tuple[tuple[Any, bool], ...]] = {
    "name": ((Person.name_pinyin, False), (Person.id, False)),
    "sex": ((Person.sex, False), (Person.name_pinyin, False), (Person.id, False)),
    "age": ((Person.birth_date, True), (Person.name_pinyin, True), (Person.id, True)),
    "village": ((Person.village_code, False), (Person.name_pinyin, False), (Person.id, False)),
    "status": ((Person.status, False), (Person.name_pinyin, False), (Person.id, False)),
}


@dataclass(frozen=True)
class PersonOrder:
    key: str = "name"  # one of SORT_KEYS
    descending: bool = False


def order_by(query, order: PersonOrder | None, flt: PersonFilter | None = None):
    """The list's order: by name unless a column was chosen; descending reverses every part (the index is
    read backwards). By name, the keys ``flt``'s search reads in order (``person_query.name_order``)."""
    chosen = order or PersonOrder()
    if chosen.key not in SORT_KEYS:
        raise ValueError(f"unknown person order {chosen.key!r}")
    keys = SORT_KEYS[chosen.key]
    if chosen.key == "name" and flt is not None:
        keys = tuple((column, False) for column in name_order(flt))
    terms = []
    for column, descending in keys:
        if descending != chosen.descending:
            terms.append(column.desc())
        else:
            terms.append(column.asc())
    return query.order_by(*terms)


def search_ids(session: Session, flt: PersonFilter, limit: int | None = None,
               order: PersonOrder | None = None) -> list[int]:
    """Ids of matching persons in display order (name pinyin, or the column chosen in the list: sorted by
    the database on an index, never in memory): cheap even for 100,000 rows."""
    return list(session.scalars(ids_query(flt, limit, order)))


def ids_query(flt: PersonFilter, limit: int | None = None, order: PersonOrder | None = None):
    """The SELECT of ``search_ids`` (the benchmark runs the same SQL on a bare connection)."""
    query = order_by(filtered(select(Person.id), flt), order, flt)
    return query.limit(limit) if limit else query


_ROW_COLUMNS = (Person.id, Person.name, Person.sex, Person.birth_date, Person.id_number, Person.phone,
                Person.village_code, Person.address, Person.status, Person.household_id)


def rows_for(session: Session, ids: list[int]) -> list[PersonRow]:
    """Rows for a block of ids, in the order given (plain columns: no ORM objects for a list)."""
    people = {p.id: p for p in session.execute(select(*_ROW_COLUMNS).where(Person.id.in_(ids)))}
    villages, today = village_names(session), date.today()
    groups = profile.groups_of(session, list(people))
    return [_row(people[i], villages, today, groups.get(i, ())) for i in ids if i in people]


def search(session: Session, flt: PersonFilter, limit: int = 50) -> list[PersonRow]:
    return rows_for(session, search_ids(session, flt, limit))


def count(session: Session, flt: PersonFilter) -> int:
    return session.scalar(filtered(select(func.count(Person.id)), flt))
