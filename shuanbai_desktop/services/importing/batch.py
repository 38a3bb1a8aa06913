"""The import engine (导入数据): dry run, import, the list of batches, undo (docs/import.md).

``dry_run`` converts every mapped cell (``values.convert``) and hands the row to its kind (``KindSpec.check``);
problems are listed with the Excel row number, column letter and title, the value (masked for sensitive
fields) and a Chinese reason; nothing is written. ``run_import`` does the same dry run inside the caller's
transaction and writes only when every row passed: one ``ImportBatch``, the kind's rows (new ones carry the
batch id), the old values of changed records (``ImportChange``) and one audit event with the counts and the
file's SHA-256. ``undo_batch`` puts changed records back and deletes created ones while nothing has used or
changed them since (``undo_blockers`` says what does).

A kind may define two optional members besides ``KindSpec``: ``key_field`` (the field whose value is
``Checked.key``, so a repeated key is reported at that column) and ``finish(session, context, rows)``, called
once after every row was checked: it compares the matched rows with the stored records in blocks (fills
``Checked.changes``) and returns rules across rows as ``(row, field key, reason)`` problems.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column as SqlColumn
from sqlalchemy import Table as SqlTable
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ...data import audit
from ...data.base import Base, now
from ...data.models.core import AuditEntry
from ...data.models.importing import ImportBatch, ImportChange
from ...domain.idcard import mask_id_number
from ...domain.permissions import SYSTEM_KEY
from ...domain.phone import mask_phone
from ...errors import UserError
from ..permissions import Permission, require
from ..records import get_or_error
from . import kinds
from . import mapping as mapping_rules
from .base import (
    Checked,
    Existing,
    Field,
    FieldType,
    ImportKind,
    KindSpec,
    Mapping,
    Problem,
    ProgressFn,
    RowInvalid,
    field_by_key,
)
from .values import CellProblem, cell_text, convert

if TYPE_CHECKING:
    from .table import Table

PROGRESS_EVERY = 500  # rows between two progress reports
LISTED = 10  # blockers named one by one; the rest counted


@dataclass(frozen=True)
class SourceRef:
    """The file a batch came from: its name (never the folder), SHA-256 and sheet."""

    file_name: str
    sha256: str
    sheet: str


@dataclass(frozen=True)
class DryRun:
    kind: ImportKind
    rows: int  # data rows in the table
    new: int  # rows that would create a record
    matched: int  # rows that meet a stored record (same ID number, code …)
    changed: int  # of those, rows whose values differ from the stored record
    duplicates: int  # probable duplicates (no ID number; same name and birth date or village)
    problems: tuple[Problem, ...]
    checked: tuple[Checked, ...]  # the rows that passed, in file order

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_rows(self) -> int:
        """How many rows of the file have a problem (the mapping's own problems not counted)."""
        return len({p.row for p in self.problems if p.row})


class ImportHasProblems(UserError):
    """The dry run found problems: nothing was imported."""

    def __init__(self, result: DryRun):
        rows = result.problem_rows
        general = sum(1 for p in result.problems if not p.row)
        if rows:
            message = (f"有 {rows} 行不符合要求，未导入任何数据。请按问题列表改正文件中的这些行"
                       "（可保存问题行，改正后再导入），再重新导入。")
        else:
            message = f"列对应有 {general} 个问题，未导入任何数据：{result.problems[0].reason}"
        super().__init__(message)
        self.dry_run = result


class UndoBlocked(UserError):
    def __init__(self, blockers: list[str]):
        super().__init__("这批导入的记录导入后已被使用或修改，不能撤销：\n" + "\n".join(blockers))
        self.blockers = blockers


@dataclass(frozen=True)
class BatchRow:
    id: int
    kind: ImportKind
    file_name: str
    sheet: str
    imported_at: datetime
    imported_by: str
    counts: dict
    undone_at: datetime | None
    undone_by: str
    existing: Existing = Existing.SKIP
    sha256: str = ""

    @property
    def status(self) -> str:
        return "已撤销" if self.undone_at else "已导入"

    @property
    def count_text(self) -> str:
        """“新增 120，修改 3，跳过 5”: what the batch did."""
        c = self.counts
        parts = [f"新增 {c.get('created', 0)}"]
        if c.get("updated"):
            parts.append(f"修改 {c['updated']}")
        if c.get("skipped"):
            parts.append(f"跳过 {c['skipped']}")
        return "，".join(parts)


# ---- the dry run -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    key: str
    field: Field
    column: int
    letter: str
    title: str
    value_map: dict[str, str] | None
    choices: tuple[tuple[str, str], ...]
    cache: dict[tuple[type, Any], tuple[bool, Any]] | None  # cell → (converted?, value or reason)


#: Types whose columns repeat a few values (a village, a category, a date): converted once per value.
_CACHED = (FieldType.CHOICE, FieldType.CHOICES, FieldType.DATE, FieldType.NUMBER, FieldType.BOOL)
CACHE_LIMIT = 50_000  # values kept per column


def _converted(source: _Source, cell: Any) -> Any:
    """``values.convert`` of one cell; a column of repeated values converts each value once."""
    cache = source.cache
    if cache is None:
        return convert(source.field, cell, source.value_map, source.choices)
    key = (cell.__class__, cell)  # 1 and True are equal as keys; their types are not
    known = cache.get(key)
    if known is None:
        try:
            known = (True, convert(source.field, cell, source.value_map, source.choices))
        except CellProblem as exc:
            known = (False, _reason(exc))
        if len(cache) < CACHE_LIMIT:
            cache[key] = known
    if not known[0]:
        raise CellProblem(known[1])
    return known[1]


def shown_value(field: Field, text: str) -> str:
    """A value as a problem list may show it: ID numbers and phones masked, other sensitive text hidden."""
    if not text or not field.sensitive:
        return text
    if field.type is FieldType.ID_NUMBER:
        return mask_id_number(text)
    if field.type is FieldType.PHONE:
        return mask_phone(text)
    return f"（{len(text)} 字，不显示）"


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "reason", "") or getattr(exc, "message", "") or exc)


