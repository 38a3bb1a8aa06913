"""一人一案 service plans (R4.2): a light plan for a service target, reviewed on a date; escalated to a case."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class ServicePlan(Base):
    """One person's service plan: needs, agreed services, frequency, responsible worker, review date."""

    __label__ = "服务计划"
    __month_field__ = ("start_on", "ended_on")
    __month_watch__ = ("person_id",)  # month lock (data/month_lock.py): the coverage counts persons
    __tablename__ = "service_plan"
    __audit_label__ = "plan_no"
    __table_args__ = (CheckConstraint("ended_on IS NULL OR ended_on >= start_on", name="ended_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_no: Mapped[str] = mapped_column(String(20), unique=True)  # “J2026-0001”
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_member.id", ondelete="SET NULL"), index=True)
    need_material: Mapped[str] = mapped_column(String(500), default="", info={"pii": "text"})
    need_spiritual: Mapped[str] = mapped_column(String(500), default="", info={"pii": "text"})
    need_social: Mapped[str] = mapped_column(String(500), default="", info={"pii": "text"})
    services: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    frequency: Mapped[str] = mapped_column(String(20))
    start_on: Mapped[date] = mapped_column(Date, index=True)
    review_due: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(10), default="active", index=True)
    ended_on: Mapped[date | None] = mapped_column(Date, index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class ServicePlanReview(Base):
    """A review of a plan (复核): its outcome and the next review date."""

    __label__ = "服务计划复核"
    __month_field__ = "reviewed_on"  # month lock (data/month_lock.py)
    __tablename__ = "service_plan_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("service_plan.id", ondelete="CASCADE"), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    next_review: Mapped[date | None] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
