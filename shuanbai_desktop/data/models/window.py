"""The service window (窗口登记, SPEC R5): matter catalogue, departments, holiday table,
registrations and every step taken on them.

A registration copies what it needs from its matter type (name, materials, time limit),
so editing the catalogue never rewrites past registrations.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class WindowDepartment(Base):
    """An office or department matters are transferred to (转办部门), edited by the station."""

    __label__ = "转办部门"
    __tablename__ = "window_department"
    __audit_label__ = "name"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    contact: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class WindowMatterType(Base):
    """A matter of the catalogue (事项目录) with its materials (one per line) and time limit."""

    __label__ = "窗口事项"
    __tablename__ = "window_matter_type"
    __audit_label__ = "name"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),
                      CheckConstraint("time_limit_days BETWEEN 0 AND 365", name="time_limit_range"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    materials: Mapped[str] = mapped_column(Text, default="")
    guidance: Mapped[str] = mapped_column(Text, default="")
    default_handling: Mapped[str] = mapped_column(String(10))
    time_limit_days: Mapped[int] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("window_department.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class WindowHoliday(Base):
    """The station's own holiday/调休 entry for a year the statutory calendar data lacks."""

    __label__ = "节假日调休"
    __tablename__ = "window_holiday"
    __audit_label__ = "name"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "holiday" | "workday"
    name: Mapped[str] = mapped_column(String(20), default="")


class WindowRegistration(Base):
    """One matter brought to the window (来访/来电/代办/其他), from registration to follow-up."""

    __label__ = "窗口登记"
    __month_field__ = ("registered_on", "result_date")
    __month_watch__ = ("channel", "matter_type_id", "handling", "person_id")  # month lock (data/month_lock.py)
    __tablename__ = "window_registration"
    __audit_label__ = "ticket_no"
    __table_args__ = (Index("ix_window_registration_status_due", "status", "due_date"),
                      Index("ix_window_registration_status_at", "status", "registered_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(16), unique=True)
    registered_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    contact_phone: Mapped[str] = mapped_column(String(20), default="", info={"pii": "phone"})
    agent_name: Mapped[str] = mapped_column(String(40), default="")
    agent_id_number: Mapped[str | None] = mapped_column(String(18), info={"pii": "id"})
    agent_phone: Mapped[str] = mapped_column(String(20), default="", info={"pii": "phone"})
    agent_relation: Mapped[str] = mapped_column(String(20), default="")
    matter_type_id: Mapped[int] = mapped_column(ForeignKey("window_matter_type.id"), index=True)
    matter_name: Mapped[str] = mapped_column(String(40))
    materials: Mapped[str] = mapped_column(Text, default="")
    materials_received: Mapped[str] = mapped_column(Text, default="")
    time_limit_days: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    first_responder_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    handling: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("window_department.id"))
    department_name: Mapped[str] = mapped_column(String(40), default="")
    due_date: Mapped[date] = mapped_column(Date)
    due_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    due_manual: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
    result_date: Mapped[date | None] = mapped_column(Date, index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    follow_up_date: Mapped[date | None] = mapped_column(Date)
    satisfaction: Mapped[str] = mapped_column(String(12), default="")
    void_reason: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class WindowEvent(Base):
    """One step in a registration's timeline: registered, assigned, transferred, result, follow-up …"""

    __label__ = "窗口办理记录"
    __tablename__ = "window_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("window_registration.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("window_department.id"))
    department_name: Mapped[str] = mapped_column(String(40), default="")
    on_date: Mapped[date | None] = mapped_column(Date)
    satisfaction: Mapped[str] = mapped_column(String(12), default="")
    method: Mapped[str] = mapped_column(String(10), default="")
    text: Mapped[str] = mapped_column(Text, default="", info={"pii": "text"})