def _plan(session: Session, spec: KindSpec, table: Table, mapping: Mapping
          ) -> tuple[list[_Source], dict[str, Any], dict[str, str], list[Problem]]:
    """The mapped columns, the fixed values converted once, and the mapping's own problems (row 0)."""
    problems = list(mapping_rules.check_mapping(spec, table, mapping))
    if problems:
        return [], {}, {}, problems
    mapping = mapping_rules.resolve(mapping, table)
    fields = field_by_key(spec)
    choices = spec.choices(session)
    sources: list[_Source] = []
    for key, index in mapping.columns.items():
        f = fields.get(key)
        if f is None or not isinstance(index, int) or not 0 <= index < len(table.columns):
            continue  # check_mapping names it
        column = table.columns[index]
        sources.append(_Source(key, f, column.index, column.letter, column.title or f.title,
                               mapping.values.get(key) or None, choices.get(key, f.choices),
                               {} if f.type in _CACHED else None))
    fixed: dict[str, Any] = {}
    fixed_texts: dict[str, str] = {}
    for key, text in mapping.fixed.items():
        f = fields.get(key)
        if f is None or key in mapping.columns or text is None or str(text).strip() == "":
            continue
        try:
            fixed[key] = convert(f, str(text), mapping.values.get(key) or None, choices.get(key, f.choices))
            fixed_texts[key] = str(text)
        except CellProblem as exc:
            problems.append(Problem(0, "", f.title, shown_value(f, str(text)), f"固定值：{_reason(exc)}"))
    return sources, fixed, fixed_texts, problems


def _problem(spec_fields: dict[str, Field], by_key: dict[str, _Source], fixed_texts: dict[str, str],
             cells: Sequence[Any], row: int, key: str, reason: str) -> Problem:
    source = by_key.get(key)
    if source is not None:
        cell = cells[source.column] if source.column < len(cells) else None
        return Problem(row, source.letter, source.title, shown_value(source.field, cell_text(cell)), reason)
    f = spec_fields.get(key)
    if f is None:
        return Problem(row, "", "", "", reason)
    return Problem(row, "", f.title, shown_value(f, fixed_texts.get(key, "")), reason)


