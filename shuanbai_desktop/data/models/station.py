"""The station, its villages and communities, and its service points."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..base import Base, now


class Station(Base):
    """The one station this database belongs to (R1.1)."""

    __label__ = "站点"
    __tablename__ = "station"
    __audit_label__ = "name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    town_code: Mapped[str] = mapped_column(String(9))
    town_name: Mapped[str] = mapped_column(String(60))
    county_code: Mapped[str] = mapped_column(String(6))
    county_name: Mapped[str] = mapped_column(String(60))
    city_code: Mapped[str] = mapped_column(String(4))
    city_name: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    # 站长 and 常务副站长 (R1.2): town officials, not staff of the station; on the report's cover and signature.
    leader_name: Mapped[str] = mapped_column(String(40), default="")
    leader_post: Mapped[str] = mapped_column(String(60), default="")
    deputy_name: Mapped[str] = mapped_column(String(40), default="")
    deputy_post: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Village(Base):
    """A village or community (村委会/居委会) of the station's township, 12-digit code."""

    __label__ = "村(居)"
    __tablename__ = "village"
    __audit_label__ = "name"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))


class ServicePoint(Base):
    """A 社工点 hosted at an existing facility, covering some villages (R1.3)."""

    __label__ = "社工点"
    __tablename__ = "service_point"
    __audit_label__ = "name"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    facility_type: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(120), default="")
    liaison_name: Mapped[str] = mapped_column(String(40), default="")
    liaison_phone: Mapped[str] = mapped_column(String(20), default="", info={"pii": "phone"})
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    villages: Mapped[list[ServicePointVillage]] = relationship(
        cascade="all, delete-orphan", back_populates="point")


class ServicePointVillage(Base):
    """Which villages a service point covers."""

    __label__ = "社工点覆盖村(居)"
    __tablename__ = "service_point_village"

    point_id: Mapped[int] = mapped_column(ForeignKey("service_point.id", ondelete="CASCADE"),
                                          primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), primary_key=True, index=True)
    point: Mapped[ServicePoint] = relationship(back_populates="villages")
