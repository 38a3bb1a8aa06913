"""The one person registry (居民/服务对象), shared by the service window and case work."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Computed,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    column,
    table,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now

ID_REV = " || ".join(f"substr(id_number, {k}, 1)" for k in range(18, 0, -1))


class Person(Base):
    __label__ = "居民"
    __tablename__ = "person"
    __audit_label__ = "name"
    # One box searches all of these in display order: the covering index keeps the scan off the table
    # (100,000 residents: ~10 ms instead of ~130 ms for a rare character).
    # The list's other orders (services/persons.SORT_KEYS: 性别, 年龄, 村(居), 状态 headers) read an index in
    # order, never sort 100,000 rows.
    __table_args__ = (Index("ix_person_search", "name_pinyin", "id", "name", "name_initials", "id_number", "phone",
                            "village_code", "status"),
                      Index("ix_person_order_sex", "sex", "name_pinyin", "id"),
                      Index("ix_person_order_birth", "birth_date", "name_pinyin", "id"),
                      Index("ix_person_order_village", "village_code", "name_pinyin", "id"),
                      Index("ix_person_order_status", "status", "name_pinyin", "id"),
                      # Typed initials ("zs"): a range of it, read without the table, sorted small (0012).
                      Index("ix_person_initials", "name_initials", "name_pinyin", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 导入批次 (data/models/importing.py)
    name: Mapped[str] = mapped_column(String(40), index=True)
    name_pinyin: Mapped[str] = mapped_column(String(160), default="", index=True)
    name_initials: Mapped[str] = mapped_column(String(40), default="")
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True, info={"pii": "id"})
    # The ID number reversed (migration 0012_search_index): a typed tail "…4321" is one index range on it.
    # Computed by SQLite on every write; never audited (it is the ID number).
    id_rev: Mapped[str | None] = mapped_column(String(18), Computed(ID_REV, persisted=False), index=True,
                                               info={"pii": "id", "audit": False})
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
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}
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


# The search box's own index tables (migration 0012_search_index), kept in step with ``person`` by its
# triggers on every write: not models (nothing writes them but the triggers; the import's undo and the
# audit never see them). services/targets/person_query.py reads them.
PERSON_FTS = table("person_fts", column("rowid"), column("person_fts"))  # FTS5 trigram: name, phone
PERSON_NAME_GRAM = table("person_name_gram", column("gram"), column("name_pinyin"), column("person_id"))
SEARCH_INDEX_TABLES = ("person_fts", "person_name_gram")


def is_search_index_table(name: str) -> bool:
    """The search index's tables, FTS5's shadow tables (person_fts_data …) included: the migrations make them,
    the models do not describe them (Alembic's comparison leaves them out)."""
    return name in SEARCH_INDEX_TABLES or name.startswith("person_fts_")