def _letter_order(letter: str) -> tuple[int, str]:
    return len(letter), letter


def _check(session: Session, spec: KindSpec, table: Table, mapping: Mapping, today: date,
           progress: ProgressFn | None, total: int) -> tuple[DryRun, Any]:
    rows_in_all = len(table.rows)
    sources, fixed, fixed_texts, problems = _plan(session, spec, table, mapping)
    if not table.rows:
        problems.append(Problem(0, "", "", "", f"工作表“{table.sheet}”在表头之下没有数据行，没有可导入的内容；"
                                               "请检查选的工作表和表头行。"))
    if problems:
        return DryRun(spec.kind, rows_in_all, 0, 0, 0, 0, tuple(problems), ()), None
    fields = field_by_key(spec)
    by_key = {s.key: s for s in sources}
    key_field = getattr(spec, "key_field", "")
    row_key = getattr(spec, "row_key", None)  # the key of a row that failed its check, where the key field alone is not it
    key_title = fields[key_field].title if key_field in fields else "同一记录"
    context = spec.start(session, today)
    checked: list[Checked] = []
    seen: dict[str, int] = {}
    for done, (row, cells) in enumerate(table.rows):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total)
        values = dict(fixed)
        failed: set[str] = set()
        width = len(cells)
        for s in sources:
            cell = cells[s.column] if s.column < width else None
            try:
                values[s.key] = _converted(s, cell)
            except CellProblem as exc:
                failed.add(s.key)
                problems.append(Problem(row, s.letter, s.title, shown_value(s.field, cell_text(cell)), _reason(exc)))
        try:
            passed: Checked | None = spec.check(context, values, row)
        except RowInvalid as exc:
            passed = None
            for key, reason in exc.errors:
                if key not in failed:
                    problems.append(_problem(fields, by_key, fixed_texts, cells, row, key, reason))
        if passed is not None:
            unique = passed.key
        elif row_key is not None:
            unique = row_key(values)
        else:
            unique = str(values.get(key_field) or "") if key_field else ""
        if unique:  # a row with other problems still claims its key: the next one with it is named too
            first = seen.get(unique)
            if first is not None:
                problems.append(_problem(fields, by_key, fixed_texts, cells, row, key_field,
                                         f"与第 {first} 行重复（{key_title}相同），同一条记录在文件中只能出现一次。"))
                continue
            seen[unique] = row
        if passed is not None and not failed:
            checked.append(passed)
    finish = getattr(spec, "finish", None)
    across = list(finish(session, context, checked)) if finish is not None else []
    if across:
        cells_of = dict(table.rows)
        for row, key, reason in across:
            problems.append(_problem(fields, by_key, fixed_texts, cells_of.get(row, ()), row, key, reason))
    if progress is not None:
        progress(rows_in_all, total)
    order = {s.letter: i for i, s in enumerate(sorted(sources, key=lambda s: _letter_order(s.letter)))}
    problems.sort(key=lambda p: (p.row, order.get(p.column, -1)))
    matched = [c for c in checked if c.existing_id is not None]
    result = DryRun(spec.kind, rows_in_all, len(checked) - len(matched), len(matched),
                    sum(1 for c in matched if c.changes), sum(1 for c in checked if c.duplicate_of),
                    tuple(problems), tuple(checked))
    return result, context


def dry_run(session: Session, kind: ImportKind | str, table: Table, mapping: Mapping, today: date,
            progress: ProgressFn | None = None) -> DryRun:
    """Every row checked as the import would check it; nothing written (``Permission.DATA_IMPORT``)."""
    require(session, Permission.DATA_IMPORT)
    spec = kinds.spec(kind)
    result, _context = _check(session, spec, table, mapping, today, progress, len(table.rows))
    return result


# ---- the import --------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def _batch_row(batch: ImportBatch) -> BatchRow:
    try:
        counts = json.loads(batch.counts or "{}")
    except ValueError:
        counts = {}
    return BatchRow(batch.id, ImportKind(batch.kind), batch.file_name, batch.sheet, batch.imported_at,
                    batch.imported_by, counts, batch.undone_at, batch.undone_by, Existing(batch.existing),
                    batch.file_sha256)


