"""One cell of a ledger → the value of one field (导入数据), by the field's ``FieldType``.

``convert`` raises ``CellProblem`` with a Chinese reason naming the field and the rule; the engine puts
it in the problem list with the row, the column and the value. Dates accept what the forms accept
(domain/dates.py: 1990-1-2, 1990/01/02, 1990.1.2, 1990年1月2日, 19900102) and Excel's own dates (a date
cell, or a day number such as 32875). An ID number is refused when it was masked (4413**********1234)
or when Excel kept it as a number (it then lost its last digits); its rules (length, check digit) are
the kind's, through ``domain.idcard.parse_id_number``. Choices go through the value map first (what the
user chose for the file's own words), then the choice's label, its value, and the field's synonyms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ...domain.dates import parse_date
from ...domain.idcard import normalize_id_number
from ...domain.phone import validate_phone
from ...errors import UserError
from .base import Cell, Field, FieldType

EXCEL_EPOCH = date(1899, 12, 30)  # day 1 is 1900-01-01 (Excel counts a 29 February 1900 that never was)
EXCEL_DAYS = (1, 2_958_465)  # 1900-01-01 … 9999-12-31
SPLIT_CHOICES = re.compile(r"[、,，;；/／|\s]+")
_SPACES = re.compile(r"[\s\u3000\xa0]+")
_TIME_TAIL = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DIGITS_FLOAT = re.compile(r"\d+(\.\d+)?[eE]\+?\d+")
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "✔", "对", "真"}
FALSE_WORDS = {"否", "无", "没有", "n", "no", "false", "0", "×", "✗", "✘", "x", "错", "假"}


class CellProblem(ValueError):
    """A cell that does not give a value for its field; ``reason`` is Chinese and names the field."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def cell_text(cell: Cell) -> str:
    """A cell as text, trimmed: 12.0 → "12", a date → "1990-01-02", True → "是", empty → ""."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell.strip(" \t\r\n\u3000\xa0")
    if isinstance(cell, bool):
        return "是" if cell else "否"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, datetime):
        if cell.time() == time(0, 0):
            return cell.date().isoformat()
        return cell.strftime("%Y-%m-%d %H:%M") if cell.second == 0 else cell.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, time):
        return cell.strftime("%H:%M") if cell.second == 0 else cell.strftime("%H:%M:%S")
    if isinstance(cell, timedelta):
        return str(cell)
    return str(cell).strip()


def convert(field: Field, cell: Cell, value_map: Mapping[str, str] | None = None,
            choices: Sequence[tuple[str, str]] | None = None) -> Any:
    """The cell's value for ``field``; ``CellProblem`` when it cannot be one (empty gives the type's empty)."""
    kind = field.type
    if kind == FieldType.ID_NUMBER:
        return id_number(field, cell)
    if kind == FieldType.PHONE:
        return phone(field, cell)
    if kind == FieldType.DATE:
        return day(field, cell)
    if kind == FieldType.NUMBER:
        return number(field, cell)
    if kind == FieldType.BOOL:
        return truth(field, cell, value_map)
    if kind == FieldType.CHOICE:
        return choice(field, cell_text(cell), value_map, choices)
    if kind == FieldType.CHOICES:
        return choice_list(field, cell, value_map, choices)
    return cell_text(cell)


def id_number(field: Field, cell: Cell) -> str:
    if isinstance(cell, float) or (isinstance(cell, int) and not isinstance(cell, bool) and cell >= 10**15):
        if isinstance(cell, float) and cell.is_integer() and 0 < cell < 10**15:
            return normalize_id_number(str(int(cell)))  # a 15-digit number is still whole in a float
        raise CellProblem(f"{field.title}被 Excel 存成了数字，后几位已经丢失（显示为 {cell_text(cell)}）。"
                          "请把该列设为文本、填回完整号码后重新导出。")
    text = cell_text(cell)
    if not text:
        return ""
    if _DIGITS_FLOAT.fullmatch(text.replace(",", "")):
        raise CellProblem(f"{field.title}“{text}”是科学计数法（Excel 把它当成了数字），后几位已经丢失。"
                          "请把该列设为文本、填回完整号码后重新导出。")
    number_text = normalize_id_number(text)
    if any(mark in number_text for mark in "*×#") or "XX" in number_text[:-1]:
        raise CellProblem(f"{field.title}被打码（含 * 等符号），无法导入。请使用未打码的原始名册"
                          "（从业务系统导出时选择显示完整证件号码）。")
    return number_text


def phone(field: Field, cell: Cell) -> str:
    text = cell_text(cell)
    if not text:
        return ""
    if "*" in text or "＊" in text:
        raise CellProblem(f"{field.title}被打码（含 *），无法导入，请使用完整号码。")
    try:
        return validate_phone(text, field.title)
    except UserError as exc:
        raise CellProblem(_sentence(exc.message)) from None


def day(field: Field, cell: Cell) -> date | None:
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool) or isinstance(cell, time | timedelta):
        raise CellProblem(f"{field.title}“{cell_text(cell)}”不是日期。")
    if isinstance(cell, int | float):
        return _serial_or_digits(field, cell)
    text = _TIME_TAIL.sub("", unicodedata.normalize("NFKC", cell_text(cell)).strip())
    text = _SPACES.sub("", text)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel day number written out as text (csv)
        return _serial_or_digits(field, float(text))
    try:
        return parse_date(text, field.title)
    except UserError:
        raise CellProblem(f"{field.title}“{cell_text(cell)}”不是有效日期，可写 1990-01-02、1990/1/2、1990.1.2、"
                          "1990年1月2日 或 19900102。") from None


def _serial_or_digits(field: Field, value: float) -> date:
    if value == int(value) and 18_000_101 <= value <= 21_001_231:  # 19900102 typed as a number
        try:
            return parse_date(str(int(value)), field.title)
        except UserError:
            raise CellProblem(f"{field.title}“{cell_text(value)}”不是有效日期。") from None
    if EXCEL_DAYS[0] <= value <= EXCEL_DAYS[1]:
        whole = int(value)
        if whole < 61:  # Excel's 1900-02-29 lies before day 61; the days before it are one later
            whole += 1
        return EXCEL_EPOCH + timedelta(days=whole)
    raise CellProblem(f"{field.title}“{cell_text(value)}”不是有效日期。")


def number(field: Field, cell: Cell) -> Decimal | None:
    if cell is None:
        return None
    if isinstance(cell, bool) or isinstance(cell, date | time | timedelta):
        raise CellProblem(f"{field.title}“{cell_text(cell)}”不是数字。")
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        return Decimal(repr(cell)) if abs(cell) < 1e15 else Decimal(cell)
    text = unicodedata.normalize("NFKC", cell_text(cell))
    text = _SPACES.sub("", text).replace(",", "").replace("¥", "").replace("￥", "").replace("RMB", "")
    text = text.removesuffix("元")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellProblem(f"{field.title}“{cell_text(cell)}”不是数字，例如 1234.50。") from None
    if not value.is_finite():
        raise CellProblem(f"{field.title}“{cell_text(cell)}”不是数字，例如 1234.50。")
    return value


def truth(field: Field, cell: Cell, value_map: Mapping[str, str] | None = None) -> bool | None:
    if cell is None:
        return None
    if isinstance(cell, bool):
        return cell
    text = cell_text(cell)
    if not text:
        return None
    if value_map and text in value_map:
        text = value_map[text]
    key = unicodedata.normalize("NFKC", text).strip().lower()
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise CellProblem(f"{field.title}“{text}”应为“是”或“否”（也可写 有/无、1/0、√/×）。")


def resolve_choice(text: str, field: Field, value_map: Mapping[str, str] | None,
                   choices: Sequence[tuple[str, str]]) -> str | None:
    """The choice value a file's text stands for, or None: value map, label, value, synonyms."""
    if value_map and text in value_map:
        return value_map[text]
    key = _choice_key(text)
    for value, label in choices:
        if key == _choice_key(label):
            return value
    for value, _label in choices:
        if key == _choice_key(value):
            return value
    for synonym, value in field.choice_synonyms:
        if key == _choice_key(synonym):
            return value
    return None


