"""Dates typed by users: parse the usual Chinese spellings, check order, format."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from shuanbai_desktop.errors import UserError

_PATTERNS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})(年)(\d{1,2})月(\d{1,2})日?", re.ASCII),
    re.compile(r"(\d{4})()(\d{2})(\d{2})", re.ASCII),
)


def parse_date(raw: str | date | None, field: str) -> date:
    """Accept 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305 or a date."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", raw or ""))
    if not text:
        raise UserError(f"{field}不能为空。", field=field)
    for pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, _, month, day = match.groups()
            try:
                return date(int(year), int(month), int(day))
            except ValueError:
                break
    raise UserError(f"{field}不是有效日期，请按 2024-03-05 的格式填写。", field=field)


def check_order(start: date | None, end: date | None, start_field: str, end_field: str) -> None:
    """Raise ``UserError`` when ``end`` is before ``start``; missing dates pass.

    The message names both fields and the earlier date: “结束日期不能早于开始日期（2024-03-05）。”"""
    if start is not None and end is not None and _day(end) < _day(start):
        raise UserError(f"{end_field}不能早于{start_field}（{format_date(_day(start))}）。", field=end_field)


def not_after(d: date | None, limit: date, field: str, limit_name: str = "今天") -> None:
    """Raise ``UserError`` when ``d`` is after ``limit``: “入职日期不能晚于一年以后。”; missing dates pass."""
    if d is not None and _day(d) > _day(limit):
        raise UserError(f"{field}不能晚于{limit_name}。", field=field)


def not_in_future(d: date | None, field: str, today: date | None = None) -> None:
    """Raise ``UserError`` when ``d`` is after ``today`` (default: the real today): “服务日期不能晚于今天。”"""
    not_after(d, today or date.today(), field, "今天")


def format_date(d: date | None) -> str:
    """``YYYY-MM-DD``, or ``""`` for ``None``."""
    if d is None:
        return ""
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _day(d: date) -> date:
    """Drop the time of a ``datetime`` so it compares with a plain ``date``."""
    return d.date() if isinstance(d, datetime) else d
