"""Households (一户一档) and home visits (入户走访) (R4.2, R4.3); the case tables are in cases.py."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class Household(Base):
    """One household file; members are persons whose ``household_id`` points here."""

    __label__ = "户档"
    __tablename__ = "household"
    __audit_label__ = "name"
    __table_args__ = (Index("ix_household_next_visit", "next_visit_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 导入批次 (data/models/importing.py)
    name: Mapped[str] = mapped_column(String(60))  # e.g. “张三户”: shown in lists
    village_code: Mapped[str | None] = mapped_column(ForeignKey("village.code"), index=True)
    address: Mapped[str] = mapped_column(String(120), default="")
    housing: Mapped[str] = mapped_column(String(20), default="")
    housing_condition: Mapped[str] = mapped_column(String(20), default="")
    housing_note: Mapped[str] = mapped_column(String(200), default="")
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)  # 负责社工
    notes: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    # Kept up to date by services.targets.visits: the due list never scans the visits.
    last_visit_date: Mapped[date | None] = mapped_column(Date)
    last_risk: Mapped[str] = mapped_column(String(10), default="")
    next_visit_due: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class HouseholdIncome(Base):
    __label__ = "家庭收入来源"
    __tablename__ = "household_income"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    yearly_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    note: Mapped[str] = mapped_column(String(80), default="")


class Visit(Base):
    """One home visit (入户走访) of a household."""

    __label__ = "走访记录"
    __month_field__ = "visit_date"  # month lock (data/month_lock.py)
    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_household_date", "household_id", "visit_date"),
                      CheckConstraint("next_due > visit_date", name="next_after_visit"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    visit_date: Mapped[date] = mapped_column(Date, index=True)
    form: Mapped[str] = mapped_column(String(10))
    findings: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    need_material: Mapped[str] = mapped_column(String(500), default="", info={"pii": "text"})
    need_spiritual: Mapped[str] = mapped_column(String(500), default="", info={"pii": "text"})
    need_social: Mapped[str] = mapped_column(String(500), default="", info={"pii": "text"})
    risk: Mapped[str] = mapped_column(String(10))
    next_due: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class VisitWorker(Base):
    __label__ = "走访社工"
    __tablename__ = "visit_worker"
    __month_parent__ = (Visit, "visit_id")  # month lock: counts with its visit's date
    __table_args__ = (Index("ix_visit_worker_user", "user_id", "visit_id"),)

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)


class VisitStaff(Base):
    """A visitor on the roster who has no account (R4.3: any worker may visit; 录入人 is ``recorded_by``).
    A roster worker with an account is a ``VisitWorker`` row, as before."""

    __label__ = "走访社工（名册）"
    __tablename__ = "visit_staff"
    __month_parent__ = (Visit, "visit_id")  # month lock: counts with its visit's date
    __table_args__ = (Index("ix_visit_staff_staff", "staff_id", "visit_id"),)

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), primary_key=True)


class VisitPerson(Base):
    __label__ = "走访见到的人"
    __tablename__ = "visit_person"
    __month_parent__ = (Visit, "visit_id")  # month lock: counts with its visit's date
    __table_args__ = (Index("ix_visit_person_person", "person_id", "visit_id"),)

    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)


# The case tables live in cases.py; importing them here keeps one import place for the area.
from .cases import (  # noqa: E402
    Activity,
    CaseAssessment,
    CaseEvent,
    CaseFollowUp,
    CaseGoal,
    CaseRecord,
    CaseSession,
    Referral,
    ResourceLink,
    Volunteer,
    VolunteerHours,
)

__all__ = ["Activity", "CaseAssessment", "CaseEvent", "CaseFollowUp", "CaseGoal", "CaseRecord", "CaseSession",
           "Household", "HouseholdIncome", "Referral", "ResourceLink", "Visit", "VisitPerson", "VisitStaff",
           "VisitWorker", "Volunteer", "VolunteerHours"]
