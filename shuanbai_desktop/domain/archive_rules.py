"""Archives (档案): categories, retention periods, 档号 and loan rules (R3.2).

The 档号 follows DA/T 22-2015 in the short form the issue asks for:
``类别-年度-保管期限-件号``, e.g. ``RS-2024-D30-0003`` (人事, 2024, 30年, 第3件).
Retention (国家档案局令第8号): 永久, or 定期 30年 / 10年, counted from 1 January of the
year after the file's year; a file is due for appraisal (鉴定) after that period.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..errors import UserError
from .dates import check_order, not_in_future
from .labels import LabelledEnum

MIN_YEAR = 1949
MAX_ITEM = 9999
MAX_PAGES = 5000
MAX_LOAN_DAYS = 90
DEFAULT_LOAN_DAYS = 14
NUMBER_PATTERN = re.compile(r"([A-Z]{2})-(\d{4})-(Y|D30|D10)-(\d{4})")


class ArchiveCategory(LabelledEnum):
    PERSONNEL = ("personnel", "人事")
    FINANCE = ("finance", "财务")
    MATERIALS = ("materials", "物资")
    SERVICE = ("service", "业务")
    SAFETY = ("safety", "安全")
    DOCUMENTS = ("documents", "文书")
    OTHER = ("other", "其他")

    @property
    def prefix(self) -> str:
        return {"personnel": "RS", "finance": "CW", "materials": "WZ", "service": "YW", "safety": "AQ",
                "documents": "WS", "other": "QT"}[self.value]


class Retention(LabelledEnum):
    PERMANENT = ("permanent", "永久")
    Y30 = ("d30", "30年")
    Y10 = ("d10", "10年")

    @property
    def segment(self) -> str:
        """The 保管期限 part of the 档号: Y (永久), D30, D10."""
        return {"permanent": "Y", "d30": "D30", "d10": "D10"}[self.value]

    @property
    def years(self) -> int | None:
        return {"permanent": None, "d30": 30, "d10": 10}[self.value]


class Confidentiality(LabelledEnum):
    PUBLIC = ("public", "公开")
    INTERNAL = ("internal", "内部")
    SECRET = ("secret", "秘密")
    CONFIDENTIAL = ("confidential", "机密")

    @property
    def needs_approval(self) -> bool:
        """Lending a 秘密/机密 file needs the name of whoever approved it."""
        return self in (Confidentiality.SECRET, Confidentiality.CONFIDENTIAL)


class OwnerKind(LabelledEnum):
    """What a file belongs to. Person is the shared registry; the others are linked by id and name."""

    PERSON = ("person", "居民/服务对象")
    HOUSEHOLD = ("household", "家庭户")
    STAFF = ("staff", "工作人员")
    CASE = ("case", "个案")


def format_number(category: ArchiveCategory, year: int, retention: Retention, item_no: int) -> str:
    return f"{category.prefix}-{year:04d}-{retention.segment}-{item_no:04d}"


def parse_number(text: str) -> tuple[ArchiveCategory, int, Retention, int]:
    match = NUMBER_PATTERN.fullmatch((text or "").strip().upper())
    if not match:
        raise UserError(f"“{text}”不是本程序的档号格式（类别-年度-保管期限-件号，例如 RS-2024-D30-0003）。",
                        field="档号")
    prefix, year, segment, item = match.groups()
    category = next((c for c in ArchiveCategory if c.prefix == prefix), None)
    if category is None:
        raise UserError(f"档号中的类别代码“{prefix}”不存在。", field="档号")
    retention = next(r for r in Retention if r.segment == segment)
    return category, int(year), retention, int(item)


def check_year(year: int, today: date) -> int:
    if not MIN_YEAR <= year <= today.year:
        raise UserError(f"年度应在 {MIN_YEAR} 到 {today.year} 之间。", field="年度")
    return year


def check_item_no(item_no: int) -> int:
    if not 1 <= item_no <= MAX_ITEM:
        raise UserError(f"件号应在 1 到 {MAX_ITEM} 之间。", field="件号")
    return item_no


def check_pages(pages: int) -> int:
    if not 1 <= pages <= MAX_PAGES:
        raise UserError(f"页数应在 1 到 {MAX_PAGES} 之间。", field="页数")
    return pages


def retention_expiry(year: int, retention: Retention) -> date | None:
    """Last day the file must be kept: 31 December of year + N (None for 永久)."""
    return None if retention.years is None else date(year + retention.years, 12, 31)


def review_due(year: int, retention: Retention, extended_until: date | None, today: date) -> bool:
    """Past its retention period (or past the extension the last appraisal gave)."""
    expiry = extended_until or retention_expiry(year, retention)
    return expiry is not None and today > expiry


def check_loan(lent_on: date, due_on: date, today: date) -> None:
    not_in_future(lent_on, "借出日期", today)
    check_order(lent_on, due_on, "借出日期", "应还日期")
    if due_on - lent_on > timedelta(days=MAX_LOAN_DAYS):
        raise UserError(f"借阅期限最长 {MAX_LOAN_DAYS} 天，请缩短，需要时到期再续借。", field="应还日期")


def check_return(lent_on: date, returned_on: date, today: date) -> None:
    check_order(lent_on, returned_on, "借出日期", "归还日期")
    not_in_future(returned_on, "归还日期", today)


def overdue_days(due_on: date, returned_on: date | None, on: date) -> int:
    """Days past due on ``on`` (0 when returned by then or not yet due)."""
    if returned_on is not None and returned_on <= on:
        return 0
    return max(0, (on - due_on).days)
