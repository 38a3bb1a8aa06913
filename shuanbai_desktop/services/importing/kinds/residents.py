"""居民和服务对象: a roster row → one person of the registry (with groups, a benefit, disability, guardian, health).

Every row is checked by the person form's own rules (``persons.clean_person``, ``targets.profile``), without a
query per row: ``start`` loads the station's villages, the registered ID numbers and the names of persons (for
probable duplicates) once. A row meets the registry by its ID number (an existing person: ``finish`` compares
the stored values in blocks); a row without an ID number resembling a registered person (same name, and the same
birth date or village) is a probable duplicate, imported as a new person and counted (docs/import.md).

New persons go in by one bulk INSERT carrying the batch id; existing ones are changed through the ORM (each
change audited), their values from before returned for ``ImportChange``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from ....data.backend import is_server
from ....data.base import now
from ....data.models import Person, Village
from ....data.models.person import PersonBenefit, PersonGroup
from ....domain.idcard import mask_id_number
from ....domain.labels import PersonStatus
from ....domain.target_labels import BenefitKind, DisabilityGrade, DisabilityType, Health, TargetGroup
from ....errors import UserError
from ... import persons
from ...targets import profile
from ..base import Checked, Existing, Field, FieldType, ImportKind, RowInvalid, WriteResult

CHUNK = 900  # ids per IN (…): below SQLite's default limit of variables

_SEX = (("男", "男"), ("女", "女"))
_SEX_SYNONYMS = (("1", "男"), ("2", "女"), ("M", "男"), ("F", "女"), ("男性", "男"), ("女性", "女"))
_GROUP_SYNONYMS = (
    ("低保", "dibao"), ("低保户", "dibao"), ("城乡低保", "dibao"), ("农村低保", "dibao"), ("城市低保", "dibao"),
    ("低保边缘", "other"), ("特困", "tekun"), ("特困供养", "tekun"), ("特困供养人员", "tekun"), ("五保", "tekun"),
    ("五保户", "tekun"), ("分散供养", "tekun"), ("集中供养", "tekun"), ("残疾", "disabled"),
    ("残疾人员", "disabled"), ("困境儿童", "child_difficulty"), ("孤儿", "child_difficulty"),
    ("事实无人抚养儿童", "child_difficulty"), ("留守儿童", "child_left_behind"), ("农村留守儿童", "child_left_behind"),
    ("老年人", "elderly"), ("困难老人", "elderly"), ("特殊困难老人", "elderly"), ("高龄老人", "elderly"),
    ("空巢老人", "elderly"), ("独居老人", "elderly"), ("留守妇女", "woman_left_behind"), ("农村留守妇女", "woman_left_behind"),
)
_BENEFIT_SYNONYMS = (("低保", "dibao"), ("低保金", "dibao"), ("最低生活保障金", "dibao"), ("特困", "tekun"),
                     ("特困供养", "tekun"), ("供养金", "tekun"), ("残疾人补贴", "disability"),
                     ("两项补贴", "disability"), ("高龄补贴", "elderly"), ("高龄津贴", "elderly"),
                     ("临时救助金", "temporary"))
_DISABILITY_SYNONYMS = (("视力", "vision"), ("视力残", "vision"), ("盲", "vision"), ("听力", "hearing"),
                        ("听力残", "hearing"), ("聋", "hearing"), ("言语", "speech"), ("言语残", "speech"),
                        ("肢体", "physical"), ("肢体残", "physical"), ("智力", "intellectual"),
                        ("智力残", "intellectual"), ("精神", "mental"), ("精神残", "mental"), ("多重", "multiple"),
                        ("多重残", "multiple"), ("无", ""), ("否", ""))
_GRADE_SYNONYMS = (("1", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("一", "1"), ("二", "2"), ("三", "3"),
                   ("四", "4"), ("1级", "1"), ("2级", "2"), ("3级", "3"), ("4级", "4"), ("壹级", "1"),
                   ("贰级", "2"), ("叁级", "3"), ("肆级", "4"))
_HEALTH_SYNONYMS = (("良好", "healthy"), ("一般", "healthy"), ("慢性病", "chronic"), ("患病", "chronic"),
                    ("大病", "serious"), ("重病", "serious"), ("重大疾病", "serious"), ("部分失能", "partly_dependent"),
                    ("半自理", "partly_dependent"), ("完全失能", "dependent"), ("不能自理", "dependent"))


def _labels(enum) -> tuple[tuple[str, str], ...]:
    return tuple((e.value, e.label) for e in enum)


#: The person part, shared with the households kind (same keys, same rules).
PERSON_FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", required=True,
          synonyms=("姓名", "对象姓名", "人员姓名", "成员姓名", "救助对象姓名", "儿童姓名", "老人姓名", "名字")),
    Field("id_number", "身份证号", FieldType.ID_NUMBER, sensitive=True,
          synonyms=("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "证件号码", "身份证", "证件号"),
          hint="18 位身份证号；整列请设为文本，不能是被打码的号码"),
    Field("no_id_reason", "无身份证号原因", synonyms=("无身份证号原因", "无证原因"),
          hint="没有身份证号的行须填写；整列都没有时可给一个固定值，例如“名册未载身份证号”"),
    Field("sex", "性别", FieldType.CHOICE, choices=_SEX, choice_synonyms=_SEX_SYNONYMS, synonyms=("性别",),
          hint="有身份证号时由号码得出；填写了须与号码一致"),
    Field("birth_date", "出生日期", FieldType.DATE, synonyms=("出生日期", "出生年月", "出生年月日", "生日"),
          hint="可写 1990.1.2、1990/01/02、1990年1月2日、19900102 或 Excel 日期"),
    Field("phone", "联系电话", FieldType.PHONE, sensitive=True,
          synonyms=("联系电话", "手机", "手机号", "手机号码", "电话", "电话号码", "联系方式")),
    Field("village", "村(居)", FieldType.CHOICE,
          synonyms=("村(居)", "村（居）", "所属村委会", "村（社区）", "村(社区)", "村居", "社区", "所属社区", "村委会",
                    "所属村居", "所在村", "村别", "村名", "村（居）委会")),
    Field("address", "住址", synonyms=("住址", "家庭住址", "现住址", "居住地址", "户籍地址", "地址", "家庭地址")),
)

FIELDS: tuple[Field, ...] = PERSON_FIELDS + (
    Field("groups", "服务对象类别", FieldType.CHOICES, choices=_labels(TargetGroup), choice_synonyms=_GROUP_SYNONYMS,
          synonyms=("服务对象类别", "人员类别", "对象类别", "类别", "救助类别", "对象类型", "人员类型", "保障类别"),
          hint="可写多个，用“、”分隔，例如“低保对象、残疾人”；整份名册同一类别时给一个固定值"),
    Field("since", "纳入日期", FieldType.DATE,
          synonyms=("纳入日期", "纳入时间", "认定日期", "认定时间", "享受时间", "享受日期", "起始日期", "保障起始时间",
                    "审批时间", "批准时间"),
          hint="成为该类服务对象（享受待遇）的日期；不填则不计入任何月份的新增人数"),
    Field("benefit_kind", "享受待遇", FieldType.CHOICE, choices=_labels(BenefitKind), choice_synonyms=_BENEFIT_SYNONYMS,
          synonyms=("享受待遇", "待遇类别", "待遇类型", "救助类型", "补贴类别")),
    Field("benefit_amount", "月发放金额", FieldType.NUMBER,
          synonyms=("月发放金额", "月保障金额", "保障金额", "月救助金", "发放金额", "月补助金额", "补助金额", "金额",
                    "月人均保障金额", "保障金"),
          hint="元/月；没填待遇类别时，按服务对象类别推断（低保对象 → 低保金，特困人员 → 特困供养金）"),
    Field("disability_type", "残疾类别", FieldType.CHOICE, choices=_labels(DisabilityType),
          choice_synonyms=_DISABILITY_SYNONYMS, sensitive=True, synonyms=("残疾类别", "残疾类型", "残疾种类")),
    Field("disability_grade", "残疾等级", FieldType.CHOICE, choices=_labels(DisabilityGrade),
          choice_synonyms=_GRADE_SYNONYMS, sensitive=True, synonyms=("残疾等级", "残疾级别")),
    Field("guardian_name", "监护人", synonyms=("监护人", "监护人姓名")),
    Field("guardian_relation", "与监护人关系", synonyms=("与监护人关系", "监护人关系", "与儿童关系")),
    Field("guardian_phone", "监护人电话", FieldType.PHONE, sensitive=True,
          synonyms=("监护人电话", "监护人联系电话", "监护人手机")),
    Field("health", "健康状况", FieldType.CHOICE, choices=_labels(Health), choice_synonyms=_HEALTH_SYNONYMS,
          sensitive=True, synonyms=("健康状况", "身体状况", "健康情况")),
    Field("health_note", "健康说明", sensitive=True, synonyms=("健康说明", "病种", "患病情况", "疾病名称")),
    Field("notes", "备注", sensitive=True, synonyms=("备注", "说明")),
)

#: The form's field labels (``UserError.field``) → the key of the field the message is about.
_LABEL_KEYS = {"姓名": "name", "身份证号": "id_number", "无身份证号原因": "no_id_reason", "村(居)": "village",
               "联系电话": "phone", "住址": "address", "备注": "notes", "服务对象类别": "groups",
               "残疾类别": "disability_type", "残疾等级": "disability_grade", "监护人": "guardian_name",
               "与监护人关系": "guardian_relation", "监护人电话": "guardian_phone", "健康说明": "health_note",
               "享受待遇": "benefit_kind", "性别": "sex", "出生日期": "birth_date", "纳入日期": "since"}

#: Profile fields: a value given (even "") replaces the default; absent ones keep what is stored.
_PROFILE_TEXT = ("disability_type", "disability_grade", "guardian_name", "guardian_relation", "guardian_phone",
                 "health", "health_note")
#: Person columns an import may fill or overwrite on an existing person, by field key (name handled apart).
_PERSON_COLUMNS = ("phone", "village_code", "address", "notes") + _PROFILE_TEXT
_TITLES = {f.key: f.title for f in FIELDS} | {"village_code": "村(居)"}
_GROUP_BENEFIT = {TargetGroup.LOW_INCOME.value: BenefitKind.DIBAO.value,
                  TargetGroup.EXTREME_POOR.value: BenefitKind.TEKUN.value}


def key_of(label: str | None) -> str:
    """The field key a form message is about (its ``UserError.field``); "" for the whole row."""
    if not label:
        return ""
    if label.endswith("金额"):
        return "benefit_amount"
    return _LABEL_KEYS.get(label, "")


@dataclass
class Context:
    """What the checks need, loaded once (``start``)."""

    today: date
    villages: dict[str, str]  # code → name
    by_id_number: dict[str, int]  # registered ID number → person id
    by_name: dict[str, list[tuple[int, date | None, str | None, str]]]  # name → (id, birth, village, masked ID)
    file_names: dict[str, list[tuple[int, date | None, str | None]]] = field(default_factory=dict)  # rows so far
    households: dict[int, tuple[int | None, str]] = field(default_factory=dict)  # person id → (household, relation)


def load_context(session: Session, today: date) -> Context:
    villages = {code: name for code, name in session.execute(select(Village.code, Village.name))}
    by_id: dict[str, int] = {}
    by_name: dict[str, list[tuple[int, date | None, str | None, str]]] = {}
    rows = session.execute(select(Person.id, Person.name, Person.id_number, Person.birth_date, Person.village_code))
    for pid, name, number, birth, village in rows:
        if number:
            by_id[number] = pid
        by_name.setdefault(name, []).append((pid, birth, village, mask_id_number(number or "")))
    return Context(today, villages, by_id, by_name)


def _text(values: MappingABC[str, Any], key: str) -> str:
    value = values.get(key)
    return "" if value is None else str(value)


def _given(values: MappingABC[str, Any], key: str) -> str | None:
    """A profile field's text when the row gives the field (even empty), else None (keep what is stored)."""
    return _text(values, key) if key in values else None


