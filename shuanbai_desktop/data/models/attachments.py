"""Attachments (scans, photos, invoices) of any record, one store for the whole app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class Attachment(Base):
    """A file kept in the content-addressed store ``<database folder>/attachments/``."""

    __tablename__ = "attachment"
    __label__ = "附件"
    __audit_label__ = "description"
    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))  # table name of the owning record
    owner_id: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(200), info={"pii": "text"})
    stored_name: Mapped[str] = mapped_column(String(80))  # sha256 + extension: no personal data
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_by: Mapped[str] = mapped_column(String(40))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=now)
