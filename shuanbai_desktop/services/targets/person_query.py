"""The one search box of the person registry: what a typed text matches, and the list filters."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Boolean, CompoundSelect, Select, and_, any_, func, intersect, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
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
      part of a phone (FTS5 trigram; ``pg_trgm`` on a server);
    - latin letters: the start of the pinyin or of the initials (index ranges);
    - a name part of 3 or more characters: FTS5 trigram (on a server: two of its 2-character parts in
      ``person_name_gram``); of 1 or 2 characters: ``name_gram`` (a join, see ``filtered``), None here.

    The digits, the initials and the long name parts are written for each backend (``_OnBackend``): the
    server's forms are ``_server_digits``, ``_server_letters`` and ``_server_name``, with the same answers.
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
        return _OnBackend(or_(_prefix(Person.id_rev, digits[::-1]), _fts("phone", digits)), _server_digits(digits))
    if query.isascii() and re.fullmatch(r"[A-Za-z ]+", query):
        key = query.replace(" ", "").lower()
        return _OnBackend(_pinyin_prefix(key), _server_letters(key))
    if len(query) < 3:
        return None
    return _OnBackend(_fts("name", query), _server_name(query))


def name_gram(text: str) -> str | None:
    """The 1- or 2-character name part ``text`` asks for (as stored in ``person_name_gram``: ASCII lowercased,
    as LIKE folds case), or None when the text is another class."""
    query = unicodedata.normalize("NFKC", text).strip()
    if not query or len(query) > 2:
        return None
    if query.isascii() and re.fullmatch(r"[A-Za-z ]+", query):
        return None
    return _gram_key(query)


def _gram_key(part: str) -> str:
    """A name part as ``person_name_gram`` stores it: ASCII letters lowercased, everything else as it is."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in part)


def _prefix(column, key: str):
    return and_(column >= key, column < key[:-1] + chr(ord(key[-1]) + 1))


class _OnBackend(ColumnElement[bool]):
    """One condition written for each backend it is compiled for: ``sqlite`` (FTS5, SQLite's planner) or
    ``server`` (PostgreSQL). Both are built here with the text as bound parameters (the statement stays
    cached); the two must find the same persons (tests/db/test_person_search.py runs on both)."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a condition as it is (no "= 1" on SQLite)
    _traverse_internals = [("sqlite", InternalTraversal.dp_clauseelement),
                           ("server", InternalTraversal.dp_clauseelement)]

    def __init__(self, sqlite, server):
        self.sqlite = sqlite
        self.server = server


@compiles(_OnBackend)
def _on_sqlite(element: _OnBackend, compiler, **kw) -> str:
    return compiler.process(element.sqlite, **kw)


@compiles(_OnBackend, "postgresql")
def _on_server(element: _OnBackend, compiler, **kw) -> str:
    return compiler.process(element.server, **kw)


def _fts(column: str, text: str):
    """SQLite: persons whose ``column`` (name or phone) contains ``text`` (3 characters or more), an FTS5
    trigram phrase (case folded, as FTS5's trigram tokenizer does)."""
    phrase = '"' + text.replace('"', '""') + '"'
    return Person.id.in_(select(PERSON_FTS.c.rowid).where(PERSON_FTS.c.person_fts.match(f"{column} : {phrase}")))


def _contains_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _found_first(ids) -> ColumnElement[bool]:
    """PostgreSQL: ``person.id = ANY(ARRAY(ids))``: the matching ids are gathered first (``ids`` on its own
    index, planned alone), then read by the primary key and sorted into the display order. Without it, the
    planner — told by its statistics that many rows match (its guess for a phone's ``LIKE '%1177%'`` jumps
    from 9 rows to 863 when one phone of the column's histogram holds the digits) — walks the display-order
    index from the start and filters, reading most of the table before the first 31 turn up. Its guess for
    ``= ANY`` of a computed array is a handful of rows (in a generic plan too), so the ids come first."""
    return Person.id == any_(func.array(ids.scalar_subquery()))


_HIT = aliased(Person, name="hit")  # the inner reading of person in _server_digits (made once: costly)


def _server_digits(digits: str) -> ColumnElement[bool]:
    """PostgreSQL: the end of an ID number (``id_rev``, one index range) or a part of a phone (the ``pg_trgm``
    GIN index of ``phone``: digits are trigrams under any ``LC_CTYPE``). Four digits or more are found first
    (``_found_first``): about one phone in a hundred has them, or far fewer. Three digits are left to the
    planner: one phone in ten or so has them (138, 186…), and walking the display order finds 31 of them
    sooner than gathering 10,000 and sorting them."""
    if len(digits) <= 3:
        return or_(_prefix(Person.id_rev, digits[::-1]), Person.phone.ilike(_contains_pattern(digits), escape="\\"))
    return _found_first(select(_HIT.id).where(or_(_prefix(_HIT.id_rev, digits[::-1]),
                                                  _HIT.phone.ilike(_contains_pattern(digits), escape="\\"))))


def _server_letters(key: str) -> ColumnElement[bool]:
    """PostgreSQL: as ``_pinyin_prefix``, and (2 letters or more) inside the pinyin range of the first letter,
    which every answer is in (the initials are the first letters of the pinyin's syllables, both made by
    ``domain.pinyin.name_search_keys``). The display-order index is then read from that letter on, not from
    the start: the planner, taking the two ranges for rows spread over the whole order, would otherwise read
    it from "a" to "zh" for "zh"."""
    if len(key) == 1:
        return _pinyin_prefix(key)
    return and_(_prefix(Person.name_pinyin, key[0]), _pinyin_prefix(key))


def _server_name(text: str) -> ColumnElement[bool]:
    """PostgreSQL: a name containing ``text`` (3 characters or more), found first (``_found_first``) among
    the persons whose name has both its first and its last 2-character part (``person_name_gram``), then
    checked as ``ILIKE`` checks (``lower`` of both, then a substring: the same persons). Not ``pg_trgm``:
    under ``LC_CTYPE 'C'`` (the databases ``server-prepare`` makes) Chinese characters are no trigram
    characters and its index answers every row; written with ``strpos``, the check is one no index answers,
    so the planner cannot pick that index for it either."""
    first, last = _gram_key(text[:2]), _gram_key(text[-2:])
    with_first = select(PERSON_NAME_GRAM.c.person_id).where(PERSON_NAME_GRAM.c.gram == first)
    ids: Select | CompoundSelect = with_first
    if last != first:
        ids = intersect(with_first, select(PERSON_NAME_GRAM.c.person_id).where(PERSON_NAME_GRAM.c.gram == last))
    return and_(_found_first(ids), func.strpos(func.lower(Person.name), func.lower(text)) > 0)


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
