"""The one person registry (居民/服务对象): create, edit, find. Shared by every feature.

Search is one box: any part of the name, pinyin in full or initials (``zs`` → 张三),
an ID number or its last digits, a phone number or part of it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..data.models import Person, Village
from ..domain.idcard import age_on, mask_id_number, normalize_id_number, parse_id_number
from ..domain.labels import PersonStatus
from ..domain.phone import mask_phone, validate_phone
from ..domain.pinyin import name_search_keys
from ..errors import UserError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class PersonInput:
    name: str
    id_number: str = ""
    no_id_reason: str = ""
    phone: str = ""
    village_code: str | None = None
    address: str = ""
    status: PersonStatus = PersonStatus.REGISTERED
    notes: str = ""


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


@dataclass(frozen=True)
class PersonDetail:
    id: int
    name: str
    id_number: str | None
    no_id_reason: str
    sex: str
    birth_date: date | None
    phone: str
    village_code: str | None
    village_name: str
    address: str
    status: PersonStatus
    notes: str

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number or "")


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


def _clean_text(value: str, field: str, limit: int, required: bool = False) -> str:
    text = _CONTROL.sub("", unicodedata.normalize("NFC", value or "")).strip()
    if required and not text:
        raise UserError(f"{field}不能为空。", field=field)
    if len(text) > limit:
        raise UserError(f"{field}不能超过 {limit} 个字（现在 {len(text)} 个）。", field=field)
    return text


def _validated(session: Session, data: PersonInput, today: date) -> tuple[PersonInput, date | None, str]:
    name = _clean_text(data.name, "姓名", 40, required=True)
    birth, sex, number = None, "", None
    if (data.id_number or "").strip():
        info = parse_id_number(data.id_number, today)
        number, birth, sex = info.number, info.birth_date, info.sex
        reason = ""
    else:
        reason = _clean_text(data.no_id_reason, "无身份证号原因", 80)
        if not reason:
            raise UserError("请填写身份证号；确实没有的（如未办证的婴儿），请填写无身份证号的原因。", field="身份证号")
    if data.village_code and not session.get(Village, data.village_code):
        raise UserError("所选村(居)不属于本站。", field="村(居)")
    clean = replace(data, name=name, id_number=number or "", no_id_reason=reason,
                    phone=validate_phone(data.phone or "", field="联系电话"),
                    address=_clean_text(data.address, "住址", 120), notes=_clean_text(data.notes, "备注", 2000),
                    status=PersonStatus(data.status))
    return clean, birth, sex


def _similar(session: Session, name: str, birth: date | None, village: str | None, exclude: int | None):
    cond = [Person.birth_date == birth] if birth else []
    if village:
        cond.append(Person.village_code == village)
    if not cond:
        return []
    query = select(Person).where(Person.name == name, or_(*cond))
    if exclude:
        query = query.where(Person.id != exclude)
    return [_row(p, _village_names(session)) for p in session.scalars(query.limit(10))]


def _village_names(session: Session) -> dict[str, str]:
    cache = session.info.setdefault("village_names", {})
    if not cache:
        cache.update((code, name) for code, name in session.execute(select(Village.code, Village.name)))
    return cache


def save_person(session: Session, data: PersonInput, person_id: int | None = None,
                confirm_similar: bool = False, today: date | None = None) -> int:
    """Create (``person_id`` None) or update a person; one call, one record, all rules checked."""
    today = today or date.today()
    clean, birth, sex = _validated(session, data, today)
    if clean.id_number:
        existing = session.scalar(select(Person).where(Person.id_number == clean.id_number))
        if existing and existing.id != person_id:
            raise DuplicatePerson(existing.id, existing.name, mask_id_number(existing.id_number))
    if not confirm_similar:
        similar = _similar(session, clean.name, birth, clean.village_code, person_id)
        if similar:
            raise SimilarPersons(similar)
    person = session.get(Person, person_id) if person_id else Person()
    full, initials = name_search_keys(clean.name)
    person.name, person.name_pinyin, person.name_initials = clean.name, full, initials
    person.id_number, person.no_id_reason = clean.id_number or None, clean.no_id_reason
    person.sex, person.birth_date = sex, birth
    person.phone, person.village_code, person.address = clean.phone, clean.village_code, clean.address
    person.status, person.notes = clean.status.value, clean.notes
    if person_id is None:
        session.add(person)
    session.flush()
    return person.id


def _row(p: Person, villages: dict[str, str], today: date | None = None) -> PersonRow:
    age = age_on(p.birth_date, today or date.today()) if p.birth_date else None
    return PersonRow(p.id, p.name, p.sex, age, mask_id_number(p.id_number or ""), mask_phone(p.phone or ""),
                     villages.get(p.village_code or "", ""), p.address, PersonStatus(p.status))


def get_person(session: Session, person_id: int) -> PersonDetail:
    p = session.get(Person, person_id)
    if p is None:
        raise UserError("找不到这位居民的记录（可能已被删除）。")
    return PersonDetail(p.id, p.name, p.id_number, p.no_id_reason, p.sex, p.birth_date, p.phone,
                        p.village_code, _village_names(session).get(p.village_code or "", ""), p.address,
                        PersonStatus(p.status), p.notes)


@dataclass(frozen=True)
class PersonFilter:
    text: str = ""
    village_code: str | None = None
    status: PersonStatus | None = None


def _text_condition(text: str):
    query = unicodedata.normalize("NFKC", text).strip()
    if not query:
        return None
    digits = normalize_id_number(query)
    if re.fullmatch(r"\d{17}[\dX]|\d{15}", digits):
        try:
            return Person.id_number == parse_id_number(digits).number
        except UserError:
            return Person.id_number == digits
    if re.fullmatch(r"\d{3,}[\dX]?", digits):
        return or_(Person.id_number.like(f"%{digits}"), Person.phone.like(f"%{digits}%"))
    if query.isascii() and re.fullmatch(r"[A-Za-z ]+", query):
        key = query.replace(" ", "").lower()
        return or_(Person.name_initials.like(f"{key}%"), Person.name_pinyin.like(f"{key}%"))
    return Person.name.like(f"%{query}%")


def _filtered(query, flt: PersonFilter):
    cond = _text_condition(flt.text)
    if cond is not None:
        query = query.where(cond)
    if flt.village_code:
        query = query.where(Person.village_code == flt.village_code)
    if flt.status:
        query = query.where(Person.status == flt.status.value)
    return query


def search_ids(session: Session, flt: PersonFilter, limit: int | None = None) -> list[int]:
    """Ids of matching persons in display order (name pinyin): cheap even for 100,000 rows."""
    query = _filtered(select(Person.id), flt).order_by(Person.name_pinyin, Person.id)
    return list(session.scalars(query.limit(limit) if limit else query))


def rows_for(session: Session, ids: list[int]) -> list[PersonRow]:
    """Rows for a block of ids, in the order given."""
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    villages, today = _village_names(session), date.today()
    return [_row(people[i], villages, today) for i in ids if i in people]


def search(session: Session, flt: PersonFilter, limit: int = 50) -> list[PersonRow]:
    return rows_for(session, search_ids(session, flt, limit))


def count(session: Session, flt: PersonFilter) -> int:
    return session.scalar(_filtered(select(func.count(Person.id)), flt))
