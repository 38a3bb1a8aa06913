"""Handover sources read from other features' tables, looked up by table name.

A source whose table or columns are not in this build is simply absent: the staff files do
not import the other features' modules and work with or without them. Changes go through
the ORM, so each reassigned record is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, inspect, or_, select
from sqlalchemy.orm import Session, object_session

from ...data.base import Base
from .handover import HandoverItem, HandoverSource, Holder, register_source


@dataclass(frozen=True)
class TableSpec:
    key: str
    label: str
    table: str
    column: str  # holds the holder: an app_user id (by_account) or a staff id
    by_account: bool
    title: Callable[[Any], str]
    open_when: Callable[[type[Any]], Any] | None = None
    name_column: str | None = None  # the holder's name, stored beside the id
    also_column: str | None = None  # an account column that also names the holder when ``column`` is empty


def mapped_class(table: str, columns: tuple[str | None, ...]) -> type[Any] | None:
    """The mapped class of ``table`` having each of ``columns`` (None entries are skipped), if any."""
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        local = mapper.local_table
        if isinstance(local, Table) and local.name == table and all(hasattr(cls, c) for c in columns if c):
            return cls
    return None


def _holder_value(spec: TableSpec, holder: Holder) -> int | None:
    return holder.user_id if spec.by_account else holder.staff_id


def _condition(cls: type[Any], spec: TableSpec, holder: Holder):
    value = _holder_value(spec, holder)
    column = getattr(cls, spec.column)
    parts = [column == value] if value is not None else []
    if spec.name_column:
        parts.append(column.is_(None) & (getattr(cls, spec.name_column) == holder.name))
    if spec.also_column and holder.user_id is not None:
        parts.append(column.is_(None) & (getattr(cls, spec.also_column) == holder.user_id))
    return or_(*parts) if parts else None


def _rows(session: Session, spec: TableSpec, holder: Holder, ids: list[str] | None = None) -> list:
    cls = mapped_class(spec.table, (spec.column, spec.name_column, spec.also_column))
    if cls is None:
        return []
    cond = _condition(cls, spec, holder)
    if cond is None:
        return []
    query = select(cls).where(cond)
    if spec.open_when is not None:
        query = query.where(spec.open_when(cls))
    key = cls.__mapper__.primary_key[0]
    if ids is not None:
        query = query.where(key.in_([int(i) for i in ids]))
    return list(session.scalars(query.order_by(key)))


def table_source(spec: TableSpec) -> HandoverSource:
    def list_items(session: Session, holder: Holder) -> list[HandoverItem]:
        return [HandoverItem(spec.key, str(_key(row)), spec.label, spec.title(row))
                for row in _rows(session, spec, holder)]

    def reassign(session: Session, ids: list[str], old: Holder, new: Holder) -> None:
        for row in _rows(session, spec, old, ids):
            setattr(row, spec.column, _holder_value(spec, new))
            if spec.name_column:
                setattr(row, spec.name_column, new.name)

    return HandoverSource(spec.key, spec.label, spec.by_account, list_items, reassign)


def _key(row) -> int:
    return inspect(row).identity[0]


def _loan_title(row) -> str:
    """The borrowed file's number and title, and the loan's dates."""
    cls = mapped_class("archive_file", ("title",))
    session = object_session(row)
    file = session.get(cls, row.file_id) if cls is not None and session is not None else None
    name = _text(file, "number", "title") if file is not None else ""
    return f"{name}（借阅 {row.lent_on:%Y-%m-%d}，应还 {row.due_on:%Y-%m-%d}）".strip()


def _text(row, *names: str) -> str:
    return " ".join(str(getattr(row, n)) for n in names if getattr(row, n, None))


SPECS = (
    TableSpec("targets.case", "未结个案", "case_record", "worker_id", True,
              lambda r: _text(r, "case_no", "title"), lambda c: c.status != "closed"),
    TableSpec("targets.household", "负责的户档", "household", "worker_id", True, lambda r: _text(r, "name")),
    TableSpec("window.registration", "未办结的窗口事项", "window_registration", "handler_id", True,
              lambda r: _text(r, "ticket_no", "matter_name"),
              lambda c: c.status.in_(("in_progress", "transferred")), also_column="first_responder_id"),
    TableSpec("assets.custody", "保管的资产", "asset", "custodian_staff_id", False,
              lambda r: _text(r, "code", "name"), lambda c: c.status != "scrapped", name_column="custodian_name"),
    TableSpec("assets.issued", "领用中的资产", "asset", "holder_staff_id", False,
              lambda r: _text(r, "code", "name"), lambda c: c.status != "scrapped", name_column="holder_name"),
    TableSpec("archives.loan", "借阅未还的档案", "archive_loan", "borrower_staff_id", False,
              _loan_title,
              lambda c: c.returned_on.is_(None), name_column="borrower_name"),
)

for _spec in SPECS:
    register_source(table_source(_spec))
