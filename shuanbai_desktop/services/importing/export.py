"""The round trip of 导入数据: a kind's records written as a ledger the import takes back (docs/import.md).

``export_kind`` writes one workbook per kind: a title row, a subtitle, then one column per field of the kind
(its title, so the suggested mapping takes every column) and one row per record, choices as their Chinese
labels, villages and service points by name. ID numbers and phones are written in full (the import refuses
masked numbers): the administrator only (``DATA_IMPORT``), the file readable by its owner alone (0600), and one
audit event naming the kind and the row count (no personal data).

Imported into a station with the same villages, service points and pay table, the workbook gives the same
records (tests/db/test_cli_import.py). Records the import (like the form) cannot create are left out and
counted (``ExportResult.left_out``): assets under repair or scrapped (a new asset is 在用 or 闲置), workers who
have left and their contracts (a roster lists the workers on duty). What a row of the import cannot hold is
not written: a resident's second benefit (one per row), the owner of an archive file that is a household or a
case, a contract's renewal link.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...data import audit
from ...data.models import Person
from ...data.models.archives import ArchiveFile
from ...data.models.assets import Asset
from ...data.models.person import PersonBenefit, PersonGroup
from ...data.models.staff import StaffContract, StaffMember, StaffVillage
from ...data.models.targets import Household
from ...domain.archive_rules import OwnerKind
from ...domain.asset_rules import AssetStatus
from ...domain.staff_labels import StaffStatus
from ...exports.ledger_xlsx import LedgerColumn, write_ledger
from ..permissions import Permission, require
from ..station import get_station
from .base import FieldType, ImportKind, KindSpec
from .kinds import spec as kind_spec

NEW_ASSET_STATUSES = (AssetStatus.IN_USE.value, AssetStatus.IDLE.value)  # what a new asset may be (register)
LEFT_STAFF = "已离职的工作人员"

Record = dict[str, Any]  # field key → the stored value (codes, ids, dates …)
Rows = Iterator[Record | str]  # a record, or why one record is left out


@dataclass(frozen=True)
class ExportResult:
    kind: ImportKind
    path: Path
    rows: int
    left_out: tuple[tuple[str, int], ...] = ()  # (why, how many) records not written

    @property
    def left_out_text(self) -> str:
        return "；".join(f"{why} {count} 条" for why, count in self.left_out)


def _by_person(session: Session, model, key) -> dict[int, list]:
    out: dict[int, list] = {}
    for row in session.scalars(select(model).order_by(key)):
        out.setdefault(row.person_id, []).append(row)
    return out


def _person_values(p: Person) -> Record:
    return {"name": p.name, "id_number": p.id_number or "", "no_id_reason": p.no_id_reason,
            "sex": "" if p.id_number else p.sex, "birth_date": None if p.id_number else p.birth_date,
            "phone": p.phone, "village": p.village_code or "", "address": p.address,
            "disability_type": p.disability_type, "disability_grade": p.disability_grade,
            "guardian_name": p.guardian_name, "guardian_relation": p.guardian_relation,
            "guardian_phone": p.guardian_phone, "health": p.health, "health_note": p.health_note, "notes": p.notes}


def _residents(session: Session) -> Rows:
    groups = _by_person(session, PersonGroup, PersonGroup.group_code)
    benefits = _by_person(session, PersonBenefit, PersonBenefit.id)
    for p in session.scalars(select(Person).order_by(Person.id)):
        values = _person_values(p)
        mine = groups.get(p.id, [])
        values["groups"] = tuple(g.group_code for g in mine)
        first = benefits.get(p.id, [None])[0]
        values["since"] = next((g.since for g in mine if g.since), None) or (first.since if first else None)
        values["benefit_kind"] = first.kind if first else ""
        values["benefit_amount"] = first.monthly_amount if first else None
        yield values


def _households(session: Session) -> Rows:
    """One row per member, the head first; the household's housing on the head's row."""
    homes = {h.id: h for h in session.scalars(select(Household))}
    members = select(Person).where(Person.household_id.is_not(None)).order_by(Person.household_id, Person.id)
    by_home: dict[int, list[Person]] = {}
    for p in session.scalars(members):
        by_home.setdefault(p.household_id or 0, []).append(p)
    for home_id, people in by_home.items():
        h = homes[home_id]
        people.sort(key=lambda p: (p.relation != "head", p.id))
        head = people[0].name if people[0].relation == "head" else ""
        for p in people:
            values = _person_values(p)
            values.update(household_no=str(h.id), head_name=head, relation=p.relation)
            if p is people[0]:
                values.update(housing=h.housing, housing_condition=h.housing_condition, housing_note=h.housing_note)
            yield values


def _staff(session: Session) -> Rows:
    villages: dict[int, list[str]] = {}
    for staff_id, code in session.execute(select(StaffVillage.staff_id, StaffVillage.village_code)
                                          .order_by(StaffVillage.village_code)):
        villages.setdefault(staff_id, []).append(code)
    for m in session.scalars(select(StaffMember).order_by(StaffMember.id)):
        if m.status != StaffStatus.ACTIVE.value:
            yield LEFT_STAFF
            continue
        yield {"name": m.name, "id_number": m.id_number, "phone": m.phone, "education": m.education,
               "major": m.major, "role": m.role, "source": m.source, "hire_date": m.hire_date,
               "certificate": m.certificate, "certificate_no": m.certificate_no,
               "certificate_date": m.certificate_date, "supervisor_cert": m.supervisor_cert,
               "supervisor_cert_no": m.supervisor_cert_no, "point_id": m.point_id,
               "village_codes": tuple(villages.get(m.id, ())), "career_start": m.career_start,
               "pay_level_id": m.pay_level_id, "notes": m.notes}


def _contracts(session: Session) -> Rows:
    staff = {m.id: m for m in session.scalars(select(StaffMember))}
    for c in session.scalars(select(StaffContract).order_by(StaffContract.staff_id, StaffContract.start_date)):
        m = staff[c.staff_id]
        if m.status != StaffStatus.ACTIVE.value:
            yield "已离职工作人员的合同"
            continue
        yield {"staff_name": m.name, "staff_id_number": m.id_number, "number": c.number, "employer": c.employer,
               "signed_on": c.signed_on, "start_date": c.start_date, "end_date": c.end_date,
               "probation_months": c.probation_months, "pay_level_id": c.pay_level_id, "notes": c.notes}


def _assets(session: Session) -> Rows:
    for a in session.scalars(select(Asset).order_by(Asset.code)):
        if a.status not in NEW_ASSET_STATUSES:
            yield f"{AssetStatus(a.status).label}的资产"
            continue
        yield {"code": a.code, "name": a.name, "category": a.category, "required_item": a.required_item or "",
               "model_spec": a.model_spec, "quantity": a.quantity, "unit": a.unit, "purchase_date": a.purchase_date,
               "value": a.value, "funding_source": a.funding_source, "point_id": a.point_id,
               "custodian_name": a.custodian_name, "status": a.status, "notes": a.notes}


def _archives(session: Session) -> Rows:
    staff = dict(session.execute(select(StaffMember.id, StaffMember.name)
                                 .where(StaffMember.status == StaffStatus.ACTIVE.value)).all())  # as written
    numbers = dict(session.execute(select(Person.id, Person.id_number)).all())
    for f in session.scalars(select(ArchiveFile).order_by(ArchiveFile.number)):
        owner_staff = staff.get(f.owner_id or 0, "") if f.owner_type == OwnerKind.STAFF.value else ""
        owner_person = numbers.get(f.owner_id or 0) or "" if f.owner_type == OwnerKind.PERSON.value else ""
        yield {"number": f.number, "category": f.category, "year": f.year, "retention": f.retention,
               "item_no": f.item_no, "title": f.title, "doc_ref": f.doc_ref, "responsible": f.responsible,
               "doc_date": f.doc_date, "filed_on": f.filed_on, "confidentiality": f.confidentiality,
               "cabinet": f.cabinet, "box": f.box, "pages": f.pages, "owner_staff": owner_staff,
               "owner_id_number": owner_person, "notes": f.notes}


_RECORDS: dict[ImportKind, Callable[[Session], Rows]] = {
    ImportKind.RESIDENTS: _residents, ImportKind.HOUSEHOLDS: _households, ImportKind.STAFF: _staff,
    ImportKind.CONTRACTS: _contracts, ImportKind.ASSETS: _assets, ImportKind.ARCHIVES: _archives,
}


def _labeller(session: Session, spec: KindSpec, keys: list[str]) -> Callable[[Record], list]:
    """A record → the cells of its row: a choice as its label (villages, points, pay levels by name), several
    choices joined with “、”, a truth value as 是/否, empty choices and None as an empty cell."""
    fields = {f.key: f for f in spec.fields}
    dynamic = spec.choices(session)
    labels = {key: dict(dynamic.get(key) or fields[key].choices) for key in keys}

    def cell(key: str, value: Any) -> Any:
        kind = fields[key].type
        if value is None or value == "" or value == ():
            return None
        if kind is FieldType.CHOICE:
            return labels[key].get(str(value), str(value))
        if kind is FieldType.CHOICES:
            return "、".join(labels[key].get(str(v), str(v)) for v in value)
        if kind is FieldType.BOOL:
            return "是" if value else "否"
        return value

    def row(record: Record) -> list:
        return [cell(key, record.get(key)) for key in keys]
    return row


def export_kind(session: Session, kind: ImportKind | str, target: Path, today: date) -> ExportResult:
    """Write the station's records of ``kind`` to ``target`` (.xlsx) as a ledger the import takes back."""
    require(session, Permission.DATA_IMPORT)
    kind = ImportKind(kind)
    spec = kind_spec(kind)
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    records: list[Record] = []
    left_out: dict[str, int] = {}
    for item in _RECORDS[kind](session):
        if isinstance(item, str):
            left_out[item] = left_out.get(item, 0) + 1
        else:
            records.append(item)
    present = {key for record in records for key, value in record.items() if value not in (None, "", ())}
    keys = [f.key for f in spec.fields if f.key in present or f.required]
    columns = [LedgerColumn(_title(spec, key), 22 if "id_number" in key else 14) for key in keys]
    info = get_station(session)
    name = info.name if info is not None else ""
    row = _labeller(session, spec, keys)
    subtitle = f"{name}　导出于 {today:%Y-%m-%d}　含完整身份证号和电话，请妥善保管"
    count = write_ledger(target, kind.label, f"{name}{kind.label}（供导入）", subtitle, columns,
                         (row(r) for r in records), full=True)
    os.chmod(target, 0o600)
    audit.record_event(session, "export", "", f"导出{kind.label}（供导入，含完整身份证号）：{count} 行",
                       {"kind": kind.value, "rows": count, "left_out": left_out, "full_numbers": True})
    return ExportResult(kind, target, count, tuple(left_out.items()))


def _title(spec: KindSpec, key: str) -> str:
    return next(f.title for f in spec.fields if f.key == key)

