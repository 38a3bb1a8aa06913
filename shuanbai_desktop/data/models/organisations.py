"""Community organisations the station fosters (社区社会组织培育, 五社联动, R4.5).

Activities, volunteers and linked resources name their organisation by ``org_id`` (a plain indexed
column, like ``import_batch_id``: the tables were not rebuilt for a foreign key). An organisation is
never deleted, only marked 已停止活动 with the day, so every ``org_id`` keeps pointing at a row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class CommunityOrg(Base):
    __label__ = "社区组织"
    __month_field__ = ("fostered_since", "stopped_on")  # month lock: counted from and until these days
    __month_watch__ = ()  # other changes (contact, members) do not move a reported month's counts
    __tablename__ = "community_org"
    __audit_label__ = "name"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    village_code: Mapped[str | None] = mapped_column(ForeignKey("village.code"))  # None: 全镇(街)
    founded_on: Mapped[date | None] = mapped_column(Date)  # 成立日期
    fostered_since: Mapped[date] = mapped_column(Date, index=True)  # 纳入培育的日期
    contact_name: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="", info={"pii": "phone"})
    members: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20))
    stopped_on: Mapped[date | None] = mapped_column(Date)
    support: Mapped[str] = mapped_column(String(200), default="")  # OrgSupport codes, comma-separated
    support_note: Mapped[str] = mapped_column(String(500), default="")  # 扶持情况
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now, onupdate=now)
    # Optimistic locking (issue 19): a save made from a form opened on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, server_default="1", info={"audit": False})
    __mapper_args__ = {"version_id_col": version}
