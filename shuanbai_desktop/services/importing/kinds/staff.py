"""人员花名册: the station's workers, each row checked by the roster form's rules (``roster.staff_values``).

A row matches a worker already on the roster by ID number; a row without one matches by name when exactly
one worker has that name. New workers are saved by ``roster.save_staff`` (the form's own save), one per row
(a roster has tens of rows, hundreds at most). docs/import.md “人员、合同、资产、档案”.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....data.models import ServicePoint
from ....data.models.staff import StaffMember, StaffPayLevel, StaffVillage
from ....domain.idcard import mask_id_number, normalize_id_number
from ....domain.staff_labels import Certificate, Education, Source, StaffRole
from ...records import village_names
from ...staff import roster
from ...staff.common import member
from ..base import Checked, Existing, Field, FieldType, ImportKind, RowInvalid, WriteResult
from .rowtools import (
    WorkerIndex,
    differences,
    enum_choices,
    given,
    keys_by_title,
    merge,
    optional_id,
    rule,
    stamped,
    titles_of,
    update_existing,
)

_EDUCATION_WORDS = (("高中", "secondary"), ("中专", "secondary"), ("职高", "secondary"), ("技校", "secondary"),
                    ("初中", "secondary"), ("高中及以下", "secondary"), ("中专及以下", "secondary"),
                    ("专科", "college"), ("大学专科", "college"), ("大专及以上", "college"),
                    ("大学本科", "bachelor"), ("本科及以上", "bachelor"), ("学士", "bachelor"),
                    ("研究生", "master"), ("硕士", "master"), ("硕士研究生", "master"),
                    ("博士", "doctor"), ("博士研究生", "doctor"))
_ROLE_WORDS = (("事务性岗位", "affairs_worker"), ("事务岗", "affairs_worker"), ("事务性社工", "affairs_worker"),
               ("残联专职委员", "disability_officer"), ("专职委员", "disability_officer"),
               ("服务性岗位", "service_worker"), ("服务岗", "service_worker"), ("服务性社工", "service_worker"),
               ("驻点社工", "service_worker"), ("社工点社工", "service_worker"))
_SOURCE_WORDS = (("整合人员", "integrated"), ("原有人员", "integrated"), ("招聘", "recruited"),
                 ("新招", "recruited"), ("新招聘人员", "recruited"), ("公开招聘", "recruited"))
_CERTIFICATE_WORDS = (("助理社工师", "assistant"), ("初级", "assistant"), ("初级社工师", "assistant"),
                      ("社工师", "intermediate"), ("中级", "intermediate"), ("中级社工师", "intermediate"),
                      ("高级社工师", "senior"), ("高级", "senior"),
                      ("未持证", "none"), ("暂无", "none"), ("否", "none"), ("-", "none"))

FIELDS = (
    Field("name", "姓名", required=True, synonyms=("员工姓名", "社工姓名", "人员姓名", "职工姓名")),
    Field("id_number", "身份证号", FieldType.ID_NUMBER, sensitive=True,
          synonyms=("身份证号码", "公民身份号码", "证件号码", "身份证", "身份证件号码"),
          hint="新录入的人员必填；已在册的人员没有身份证号时按姓名对应"),
    Field("phone", "联系电话", FieldType.PHONE, sensitive=True,
          synonyms=("手机", "手机号", "手机号码", "电话", "联系方式", "电话号码")),
    Field("education", "学历", FieldType.CHOICE, required=True, synonyms=("最高学历", "文化程度"),
          choices=enum_choices(Education), choice_synonyms=_EDUCATION_WORDS),
    Field("major", "专业", synonyms=("所学专业",)),
    Field("role", "岗位角色", FieldType.CHOICE, required=True, synonyms=("岗位", "岗位类别", "职务", "岗位名称"),
          choices=enum_choices(StaffRole), choice_synonyms=_ROLE_WORDS),
    Field("source", "人员来源", FieldType.CHOICE, required=True, synonyms=("来源", "人员类型"),
          choices=enum_choices(Source), choice_synonyms=_SOURCE_WORDS,
          hint="名册中没有这一列时，请给所有行一个固定值（整合或新招聘）"),
    Field("hire_date", "入职日期", FieldType.DATE, required=True,
          synonyms=("入职时间", "到岗日期", "到岗时间", "聘用日期", "入职年月")),
    Field("certificate", "职业资格", FieldType.CHOICE,
          synonyms=("职业资格证书", "社工证", "持证情况", "证书等级", "职业水平证书", "资格等级"),
          choices=enum_choices(Certificate), choice_synonyms=_CERTIFICATE_WORDS),
    Field("certificate_no", "证书编号", synonyms=("资格证书编号", "证书号", "职业资格证书编号")),
    Field("certificate_date", "取证日期", FieldType.DATE, synonyms=("取证时间", "发证日期", "取得证书时间")),
    Field("supervisor_cert", "督导证", FieldType.BOOL, synonyms=("是否有督导证", "督导资格", "督导证书")),
    Field("supervisor_cert_no", "督导证编号", synonyms=("督导证书编号",)),
    Field("point_id", "所在社工点", FieldType.CHOICE, synonyms=("社工点", "驻点", "服务点", "所属社工点")),
    Field("village_codes", "负责村(居)", FieldType.CHOICES,
          synonyms=("负责村居", "负责村（居）", "服务村(居)", "服务村居", "联系村", "负责村"),
          hint="只用于新录入的人员；已在册人员的负责村(居)请在人员档案中修改"),
    Field("career_start", "从事社工起始日期", FieldType.DATE,
          synonyms=("从事社会工作起始日期", "从事社工时间", "社工从业时间", "从事社会工作时间")),
    Field("pay_level_id", "薪酬等级", FieldType.CHOICE, synonyms=("薪级", "工资等级", "薪酬档次")),
    Field("notes", "备注", synonyms=("说明",)),
)

_TITLES = keys_by_title(FIELDS)
_KEYS = tuple(f.key for f in FIELDS)
_ENUMS = {"education": Education, "role": StaffRole, "source": Source, "certificate": Certificate}
#: Columns of a worker's file → the title listed when an import would change it.
_COLUMN_TITLES = {f.key: f.title for f in FIELDS if f.key not in ("point_id", "pay_level_id", "village_codes")}
_COLUMN_TITLES.update(point_id="所在社工点", pay_level_id="薪酬等级", birth_date="出生日期", sex="性别")
#: Fields an import never changes on a worker already on the roster (child rows / the point's liaison).
_NEW_ONLY = ("village_codes",)


@dataclass(kw_only=True)
class StaffContext(WorkerIndex):
    session: Session
    today: date


def _file_input(values: MappingABC[str, Any]) -> dict[str, Any]:
    """The row's given values as the form's input types (enum members, ids, a tuple of village codes)."""
    out: dict[str, Any] = {}
    for key, value in given(values, _KEYS).items():
        if key in _ENUMS:
            out[key] = _ENUMS[key](value)
        elif key in ("point_id", "pay_level_id"):
            out[key] = optional_id(value)
        elif key == "village_codes":
            out[key] = tuple(value)
        elif key == "supervisor_cert":
            out[key] = bool(value)
        else:
            out[key] = value
    return out


def _missing(data: dict[str, Any]) -> list[tuple[str, str]]:
    required = ("name", "education", "role", "source", "hire_date")
    return [(f.key, f"{f.title}不能为空。") for f in FIELDS if f.key in required and f.key not in data]


class StaffSpec:
    kind = ImportKind.STAFF
    fields = FIELDS
    key_field = "id_number"  # a repeated key is reported at this column (batch.py)
    tables: tuple[type, ...] = (StaffMember,)
    children: tuple[type, ...] = (StaffVillage,)

    def choices(self, session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
        points = session.execute(select(ServicePoint.id, ServicePoint.name)
                                 .where(ServicePoint.active.is_(True)).order_by(ServicePoint.id))
        levels = session.execute(select(StaffPayLevel.id, StaffPayLevel.name).order_by(StaffPayLevel.id))
        villages = sorted(village_names(session).items())
        return {"point_id": tuple((str(pid), name) for pid, name in points),
                "pay_level_id": tuple((str(lid), name) for lid, name in levels),
                "village_codes": tuple(villages)}

    def start(self, session: Session, today: date) -> StaffContext:
        context = StaffContext(session=session, today=today)
        context.load_workers(session)
        return context

    def check(self, context: StaffContext, values: MappingABC[str, Any], row: int) -> Checked:
        data = _file_input(values)
        if "id_number" in data:
            data["id_number"] = normalize_id_number(data["id_number"])
        name = str(data.get("name", ""))
        staff_id = self._match(context, data, name)
        if staff_id is not None:
            return self._check_existing(context, data, staff_id, row)
        problems = _missing(data)
        if problems:
            raise RowInvalid(problems)
        entry = roster.StaffInput(**{"id_number": "", **data})
        clean = rule(_TITLES, roster.staff_values, context.session, entry, None, context.today)
        checked = Checked(row, {"input": entry}, key=clean["id_number"])
        namesakes = context.by_name.get(clean["name"], [])
        if namesakes:
            others = "、".join(mask_id_number(context.numbers[i]) for i in namesakes)
            checked.duplicate_of = f"花名册中已有同名的“{clean['name']}”（身份证号 {others}）"
        return checked

    def _match(self, context: StaffContext, data: dict[str, Any], name: str) -> int | None:
        number = data.get("id_number", "")
        if number:
            return context.by_number.get(number)
        namesakes = context.by_name.get(name, [])
        if len(namesakes) > 1:
            raise RowInvalid([("id_number", f"花名册中有 {len(namesakes)} 名叫“{name}”的工作人员，"
                                            "请填写身份证号以便对应。")])
        return namesakes[0] if namesakes else None

    def _check_existing(self, context: StaffContext, data: dict[str, Any], staff_id: int, row: int) -> Checked:
        session, today = context.session, context.today
        current = roster.get_staff(session, staff_id).data
        wanted = {k: v for k, v in data.items() if k not in _NEW_ONLY and k != "id_number"}
        merged = merge(current, wanted)
        rule(_TITLES, roster.staff_values, session, merged.fill, staff_id, today)  # the mode is chosen later:
        clean = rule(_TITLES, roster.staff_values, session, merged.overwrite, staff_id, today)  # both must pass
        changed = differences(member(session, staff_id), clean)
        return Checked(row, {"merged": merged}, existing_id=staff_id, changes=titles_of(changed, _COLUMN_TITLES),
                       key=context.numbers[staff_id])

    def write(self, session: Session, context: StaffContext, rows: list[Checked], existing: Existing,
              batch_id: int, today: date) -> WriteResult:
        with stamped(session, self.tables, batch_id):
            created = 0
            for item in rows:
                if item.existing_id is None:
                    roster.save_staff(session, item.values["input"], None, today)
                    created += 1
            updated, skipped, before = update_existing(
                rows, existing, StaffMember.__tablename__, lambda record_id: member(session, record_id),
                lambda entry, record_id: roster.staff_values(session, entry, record_id, today),
                lambda entry, record_id: roster.save_staff(session, entry, record_id, today))
        return WriteResult(created, updated, skipped, tuple(before))


SPEC = StaffSpec()
