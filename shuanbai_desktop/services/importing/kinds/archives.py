"""档案目录: catalogue rows (件), each checked by the catalogue form's rules (``catalogue.file_values``).

The 档号 comes from its own column (RS-2024-D30-0003) or from the columns 类别, 年度, 保管期限 and 件号; a row
matches a file already catalogued by its 档号. A row without a 件号 is a new file and gets the next free number
of its category, year and retention when it is saved, as the form gives it. New files are saved by
``catalogue.save_file``, one per row. docs/import.md “人员、合同、资产、档案”.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....data.models import Person
from ....data.models.archives import ArchiveFile
from ....domain.archive_rules import (
    ArchiveCategory,
    Confidentiality,
    OwnerKind,
    Retention,
    format_number,
    parse_number,
)
from ....domain.idcard import mask_id_number, normalize_id_number
from ...archives import catalogue
from ..base import Checked, Existing, Field, FieldType, ImportKind, RowInvalid, WriteResult
from .rowtools import (
    differences,
    enum_choices,
    given,
    keys_by_title,
    merge,
    own_keys_first,
    rule,
    stamped,
    titles_of,
    update_existing,
    whole_number,
)

_CATEGORY_WORDS = tuple((f"{c.label}档案", c.value) for c in ArchiveCategory) \
    + tuple((c.prefix, c.value) for c in ArchiveCategory) + (("会计", "finance"), ("其它", "other"))
_RETENTION_WORDS = (("永久保存", "permanent"), ("Y", "permanent"), ("长期", "d30"), ("D30", "d30"), ("30", "d30"),
                    ("三十年", "d30"), ("30年（定期）", "d30"), ("短期", "d10"), ("D10", "d10"), ("10", "d10"),
                    ("十年", "d10"), ("10年（定期）", "d10"))
_SECRECY_WORDS = (("无", "public"), ("非密", "public"), ("内部资料", "internal"), ("限内部", "internal"))

FIELDS = (
    Field("number", "档号", synonyms=("档案号", "档号（件号）"),
          hint="类别-年度-保管期限-件号，如 RS-2024-D30-0003；也可分列填类别、年度、保管期限、件号"),
    Field("category", "类别", FieldType.CHOICE, synonyms=("门类", "档案类别", "档案门类", "分类"),
          choices=enum_choices(ArchiveCategory), choice_synonyms=_CATEGORY_WORDS),
    Field("year", "年度", FieldType.NUMBER, synonyms=("年份", "归档年度", "形成年度")),
    Field("retention", "保管期限", FieldType.CHOICE, synonyms=("期限", "保存期限"),
          choices=enum_choices(Retention), choice_synonyms=_RETENTION_WORDS,
          hint="永久、30年、10年（旧的“长期”按30年、“短期”按10年）"),
    Field("item_no", "件号", FieldType.NUMBER, synonyms=("件次号",), hint="空着时取该类别、年度、保管期限的下一个件号"),
    Field("title", "题名", required=True, synonyms=("文件题名", "标题", "档案名称", "案卷题名", "文件名称", "名称")),
    Field("doc_ref", "文号", synonyms=("文件编号", "发文字号", "文件字号")),
    Field("responsible", "责任者", synonyms=("发文单位", "责任单位", "形成单位")),
    Field("doc_date", "文件日期", FieldType.DATE, synonyms=("日期", "成文日期", "形成日期", "文件形成日期")),
    Field("filed_on", "归档日期", FieldType.DATE, synonyms=("归档时间", "入库日期"), hint="空着为今天"),
    Field("confidentiality", "密级", FieldType.CHOICE, synonyms=("保密级别", "密级程度"),
          choices=enum_choices(Confidentiality), choice_synonyms=_SECRECY_WORDS, hint="空着为内部"),
    Field("cabinet", "柜号", synonyms=("档案柜", "存放柜", "柜")),
    Field("box", "盒号", synonyms=("档案盒号", "盒")),
    Field("pages", "页数", FieldType.NUMBER, required=True, synonyms=("张数", "页")),
    Field("owner_staff", "所属工作人员", synonyms=("所属人员", "工作人员姓名"), hint="人事档案所属的工作人员姓名"),
    Field("owner_id_number", "所属居民身份证号", FieldType.ID_NUMBER, sensitive=True,
          synonyms=("服务对象身份证号", "居民身份证号"), hint="档案所属的居民（须已在居民库中）"),
    Field("notes", "备注", synonyms=("说明",)),
)

_TITLES = keys_by_title(FIELDS, {"所属": "owner_staff"})
_PARTS = ("category", "year", "retention", "item_no")
_INPUT_KEYS = ("title", "category", "year", "retention", "pages", "confidentiality", "item_no", "doc_ref",
               "responsible", "doc_date", "filed_on", "cabinet", "box", "notes")
_COLUMN_TITLES = {f.key: f.title for f in FIELDS if f.key in _INPUT_KEYS}
_COLUMN_TITLES.update(number="档号", owner_label="所属", owner_type="所属", owner_id="所属")


@dataclass
class ArchiveContext:
    session: Session
    today: date
    numbers: dict[str, int] = field(default_factory=dict)  # 档号 → file id
    destroyed: set[int] = field(default_factory=set)


def _current(f: ArchiveFile) -> catalogue.ArchiveInput:
    owner = catalogue.OwnerLink(OwnerKind(f.owner_type), f.owner_id, f.owner_label) if f.owner_type else None
    return catalogue.ArchiveInput(f.title, ArchiveCategory(f.category), f.year, Retention(f.retention), f.pages,
                                  Confidentiality(f.confidentiality), f.item_no, f.doc_ref, f.responsible,
                                  f.doc_date, f.filed_on, f.cabinet, f.box, owner, f.notes)


def _file_input(values: MappingABC[str, Any]) -> dict[str, Any]:
    data = given(values, tuple(f.key for f in FIELDS))
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "category":
            out[key] = ArchiveCategory(value)
        elif key == "retention":
            out[key] = Retention(value)
        elif key == "confidentiality":
            out[key] = Confidentiality(value)
        elif key in ("year", "item_no", "pages"):
            out[key] = whole_number(value, key, {"year": "年度", "item_no": "件号", "pages": "页数"}[key])
        else:
            out[key] = value
    if "number" in out:
        _parts_from_number(out)
    return out


def _parts_from_number(data: dict[str, Any]) -> None:
    """The 档号's parts into the row; a part also given in its own column must agree with it."""
    parts = dict(zip(_PARTS, rule(_TITLES, parse_number, data["number"]), strict=True))
    differing = [_title(k) for k in _PARTS if k in data and data[k] != parts[k]]
    if differing:
        raise RowInvalid([("number", f"档号 {str(data['number']).strip().upper()} 与本行的"
                                     f"{'、'.join(differing)}不一致，请核对。")])
    data.update(parts)


