"""The service-target part of a person: groups, disability, guardian, health, benefits (R4.1).

``services.persons.save_person`` calls these; a field left ``None`` in ``PersonInput``
keeps what is stored, so the service window can edit a resident without touching them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data.models.person import Person, PersonBenefit, PersonGroup
from ...domain.idcard import age_on
from ...domain.phone import validate_phone
from ...domain.target_labels import BenefitKind, DisabilityGrade, DisabilityType, Health, TargetGroup
from ...errors import UserError
from ..fields import clean_text, optional_money

CHILD_GROUPS = (TargetGroup.CHILD_IN_DIFFICULTY, TargetGroup.LEFT_BEHIND_CHILD)
MAX_MONTHLY = Decimal("100000")


@dataclass(frozen=True)
class BenefitInput:
    kind: BenefitKind
    monthly_amount: str | Decimal | None = None
    since: date | None = None
    note: str = ""


@dataclass(frozen=True)
class BenefitRow:
    kind: BenefitKind
    monthly_amount: Decimal | None
    since: date | None
    note: str

    @property
    def text(self) -> str:
        amount = f" {self.monthly_amount:.2f} 元/月" if self.monthly_amount is not None else ""
        return f"{self.kind.label}{amount}"


def check_profile(data, birth: date | None, today: date) -> None:
    """Rules across fields; ``data`` is a PersonInput with its fields already cleaned."""
    groups = set(data.groups or ())
    age = age_on(birth, today) if birth else None
    if age is not None and age >= 18 and groups & set(CHILD_GROUPS):
        names = "、".join(g.label for g in CHILD_GROUPS if g in groups)
        raise UserError(f"{names}应未满 18 周岁，此人已 {age} 岁。", field="服务对象类别")
    if age is not None and age < 60 and TargetGroup.ELDERLY_IN_DIFFICULTY in groups:
        raise UserError(f"特殊困难老年人应年满 60 周岁，此人 {age} 岁。", field="服务对象类别")
    disability = DisabilityType(data.disability_type or "")
    if TargetGroup.DISABLED in groups and disability is DisabilityType.NONE:
        raise UserError("登记为残疾人时，请选择残疾类别。", field="残疾类别")
    if DisabilityGrade(data.disability_grade or "") is not DisabilityGrade.NONE and disability is DisabilityType.NONE:
        raise UserError("填写了残疾等级，请同时选择残疾类别。", field="残疾类别")
    minor = age is not None and age < 18
    if minor and groups & set(CHILD_GROUPS) and not (data.guardian_name or "").strip():
        raise UserError("未成年服务对象须填写监护人姓名。", field="监护人")


def clean_guardian_phone(raw: str | None) -> str | None:
    return None if raw is None else validate_phone(raw, field="监护人电话")


def clean_benefits(benefits) -> list[BenefitInput] | None:
    if benefits is None:
        return None
    out, seen = [], set()
    for b in benefits:
        kind = BenefitKind(b.kind)
        if kind in seen and kind is not BenefitKind.OTHER:
            raise UserError(f"“{kind.label}”重复填写了。", field="享受待遇")
        seen.add(kind)
        amount = optional_money(b.monthly_amount, f"{kind.label}金额", MAX_MONTHLY)
        note = (b.note or "").strip()
        if len(note) > 80:
            raise UserError("待遇说明不能超过 80 个字。", field="享受待遇")
        out.append(BenefitInput(kind, amount, b.since, note))
    return out


def store_profile(session: Session, person: Person, data, today: date) -> None:
    """Write the profile fields that are not None; groups and benefits replace the stored ones.

    A group newly given to the person counts from ``today``: the day the record says it was entered
    (``save_person``'s ``today``), not the day it happens to be typed in."""
    for attr in ("disability_type", "disability_grade", "guardian_name", "guardian_relation",
                 "guardian_phone", "health", "health_note"):
        value = getattr(data, attr)
        if value is not None:
            setattr(person, attr, value)
    if data.groups is not None:
        _store_groups(session, person.id, data.groups, today)
    if data.benefits is not None:
        _store_benefits(session, person.id, data.benefits)


def _store_benefits(session: Session, person_id: int, benefits) -> None:
    """Replace the stored benefits by ``benefits`` row by row through the ORM (each change audited).

    A benefit equal in kind, amount and note to a stored one keeps that row (and its 起始日期 when
    the input gives none, as the edit form does)."""
    wanted = list(benefits)
    stored = session.scalars(select(PersonBenefit).where(PersonBenefit.person_id == person_id)
                             .order_by(PersonBenefit.id))
    for row in list(stored):
        same = [b for b in wanted if (b.kind.value, b.monthly_amount, b.note) == (row.kind, row.monthly_amount,
                                                                                  row.note)]
        if not same:
            session.delete(row)
            continue
        wanted.remove(same[0])
        if same[0].since is not None and same[0].since != row.since:
            row.since = same[0].since
    session.add_all(PersonBenefit(person_id=person_id, kind=b.kind.value, monthly_amount=b.monthly_amount,
                                  since=b.since, note=b.note) for b in wanted)


def _store_groups(session: Session, person_id: int, groups, today: date) -> None:
    wanted = {TargetGroup(g).value for g in groups}
    current = {g.group_code: g for g in session.scalars(select(PersonGroup).where(PersonGroup.person_id == person_id))}
    for code in set(current) - wanted:
        session.delete(current[code])
    session.add_all(PersonGroup(person_id=person_id, group_code=code, since=today)
                    for code in sorted(wanted - set(current)))


def groups_of(session: Session, ids: list[int]) -> dict[int, tuple[TargetGroup, ...]]:
    out: dict[int, list[TargetGroup]] = {}
    order = {g.value: i for i, g in enumerate(TargetGroup)}
    rows = session.execute(select(PersonGroup.person_id, PersonGroup.group_code)
                           .where(PersonGroup.person_id.in_(ids)))
    for pid, code in rows:
        out.setdefault(pid, []).append(TargetGroup(code))
    return {pid: tuple(sorted(gs, key=lambda g: order[g.value])) for pid, gs in out.items()}


def benefits_of(session: Session, person_id: int) -> tuple[BenefitRow, ...]:
    rows = session.scalars(select(PersonBenefit).where(PersonBenefit.person_id == person_id)
                           .order_by(PersonBenefit.id))
    return tuple(BenefitRow(BenefitKind(b.kind), b.monthly_amount, b.since, b.note) for b in rows)


def _optional(value: str | None, field: str, limit: int) -> str | None:
    return None if value is None else clean_text(value, field, limit)


def clean_input(data):
    """The profile fields of a PersonInput cleaned; None stays None (keep what is stored)."""
    return replace(
        data, groups=None if data.groups is None else tuple(dict.fromkeys(TargetGroup(g) for g in data.groups)),
        disability_type=None if data.disability_type is None else DisabilityType(data.disability_type).value,
        disability_grade=None if data.disability_grade is None else DisabilityGrade(data.disability_grade).value,
        guardian_name=_optional(data.guardian_name, "监护人", 40),
        guardian_relation=_optional(data.guardian_relation, "与监护人关系", 20),
        guardian_phone=clean_guardian_phone(data.guardian_phone),
        health=None if data.health is None else Health(data.health).value,
        health_note=_optional(data.health_note, "健康说明", 200),
        benefits=None if data.benefits is None else tuple(clean_benefits(data.benefits)))


def effective(session: Session, clean, person: Person | None):
    """The profile as it will be after saving: stored values where the input says None."""
    stored_groups = () if person is None else tuple(groups_of(session, [person.id]).get(person.id, ()))
    fill: dict[str, object] = {"groups": stored_groups}
    for attr in ("disability_type", "disability_grade", "guardian_name"):
        fill[attr] = getattr(person, attr) if person is not None else ""
    return replace(clean, **{k: v for k, v in fill.items() if getattr(clean, k) is None})