def _error(errors: list[tuple[str, str]], exc: UserError) -> None:
    item = (key_of(exc.field), exc.message)
    if item not in errors:
        errors.append(item)


def check_person(ctx: Context, values: MappingABC[str, Any], errors: list[tuple[str, str]]) -> dict[str, Any]:
    """The person part of a row by the form's rules; problems go to ``errors``; returns the clean values.

    Keys of the result: name, id_number ("" none), no_id_reason, sex, birth_date, phone, village_code, address,
    and each profile field the row gives (absent ones keep what is stored)."""
    given = [key for key in _PROFILE_TEXT if key in values]
    data = persons.PersonInput(
        name=_text(values, "name"), id_number=_text(values, "id_number"),
        no_id_reason=_text(values, "no_id_reason"), phone=_text(values, "phone"),
        village_code=values.get("village") or None, address=_text(values, "address"),
        notes=_text(values, "notes"), disability_type=_given(values, "disability_type"),
        disability_grade=_given(values, "disability_grade"), guardian_name=_given(values, "guardian_name"),
        guardian_relation=_given(values, "guardian_relation"), guardian_phone=_given(values, "guardian_phone"),
        health=_given(values, "health"), health_note=_given(values, "health_note"))
    out: dict[str, Any] = {}
    try:
        clean, birth, sex = persons.clean_person(data, ctx.today, ctx.villages.__contains__)
    except UserError as exc:
        _error(errors, exc)
        try:  # the profile fields' own problems, listed too
            profile.clean_input(data)
        except UserError as more:
            _error(errors, more)
        return out
    out.update(name=clean.name, id_number=clean.id_number or "", no_id_reason=clean.no_id_reason,
               phone=clean.phone, village_code=clean.village_code, address=clean.address)
    if "notes" in values:
        out["notes"] = clean.notes
    for key in given:
        out[key] = getattr(clean, key)
    file_sex = _text(values, "sex")
    file_birth = values.get("birth_date")
    if clean.id_number:
        if file_sex and file_sex != sex:
            errors.append(("sex", f"性别“{file_sex}”与身份证号不符（号码为{sex}性），请核对身份证号或性别。"))
        if file_birth and file_birth != birth:
            errors.append(("birth_date", f"出生日期 {file_birth:%Y-%m-%d} 与身份证号不符（号码为 {birth:%Y-%m-%d}），"
                                         "请核对身份证号或出生日期。"))
        out.update(sex=sex, birth_date=birth)
    else:
        if file_birth and file_birth > ctx.today:
            errors.append(("birth_date", "出生日期不能晚于今天。"))
        out.update(sex=file_sex, birth_date=file_birth)
    return out


