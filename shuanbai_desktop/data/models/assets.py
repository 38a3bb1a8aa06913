"""Assets (物资资产): the register, each asset's history, stock-takes (R3.1).

People (custodian, holder) are stored by name with an optional ``*_staff_id`` that the
staff roster may fill in; there is deliberately no foreign key to ``staff`` (that table
is another feature's and may not exist). See docs/decisions-assets-archives.md.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class Asset(Base):
    """One register row: a thing, or several identical things (10 把椅子) with one code."""

    __tablename__ = "asset"
    __label__ = "资产"
    __audit_label__ = "code"
    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),
                      CheckConstraint("value >= 0", name="value_not_negative"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 导入批次 (data/models/importing.py)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(20), index=True)
    required_item: Mapped[str | None] = mapped_column(String(30))  # RequiredItem it satisfies, if any
    model_spec: Mapped[str] = mapped_column(String(80), default="")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit: Mapped[str] = mapped_column(String(10), default="台")
    purchase_date: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric(12, 2))  # 原值 of the whole row, yuan
    funding_source: Mapped[str] = mapped_column(String(40), default="")
    point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id"), index=True)  # None: the station
    custodian_name: Mapped[str] = mapped_column(String(40), default="")
    custodian_staff_id: Mapped[int | None] = mapped_column(Integer)  # staff.id, no FK (see module doc)
    holder_name: Mapped[str] = mapped_column(String(40), default="")  # 领用人 while issued
    holder_staff_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class AssetEvent(Base):
    """One line of an asset's history; ``status_after``/``point_after`` give its state from that day."""

    __month_field__ = "on_date"  # month lock (data/month_lock.py)
    __tablename__ = "asset_event"
    __label__ = "资产变动"
    __audit_label__ = "kind"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    on_date: Mapped[date] = mapped_column(Date, index=True)
    person_name: Mapped[str] = mapped_column(String(40), default="")  # 领用人 / 归还人
    person_staff_id: Mapped[int | None] = mapped_column(Integer)
    from_place: Mapped[str] = mapped_column(String(40), default="")
    to_place: Mapped[str] = mapped_column(String(40), default="")
    status_after: Mapped[str] = mapped_column(String(20))
    point_after: Mapped[int | None] = mapped_column(Integer)  # service_point.id, None: the station
    approver: Mapped[str] = mapped_column(String(40), default="")
    approval_ref: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class StockTake(Base):
    """A count (盘点) of every asset not yet scrapped; open until closed with its report."""

    __tablename__ = "asset_stocktake"
    __label__ = "资产盘点"
    __audit_label__ = "title"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(60))
    started_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    counted_by: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class StockTakeLine(Base):
    """One asset in a stock-take: what the book said when the count began, and what was found."""

    __tablename__ = "asset_stocktake_line"
    __label__ = "盘点明细"
    __audit_label__ = "result"
    __table_args__ = (UniqueConstraint("stocktake_id", "asset_id", name="uq_asset_stocktake_line_asset"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("asset_stocktake.id", ondelete="CASCADE"), index=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id"), index=True)
    book_place: Mapped[str] = mapped_column(String(40))
    book_quantity: Mapped[int] = mapped_column(Integer)
    book_status: Mapped[str] = mapped_column(String(20))
    book_custodian: Mapped[str] = mapped_column(String(40), default="")
    result: Mapped[str] = mapped_column(String(20), default="pending")
    counted_quantity: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")
    marked_at: Mapped[datetime | None] = mapped_column(DateTime)
