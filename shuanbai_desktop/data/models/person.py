"""The one person registry (居民/服务对象), shared by the service window and case work."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class Person(Base):
    __label__ = "居民"
    __tablename__ = "person"
    __audit_label__ = "name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    name_pinyin: Mapped[str] = mapped_column(String(160), default="", index=True)
    name_initials: Mapped[str] = mapped_column(String(40), default="", index=True)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True, info={"pii": "id"})
    no_id_reason: Mapped[str] = mapped_column(String(80), default="")
    sex: Mapped[str] = mapped_column(String(2), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(20), default="", index=True, info={"pii": "phone"})
    village_code: Mapped[str | None] = mapped_column(ForeignKey("village.code"), index=True)
    address: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default="registered")
    notes: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