def _benefit(values: MappingABC[str, Any], groups: Sequence[str], since: date | None,
             errors: list[tuple[str, str]]) -> tuple[str, Decimal | None, date | None] | None:
    kind = _text(values, "benefit_kind")
    amount = values.get("benefit_amount")
    if not kind and amount is None:
        return None
    if not kind:
        inferred = {_GROUP_BENEFIT[g] for g in groups if g in _GROUP_BENEFIT}
        if len(inferred) != 1:
            errors.append(("benefit_kind", "填写了月发放金额，请同时填写享受待遇（如低保金、特困供养金）。"))
            return None
        kind = inferred.pop()
    try:
        clean = profile.clean_benefits([profile.BenefitInput(BenefitKind(kind), amount, since)])
    except UserError as exc:
        _error(errors, exc)
        return None
    if not clean:
        return None
    amount = clean[0].monthly_amount
    return clean[0].kind.value, amount if isinstance(amount, Decimal) else None, since


def _match(ctx: Context, out: dict[str, Any], row: int) -> tuple[int | None, str]:
    """(existing person id, whom it probably duplicates) — the second only for a person without an ID number."""
    number = out["id_number"]
    if number:
        return ctx.by_id_number.get(number), ""
    name, birth, village = out["name"], out["birth_date"], out["village_code"]
    seen = ctx.file_names.setdefault(name, [])
    similar = ""
    for _pid, their_birth, their_village, masked in ctx.by_name.get(name, ()):
        if (birth and their_birth == birth) or (village and their_village == village):
            place = ctx.villages.get(their_village or "", "") or "未填村(居)"
            similar = f"已登记的“{name}”（{masked or '无身份证号'}，{place}）"
            break
    if not similar:
        for other_row, their_birth, their_village in seen:
            if (birth and their_birth == birth) or (village and their_village == village):
                similar = f"文件第 {other_row} 行的“{name}”"
                break
    seen.append((row, birth, village))
    return None, similar