def run_import(session: Session, kind: ImportKind | str, table: Table, mapping: Mapping,
               existing: Existing | str, source: SourceRef, today: date,
               progress: ProgressFn | None = None) -> BatchRow:
    """Dry run, then — only when every row passed — write the batch; one transaction (the caller's), all or
    nothing (``Permission.DATA_IMPORT``). Problems raise ``ImportHasProblems`` (its ``dry_run`` lists them)."""
    acting = require(session, Permission.DATA_IMPORT)
    spec = kinds.spec(kind)
    existing = Existing(existing)
    rows = len(table.rows)
    total = rows + max(rows // 4, 1)  # the writing counts for a quarter of the checking
    result, context = _check(session, spec, table, mapping, today, progress, total)
    if not result.ok:
        raise ImportHasProblems(result)
    batch = ImportBatch(kind=spec.kind.value, file_name=Path(source.file_name).name[:200],
                        file_sha256=source.sha256, sheet=(source.sheet or "")[:100], existing=existing.value,
                        counts="{}", imported_at=now(), imported_by="" if acting.is_system else acting.username,
                        undone_by="")
    session.add(batch)
    session.flush()
    written = spec.write(session, context, list(result.checked), existing, batch.id, today)
    for table_name, record_id, before in written.changed_before:
        session.add(ImportChange(batch_id=batch.id, table_name=table_name, record_id=record_id,
                                 before=json.dumps(before, default=_json_value, ensure_ascii=False)))
    counts = {"rows": result.rows, "created": written.created, "updated": written.updated,
              "skipped": written.skipped, "matched": result.matched, "changed": result.changed,
              "duplicates": result.duplicates}
    batch.counts = json.dumps(counts, ensure_ascii=False, sort_keys=True)
    session.flush()
    audit.record_event(session, "import_batch", str(batch.id),
                       f"导入数据：{spec.kind.label}，新增 {written.created} 条，修改 {written.updated} 条",
                       {"kind": spec.kind.value, "counts": counts, "file_name": batch.file_name,
                        "sha256": source.sha256, "sheet": batch.sheet, "existing": existing.value})
    if progress is not None:
        progress(total, total)
    return _batch_row(batch)


def list_batches(session: Session) -> list[BatchRow]:
    """Every import batch, the newest first (``Permission.DATA_IMPORT``)."""
    require(session, Permission.DATA_IMPORT)
    return [_batch_row(b) for b in session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))]


# ---- undo --------------------------------------------------------------------------------------------


def _table(model: type) -> SqlTable:
    table = getattr(model, "__table__", None)
    if not isinstance(table, SqlTable):
        raise TypeError(f"{model!r} is not a mapped table")
    return table


def _model_of(table_name: str) -> type:
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table_name:
            return mapper.class_
    raise KeyError(table_name)


def _label(table: SqlTable) -> str:
    return audit.table_label(table.name)


def _names(session: Session, table: SqlTable, ids: Sequence[int]) -> dict[int, str]:
    """How the trail names these records (the model's ``__audit_label__`` column, else the id)."""
    model = _model_of(table.name)
    attr = getattr(model, "__audit_label__", None)
    if not attr or attr not in table.c or not ids:
        return {i: f"#{i}" for i in ids}
    rows = session.execute(select(table.c.id, table.c[attr]).where(table.c.id.in_(list(ids)[:LISTED])))
    return {i: str(name) for i, name in rows}


def _parent_fk(child: SqlTable, parents: Sequence[SqlTable]) -> SqlColumn | None:
    for fk in child.foreign_keys:
        if fk.column.table in parents:
            return fk.parent
    return None


def _event_id(session: Session, batch_id: int) -> int:
    query = select(func.min(AuditEntry.id)).where(AuditEntry.table_name == "import_batch",
                                                 AuditEntry.record_id == str(batch_id), AuditEntry.action == "event")
    found = session.execute(query).scalar_one()
    return int(found or 0)


