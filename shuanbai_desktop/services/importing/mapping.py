"""Which column feeds which field (导入数据): suggested from the header titles, remembered by file shape.

A ``Mapping`` names columns by their position in ``Table.columns`` (``Column.index`` is the cell's place
in each row). ``resolve`` also takes an Excel letter (“C”) or a header title (“身份证号”), as a
``--mapping`` file may give them. A mapping the user confirmed is saved by the file's shape (the kind and
the columns' letters and titles) and offered first the next time a file of that shape is opened.
Value maps translate a file's own words for a choice (“东风村委会”, “1”) into the choice's value; villages
get a fuzzy suggestion (the station's “东风村” for “桥东街道东风村民委员会”).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from sqlalchemy.orm import Session

from ...data.base import now
from ...data.models.importing import ImportMapping
from ...errors import UserError
from ..permissions import Permission, require
from .base import Field, FieldType, ImportKind, KindSpec, Mapping, Problem
from .table import Table, normalize_title, title_score
from .values import SPLIT_CHOICES, cell_text, resolve_choice

PLACE_SUFFIXES = ("社区居民委员会", "社区居委会", "村民委员会", "居民委员会", "村委会", "居委会", "委员会",
                  "经济联合社", "社区", "村", "居")
_TOWN = re.compile(r"^.+?(?:镇|街道办事处|街道|乡)")
_SPACES = re.compile(r"[\s\u3000\xa0]+")
FUZZY_CUTOFF = 0.6


def shape_key(kind: ImportKind | str, table: Table) -> str:
    """The file's shape: the kind and each column's letter and normalized title, hashed."""
    lines = [ImportKind(kind).value] + [f"{c.letter}:{normalize_title(c.title)}" for c in table.columns]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def suggest_mapping(session: Session, spec: KindSpec, table: Table) -> Mapping:
    """The mapping remembered for this shape, else one from the titles and the fields' synonyms."""
    require(session, Permission.DATA_IMPORT)
    remembered = session.get(ImportMapping, shape_key(spec.kind, table))
    if remembered is not None:
        try:
            found = _usable(spec, table, resolve(Mapping.from_json(remembered.mapping), table))
        except UserError:
            found = None
        if found is not None:
            return found
    columns = _by_titles(spec.fields, table)
    choices = spec.choices(session)
    values: dict[str, dict[str, str]] = {}
    for f in spec.fields:
        if f.key not in columns or f.type not in (FieldType.CHOICE, FieldType.CHOICES):
            continue
        options = tuple(choices.get(f.key, f.choices))
        texts = distinct_texts(table, columns[f.key])
        if f.type == FieldType.CHOICES:
            texts = list(dict.fromkeys(part for text in texts for part in SPLIT_CHOICES.split(text) if part))
        needed = {text: value for text, value in suggest_values(f, texts, options).items()
                  if resolve_choice(text, f, None, options) is None}
        if needed:
            values[f.key] = needed
    return Mapping(columns, {}, values)


def resolve(mapping: Mapping, table: Table) -> Mapping:
    """The mapping with every column as a position in ``table.columns`` (given as a position, an Excel
    letter “C” or a header title “身份证号”); ``UserError`` naming the field when one is not in the table."""
    columns: dict[str, int] = {}
    for key, given in mapping.columns.items():
        position = _position(table, given)
        if position is None:
            raise UserError(f"列对应中“{key}”的列“{given}”在工作表“{table.sheet}”中找不到"
                            "（可写列字母如 C，或表头标题如 身份证号）。", field="列对应")
        columns[key] = position
    return Mapping(columns, dict(mapping.fixed), {k: dict(v) for k, v in mapping.values.items()})


def check_mapping(spec: KindSpec, table: Table, mapping: Mapping) -> list[Problem]:
    """What is wrong with the mapping as a whole (row 0): an unknown field or column, a required field
    with neither a column nor a fixed value, a field given both."""
    fields = {f.key: f for f in spec.fields}
    problems: list[Problem] = []
    for key, given in mapping.columns.items():
        f = fields.get(key)
        if f is None:
            problems.append(Problem(0, "", key, str(given), f"{spec.kind.label}没有“{key}”这一项，请删除这条列对应。"))
            continue
        position = _position(table, given)
        if position is None:
            problems.append(Problem(0, "", f.title, str(given),
                                    f"“{f.title}”对应的列“{given}”在工作表“{table.sheet}”中找不到。"))
            continue
        if key in mapping.fixed and str(mapping.fixed[key]).strip():
            column = table.columns[position]
            problems.append(Problem(0, column.letter, f.title, str(mapping.fixed[key]),
                                    f"“{f.title}”既对应了 {column.letter} 列又给了固定值，请只选一种。"))
    for key in mapping.fixed:
        if key not in fields:
            problems.append(Problem(0, "", key, str(mapping.fixed[key]),
                                    f"{spec.kind.label}没有“{key}”这一项，请删除这个固定值。"))
    for f in spec.fields:
        if not f.required or f.key in mapping.columns:
            continue
        if str(mapping.fixed.get(f.key, "") or "").strip():
            continue
        problems.append(Problem(0, "", f.title, "",
                                f"必填项“{f.title}”没有对应的列，也没有固定值：请在列对应中为它选一列。"))
    return problems