def check_resident(ctx: Context, values: MappingABC[str, Any], row: int) -> Checked:
    errors: list[tuple[str, str]] = []
    out = check_person(ctx, values, errors)
    groups: tuple[str, ...] | None = None
    if "groups" in values:
        groups = tuple(dict.fromkeys(TargetGroup(g).value for g in values["groups"] or ()))
    since = values.get("since")
    if since and since > ctx.today:
        errors.append(("since", "纳入日期不能晚于今天。"))
    benefit = _benefit(values, groups or (), since, errors)
    if out and not errors:
        effective = persons.PersonInput(
            name=out["name"], groups=tuple(TargetGroup(g) for g in groups or ()),
            **{key: out.get(key, "") for key in ("disability_type", "disability_grade", "guardian_name")})
        try:
            profile.check_profile(effective, out["birth_date"], ctx.today)
        except UserError as exc:
            _error(errors, exc)
    if errors:
        raise RowInvalid(errors)
    if groups is not None:
        out["groups"] = groups
    out["since"] = since
    if benefit is not None:
        out["benefit"] = benefit
    existing, similar = _match(ctx, out, row)
    # Only what the row gives is kept (an empty value never changes a record): 100,000 rows in memory.
    kept = {key: value for key, value in out.items() if value is not None and value != "" and value != ()}
    return Checked(row, kept, existing, duplicate_of=similar, key=out["id_number"])


