"""The one search box of the person registry: what a typed text matches, and the list filters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Boolean, and_, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

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
        return or_(_prefix(Person.id_rev, digits[::-1]), _fts("phone", digits))
    if query.isascii() and re.fullmatch(r"[A-Za-z ]+", query):
        return _pinyin_prefix(query.replace(" ", "").lower())
    if len(query) < 3:
        return None
    return _fts("name", query)


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


class _Contains(ColumnElement[bool]):
    """``column`` contains the text: one condition, written for the backend it is compiled for — SQLite an
    FTS5 trigram phrase (``person_fts``), PostgreSQL ``LIKE``/``ILIKE`` answered by a ``pg_trgm`` GIN index
    (migration 0012). Both are built here with the text as a bound parameter (the statement stays cached)."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it is (no "= 1" on SQLite)
    _traverse_internals = [("sqlite", InternalTraversal.dp_clauseelement),
                           ("server", InternalTraversal.dp_clauseelement)]

    def __init__(self, sqlite, server):
        self.sqlite = sqlite
        self.server = server


@compiles(_Contains)
def _contains_sqlite(element: _Contains, compiler, **kw) -> str:
    return compiler.process(element.sqlite, **kw)


@compiles(_Contains, "postgresql")
def _contains_server(element: _Contains, compiler, **kw) -> str:
    return compiler.process(element.server, **kw)


def _fts(column: str, text: str) -> _Contains:
    """Persons whose ``column`` (name or phone) contains ``text`` (3 characters or more): an FTS5 trigram
    phrase on SQLite (case folded, as FTS5's trigram tokenizer does), ``ILIKE`` on PostgreSQL."""
    phrase = '"' + text.replace('"', '""') + '"'
    fts = Person.id.in_(select(PERSON_FTS.c.rowid).where(PERSON_FTS.c.person_fts.match(f"{column} : {phrase}")))
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    target = Person.name if column == "name" else Person.phone
    return _Contains(fts, target.ilike(pattern, escape="\\"))


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
