"""What the staff, contract, asset and archive kinds share: a row as the form's input, the form's rules,
a record already there merged with the file (fill / overwrite), and the batch id on the rows they create.

These kinds check each row with the service's own validation function (``roster.staff_values``,
``contracts.checked_contract``, ``register.asset_values``, ``catalogue.file_values``) and store it with
the service's own save function, so that an imported row meets exactly the rules of the form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Mapping as MappingABC
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ....data.models.staff import StaffMember
from ....domain.labels import LabelledEnum
from ....errors import UserError
from ..base import Checked, Existing, Field, RowInvalid

#: Columns never compared or restored: bookkeeping the database keeps itself.
_BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "import_batch_id"})


def enum_choices(enum: type[LabelledEnum]) -> tuple[tuple[str, str], ...]:
    return tuple((member.value, member.label) for member in enum)


def keys_by_title(fields: tuple[Field, ...], extra: MappingABC[str, str] | None = None) -> dict[str, str]:
    """The service's ``UserError.field`` (a form label) → the kind's field key: by the field's title, and
    ``extra`` where the form's label differs from the title."""
    found = {f.title: f.key for f in fields}
    found.update(extra or {})
    return found


def rule(titles: MappingABC[str, str], check: Callable[..., Any], *args: Any) -> Any:
    """``check(*args)``; a rule not met becomes ``RowInvalid`` at the field the service named."""
    try:
        return check(*args)
    except UserError as exc:
        raise RowInvalid([(titles.get(exc.field or "", ""), exc.message)]) from None


def is_blank(value: Any) -> bool:
    """Nothing given: None, "", (), and the “none” of a choice whose default means nothing (无证书)."""
    return value is None or value == "" or value == () or value is False or value == "none"


def given(values: MappingABC[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The fields the file gives a value for (a blank cell never erases what a record holds)."""
    return {key: values[key] for key in keys if key in values and values[key] is not None
            and values[key] != "" and values[key] != ()}


@dataclass(frozen=True)
class Merged:
    """A record already there and the file's row: the form inputs for “fill” and for “overwrite”."""

    fill: Any
    overwrite: Any


def merge(current: Any, file_values: MappingABC[str, Any]) -> Merged:
    """``current`` (the record as the form's input dataclass) with the file's values: fill only its blank
    fields, or overwrite every field the file gives."""
    names = {f.name for f in dataclass_fields(current)}
    wanted = {k: v for k, v in file_values.items() if k in names}
    blanks = {k: v for k, v in wanted.items() if is_blank(getattr(current, k))}
    return Merged(replace(current, **blanks), replace(current, **wanted))


def columns_of(record: Any) -> dict[str, Any]:
    """A record's column values (bookkeeping left out)."""
    mapper = inspect(type(record))
    return {attr.key: getattr(record, attr.key) for attr in mapper.column_attrs if attr.key not in _BOOKKEEPING}


def differences(record: Any, values: MappingABC[str, Any]) -> dict[str, Any]:
    """The columns ``values`` would change, with the record's values now."""
    now = columns_of(record)
    return {key: now[key] for key, value in values.items() if key in now and not _same(now[key], value)}


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal | int | float) and isinstance(new, Decimal | int | float) \
            and not isinstance(old, bool) and not isinstance(new, bool):
        return Decimal(str(old)) == Decimal(str(new))
    return bool(old == new)


def titles_of(columns: MappingABC[str, Any], column_titles: MappingABC[str, str]) -> tuple[str, ...]:
    """The field titles of changed columns, in the order of ``column_titles``, each once."""
    return tuple(dict.fromkeys(title for column, title in column_titles.items() if column in columns))


def pick(existing: Existing, merged: Merged) -> Any:
    return merged.fill if Existing(existing) is Existing.FILL else merged.overwrite


@contextmanager
def stamped(session: Session, tables: tuple[type, ...], batch_id: int) -> Iterator[None]:
    """While open, every new row of ``tables`` gets ``import_batch_id`` before it is flushed (so that the
    INSERT and its audit entry carry it: the service's own save function creates the row)."""

    def stamp(flushing: Session, _context: Any, _instances: Any) -> None:
        for obj in flushing.new:
            if isinstance(obj, tables) and getattr(obj, "import_batch_id", None) is None:
                setattr(obj, "import_batch_id", batch_id)  # noqa: B010 (any of the kind's mapped classes)

    event.listen(session, "before_flush", stamp)
    try:
        yield
    finally:
        event.remove(session, "before_flush", stamp)


def whole_number(value: Any, key: str, title: str) -> int | None:
    """A NUMBER cell (Decimal) that must be a whole number (数量, 件号, 页数, 年度, 试用期)."""
    if value is None or value == "":
        return None
    number = Decimal(str(value))
    if number != number.to_integral_value():
        raise RowInvalid([(key, f"{title}应为整数（现在是 {number}）。")])
    return int(number)


def optional_id(value: Any) -> int | None:
    """A choice of a record (社工点, 薪酬等级) given as its id in text; "" → None."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def own_keys_first(rows: list[Checked], key: str) -> list[Checked]:
    """New rows that give their own number (asset code, 件号) first: a number given later in the file is then
    never the one a row without a number was just given (the service hands out the next free one)."""
    new = [r for r in rows if r.existing_id is None]
    return [r for r in new if getattr(r.values["input"], key)] + [r for r in new if not getattr(r.values["input"], key)]


def update_existing(rows: list[Checked], existing: Existing, table_name: str, load: Callable[[int], Any],
                    values_of: Callable[[Any, int], MappingABC[str, Any]], save: Callable[[Any, int], Any],
                    keep: Callable[[Checked], bool] = lambda item: False,
                    also_before: Callable[[Any, dict], list[tuple[str, int, dict]]] = lambda record, old: [],
                    ) -> tuple[int, int, list[tuple[str, int, dict]]]:
    """Fill or overwrite the records the rows matched, through the service's own save (``save(entry, id)``),
    keeping each changed record's old values for undo. ``keep``: rows whose record is never changed (a
    destroyed archive file); ``also_before``: other rows the save moves along (an asset's 登记入账 line).
    Returns (updated, skipped, old values)."""
    updated = skipped = 0
    before: list[tuple[str, int, dict]] = []
    for item in rows:
        if item.existing_id is None:
            continue
        if Existing(existing) is Existing.SKIP or keep(item):
            skipped += 1
            continue
        entry = pick(existing, item.values["merged"])
        record = load(item.existing_id)
        old = differences(record, values_of(entry, item.existing_id))
        if not old:
            skipped += 1
            continue
        before.extend(also_before(record, old))
        save(entry, item.existing_id)
        before.append((table_name, item.existing_id, old))
        updated += 1
    return updated, skipped, before


@dataclass
class WorkerIndex:
    """The staff roster by ID number and by name, loaded once for a kind's checks (staff, contracts)."""

    by_number: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    numbers: dict[int, str] = field(default_factory=dict)

    def load_workers(self, session: Session) -> None:
        for staff_id, number, name in session.execute(select(StaffMember.id, StaffMember.id_number, StaffMember.name)):
            self.by_number[number] = staff_id
            self.by_name.setdefault(name, []).append(staff_id)
            self.names[staff_id] = name
            self.numbers[staff_id] = number
