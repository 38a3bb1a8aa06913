"""Import batches (导入数据): what was brought in from a station's own Excel ledgers, and how to undo it.

Every row an import creates carries the batch id (``import_batch_id`` on person, household,
staff_member, staff_contract, asset, archive_file); an existing record an import changed keeps
its values from before in ``ImportChange``, so that undoing the batch can put them back. Nothing
of the source file is kept but its name and SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class ImportBatch(Base):
    __label__ = "导入批次"
    __tablename__ = "import_batch"
    __audit_label__ = "file_name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # services.importing.base.ImportKind
    file_name: Mapped[str] = mapped_column(String(200))  # the name only, never the folder
    file_sha256: Mapped[str] = mapped_column(String(64))
    sheet: Mapped[str] = mapped_column(String(100), default="")
    existing: Mapped[str] = mapped_column(String(10), default="skip")  # skip | fill | overwrite
    counts: Mapped[str] = mapped_column(Text, default="{}")  # JSON: rows, created, updated, skipped …
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    imported_by: Mapped[str] = mapped_column(String(40), default="")
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str] = mapped_column(String(40), default="")


class ImportChange(Base):
    """An existing record the batch changed (fill / overwrite), with its values from before."""

    __label__ = "导入修改"
    __tablename__ = "import_change"
    __audited__ = False  # the batch's own bookkeeping; the change itself is audited on its table

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[str] = mapped_column(Text)  # JSON of the changed columns' old values


class ImportMapping(Base):
    """A column mapping remembered by the file's shape (kind + its header titles), offered next time."""

    __label__ = "导入列对应"
    __tablename__ = "import_mapping"
    __audited__ = False

    shape: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    mapping: Mapped[str] = mapped_column(Text)  # JSON (services.importing.base.Mapping)
    used_at: Mapped[datetime] = mapped_column(DateTime, default=now)
