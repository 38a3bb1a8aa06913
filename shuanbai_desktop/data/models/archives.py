"""Archives (档案): the catalogue of files (件), loans, destruction records (R3.2).

A file may belong to a person, household, staff member or case: ``owner_type`` +
``owner_id`` like attachments, with the name kept in ``owner_label``; no foreign keys,
because the household, staff and case tables are other features' (some not built yet).
Borrowers are stored by name with an optional staff id, also without a foreign key.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class ArchiveDestruction(Base):
    """A destruction after appraisal (销毁清册): who approved it, when, who witnessed it."""

    __tablename__ = "archive_destruction"
    __label__ = "档案销毁记录"
    __audit_label__ = "approval_ref"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    destroyed_on: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(40))
    approval_ref: Mapped[str] = mapped_column(String(60), default="")
    supervisor: Mapped[str] = mapped_column(String(40), default="")  # 监销人
    method: Mapped[str] = mapped_column(String(20), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class ArchiveFile(Base):
    """One 件 of the catalogue with its 档号 (类别-年度-保管期限-件号)."""

    __tablename__ = "archive_file"
    __label__ = "档案"
    __audit_label__ = "number"
    __table_args__ = (Index("ix_archive_file_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 导入批次 (data/models/importing.py)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    category: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer, index=True)
    retention: Mapped[str] = mapped_column(String(10))
    item_no: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    doc_ref: Mapped[str] = mapped_column(String(60), default="")  # 文号
    responsible: Mapped[str] = mapped_column(String(60), default="")  # 责任者
    doc_date: Mapped[date | None] = mapped_column(Date)
    filed_on: Mapped[date] = mapped_column(Date, index=True)  # 归档日期
    confidentiality: Mapped[str] = mapped_column(String(20))
    cabinet: Mapped[str] = mapped_column(String(20), default="")
    box: Mapped[str] = mapped_column(String(20), default="")
    pages: Mapped[int] = mapped_column(Integer)
    owner_type: Mapped[str | None] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(Integer)
    owner_label: Mapped[str] = mapped_column(String(60), default="")
    notes: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    extended_until: Mapped[date | None] = mapped_column(Date)  # set by an appraisal that keeps the file
    review_note: Mapped[str] = mapped_column(String(200), default="")
    destruction_id: Mapped[int | None] = mapped_column(ForeignKey("archive_destruction.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class ArchiveLoan(Base):
    """A loan (借阅); at most one open loan per file, enforced by a partial unique index."""

    __month_field__ = ("lent_on", "returned_on")  # month lock (data/month_lock.py)
    __tablename__ = "archive_loan"
    __label__ = "档案借阅"
    __audit_label__ = "borrower_name"
    __table_args__ = (Index("uq_archive_loan_open_file", "file_id", unique=True,
                            sqlite_where=text("returned_on IS NULL")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("archive_file.id"), index=True)
    borrower_name: Mapped[str] = mapped_column(String(40))
    borrower_staff_id: Mapped[int | None] = mapped_column(Integer)  # staff.id, no FK (see module doc)
    borrower_unit: Mapped[str] = mapped_column(String(60), default="")
    purpose: Mapped[str] = mapped_column(String(100))
    approver: Mapped[str] = mapped_column(String(40), default="")
    lent_on: Mapped[date] = mapped_column(Date, index=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    returned_on: Mapped[date | None] = mapped_column(Date)
    return_note: Mapped[str] = mapped_column(String(200), default="")
    lent_by: Mapped[str] = mapped_column(String(40), default="")
    returned_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
