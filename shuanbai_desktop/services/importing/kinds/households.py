"""户档和家庭成员: one row per member; rows grouped into households by 户编号, else 户主姓名 + 村(居), else the
rows that follow a 户主 row (a merged 户主 cell read as blank below its first row).

Each member is checked as a resident (``residents.check_person``: the person form's rules) and meets the
registry by ID number: a new member is created, a registered one is linked (``household_id``, relation). A
household whose head is already the head of a household file is that household (members not yet in it are
added); otherwise a new household file is created. The rules of ``targets.households``: exactly one head
(户主/本人) per household, a person in one household only.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from ....data.base import now
from ....data.models import Person, Village
from ....data.models.targets import Household
from ....domain.target_labels import Housing, HousingCondition, Relation
from ....errors import UserError
from ...fields import clean_text
from ..base import Checked, Existing, Field, FieldType, ImportKind, RowInvalid, WriteResult
from . import residents

_RELATION_SYNONYMS = (
    ("本人", "head"), ("户主本人", "head"), ("妻", "spouse"), ("妻子", "spouse"), ("夫", "spouse"), ("丈夫", "spouse"),
    ("之妻", "spouse"), ("之夫", "spouse"), ("子", "child"), ("女", "child"), ("儿子", "child"), ("女儿", "child"),
    ("长子", "child"), ("次子", "child"), ("长女", "child"), ("次女", "child"), ("之子", "child"), ("之女", "child"),
    ("养子", "child"), ("养女", "child"), ("父亲", "parent"), ("母亲", "parent"), ("父", "parent"), ("母", "parent"),
    ("孙子", "grandchild"), ("孙女", "grandchild"), ("外孙", "grandchild"), ("外孙女", "grandchild"),
    ("祖父", "grandparent"), ("祖母", "grandparent"), ("爷爷", "grandparent"), ("奶奶", "grandparent"),
    ("兄", "sibling"), ("弟", "sibling"), ("姐", "sibling"), ("妹", "sibling"), ("哥哥", "sibling"),
    ("弟弟", "sibling"), ("姐姐", "sibling"), ("妹妹", "sibling"), ("儿媳", "child_in_law"), ("女婿", "child_in_law"),
    ("媳", "child_in_law"),
)
_HOUSING_SYNONYMS = (("自有", "owned"), ("自建房", "owned"), ("自有房", "owned"), ("租房", "rented"), ("租赁", "rented"),
                     ("借住", "borrowed"), ("公租房", "public"), ("廉租房", "public"), ("敬老院", "institution"))
_CONDITION_SYNONYMS = (("好", "good"), ("一般", "fair"), ("差", "poor"), ("危", "dangerous"), ("危旧房", "dangerous"),
                       ("C级危房", "dangerous"), ("D级危房", "dangerous"))

HOUSEHOLD_FIELDS: tuple[Field, ...] = (
    Field("household_no", "户编号", synonyms=("户编号", "户号", "家庭编号", "户档编号", "家庭户号", "户序号"),
          hint="同一户的各行相同；没有时按户主姓名和村(居)分户"),
    Field("head_name", "户主姓名", synonyms=("户主姓名", "户主"),
          hint="没有户编号时用来分户；空着的行跟随上一行所在的户"),
    Field("relation", "与户主关系", FieldType.CHOICE, required=True, choices=tuple((r.value, r.label) for r in Relation),
          choice_synonyms=_RELATION_SYNONYMS, synonyms=("与户主关系", "家庭关系", "关系", "与户主的关系", "成员关系"),
          hint="每户须有且只有一位户主（“户主”或“本人”）"),
    Field("housing", "住房类型", FieldType.CHOICE, choices=tuple((h.value, h.label) for h in Housing),
          choice_synonyms=_HOUSING_SYNONYMS, synonyms=("住房类型", "住房情况", "住房性质", "房屋性质")),
    Field("housing_condition", "住房状况", FieldType.CHOICE,
          choices=tuple((h.value, h.label) for h in HousingCondition), choice_synonyms=_CONDITION_SYNONYMS,
          synonyms=("住房状况", "房屋状况", "住房条件", "房屋安全等级")),
    Field("housing_note", "住房说明", synonyms=("住房说明", "住房备注")),
)

FIELDS: tuple[Field, ...] = HOUSEHOLD_FIELDS[:3] + residents.PERSON_FIELDS + HOUSEHOLD_FIELDS[3:]
_HOUSE_COLUMNS = ("village_code", "address", "housing", "housing_condition", "housing_note")
_HOUSE_TITLES = {"village_code": "村(居)", "address": "住址", "housing": "住房类型", "housing_condition": "住房状况",
                 "housing_note": "住房说明"}


@dataclass
class Context:
    persons: residents.Context
    households: dict[int, tuple[int | None, str]]  # person id → (household id, relation)
    household_names: dict[int, str]  # household id → name
    current: str = ""  # the group of the row before


def _group(ctx: Context, values: MappingABC[str, Any], relation: str, village: str | None, row: int) -> str:
    number = residents._text(values, "household_no").strip()
    head = residents._text(values, "head_name").strip()
    if number:
        key = f"no:{number}"
    elif head:
        key = f"head:{head}:{village or ''}"
    elif relation == Relation.HEAD.value or not ctx.current:
        key = f"row:{row}"
    else:
        return ctx.current
    ctx.current = key
    return key


def _house_values(values: MappingABC[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("housing", "housing_condition"):
        if key in values:
            out[key] = values[key] or ""
    if "housing_note" in values:
        out["housing_note"] = values["housing_note"] or ""
    return out


class HouseholdsSpec:
    kind = ImportKind.HOUSEHOLDS
    fields = FIELDS
    tables: tuple[type, ...] = (Household, Person)
    children: tuple[type, ...] = residents.SPEC.children
    key_field = "id_number"

    def choices(self, session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
        rows = session.execute(select(Village.code, Village.name).order_by(Village.code))
        return {"village": tuple((code, name) for code, name in rows)}

    def start(self, session: Session, today: date) -> Context:
        persons = residents.load_context(session, today)
        households = {pid: (hid, relation) for pid, hid, relation in session.execute(
            select(Person.id, Person.household_id, Person.relation).where(Person.household_id.is_not(None)))}
        names = {hid: name for hid, name in session.execute(select(Household.id, Household.name))}
        return Context(persons, households, names)

    def check(self, context: Context, values: MappingABC[str, Any], row: int) -> Checked:
        errors: list[tuple[str, str]] = []
        out = residents.check_person(context.persons, values, errors)
        relation = residents._text(values, "relation")
        if not relation:
            errors.append(("relation", "与户主关系不能为空：每位成员须写明与户主的关系（户主本人写“户主”或“本人”）。"))
        try:
            note = clean_text(residents._text(values, "housing_note"), "住房说明", 200)
        except UserError as exc:
            errors.append(("housing_note", exc.message))
            note = ""
        group = _group(context, values, relation, values.get("village") or None, row)
        if errors:
            raise RowInvalid(errors)
        house = _house_values(values)
        if "housing_note" in house:
            house["housing_note"] = note
        out.update(relation=relation, group=group, house=house)
        existing = context.persons.by_id_number.get(out["id_number"]) if out["id_number"] else None
        similar = ""
        if existing is None:
            _existing, similar = residents._match(context.persons, out, row)
        return Checked(row, out, existing, duplicate_of=similar, key=out["id_number"])

    def finish(self, session: Session, context: Context, rows: list[Checked]) -> list[tuple[int, str, str]]:
        """One head per household; a registered member in another household file is refused; the target
        household of each group (an existing one when its head heads one already)."""
        problems: list[tuple[int, str, str]] = []
        groups: dict[str, list[Checked]] = {}
        for c in rows:
            groups.setdefault(c.values["group"], []).append(c)
        for members in groups.values():
            heads = [c for c in members if c.values["relation"] == Relation.HEAD.value]
            if not heads:
                problems.append((members[0].row, "relation",
                                 f"这一户（第 {members[0].row} 行起，{len(members)} 人）没有户主：请把户主一行的"
                                 "“与户主关系”写为“户主”或“本人”。"))
                continue
            for extra in heads[1:]:
                problems.append((extra.row, "relation", f"同一户有两位户主（另见第 {heads[0].row} 行）；每户只能有一位户主。"))
            head = heads[0]
            target = None
            if head.existing_id is not None:
                household, relation = context.households.get(head.existing_id, (None, ""))
                if household is not None and relation == Relation.HEAD.value:
                    target = household
                elif household is not None:
                    problems.append((head.row, "relation",
                                     f"“{head.values['name']}”已是“{context.household_names.get(household, '')}”的成员"
                                     f"（{Relation(relation or 'other').label}），与文件中的户主身份不符。"))
                    continue
            for c in members:
                c.values["household_id"] = target
                if c.existing_id is None:
                    continue
                current, _relation = context.households.get(c.existing_id, (None, ""))
                if current is not None and current != target:
                    problems.append((c.row, "name", f"“{c.values['name']}”已是“{context.household_names.get(current, '')}”"
                                                    "的成员，一人只能在一户。请先在户档中把此人移出。"))
        residents.compare_persons(session, [c for c in rows if c.existing_id is not None])
        for c in rows:
            if c.existing_id is not None:
                current, relation = context.households.get(c.existing_id, (None, ""))
                if current is None or relation != c.values["relation"]:
                    c.changes = c.changes + ("户档",)
        return problems

    def write(self, session: Session, context: Context, rows: list[Checked], existing: Existing,
              batch_id: int, today: date) -> WriteResult:
        groups: dict[str, list[Checked]] = {}
        for c in rows:
            groups.setdefault(c.values["group"], []).append(c)
        stamp = now()
        free = residents.reserve_ids(session, Household.id, len(groups))  # at most one new household a group
        new_households: list[dict[str, Any]] = []
        target_of: dict[str, int] = {}
        before: list[tuple[str, int, dict]] = []
        updated_houses = 0
        heads: dict[str, Checked] = {}
        for key, members in groups.items():
            head = next(c for c in members if c.values["relation"] == Relation.HEAD.value)
            heads[key] = head
            house = self._house(head, members)
            target = head.values.get("household_id")
            if target is None:
                hid = free[len(new_households)]
                new_households.append({
                    "id": hid, "import_batch_id": batch_id, "name": f"{head.values['name']}户"[:60],
                    "village_code": house.get("village_code"), "address": house.get("address", ""),
                    "housing": house.get("housing", ""), "housing_condition": house.get("housing_condition", ""),
                    "housing_note": house.get("housing_note", ""), "worker_id": None, "notes": "",
                    "last_visit_date": None, "last_risk": "", "next_visit_due": None,
                    "created_at": stamp, "updated_at": stamp})
                target_of[key] = hid
            else:
                target_of[key] = target
                old = self._update_house(session, target, house, existing)
                if old:
                    updated_houses += 1
                    before.append(("household", target, old))
        if new_households:
            session.execute(insert(cast(Table, Household.__table__)), new_households)
        placed = {c.row: (target_of[c.values["group"]], c.values["relation"]) for c in rows}
        new = [c for c in rows if c.existing_id is None]
        residents.insert_persons(session, new, batch_id, today, placed)
        _updated, person_before = residents.update_persons(session, rows, existing, today)
        before.extend(person_before)
        self._link(session, [c for c in rows if c.existing_id is not None], placed, before)
        session.flush()
        matched = {c.existing_id for c in rows if c.existing_id is not None}
        changed = {rid for table, rid, _old in before if table in ("person", "person_group", "person_benefit")}
        return WriteResult(len(new) + len(new_households), len(changed) + updated_houses,
                           len(matched - changed), tuple(before))

    @staticmethod
    def _house(head: Checked, members: list[Checked]) -> dict[str, Any]:
        """The household's own values: the head's row, else the first member giving one."""
        out: dict[str, Any] = {}
        for c in [head] + members:
            for column in ("village_code", "address"):
                if column not in out and c.values.get(column):
                    out[column] = c.values[column]
            for column, value in c.values["house"].items():
                if column not in out and value:
                    out[column] = value
        return out

    @staticmethod
    def _update_house(session: Session, household_id: int, house: dict[str, Any], existing: Existing) -> dict:
        if existing is Existing.SKIP:
            return {}
        h = session.get(Household, household_id)
        if h is None:
            return {}
        old: dict[str, Any] = {}
        for column in _HOUSE_COLUMNS:
            value = house.get(column)
            stored = getattr(h, column)
            if not value or value == stored or (existing is Existing.FILL and stored not in (None, "")):
                continue
            old[column] = stored
            setattr(h, column, value)
        return old

    @staticmethod
    def _link(session: Session, rows: list[Checked], placed: dict[int, tuple[int, str]],
              before: list[tuple[str, int, dict]]) -> int:
        """Registered members put in their household with their relation (whatever ``existing`` says: that is
        what the file is for)."""
        linked = 0
        by_id = {c.existing_id: c for c in rows if c.existing_id is not None}
        ids = list(by_id)
        old_of = {rid: old for table, rid, old in before if table == "person"}
        for start in range(0, len(ids), residents.CHUNK):
            for person in session.scalars(select(Person).where(Person.id.in_(ids[start:start + residents.CHUNK]))):
                household_id, relation = placed[by_id[person.id].row]
                if person.household_id == household_id and person.relation == relation:
                    continue
                old = old_of.get(person.id)
                if old is None:
                    old = {}
                    before.append(("person", person.id, old))
                    old_of[person.id] = old
                old.setdefault("household_id", person.household_id)
                old.setdefault("relation", person.relation)
                person.household_id = household_id
                person.relation = relation
                linked += 1
        return linked


SPEC = HouseholdsSpec()