def distinct_texts(table: Table, column: int, limit: int = 200) -> list[str]:
    """The different non-empty texts of a column (a position in ``table.columns``), most frequent first."""
    if not 0 <= column < len(table.columns):
        return []
    index = table.columns[column].index
    counts: Counter[str] = Counter()
    for _number, cells in table.rows:
        if index < len(cells):
            text = cell_text(cells[index])
            if text:
                counts[text] += 1
    ordered = sorted(counts.items(), key=lambda item: -item[1])  # stable: first seen first among equals
    return [text for text, _count in ordered[:limit]]


def suggest_values(field: Field, texts: Sequence[str], choices: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Each text that can be told a choice value: directly (label, value, synonym), by the core of a
    place name (村委会, 社区居委会, the town before it left aside), or by a close spelling (difflib)."""
    options = tuple(choices)
    cores = [(_core(label), value) for value, label in options]
    found: dict[str, str] = {}
    for text in texts:
        direct = resolve_choice(text, field, None, options)
        if direct is not None:
            found[text] = direct
            continue
        core = _core(text)
        if not core:
            continue
        same = [value for label_core, value in cores if label_core and label_core == core]
        if len(same) == 1:
            found[text] = same[0]
            continue
        within = [value for label_core, value in cores
                  if len(label_core) >= 2 and (label_core in core or core in label_core)]
        if len(set(within)) == 1:
            found[text] = within[0]
            continue
        close = difflib.get_close_matches(core, [label_core for label_core, _v in cores], n=1, cutoff=FUZZY_CUTOFF)
        if close:
            found[text] = next(value for label_core, value in cores if label_core == close[0])
    return found


def remember(session: Session, spec: KindSpec, table: Table, mapping: Mapping) -> None:
    """Keep the mapping for files of this shape (replacing the one kept before)."""
    require(session, Permission.DATA_IMPORT)
    resolved = resolve(mapping, table)
    shape = shape_key(spec.kind, table)
    row = session.get(ImportMapping, shape)
    if row is None:
        row = ImportMapping(shape=shape, kind=ImportKind(spec.kind).value)
        session.add(row)
    row.mapping = resolved.to_json()
    row.used_at = now()
    session.flush()


# ---------------------------------------------------------------------------------------------


def _position(table: Table, given: object) -> int | None:
    if isinstance(given, bool):
        return None
    if isinstance(given, int):
        return given if 0 <= given < len(table.columns) else None
    text = str(given).strip()
    if not text:
        return None
    if re.fullmatch(r"[A-Za-z]{1,3}", text):
        by_letter = table.column_by_letter(text)
        if by_letter is not None:
            return by_letter
    if text.isdigit():
        number = int(text)
        return number if number < len(table.columns) else None
    wanted = normalize_title(text)
    for position, column in enumerate(table.columns):
        if normalize_title(column.title) == wanted:
            return position
    for position, column in enumerate(table.columns):
        if normalize_title(column.title.split("/")[-1]) == wanted:
            return position
    return None


def _usable(spec: KindSpec, table: Table, mapping: Mapping) -> Mapping | None:
    keys = {f.key for f in spec.fields}
    if any(key not in keys for key in mapping.columns) or any(key not in keys for key in mapping.fixed):
        return None
    return mapping


def _by_titles(fields: Sequence[Field], table: Table) -> dict[str, int]:
    """Each field to its best-named column, a column used once, the best matches first."""
    candidates: list[tuple[int, int, int, str]] = []
    for order, f in enumerate(fields):
        for position, column in enumerate(table.columns):
            score = title_score(column.title, f)
            if score > 0:
                candidates.append((-score, order, position, f.key))
    candidates.sort()
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for _score, _order, position, key in candidates:
        if key in columns or position in taken:
            continue
        columns[key] = position
        taken.add(position)
    return columns


def _core(text: str) -> str:
    """A place name without spaces, its town in front and its 村委会/社区居委会 ending."""
    core = _SPACES.sub("", unicodedata.normalize("NFKC", text or ""))
    stripped = _TOWN.sub("", core, count=1)
    if len(stripped) >= 2:
        core = stripped
    for suffix in PLACE_SUFFIXES:
        if core.endswith(suffix) and len(core) - len(suffix) >= 1:
            core = core[: -len(suffix)]
            break
    return core.lower()