def _references(session: Session, spec: KindSpec, batch_id: int) -> list[str]:
    """Rows of other tables that point at a record the batch created (a visit, a case, a loan …)."""
    children = {_table(m) for m in spec.children}
    lines: list[str] = []
    for model in spec.tables:
        target = _table(model)
        created = select(target.c.id).where(target.c.import_batch_id == batch_id)
        for table in Base.metadata.sorted_tables:
            if table in children or table.name.startswith("import_"):
                continue
            for fk in table.foreign_keys:
                if fk.column.table is not target:
                    continue
                column = fk.parent
                query = select(column, func.count()).where(column.in_(created))
                if "import_batch_id" in table.c:
                    query = query.where(or_(table.c.import_batch_id.is_(None), table.c.import_batch_id != batch_id))
                keys = list(table.primary_key.columns)
                if len(keys) == 1:
                    linked = select(ImportChange.record_id).where(ImportChange.batch_id == batch_id,
                                                                  ImportChange.table_name == table.name)
                    query = query.where(keys[0].not_in(linked))
                used = {key: count for key, count in session.execute(query.group_by(column))}
                if not used:
                    continue
                names = _names(session, target, sorted(used))
                shown = "、".join(f"「{names.get(i, i)}」" for i in sorted(used)[:LISTED])
                more = f"等 {len(used)} 个" if len(used) > LISTED else ""
                lines.append(f"{_label(target)}{shown}{more}已有{_label(table)}记录（{sum(used.values())} 条）。")
    return lines


def _changed_records(session: Session, batch_id: int, table: SqlTable) -> set[int]:
    query = select(ImportChange.record_id).where(ImportChange.batch_id == batch_id,
                                                 ImportChange.table_name == table.name)
    return set(session.scalars(query))


def _child_parents(session: Session, child: SqlTable, fk: SqlColumn, after: int) -> dict[int, tuple[datetime, str]]:
    """Parent id → (time, user) of the first change to ``child`` rows after audit entry ``after``."""
    keys = [c.name for c in child.primary_key.columns]
    position = keys.index(fk.name) if fk.name in keys else None
    entries = session.execute(select(AuditEntry.record_id, AuditEntry.action, AuditEntry.changes, AuditEntry.at,
                                     AuditEntry.username)
                              .where(AuditEntry.id > after, AuditEntry.table_name == child.name,
                                     AuditEntry.action.in_(("insert", "update", "delete")))
                              .order_by(AuditEntry.id))
    out: dict[int, tuple[datetime, str]] = {}
    lookup: dict[int, tuple[datetime, str]] = {}
    for record_id, action, changes, at, user in entries:
        parent: Any = None
        if position is not None:
            parts = record_id.split("/")
            parent = parts[position] if position < len(parts) else None
        elif action in ("insert", "delete"):
            try:
                parent = json.loads(changes or "{}").get(fk.name)
            except ValueError:
                parent = None
        elif len(keys) == 1 and record_id.isdigit():
            lookup.setdefault(int(record_id), (at, user))
        if parent is not None and str(parent).isdigit():
            out.setdefault(int(parent), (at, user))
    if lookup:
        key = child.primary_key.columns[keys[0]]
        for row_id, parent_id in session.execute(select(key, fk).where(key.in_(list(lookup)))):
            if parent_id is not None:
                out.setdefault(int(parent_id), lookup[row_id])
    return out


def _changed_since(session: Session, spec: KindSpec, batch: ImportBatch) -> list[str]:
    """Records the batch created or changed that were changed again after it (the audit trail says)."""
    after = _event_id(session, batch.id)
    lines: list[str] = []
    for model in spec.tables:
        target = _table(model)
        ids = set(session.scalars(select(target.c.id).where(target.c.import_batch_id == batch.id)))
        ids |= _changed_records(session, batch.id, target)
        if not ids:
            continue
        hits: dict[int, tuple[datetime, str]] = {}
        entries = session.execute(select(AuditEntry.record_id, AuditEntry.at, AuditEntry.username)
                                  .where(AuditEntry.id > after, AuditEntry.table_name == target.name,
                                         AuditEntry.action.in_(("insert", "update", "delete")))
                                  .order_by(AuditEntry.id))
        for record_id, at, user in entries:
            if record_id.isdigit() and int(record_id) in ids:
                hits.setdefault(int(record_id), (at, user))
        for child_model in spec.children:
            child = _table(child_model)
            fk = _parent_fk(child, [target])
            if fk is None:
                continue
            for parent, when in _child_parents(session, child, fk, after).items():
                if parent in ids:
                    hits.setdefault(parent, when)
        if not hits:
            continue
        listed = sorted(hits)[:LISTED]
        names = _names(session, target, listed)
        for i in listed:
            at, user = hits[i]
            lines.append(f"{_label(target)}「{names.get(i, i)}」导入后被修改过（{at:%Y-%m-%d %H:%M}，{user or '系统'}）。")
        if len(hits) > LISTED:
            lines.append(f"……另有 {len(hits) - LISTED} 条{_label(target)}导入后被修改过。")
    return lines


