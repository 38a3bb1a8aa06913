"""The shapes every part of 导入数据 shares: kinds, fields, a column mapping, problems, checked rows.

The flow (docs/import.md):

1. ``reader.inspect_file`` / ``reader.read_sheet``: the file through the guarded limits, as a grid of
   cell values (``Cell``) per sheet;
2. ``table.suggest_header_row`` / ``table.build_table``: the header row(s) and the data rows (a title
   row above, a 合计 row and notes below left out), each data row with its Excel row number;
3. ``mapping.suggest_mapping``: which column feeds which ``Field`` of the kind, fixed values for fields
   the file lacks, and value maps for coded columns; remembered by the file's shape;
4. ``batch.dry_run``: every row converted (``values``) and checked by the kind (``KindSpec.check``) with
   the same rules as the forms, then against the registry; problems listed, nothing written;
5. ``batch.run_import``: all or nothing in one transaction, one ``ImportBatch`` and one audit event;
   ``batch.undo_batch`` while none of its records has been used since.

A kind (residents, households, staff, contracts, assets, archives) is one module in ``kinds/`` that
declares its fields and implements ``KindSpec``; ``kinds.spec(kind)`` finds it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # cli.py builds its parser (the import kinds) before the GUI's first window
    from sqlalchemy.orm import Session

from ...domain.labels import LabelledEnum
from ...errors import UserError

#: A cell as the readers give it: text, a number (int/float), a truth value, a date or time, or empty.
Cell = str | int | float | bool | date | datetime | time | None


class ImportKind(LabelledEnum):
    RESIDENTS = ("residents", "居民和服务对象")
    HOUSEHOLDS = ("households", "户档和家庭成员")
    STAFF = ("staff", "人员花名册")
    CONTRACTS = ("contracts", "劳动合同")
    ASSETS = ("assets", "资产登记")
    ARCHIVES = ("archives", "档案目录")


class Existing(LabelledEnum):
    """What to do with a row that matches a record already in the database."""

    SKIP = ("skip", "跳过，不修改已有记录")
    FILL = ("fill", "只补填已有记录中空着的项")
    OVERWRITE = ("overwrite", "用文件中的值覆盖已有记录")


class FieldType(LabelledEnum):
    """How the engine converts a cell before the kind sees it (``values.convert``)."""

    TEXT = ("text", "文字")  # str, trimmed; a number read as 12.0 becomes "12"
    ID_NUMBER = ("id_number", "身份证号")  # str; refused when masked (4413**********1234) or read as a float
    PHONE = ("phone", "电话")  # str; checked by domain.phone
    DATE = ("date", "日期")  # date | None: Excel serials, 1990.1.2, 1990/01/02, 1990年1月2日, 19900102
    NUMBER = ("number", "数字")  # Decimal | None
    CHOICE = ("choice", "选项")  # one choice value ("" when empty), through the value map
    CHOICES = ("choices", "多个选项")  # tuple of choice values: “低保、残疾人” split at 、,，;；/ and spaces
    BOOL = ("bool", "是/否")  # bool | None: 是/否, Y/N, 1/0, √/×, 有/无


@dataclass(frozen=True)
class Field:
    """One thing a kind can take from a column (or a fixed value)."""

    key: str  # e.g. "id_number": the kind's own name for it
    title: str  # e.g. "身份证号": how messages and the mapping screen name it
    type: FieldType = FieldType.TEXT
    synonyms: tuple[str, ...] = ()  # header titles that suggest this field (the title itself counts too)
    required: bool = False  # a row without it is a problem; a mapping that gives it no source is refused
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) of a CHOICE/CHOICES field, when fixed
    choice_synonyms: tuple[tuple[str, str], ...] = ()  # (text in files, value): ("1", "男"), ("残疾", "disabled")
    sensitive: bool = False  # masked in problem lists and the problem workbook (ID numbers, phones, health)
    hint: str = ""  # a line for the mapping screen (“可写 1990.1.2、19900102 或 Excel 日期”)


@dataclass(frozen=True)
class Mapping:
    """Which column (0-based index into ``Table.columns``) feeds each field; fixed values; value maps."""

    columns: dict[str, int] = field(default_factory=dict)  # field key → column index
    fixed: dict[str, str] = field(default_factory=dict)  # field key → the text every row gets
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field key → {text in file: choice value}

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "fixed": self.fixed, "values": self.values},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Mapping:
        """A mapping from JSON (a saved one, or ``--mapping FILE.json``); columns may be given by index,
        by Excel letter ("C") or by header title (“身份证号”) — ``mapping.resolve`` turns the latter two
        into indexes against a table."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UserError(f"列对应文件不是有效的 JSON：{exc}", field="列对应") from exc
        if not isinstance(data, dict):
            raise UserError("列对应文件应是一个 JSON 对象（含 columns、fixed、values）。", field="列对应")
        return cls(dict(data.get("columns") or {}), dict(data.get("fixed") or {}),
                   {k: dict(v) for k, v in (data.get("values") or {}).items()})


