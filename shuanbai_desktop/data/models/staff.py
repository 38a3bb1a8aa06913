"""Staff files (R2): the station's workers, the villages they serve, labour contracts, pay.

Workers are employees, not residents: they have their own table, not the person registry.
Enumerations are stored as the codes of ``domain/staff_labels.py``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
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

from ...domain.staff_labels import Certificate, Education, Source, StaffRole, StaffStatus
from ..base import Base, now


def _label(text: str, **info) -> dict:
    """Column info: the Chinese field name for the audit trail (and ``enum`` to show a code's label)."""
    return {"label": text, **info}


class StaffMember(Base):
    """A worker of the station (副站长, 事务性岗位社工, 残疾人专职委员, 服务性岗位社工)."""

    __label__ = "工作人员"
    __tablename__ = "staff_member"
    __audit_label__ = "name"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 导入批次 (data/models/importing.py)
    name: Mapped[str] = mapped_column(String(40), index=True, info=_label("姓名"))
    name_pinyin: Mapped[str] = mapped_column(String(160), default="")
    name_initials: Mapped[str] = mapped_column(String(40), default="")
    id_number: Mapped[str] = mapped_column(String(18), unique=True, info=_label("身份证号", pii="id"))
    sex: Mapped[str] = mapped_column(String(2), default="", info=_label("性别"))
    birth_date: Mapped[date | None] = mapped_column(Date, info=_label("出生日期"))
    phone: Mapped[str] = mapped_column(String(20), default="", info=_label("联系电话", pii="phone"))
    education: Mapped[str] = mapped_column(String(20), info=_label("学历", enum=Education))
    major: Mapped[str] = mapped_column(String(60), default="", info=_label("专业"))
    certificate: Mapped[str] = mapped_column(String(20), default="none", info=_label("职业资格", enum=Certificate))
    certificate_no: Mapped[str] = mapped_column(String(40), default="", info=_label("证书编号"))
    certificate_date: Mapped[date | None] = mapped_column(Date, info=_label("取证日期"))
    supervisor_cert: Mapped[bool] = mapped_column(Boolean, default=False, info=_label("督导证"))
    supervisor_cert_no: Mapped[str] = mapped_column(String(40), default="", info=_label("督导证编号"))
    role: Mapped[str] = mapped_column(String(20), info=_label("岗位角色", enum=StaffRole))
    is_liaison: Mapped[bool] = mapped_column(Boolean, default=False, info=_label("社工点联络人"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("service_point.id", ondelete="SET NULL"),
                                                 index=True, info=_label("社工点"))
    source: Mapped[str] = mapped_column(String(20), info=_label("人员来源", enum=Source))
    hire_date: Mapped[date] = mapped_column(Date, info=_label("入职日期"))
    career_start: Mapped[date | None] = mapped_column(Date, info=_label("从事社会工作起始日期"))
    status: Mapped[str] = mapped_column(String(10), default="active", index=True, info=_label("在岗状态", enum=StaffStatus))
    leave_date: Mapped[date | None] = mapped_column(Date, info=_label("离职日期"))
    leave_reason: Mapped[str] = mapped_column(String(200), default="", info=_label("离职原因"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), unique=True,
                                                info=_label("登录账户"))
    pay_level_id: Mapped[int | None] = mapped_column(ForeignKey("staff_pay_level.id", ondelete="SET NULL"),
                                                     info=_label("薪酬等级"))
    notes: Mapped[str] = mapped_column(Text, default="", info=_label("备注", pii="text"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}

    villages: Mapped[list[StaffVillage]] = relationship(cascade="all, delete-orphan", back_populates="staff")


class StaffVillage(Base):
    """A village or community a worker serves (原则上1名社工负责1个村(居))."""

    __label__ = "社工负责村(居)"
    __tablename__ = "staff_village"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id", ondelete="CASCADE"), primary_key=True,
                                          info=_label("工作人员"))
    village_code: Mapped[str] = mapped_column(ForeignKey("village.code"), primary_key=True, index=True,
                                              info=_label("村(居)"))
    staff: Mapped[StaffMember] = relationship(back_populates="villages")


class StaffPayLevel(Base):
    """A line of the county's pay table: a level reached by certificate and seniority."""

    __label__ = "薪酬等级"
    __tablename__ = "staff_pay_level"
    __audit_label__ = "name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20), unique=True, info=_label("等级名称"))
    certificate: Mapped[str] = mapped_column(String(20), info=_label("证书要求", enum=Certificate))
    min_years: Mapped[int] = mapped_column(Integer, default=0, info=_label("最低工龄"))
    base_pay: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=_label("基本工资"))
    performance_standard: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=_label("绩效工资标准"))
    notes: Mapped[str] = mapped_column(String(100), default="", info=_label("说明"))


class StaffContract(Base):
    """A labour contract signed by the town (乡镇/街道) with a worker; renewals chain by ``previous_id``."""

    __label__ = "劳动合同"
    __tablename__ = "staff_contract"
    __audit_label__ = "number"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_batch_id: Mapped[int | None] = mapped_column(Integer, index=True)  # 导入批次 (data/models/importing.py)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True, info=_label("工作人员"))
    number: Mapped[str] = mapped_column(String(40), default="", info=_label("合同编号"))
    employer: Mapped[str] = mapped_column(String(60), info=_label("用人单位"))
    signed_on: Mapped[date | None] = mapped_column(Date, info=_label("签订日期"))
    start_date: Mapped[date] = mapped_column(Date, info=_label("起始日期"))
    end_date: Mapped[date] = mapped_column(Date, info=_label("终止日期"))
    probation_months: Mapped[int] = mapped_column(Integer, default=0, info=_label("试用期（月）"))
    pay_level_id: Mapped[int | None] = mapped_column(ForeignKey("staff_pay_level.id", ondelete="SET NULL"),
                                                     info=_label("薪酬等级"))
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("staff_contract.id"), unique=True,
                                                    info=_label("续签自"))
    override_reason: Mapped[str] = mapped_column(String(200), default="", info=_label("特批续签理由"))
    terminated_on: Mapped[date | None] = mapped_column(Date, info=_label("解除日期"))
    termination_reason: Mapped[str] = mapped_column(String(200), default="", info=_label("解除原因"))
    notes: Mapped[str] = mapped_column(String(200), default="", info=_label("备注"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}


class StaffPayMonth(Base):
    """One worker's pay for one month: the line of the monthly pay sheet."""

    __label__ = "月度工资"
    __tablename__ = "staff_pay_month"
    __table_args__ = (UniqueConstraint("staff_id", "year", "month", name="staff_month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_member.id"), index=True, info=_label("工作人员"))
    year: Mapped[int] = mapped_column(Integer, info=_label("年"))
    month: Mapped[int] = mapped_column(Integer, info=_label("月"))
    level_name: Mapped[str] = mapped_column(String(20), default="", info=_label("薪酬等级"))
    base_pay: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=_label("基本工资"))
    performance_standard: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=_label("绩效工资标准"))
    factor_scores: Mapped[str] = mapped_column(Text, default="{}", info=_label("绩效因素得分"))
    performance_pay: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=_label("绩效工资"))
    other_pay: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal(0), info=_label("津贴补贴"))
    contribution_base: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=_label("缴费基数"))
    contributions: Mapped[str] = mapped_column(Text, default="{}", info=_label("四险一金"))
    notes: Mapped[str] = mapped_column(String(200), default="", info=_label("备注"))
