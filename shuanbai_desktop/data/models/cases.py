"""Cases (一人一案 · 一事一案例) with the record of each stage, and resources / 五社联动 (R4.4, R4.5)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class CaseRecord(Base):
    """A case (一人一案/一事一案例); its 识别对象 record is the case row itself."""

    __label__ = "个案"
    __month_field__ = ("opened_on", "closed_on")
    __month_watch__ = ("person_id",)  # month lock (data/month_lock.py)
    __tablename__ = "case_record"
    __audit_label__ = "case_no"
    __table_args__ = (CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="closed_after_open"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(20), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(20))
    source_detail: Mapped[str] = mapped_column(String(200), default="")
    source_visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"))
    window_matter_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 窗口事项 id (窗口转介)
    description: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    stage: Mapped[str] = mapped_column(String(20), default="identify")
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="")
    close_reason: Mapped[str] = mapped_column(String(500), default="", info={"pii": "text"})
    resource_note: Mapped[str] = mapped_column(String(500), default="")  # “无需链接外部资源”的说明
    plan_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class CaseAssessment(Base):
    """分析需求: the assessment of a case, one per case."""

    __label__ = "需求评估"
    __tablename__ = "case_assessment"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    need_types: Mapped[str] = mapped_column(String(200))  # codes joined by ","
    assessment: Mapped[str] = mapped_column(Text, info={"pii": "text"})


class CaseGoal(Base):
    """制定计划: one goal with its actions and dates; 跟踪问效 evaluates it."""

    __label__ = "服务目标"
    __tablename__ = "case_goal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    goal: Mapped[str] = mapped_column(String(300), info={"pii": "text"})
    actions: Mapped[str] = mapped_column(String(1000), default="", info={"pii": "text"})
    start_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(20), default="")
    evaluation: Mapped[str] = mapped_column(String(1000), default="", info={"pii": "text"})
    evaluated_on: Mapped[date | None] = mapped_column(Date)


class CaseSession(Base):
    """专业介入: one session (date, method, duration, content)."""

    __label__ = "介入服务"
    __month_field__ = "session_date"  # month lock (data/month_lock.py)
    __tablename__ = "case_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    session_date: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text, info={"pii": "text"})
    worker: Mapped[str] = mapped_column(String(40), default="")


class CaseFollowUp(Base):
    """跟踪问效: a follow-up contact after the intervention."""

    __label__ = "跟踪回访"
    __month_field__ = "followup_date"  # month lock (data/month_lock.py)
    __tablename__ = "case_followup"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    followup_date: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text, info={"pii": "text"})
    worker: Mapped[str] = mapped_column(String(40), default="")


class CaseEvent(Base):
    """Stage changes, closing and reopening: the case's own history for its timeline."""

    __label__ = "个案进程"
    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    event_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # opened / advanced / closed / reopened
    text: Mapped[str] = mapped_column(String(500), default="", info={"pii": "text"})
    by: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Referral(Base):
    """A referral to a department or organisation (协调资源 / 五社联动)."""

    __label__ = "转介"
    __month_field__ = "referred_on"  # month lock (data/month_lock.py)
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    to_org: Mapped[str] = mapped_column(String(80))
    matter: Mapped[str] = mapped_column(String(300), info={"pii": "text"})
    status: Mapped[str] = mapped_column(String(20), default="sent")
    result: Mapped[str] = mapped_column(String(300), default="", info={"pii": "text"})
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class ResourceLink(Base):
    """A resource linked for a person or case: charity money, goods, services (value in yuan)."""

    __label__ = "链接资源"
    __month_field__ = "linked_on"  # month lock (data/month_lock.py)
    __tablename__ = "resource_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    linked_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(String(300), default="")
    value_yuan: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    org_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 提供资源的社区组织 (organisations.py)


class Volunteer(Base):
    __label__ = "志愿者"
    __tablename__ = "volunteer"
    __audit_label__ = "name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20), default="", info={"pii": "phone"})
    village_code: Mapped[str | None] = mapped_column(ForeignKey("village.code"))
    organisation: Mapped[str] = mapped_column(String(80), default="")  # 社区社会组织/志愿队
    org_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 登记在册的所属组织 (organisations.py)
    skills: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class VolunteerHours(Base):
    __label__ = "志愿服务时数"
    __month_field__ = "served_on"  # month lock (data/month_lock.py)
    __tablename__ = "volunteer_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer.id", ondelete="CASCADE"), index=True)
    served_on: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_record.id", ondelete="SET NULL"))
    content: Mapped[str] = mapped_column(String(200), default="")


class Activity(Base):
    """A group or community activity held by the station (R4.5)."""

    __label__ = "活动"
    __month_field__ = "held_on"  # month lock (data/month_lock.py)
    __tablename__ = "activity"
    __audit_label__ = "title"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(80))
    village_code: Mapped[str | None] = mapped_column(ForeignKey("village.code"))
    participants: Mapped[int] = mapped_column(Integer, default=0)
    partner: Mapped[str] = mapped_column(String(120), default="")  # 合作的社会组织/慈善资源
    org_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 合作的社区组织 (organisations.py)
    summary: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(40), default="")