@dataclass(frozen=True)
class Column:
    index: int  # 0-based, into each row's values
    letter: str  # "A", "B", … "AA": as Excel shows it
    title: str  # the header text (two-row headers joined: “联系方式/手机”); "" for a blank header


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row (or with the mapping, row 0)."""

    row: int  # the Excel row number (1-based, as the user sees it); 0 for the mapping as a whole
    column: str  # the column letter, "" when the value is fixed or the problem is the whole row
    title: str  # the column's header title, or the field's title
    value: str  # the value as in the file (masked for sensitive fields)
    reason: str  # Chinese: names the field and the rule


class RowInvalid(Exception):
    """Raised by ``KindSpec.check``: the row's problems, each for a field key (or "" for the whole row)."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__("; ".join(reason for _key, reason in errors))
        self.errors = errors  # (field key, Chinese reason)


@dataclass
class Checked:
    """A row that passed: the kind's clean values, and how it meets the registry."""

    row: int  # Excel row number
    values: dict[str, Any]  # field key → clean value (what ``write`` stores)
    existing_id: int | None = None  # the record it matches (same ID number, asset code, 档号 …)
    changes: tuple[str, ...] = ()  # titles of fields whose value differs from the existing record
    duplicate_of: str = ""  # a probable duplicate without an ID number: whom it resembles (masked)
    key: str = ""  # what must be unique within the file (an ID number, an asset code); "" none


@dataclass(frozen=True)
class WriteResult:
    created: int
    updated: int
    skipped: int
    changed_before: tuple[tuple[str, int, dict], ...] = ()  # (table, record id, old values) per updated record


ProgressFn = Callable[[int, int], None]  # (rows done, rows in all); may raise ``Cancelled``


class Cancelled(UserError):
    def __init__(self) -> None:
        super().__init__("已取消导入，未写入任何数据。")


class KindSpec(Protocol):
    """What each kind module provides (``kinds/residents.py`` etc.).

    Two optional members, looked up by the engine with ``getattr`` (``batch.py``): ``key_field`` (str,
    the field whose value ``Checked.key`` is, so that a repeated key is reported at that column) and
    ``finish(session, context, rows) -> list[tuple[int, str, str]]`` (rules that span rows, e.g. one
    head per household, and the block-wise comparison with stored records that fills
    ``Checked.changes``; returns (row, field key, reason) problems). A third, ``row_key(values) -> str``,
    gives the key a row that failed its check still claims (default: the ``key_field`` value)."""

    kind: ImportKind
    fields: tuple[Field, ...]
    tables: tuple[type, ...]  # mapped classes whose rows this kind creates, each with ``import_batch_id``
    children: tuple[type, ...]  # mapped classes of rows that go with the created ones (groups, benefits …)

    def choices(self, session: Session) -> dict[str, tuple[tuple[str, str], ...]]:
        """Choices read from the database (the station's villages, staff names …), by field key."""
        ...

    def start(self, session: Session, today: date) -> Any:
        """Everything ``check`` needs from the database, loaded once (ID numbers → ids, villages …)."""
        ...

    def check(self, context: Any, values: MappingABC[str, Any], row: int) -> Checked:
        """One converted row → its clean values and match; ``RowInvalid`` with every problem found."""
        ...

    def write(self, session: Session, context: Any, rows: list[Checked], existing: Existing,
              batch_id: int, today: date) -> WriteResult:
        """Store the checked rows (new ones carry ``batch_id``); no commit, no permission check."""
        ...


def field_by_key(spec: KindSpec) -> dict[str, Field]:
    return {f.key: f for f in spec.fields}


def amount_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"
