"""The monthly report to the county (R6.1): exported versions, locked months, the county's template.

Importing this module (every model module is imported at start-up) installs the month
lock (``data/month_lock.py``) on every SQLAlchemy session.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base, now


class ReportExport(Base):
    """One export of one month's report (version 1, 2 …) with the figures it carried."""

    __label__ = "月度报表报送"
    __tablename__ = "report_export"
    __audit_label__ = "package_name"
    __table_args__ = (UniqueConstraint("month", "version", name="month_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # "YYYY-MM"
    version: Mapped[int] = mapped_column(Integer)
    exported_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    exported_by: Mapped[str] = mapped_column(String(40))
    layout_version: Mapped[str] = mapped_column(String(10))
    package_name: Mapped[str] = mapped_column(String(120))  # folder or zip name, no path
    as_zip: Mapped[bool] = mapped_column(Boolean, default=False)
    files: Mapped[str] = mapped_column(Text)  # JSON [[name, sha256, size], …]
    figures: Mapped[str] = mapped_column(Text)  # JSON [[key, label, value, unit], …]
    changes: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[key, label, old, new], …] vs previous
    template_sha256: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")  # why a locked month was exported again


class LockedMonth(Base):
    """A month reported to the county (已报送): its records change only by an administrator, with a reason."""

    __label__ = "已报送月份"
    __tablename__ = "report_locked_month"
    __audit_label__ = "month"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM"
    locked_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    locked_by: Mapped[str] = mapped_column(String(40))
    export_id: Mapped[int | None] = mapped_column(ForeignKey("report_export.id"))


class ReportTemplate(Base):
    """The county's own xlsx form with ``{{key}}`` placeholders; the newest active one is used."""

    __label__ = "县级报表模板"
    __tablename__ = "report_template"
    __audit_label__ = "file_name"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    placeholders: Mapped[int] = mapped_column(Integer, default=0)
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    loaded_by: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


from .. import month_lock  # noqa: E402  (the lock needs these tables; installed once on import)

month_lock.install_global()
