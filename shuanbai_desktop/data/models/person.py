"""The one person registry (居民/服务对象), shared by the service window and case work."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class Person(Base):
    __label__ = "居民"
    __tablename__ = "person"
    __audit_label__ = "name"
    # One box searches all of these in display order: the covering index keeps the scan off the table
    # (100,000 residents: ~10 ms instead of ~130 ms for a rare character).
    __table_args__ = (Index("ix_person_search", "name_pinyin", "id", "name", "name_initials", "id_number", "phone",
                            "village_code", "status"),)

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
    # Added by 0003_targets (服务对象): household, disability, guardian, health.
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="SET NULL"), index=True)
    relation: Mapped[str] = mapped_column(String(20), default="", server_default="")  # to the household head
    disability_type: Mapped[str] = mapped_column(String(20), default="", server_default="", info={"pii": "text"})
    disability_grade: Mapped[str] = mapped_column(String(2), default="", server_default="", info={"pii": "text"})
    guardian_name: Mapped[str] = mapped_column(String(40), default="", server_default="")
    guardian_relation: Mapped[str] = mapped_column(String(20), default="", server_default="")
    guardian_phone: Mapped[str] = mapped_column(String(20), default="", server_default="", info={"pii": "phone"})
    health: Mapped[str] = mapped_column(String(20), default="", server_default="", info={"pii": "text"})
    health_note: Mapped[str] = mapped_column(String(200), default="", server_default="", info={"pii": "text"})


class PersonGroup(Base):
    """A target group the person belongs to (several allowed, R4.1)."""

    __label__ = "服务对象类别"
    __tablename__ = "person_group"
    __table_args__ = (Index("ix_person_group_group", "group_code", "person_id"),)

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    group_code: Mapped[str] = mapped_column(String(24), primary_key=True)
    since: Mapped[date | None] = mapped_column(Date)


class PersonBenefit(Base):
    """A benefit the person receives (低保金, 特困供养金 …), with its monthly amount."""

    __label__ = "享受待遇"
    __tablename__ = "person_benefit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    monthly_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    since: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(80), default="")
