"""The one search box of the person registry: what a typed text matches, and the list filters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from ...data.models import Person
from ...data.models.person import PersonGroup
from ...domain.idcard import normalize_id_number, parse_id_number
from ...domain.labels import PersonStatus
from ...domain.target_labels import TargetGroup
from ...errors import UserError


@dataclass(frozen=True)
class PersonFilter:
    text: str = ""
    village_code: str | None = None
    status: PersonStatus | None = None
    group: TargetGroup | None = None  # one target group
    targets_only: bool = False  # persons in any target group
    household_id: int | None = None


def text_condition(text: str):
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
        return _pinyin_prefix(query.replace(" ", "").lower())
    return Person.name.like(f"%{_escape_like(query)}%", escape="\\")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filtered(query, flt: PersonFilter):
    cond = text_condition(flt.text)
    if cond is not None:
        query = query.where(cond)
    if flt.village_code:
        query = query.where(Person.village_code == flt.village_code)
    if flt.status:
        query = query.where(Person.status == flt.status.value)
    if flt.group:
        query = query.where(Person.id.in_(select(PersonGroup.person_id).where(
            PersonGroup.group_code == TargetGroup(flt.group).value)))
    elif flt.targets_only:
        query = query.where(Person.id.in_(select(PersonGroup.person_id)))
    if flt.household_id:
        query = query.where(Person.household_id == flt.household_id)
    return query


def _pinyin_prefix(key: str):
    """Prefix of the pinyin or the initials as index ranges (keys are stored lowercase).

    One letter: the initials start with the same letter as the pinyin, so one range on the
    display-order index answers it without sorting.
    """
    upper = key[:-1] + chr(ord(key[-1]) + 1)
    pinyin = and_(Person.name_pinyin >= key, Person.name_pinyin < upper)
    if len(key) == 1:
        return pinyin
    return or_(and_(Person.name_initials >= key, Person.name_initials < upper), pinyin)
