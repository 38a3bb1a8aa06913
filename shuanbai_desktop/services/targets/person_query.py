"""The one search box of the person registry: what a typed text matches, and the list filters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, or_, select

from ...data.models import Person
from ...data.models.person import PERSON_FTS, PERSON_NAME_GRAM, PersonGroup
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
    """What ``text`` matches, each class answered by an index (migration 0012_search_index), never a scan:

    - a full ID number: the unique index;
    - 3 or more digits: the end of an ID number (``id_rev``, the number reversed: one index range) or any
      part of a phone (FTS5 trigram);
    - latin letters: the start of the pinyin or of the initials (index ranges);
    - a name part of 3 or more characters: FTS5 trigram; of 1 or 2 characters: ``name_gram`` (a join, see
      ``filtered``), None here.
    """
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
        return or_(_prefix(Person.id_rev, digits[::-1]), Person.id.in_(_fts("phone", digits)))
    if query.isascii() and re.fullmatch(r"[A-Za-z ]+", query):
        return _pinyin_prefix(query.replace(" ", "").lower())
    if len(query) < 3:
        return None
    return Person.id.in_(_fts("name", query))


def name_gram(text: str) -> str | None:
    """The 1- or 2-character name part ``text`` asks for (as stored in ``person_name_gram``: ASCII lowercased,
    as LIKE folds case), or None when the text is another class."""
    query = unicodedata.normalize("NFKC", text).strip()
    if not query or len(query) > 2:
        return None
    if query.isascii() and re.fullmatch(r"[A-Za-z ]+", query):
        return None
    return "".join(ch.lower() if ch.isascii() else ch for ch in query)


def _prefix(column, key: str):
    return and_(column >= key, column < key[:-1] + chr(ord(key[-1]) + 1))


def _fts(column: str, text: str):
    """Ids whose ``column`` (name or phone) contains ``text`` (3 characters or more): an FTS5 trigram phrase."""
    phrase = '"' + text.replace('"', '""') + '"'
    return select(PERSON_FTS.c.rowid).where(PERSON_FTS.c.person_fts.match(f"{column} : {phrase}"))


def filtered(query, flt: PersonFilter):
    gram = name_gram(flt.text)
    if gram is not None:  # one row per person and part: a join, read in display order (``name_order``)
        query = query.join(PERSON_NAME_GRAM, PERSON_NAME_GRAM.c.person_id == Person.id).where(
            PERSON_NAME_GRAM.c.gram == gram)
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


def name_order(flt: PersonFilter) -> tuple:
    """The display order (name pinyin, id) as ``filtered``'s query can read it from an index in order: the
    name part's own key when it joined ``person_name_gram`` (the same values, kept in step by the triggers)."""
    if name_gram(flt.text) is not None:
        return PERSON_NAME_GRAM.c.name_pinyin, PERSON_NAME_GRAM.c.person_id
    return Person.name_pinyin, Person.id


def _pinyin_prefix(key: str):
    """Prefix of the pinyin or the initials as index ranges (keys are stored lowercase).

    One letter: the initials start with the same letter as the pinyin, so one range on the
    display-order index answers it without sorting.
    """
    pinyin = _prefix(Person.name_pinyin, key)
    if len(key) == 1:
        return pinyin
    return or_(_prefix(Person.name_initials, key), pinyin)