# ---- comparing with the registry ---------------------------------------------------------------------


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


_COMPARED = (Person.id, Person.name) + tuple(getattr(Person, column) for column in _PERSON_COLUMNS)
_BENEFIT_COLUMNS = (PersonBenefit.person_id, PersonBenefit.kind, PersonBenefit.monthly_amount, PersonBenefit.since)


def _stored(session: Session, ids: Sequence[int], orm: bool = True) -> tuple[dict[int, Any], dict[int, set[str]],
                                                                           dict[int, list[Any]]]:
    """The persons with their groups and benefits, by id: ORM objects to change (``orm``), else plain rows of
    the compared columns (comparing 100,000 matched rows must not build 100,000 ORM objects)."""
    people: dict[int, Any] = {}
    groups: dict[int, set[str]] = {}
    benefits: dict[int, list[Any]] = {}
    found: Iterable[Any]
    for chunk in _chunks(list(ids)):
        if orm:
            people.update((p.id, p) for p in session.scalars(select(Person).where(Person.id.in_(chunk))))
            found = session.scalars(select(PersonBenefit).where(PersonBenefit.person_id.in_(chunk))
                                    .order_by(PersonBenefit.id))
        else:
            people.update((p.id, p) for p in session.execute(select(*_COMPARED).where(Person.id.in_(chunk))))
            found = session.execute(select(*_BENEFIT_COLUMNS).where(PersonBenefit.person_id.in_(chunk))
                                    .order_by(PersonBenefit.id))
        for b in found:
            benefits.setdefault(b.person_id, []).append(b)
        for pid, code in session.execute(select(PersonGroup.person_id, PersonGroup.group_code)
                                         .where(PersonGroup.person_id.in_(chunk))):
            groups.setdefault(pid, set()).add(code)
    return people, groups, benefits


def person_changes(person: Any, values: MappingABC[str, Any], groups: set[str],
                   benefits: Sequence[Any], fill_only: bool) -> dict[str, Any]:
    """Column → new value of what the row would change on ``person`` (only non-empty values of the file;
    ``fill_only``: only where the stored value is empty). Groups and a benefit under the keys "groups" (the
    groups to add) and "benefit"."""
    out: dict[str, Any] = {}
    if not fill_only and values.get("name") and values["name"] != person.name:
        out["name"] = values["name"]
    for column in _PERSON_COLUMNS:
        new = values.get(column)
        if new in (None, ""):
            continue
        old = getattr(person, column)
        if old == new or (fill_only and old not in (None, "")):
            continue
        out[column] = new
    added = [g for g in values.get("groups") or () if g not in groups]
    if added:
        out["groups"] = added
    benefit = values.get("benefit")
    if benefit is not None:
        kind, amount, since = benefit
        same = [b for b in benefits if b.kind == kind]
        if not same:
            out["benefit"] = benefit
        elif not fill_only and ((amount is not None and same[0].monthly_amount != amount)
                                or (since is not None and same[0].since != since)):
            out["benefit"] = benefit
    return out


def _change_titles(changes: MappingABC[str, Any]) -> tuple[str, ...]:
    titles = {"groups": "服务对象类别", "benefit": "享受待遇", "household": "户档"}
    return tuple(titles.get(column) or _TITLES.get(column, column) for column in changes)


