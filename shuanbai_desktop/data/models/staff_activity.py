"""Staff development records (R2.5–R2.7): training, annual assessment, third-party evaluation,
supervision. A training or a supervision visit is one record with its attendees."""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...domain.staff_labels import Grade, TrainingKind
from ..base import Base, now
from .staff import _label  # the staff models' one column-info helper


class StaffTraining(Base):
    __label__ = "培训"
    __month_field__ = "start_date"  # month lock (data/month_lock.py)
    __tablename__ = "staff_training"
    __audit_label__ = "title"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_date: Mapped[date] = mapped_column(Date, index=True, info=_label("培训日期"))
    end_date: Mapped[date] = mapped_column(Date, info=_label("结束日期"))
    title: Mapped[str] = mapped_column(String(100), info=_label("培训名称"))
    kind: Mapped[str] = mapped_column(String(20), info=_label("培训类别", enum=TrainingKind))
    organiser: Mapped[str] = mapped_column(String(80), default="", info=_label("组织单位"))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1), info=_label("学时"))
    certificate: Mapped[str] = mapped_column(String(60), default="", info=_label("证书/证明"))
    notes: Mapped[str] = mapped_column(String(200), default="", info=_label("备注"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    attendees: Mapped[list[StaffTrainingAttendee]] = relationship(cascade="all, delete-orphan")


class StaffTrainingAttendee(Base):
    __label__ = "培训参加人员"
    __tablename__ = "staff_training_attendee"
    __month_parent__ = ("StaffTraining", "training_id")  # month lock: counts with its training

    training_id: Mapped[int] = mapped_column(ForeignKey("staff_training.id", ondelete="CASCADE"),
                                             primary_key=True, info=_label("培训"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), primary_key=True, index=True,
                                          info=_label("工作人员"))


class StaffAssessment(Base):
    """年度考核 of one worker for one year (before the end of October)."""

    __label__ = "年度考核"
    __tablename__ = "staff_assessment"
    __table_args__ = (UniqueConstraint("staff_id", "year", name="staff_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True, info=_label("工作人员"))
    year: Mapped[int] = mapped_column(Integer, info=_label("考核年度"))
    grade: Mapped[str] = mapped_column(String(20), info=_label("考核等次", enum=Grade))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1), info=_label("考核得分"))
    assessed_on: Mapped[date | None] = mapped_column(Date, info=_label("考核日期"))
    units: Mapped[str] = mapped_column(String(120), default="", info=_label("考核单位"))
    notes: Mapped[str] = mapped_column(String(200), default="", info=_label("备注"))


class StaffEvaluation(Base):
    """第三方评估 of the station for one year (before the end of December); report as attachment."""

    __label__ = "第三方评估"
    __tablename__ = "staff_evaluation"
    __audit_label__ = "year"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True, info=_label("评估年度"))
    evaluator: Mapped[str] = mapped_column(String(80), info=_label("评估机构"))
    evaluated_on: Mapped[date | None] = mapped_column(Date, info=_label("评估日期"))
    result: Mapped[str] = mapped_column(String(20), info=_label("评估结果", enum=Grade))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1), info=_label("评估得分"))
    notes: Mapped[str] = mapped_column(String(200), default="", info=_label("备注"))


class StaffSupervision(Base):
    """A supervisor's visit (督导): at least one a month, at least 16 hours a visit."""

    __label__ = "督导记录"
    __month_field__ = "visit_date"  # month lock (data/month_lock.py)
    __tablename__ = "staff_supervision"
    __audit_label__ = "supervisor"
    __table_args__ = (CheckConstraint("hours > 0", name="hours_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_date: Mapped[date] = mapped_column(Date, index=True, info=_label("督导日期"))
    end_date: Mapped[date] = mapped_column(Date, info=_label("结束日期"))
    supervisor: Mapped[str] = mapped_column(String(40), info=_label("督导员"))
    organisation: Mapped[str] = mapped_column(String(80), default="", info=_label("督导机构"))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1), info=_label("督导时长"))
    topics: Mapped[str] = mapped_column(Text, default="", info=_label("督导内容", pii="text"))
    notes: Mapped[str] = mapped_column(String(200), default="", info=_label("备注"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)

    attendees: Mapped[list[StaffSupervisionAttendee]] = relationship(cascade="all, delete-orphan")


class StaffSupervisionAttendee(Base):
    __label__ = "督导参加人员"
    __tablename__ = "staff_supervision_attendee"
    __month_parent__ = ("StaffSupervision", "supervision_id")  # month lock: counts with its visit

    supervision_id: Mapped[int] = mapped_column(ForeignKey("staff_supervision.id", ondelete="CASCADE"),
                                                primary_key=True, info=_label("督导记录"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), primary_key=True, index=True,
                                          info=_label("工作人员"))
