"""全局搜索 (Ctrl+F): one box over the station's records, the hits grouped by kind.

Each kind is found through its own list's service (``persons.search_ids`` / ``rows_for``, the window's
``row_for``, ``household_rows``, ``list_cases``, ``list_staff``, ``list_assets``, ``list_files``), at most
``PER_KIND`` a kind and whether there is more. Residents are found once; their households and window matters
follow from them (an index lookup, not a second scan of 100,000 names). What is searched:

- 居民: name (any part), pinyin or initials, ID number or its last digits, phone digits (``persons``);
- 户档: the household's name, or the household of a resident found (of the first ``LINKED``, in name order);
- 窗口事项: 受理编号 or its start (``202611``, ``20261128-0``), or a matter of a resident found (as above);
- 个案: 个案编号, title, the person's name (as the 个案 list searches);
- 人员: name, pinyin, initials;  资产: 编号, name, model, custodian, holder;
- 档案: 档号, title, 文号, 责任者, the owner's name (so a person's name finds the files kept on them).

Permissions (the acting user's role, looked up in the database as every service does):
- 个案 only for who may read case contents (``Permission.CASE_READ``);
- finding a resident by ID number or phone digits, and the masked ID number in a hit, only for roles that
  register residents (``Permission.PERSON_CREATE``: the counter, social workers, the administrator). The
  visiting supervisor (督导) finds residents by name only and sees no ID tails or phones.
Values are masked as in the lists (``441302********1234``); nothing is written, nothing is audited.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..data.models import Person
from ..data.models.targets import Household
from ..data.models.window import WindowRegistration as R
from ..domain.staff_labels import StaffStatus
from . import persons
from .archives.catalogue import ArchiveFilter, list_files
from .assets.register import AssetFilter, list_assets
from .permissions import Permission, acting_user, allowed
from .staff.roster import list_staff
from .targets.cases import CaseFilter, list_cases
from .targets.households import household_rows
from .targets.person_query import PersonFilter
from .window.queries import row_for

PER_KIND = 8
LINKED = 50  # households and window matters: those of the first 50 residents found
MAX_TEXT = 40

# (kind, label): the order the groups are shown in
KINDS = (("person", "居民"), ("household", "户档"), ("window", "窗口事项"), ("case", "个案"),
         ("staff", "人员"), ("asset", "资产"), ("archive", "档案"))
KIND_LABELS = dict(KINDS)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str  # what the user recognises first: a name, a 受理编号, a 档号
    detail: str  # the rest of the line, masked


@dataclass(frozen=True)
class Group:
    kind: str
    label: str
    hits: tuple[Hit, ...]
    more: bool  # more records match than are shown: type more to narrow

    @property
    def heading(self) -> str:
        return f"{self.label}（{len(self.hits)}{'+' if self.more else ''}）"


@dataclass(frozen=True)
class SearchResult:
    text: str
    groups: tuple[Group, ...]  # only kinds with hits, in ``KINDS`` order
    kinds: tuple[str, ...]  # the kinds this user may search (shown as “在……中搜索”)

    @property
    def hits(self) -> list[Hit]:
        return [hit for group in self.groups for hit in group.hits]


def clean_query(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()[:MAX_TEXT]


def _digits_query(text: str) -> bool:
    """A query that looks for ID numbers or phones (digits, perhaps an X at the end)."""
    return re.fullmatch(r"[\d\s-]*\d[\d\s-]*[Xx]?", text) is not None


def _code_query(text: str) -> bool:
    """A record number with letters (资产编号 ``SB-2024-001``, 档号 ``RS-2024-D30-0003``): no resident's name,
    ID number or phone looks like it, so the 100,000 names are not scanned for it."""
    return (text.isascii() and re.search(r"[A-Za-z]", text) is not None and re.search(r"[\d-]", text) is not None
            and not _digits_query(text))


@dataclass(frozen=True)
class _Rights:
    cases: bool
    numbers: bool  # find residents by ID / phone digits, see the masked ID number

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(kind for kind, _label in KINDS if kind != "case" or self.cases)


def _rights(session: Session) -> _Rights:
    role = acting_user(session).role
    if role is None:  # the program's own work (tests of the service as the system)
        return _Rights(True, True)
    return _Rights(allowed(role, Permission.CASE_READ), allowed(role, Permission.PERSON_CREATE))


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _person_ids(session: Session, text: str, rights: _Rights) -> list[int]:
    """The first ``LINKED`` residents the text finds (name order), as the person list finds them; none for a
    number when the user may not look residents up by number."""
    if _digits_query(text) and (not rights.numbers or sum(ch.isdigit() for ch in text) < 3):
        return []  # one or two digits are no name and too few for an ID number or a phone (the list's rule)
    if _code_query(text):
        return []
    return persons.search_ids(session, PersonFilter(text=text), limit=LINKED)


def _persons(session: Session, ids: list[int], rights: _Rights) -> tuple[list[Hit], bool]:
    hits = [Hit("person", r.id, r.name,
                _join(r.sex, f"{r.age}岁" if r.age is not None else "", r.village_name,
                      r.id_masked if rights.numbers else "", r.groups_text))
            for r in persons.rows_for(session, ids[:PER_KIND])]
    return hits, len(ids) > PER_KIND


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _households(session: Session, text: str, person_ids: list[int]) -> tuple[list[Hit], bool]:
    """Households named like the text, and the households of the residents found."""
    members = select(Person.household_id).where(Person.id.in_(person_ids), Person.household_id.is_not(None))
    query = (select(Household.id)
             .where(or_(Household.name.like(_like(text), escape="\\"), Household.id.in_(members)))
             .order_by(Household.name, Household.id).limit(PER_KIND + 1))
    ids = list(session.scalars(query))
    hits = [Hit("household", r.id, r.name,
                _join(r.village_name, f"户主 {r.head_name}" if r.head_name else "", f"{r.members} 人",
                      f"负责社工 {r.worker_name}" if r.worker_name else ""))
            for r in household_rows(session, ids[:PER_KIND])]
    return hits, len(ids) > PER_KIND


def _ticket_prefix(text: str) -> str | None:
    """A 受理编号 (``20261128-003``) or its start from the sixth digit on (``202611``): the unique index answers."""
    if re.fullmatch(r"\d{6,8}|\d{8}-\d{0,4}", text):
        return text
    return None


def _window(session: Session, text: str, person_ids: list[int], today: date) -> tuple[list[Hit], bool]:
    """Window matters by 受理编号, and the matters of the residents found; newest first.

    Two index lookups (the residents' matters by ``person_id``, the numbers as a range of ``ticket_no``)
    merged here: one query with both under OR may walk the whole register in date order."""
    found: dict[int, datetime] = {}
    if person_ids:
        query = select(R.id, R.registered_at).where(R.person_id.in_(person_ids))
        found.update((rid, at) for rid, at in session.execute(query))
    prefix = _ticket_prefix(text)
    if prefix is not None:
        query = (select(R.id, R.registered_at).where(R.ticket_no.between(prefix, prefix + "\uffff"))
                 .order_by(R.ticket_no.desc()).limit(PER_KIND + 1))
        found.update((rid, at) for rid, at in session.execute(query))
    ids = sorted(found, key=lambda rid: (found[rid], rid), reverse=True)
    hits = []
    for registration_id in ids[:PER_KIND]:
        r = row_for(session, registration_id, today)
        if r is not None:
            hits.append(Hit("window", r.id, r.ticket_no,
                            _join(r.person_name, r.matter_name, r.status_text, f"{r.registered_at:%Y-%m-%d}")))
    return hits, len(ids) > PER_KIND


def _cases(session: Session, text: str) -> tuple[list[Hit], bool]:
    rows = list_cases(session, CaseFilter(text=text), limit=PER_KIND + 1)
    hits = [Hit("case", r.id, r.case_no, _join(r.person_name, r.title, r.stage_text, r.worker_name))
            for r in rows[:PER_KIND]]
    return hits, len(rows) > PER_KIND


def _staff(session: Session, text: str, today: date) -> tuple[list[Hit], bool]:
    rows = list_staff(session, None, text, today)
    hits = [Hit("staff", r.id, r.name,
                _join(r.role_text, r.point_name, "" if r.status is StaffStatus.ACTIVE else r.status.label))
            for r in rows[:PER_KIND]]
    return hits, len(rows) > PER_KIND


def _assets(session: Session, text: str) -> tuple[list[Hit], bool]:
    rows = list_assets(session, AssetFilter(text))
    hits = [Hit("asset", r.id, r.code, _join(r.name, r.model_spec, r.place, r.status.label))
            for r in rows[:PER_KIND]]
    return hits, len(rows) > PER_KIND


def _archives(session: Session, text: str) -> tuple[list[Hit], bool]:
    rows = list_files(session, ArchiveFilter(text, include_destroyed=True))
    hits = [Hit("archive", r.id, r.number, _join(r.title, r.owner_text, r.place_text, r.state_text))
            for r in rows[:PER_KIND]]
    return hits, len(rows) > PER_KIND


def searchable_kinds(session: Session) -> tuple[str, ...]:
    """The kinds the acting user may search, in display order."""
    return _rights(session).kinds


def search(session: Session, text: str, today: date) -> SearchResult:
    """Everything ``text`` finds that the acting user may read: up to ``PER_KIND`` hits a kind."""
    rights = _rights(session)
    query = clean_query(text)
    if not query:
        return SearchResult("", (), rights.kinds)
    person_ids = _person_ids(session, query, rights)
    found = {"person": _persons(session, person_ids, rights), "household": _households(session, query, person_ids),
             "window": _window(session, query, person_ids, today), "staff": _staff(session, query, today),
             "asset": _assets(session, query), "archive": _archives(session, query)}
    if rights.cases:
        found["case"] = _cases(session, query)
    groups = []
    for kind, label in KINDS:
        hits, more = found.get(kind, ([], False))
        if hits:
            groups.append(Group(kind, label, tuple(hits), more))
    return SearchResult(query, tuple(groups), rights.kinds)