def _blockers(session: Session, spec: KindSpec, batch: ImportBatch) -> list[str]:
    return _references(session, spec, batch.id) + _changed_since(session, spec, batch)


def undo_blockers(session: Session, batch_id: int) -> list[str]:
    """Chinese lines naming what keeps the batch from being undone; empty when it can be
    (``Permission.DATA_IMPORT``)."""
    require(session, Permission.DATA_IMPORT)
    batch = get_or_error(session, ImportBatch, batch_id, "导入批次")
    if batch.undone_at is not None:
        return [f"这批导入已于 {batch.undone_at:%Y-%m-%d %H:%M} 撤销。"]
    return _blockers(session, kinds.spec(batch.kind), batch)


def _decoded(column: SqlColumn, value: Any) -> Any:
    if value is None:
        return None
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    if kind is Decimal:
        return Decimal(str(value))
    return value


def _restore(session: Session, spec: KindSpec, batch: ImportBatch) -> int:
    """Put back what the batch changed on existing records (through the ORM: each change audited)."""
    own = [_table(m) for m in spec.tables]
    changes = list(session.scalars(select(ImportChange).where(ImportChange.batch_id == batch.id)
                                   .order_by(ImportChange.id.desc())))
    records: set[tuple[str, int]] = set()
    for change in changes:
        model = _model_of(change.table_name)
        table = _table(model)
        before = json.loads(change.before)
        fk = _parent_fk(table, own) if table not in own else None
        if fk is not None and "rows" in before:  # a child table: its rows of that parent as they were
            current: list[Any] = list(session.scalars(select(model).where(fk == change.record_id)))
            for stored in current:
                session.delete(stored)
            session.flush()
            session.add_all(model(**{k: _decoded(table.c[k], v) for k, v in old.items()}) for old in before["rows"])
            session.flush()
            records.add((own[0].name, change.record_id))
            continue
        record: Any = get_or_error(session, model, change.record_id, _label(table))
        for column, value in before.items():
            setattr(record, column, _decoded(table.c[column], value))
        records.add((table.name, change.record_id))
    session.flush()
    return len(records)


@contextmanager
def _program_own(session: Session) -> Iterator[None]:
    """The session counts as the program's own for a bulk DELETE of the batch's rows (one audit event
    records the undo instead of one entry per row)."""
    before = session.info.get(SYSTEM_KEY)
    session.info[SYSTEM_KEY] = True
    try:
        yield
    finally:
        if before is None:
            session.info.pop(SYSTEM_KEY, None)
        else:
            session.info[SYSTEM_KEY] = before


def _month_locked(model: type) -> bool:
    return hasattr(model, "__month_field__") or hasattr(model, "__month_watch__")