def _title(key: str) -> str:
    return next(f.title for f in FIELDS if f.key == key)


class ArchiveSpec:
    kind = ImportKind.ARCHIVES
    fields = FIELDS
    key_field = "number"  # a repeated key is reported at this column (batch.py)
    tables: tuple[type, ...] = (ArchiveFile,)
    children: tuple[type, ...] = ()

    def choices(self, session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
        return {}

    def start(self, session: Session, today: date) -> ArchiveContext:
        context = ArchiveContext(session, today)
        for file_id, number, destruction in session.execute(select(ArchiveFile.id, ArchiveFile.number,
                                                                   ArchiveFile.destruction_id)):
            context.numbers[number] = file_id
            if destruction is not None:
                context.destroyed.add(file_id)
        return context

    def check(self, context: ArchiveContext, values: MappingABC[str, Any], row: int) -> Checked:
        data = _file_input(values)
        owner = self._owner(context, data)
        if owner is not None:
            data["owner"] = owner
        number = ""
        if all(k in data for k in _PARTS):
            number = format_number(data["category"], data["year"], data["retention"], data["item_no"])
        file_id = context.numbers.get(number) if number else None
        if file_id is not None:
            return self._check_existing(context, data, file_id, number, row)
        missing = [(k, f"{_title(k)}不能为空。") for k in ("category", "year", "retention", "pages", "title")
                   if k not in data]
        if missing:
            raise RowInvalid(missing)
        entry = catalogue.ArchiveInput(**{k: v for k, v in data.items() if k in (*_INPUT_KEYS, "owner")})
        rule(_TITLES, catalogue.file_values, context.session, entry, None, context.today)
        return Checked(row, {"input": entry}, key=number)

    def _owner(self, context: ArchiveContext, data: dict[str, Any]) -> catalogue.OwnerLink | None:
        staff, raw = data.get("owner_staff", ""), data.get("owner_id_number", "")
        if staff and raw:
            raise RowInvalid([("owner_staff", "所属工作人员和所属居民只能填一项。")])
        if staff:
            return catalogue.OwnerLink(OwnerKind.STAFF, None, staff)
        if not raw:
            return None
        number = normalize_id_number(str(raw))
        found = context.session.execute(select(Person.id, Person.name).where(Person.id_number == number)).first()
        if found is None:
            raise RowInvalid([("owner_id_number", f"居民库中没有身份证号为 {mask_id_number(number)} 的居民，"
                                                  "请先导入或录入该居民。")])
        return catalogue.OwnerLink(OwnerKind.PERSON, found[0], found[1])

    def _check_existing(self, context: ArchiveContext, data: dict[str, Any], file_id: int, number: str,
                        row: int) -> Checked:
        if file_id in context.destroyed:  # only its catalogue line is kept: never changed (save_file refuses)
            return Checked(row, {"destroyed": True}, existing_id=file_id, key=number)
        session, today = context.session, context.today
        record = catalogue.load_file(session, file_id)
        merged = merge(_current(record), {k: v for k, v in data.items() if k in (*_INPUT_KEYS, "owner")})
        clean: dict[str, Any] = {}
        for entry in (merged.fill, merged.overwrite):  # the mode is chosen later: both must meet the rules
            clean = rule(_TITLES, catalogue.file_values, session, entry, file_id, today)
        changes = titles_of(differences(record, clean), _COLUMN_TITLES)
        return Checked(row, {"merged": merged}, existing_id=file_id, changes=changes, key=number)

    def write(self, session: Session, context: ArchiveContext, rows: list[Checked], existing: Existing,
              batch_id: int, today: date) -> WriteResult:
        with stamped(session, self.tables, batch_id):
            created = 0
            for item in own_keys_first(rows, "item_no"):
                catalogue.save_file(session, item.values["input"], None, today)
                created += 1
            updated, skipped, before = update_existing(
                rows, existing, ArchiveFile.__tablename__, lambda record_id: catalogue.load_file(session, record_id),
                lambda entry, record_id: catalogue.file_values(session, entry, record_id, today),
                lambda entry, record_id: catalogue.save_file(session, entry, record_id, today),
                keep=lambda item: bool(item.values.get("destroyed")))  # a destroyed file is never changed
        return WriteResult(created, updated, skipped, tuple(before))


SPEC = ArchiveSpec()
