"""Numbered series (受理编号 of a day, 档号 of a category/year/retention, asset codes, case and plan numbers):
one row per series, locked by the transaction that hands out the series' next number (data/numbering.py)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..base import Base


class NumberSeries(Base):
    """A series' lock row: no data of its own (the numbered table's highest number decides the next)."""

    __label__ = "编号序列"
    __tablename__ = "number_series"
    __audited__ = False  # bookkeeping: the numbered record itself is audited

    series: Mapped[str] = mapped_column(String(60), primary_key=True)