def _delete_created(session: Session, spec: KindSpec, batch: ImportBatch) -> dict[str, int]:
    """Delete the rows the batch created, their children first. Rows that count in a month's report
    (``__month_field__``: an asset's 登记入账 line) go through the ORM, so the month lock still guards a
    reported month; the others by one bulk DELETE per table."""
    own = [_table(m) for m in spec.tables]
    order = {t: i for i, t in enumerate(Base.metadata.sorted_tables)}
    deleted: dict[str, int] = {}
    for child_model in spec.children:
        child = _table(child_model)
        fk = _parent_fk(child, own)
        if fk is None:
            continue
        parent = next(t for t in own if any(f.column.table is t for f in fk.foreign_keys))
        created = select(parent.c.id).where(parent.c.import_batch_id == batch.id)
        if _month_locked(child_model):
            children: list[Any] = list(session.scalars(select(child_model).where(fk.in_(created))))
            for row in children:
                session.delete(row)
            session.flush()
            continue
        with _program_own(session):
            session.execute(delete(child_model).where(fk.in_(created)),
                            execution_options={"synchronize_session": False})
    for model in sorted(spec.tables, key=lambda m: order[_table(m)], reverse=True):
        table = _table(model)
        if _month_locked(model):
            rows: list[Any] = list(session.scalars(select(model).where(table.c.import_batch_id == batch.id)))
            for row in rows:
                session.delete(row)
            session.flush()
            deleted[table.name] = len(rows)
            continue
        with _program_own(session):
            result = session.execute(delete(model).where(table.c.import_batch_id == batch.id),
                                     execution_options={"synchronize_session": False})
        deleted[table.name] = int(getattr(result, "rowcount", 0) or 0)
    return deleted


def undo_batch(session: Session, batch_id: int) -> BatchRow:
    """Undo a batch: changed records put back, created ones deleted, one audit event
    (``Permission.DATA_IMPORT``). Refused (``UndoBlocked``, naming the records) once any of them was used or
    changed since."""
    acting = require(session, Permission.DATA_IMPORT)
    batch = get_or_error(session, ImportBatch, batch_id, "导入批次")
    if batch.undone_at is not None:
        raise UserError(f"这批导入已于 {batch.undone_at:%Y-%m-%d %H:%M} 撤销过了。")
    spec = kinds.spec(batch.kind)
    blockers = _blockers(session, spec, batch)
    if blockers:
        raise UndoBlocked(blockers)
    restored = _restore(session, spec, batch)
    deleted = _delete_created(session, spec, batch)
    session.expire_all()
    batch = get_or_error(session, ImportBatch, batch_id, "导入批次")
    batch.undone_at = now()
    batch.undone_by = "" if acting.is_system else acting.username
    session.flush()
    removed = sum(deleted.values())
    audit.record_event(session, "import_batch", str(batch.id),
                       f"撤销导入：{ImportKind(batch.kind).label}，删除 {removed} 条，恢复 {restored} 条",
                       {"kind": batch.kind, "deleted": deleted, "restored": restored, "file_name": batch.file_name,
                        "sha256": batch.file_sha256})
    return _batch_row(batch)


# ---- the problem rows as a workbook ------------------------------------------------------------------


def _problem_text(p: Problem) -> str:
    if p.column:
        return f"{p.column}列“{p.title}”：{p.reason}"
    if p.title:
        return f"“{p.title}”：{p.reason}"
    return p.reason


def write_problems(path: Path, table: Table, result: DryRun) -> None:
    """The rows with problems as they are in the file, plus 原行号 and 问题, to correct and import again.

    The workbook holds personal data as the source file does: it is written only where the user chose,
    readable by this user only (0600), through a temporary file (no half file on failure)."""
    from openpyxl import Workbook

    from ...exports.xlsx import write_table

    reasons: dict[int, list[str]] = {}
    general: list[str] = []
    for p in result.problems:
        if p.row:
            reasons.setdefault(p.row, []).append(_problem_text(p))
        else:
            general.append(_problem_text(p))
    width = len(table.columns)
    headers = [c.title or f"{c.letter}列" for c in table.columns] + ["原行号", "问题"]
    rows = []
    for row, cells in table.rows:
        if row in reasons:
            values = [cells[i] if i < len(cells) else None for i in range(width)]
            rows.append(values + [row, "；".join(reasons[row])])
    wb = Workbook()
    ws = wb.active
    ws.title = "问题行"
    write_table(ws, headers, rows, [14] * width + [8, 60])
    if general:
        notes = wb.create_sheet("列对应问题")
        write_table(notes, ["问题"], [[text] for text in general], [80])
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.touch(mode=0o600)
        os.chmod(tmp, 0o600)
        wb.save(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