def compare_persons(session: Session, rows: list[Checked]) -> None:
    """Fill ``changes`` of the rows that match a registered person (what overwriting would change)."""
    matched = [c for c in rows if c.existing_id is not None]
    for start in range(0, len(matched), CHUNK):
        block = matched[start:start + CHUNK]
        people, groups, benefits = _stored(session, [c.existing_id for c in block if c.existing_id], orm=False)
        for c in block:
            person = people.get(c.existing_id or 0)
            if person is not None:
                changes = person_changes(person, c.values, groups.get(person.id, set()),
                                         benefits.get(person.id, []), fill_only=False)
                c.changes = _change_titles(changes)


# ---- writing -----------------------------------------------------------------------------------------


def _plain_rows(rows: Iterable[Any], columns: Sequence[str]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        item = {}
        for column in columns:
            value = getattr(row, column)
            item[column] = value
        out.append(item)
    return out


def reserve_ids(session: Session, column: Any, count: int) -> list[int]:
    """``count`` ids of a table (``Person.id``) for rows inserted in bulk, in order. One PC: the ids after the
    highest (``BEGIN IMMEDIATE`` makes the import the only writer while its transaction lasts). A server: taken
    from the table's sequence, which every PC's saves draw from (``nextval`` never hands one out twice), so a
    resident another PC saves during the import cannot take one of them; the ids may leave gaps there."""
    if count <= 0:
        return []
    if is_server(session.get_bind()):
        taken = session.scalars(text("SELECT nextval(pg_get_serial_sequence(:table, :column)) "
                                     "FROM generate_series(1, :count)"),
                                {"table": column.table.name, "column": column.name, "count": count})
        return sorted(int(i) for i in taken)
    first = int(session.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1
    return list(range(first, first + count))


INSERT_BLOCK = 5000  # rows per INSERT: the statement's rows are built a block at a time (memory)


def insert_persons(session: Session, rows: Sequence[Checked], batch_id: int, today: date,
                   household: MappingABC[int, tuple[int | None, str]] | None = None) -> dict[int, int]:
    """Bulk INSERT of new persons (and their groups and benefit) carrying ``batch_id``; Excel row → person id.

    ``household``: Excel row → (household id, relation) for members of a household (the households kind)."""
    stamp = now()
    free = reserve_ids(session, Person.id, len(rows))
    ids: dict[int, int] = {}
    keys: dict[str, tuple[str, str]] = {}  # name → pinyin keys: a name met again is not converted again
    for start in range(0, len(rows), INSERT_BLOCK):
        people: list[dict[str, Any]] = []
        groups: list[dict[str, Any]] = []
        benefits: list[dict[str, Any]] = []
        for offset, c in enumerate(rows[start:start + INSERT_BLOCK], start):
            pid = free[offset]
            ids[c.row] = pid
            v = c.values
            name = v["name"]
            found = keys.get(name)
            if found is None:
                found = keys[name] = persons.search_keys(name)
            household_id, relation = household.get(c.row, (None, "")) if household else (None, "")
            people.append({
                "id": pid, "import_batch_id": batch_id, "name": name, "name_pinyin": found[0],
                "name_initials": found[1], "id_number": v.get("id_number") or None,
                "no_id_reason": v.get("no_id_reason", ""), "sex": v.get("sex", ""), "birth_date": v.get("birth_date"),
                "phone": v.get("phone", ""), "village_code": v.get("village_code"), "address": v.get("address", ""),
                "status": PersonStatus.REGISTERED.value, "notes": v.get("notes", ""), "created_at": stamp,
                "updated_at": stamp, "household_id": household_id, "relation": relation,
                **{key: v.get(key, "") for key in _PROFILE_TEXT}})
            since = v.get("since")
            for code in v.get("groups") or ():
                groups.append({"person_id": pid, "group_code": code, "since": since})
            benefit = v.get("benefit")
            if benefit is not None:
                benefits.append({"person_id": pid, "kind": benefit[0], "monthly_amount": benefit[1],
                                 "since": benefit[2], "note": ""})
        session.execute(insert(cast(Table, Person.__table__)), people)
        if groups:
            session.execute(insert(cast(Table, PersonGroup.__table__)), groups)
        if benefits:
            session.execute(insert(cast(Table, PersonBenefit.__table__)), benefits)
    return ids


def update_person(session: Session, person: Person, values: MappingABC[str, Any], groups: set[str],
                  benefits: list[PersonBenefit], existing: Existing, today: date) -> list[tuple[str, int, dict]]:
    """Apply a matched row to ``person`` through the ORM by ``existing``; the old values (``ImportChange``).

    Groups are added, never removed; a benefit of a kind not stored is added, one stored is changed only when
    overwriting. The person then meets the form's rules across fields, or the whole import stops."""
    if existing is Existing.SKIP:
        return []
    changes = person_changes(person, values, groups, benefits, fill_only=existing is Existing.FILL)
    if not changes:
        return []
    out: list[tuple[str, int, dict]] = []
    before: dict[str, Any] = {}
    for column, value in changes.items():
        if column in ("groups", "benefit"):
            continue
        before[column] = getattr(person, column)
        setattr(person, column, value)
        if column == "name":
            before["name_pinyin"], before["name_initials"] = person.name_pinyin, person.name_initials
            person.name_pinyin, person.name_initials = persons.search_keys(value)
    if before:
        out.append(("person", person.id, before))
    if "groups" in changes:
        out.append(("person_group", person.id, {"rows": _plain_rows(
            session.scalars(select(PersonGroup).where(PersonGroup.person_id == person.id)),
            ("person_id", "group_code", "since"))}))
        session.add_all(PersonGroup(person_id=person.id, group_code=code, since=values.get("since"))
                        for code in changes["groups"])
    if "benefit" in changes:
        out.append(("person_benefit", person.id, {"rows": _plain_rows(
            benefits, ("person_id", "kind", "monthly_amount", "since", "note"))}))
        kind, amount, since = changes["benefit"]
        same = [b for b in benefits if b.kind == kind]
        if same:
            if amount is not None:
                same[0].monthly_amount = amount
            if since is not None:
                same[0].since = since
        else:
            session.add(PersonBenefit(person_id=person.id, kind=kind, monthly_amount=amount, since=since, note=""))
    _check_merged(person, groups | set(changes.get("groups", ())), today)
    return out


def _check_merged(person: Person, groups: set[str], today: date) -> None:
    merged = persons.PersonInput(name=person.name, groups=tuple(TargetGroup(g) for g in groups),
                                 disability_type=person.disability_type, disability_grade=person.disability_grade,
                                 guardian_name=person.guardian_name)
    try:
        profile.check_profile(merged, person.birth_date, today)
    except UserError as exc:
        raise UserError(f"已登记的“{person.name}”（{mask_id_number(person.id_number or '')}）按文件修改后不符合要求："
                        f"{exc.message}未导入任何数据。", field=exc.field) from exc


def update_persons(session: Session, rows: Sequence[Checked], existing: Existing,
                   today: date) -> tuple[int, list[tuple[str, int, dict]]]:
    """The matched rows with changes applied by ``existing``; (records changed, old values)."""
    changed = 0
    before: list[tuple[str, int, dict]] = []
    todo = [c for c in rows if c.existing_id is not None and c.changes]
    for start in range(0, len(todo), CHUNK):
        block = todo[start:start + CHUNK]
        people, groups, benefits = _stored(session, [c.existing_id for c in block if c.existing_id])
        for c in block:
            person = people.get(c.existing_id or 0)
            if person is None:
                continue
            old = update_person(session, person, c.values, groups.get(person.id, set()),
                                benefits.get(person.id, []), existing, today)
            if old:
                changed += 1
                before.extend(old)
    return changed, before


class ResidentsSpec:
    kind = ImportKind.RESIDENTS
    fields = FIELDS
    tables: tuple[type, ...] = (Person,)
    children: tuple[type, ...] = (PersonGroup, PersonBenefit)
    key_field = "id_number"

    def choices(self, session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
        rows = session.execute(select(Village.code, Village.name).order_by(Village.code))
        return {"village": tuple((code, name) for code, name in rows)}

    def start(self, session: Session, today: date) -> Context:
        return load_context(session, today)

    def check(self, context: Context, values: MappingABC[str, Any], row: int) -> Checked:
        return check_resident(context, values, row)

    def finish(self, session: Session, context: Context, rows: list[Checked]) -> list[tuple[int, str, str]]:
        compare_persons(session, rows)
        return []

    def write(self, session: Session, context: Context, rows: list[Checked], existing: Existing,
              batch_id: int, today: date) -> WriteResult:
        new = [c for c in rows if c.existing_id is None]
        insert_persons(session, new, batch_id, today)
        updated, before = update_persons(session, rows, existing, today)
        matched = sum(1 for c in rows if c.existing_id is not None)
        session.flush()
        return WriteResult(len(new), updated, matched - updated, tuple(before))


SPEC = ResidentsSpec()