def choice(field: Field, text: str, value_map: Mapping[str, str] | None = None,
           choices: Sequence[tuple[str, str]] | None = None) -> str:
    if not text:
        return ""
    options = tuple(choices if choices is not None else field.choices)
    found = resolve_choice(text, field, value_map, options)
    if found is None:
        shown = "、".join(label for _value, label in options[:12])
        more = "等" if len(options) > 12 else ""
        listed = f"（可选：{shown}{more}）" if shown else ""
        raise CellProblem(f"“{text}”不是{field.title}可选的值{listed}，请在“值对应”中指定它对应哪一项。")
    return found


def choice_list(field: Field, cell: Cell, value_map: Mapping[str, str] | None = None,
                choices: Sequence[tuple[str, str]] | None = None) -> tuple[str, ...]:
    """Several choices in one cell (“低保、残疾人”); the value map may also give the whole cell at once,
    its value then being one choice value or several joined by 、."""
    text = cell_text(cell)
    if not text:
        return ()
    if value_map and text in value_map:
        parts = SPLIT_CHOICES.split(value_map[text])
        return tuple(dict.fromkeys(choice(field, part, None, choices) for part in parts if part))
    found = [choice(field, part, value_map, choices) for part in SPLIT_CHOICES.split(text) if part]
    return tuple(dict.fromkeys(found))


def _choice_key(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def _sentence(message: str) -> str:
    return message if message.endswith(("。", "！", "？")) else message + "。"
