"""Mainland China phone numbers: normalize, validate, mask.

Area codes follow the national plan: ``010`` and ``02x`` are three digits, every other
area code (``03xx``–``09xx``) four, so a landline without a hyphen splits one way only.
Local numbers are 7–8 digits and never start with 0 or 1.
"""

from __future__ import annotations

import re
import unicodedata

from shuanbai_desktop.errors import UserError

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212()]+")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)", re.ASCII)
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE = re.compile(r"(0(?:10|2\d|[3-9]\d\d))?([2-9]\d{6,7})", re.ASCII)


def normalize_phone(raw: str) -> str:
    """NFKC, drop spaces/hyphens/parentheses, drop +86/0086/86 before a mobile."""
    text = unicodedata.normalize("NFKC", raw or "")
    return _COUNTRY_PREFIX.sub("", _SEPARATORS.sub("", text))


def validate_phone(raw: str, field: str = "联系电话") -> str:
    """Return ``13800138000``, ``0752-2808727``, ``2808727`` or ``""``; else ``UserError``."""
    number = normalize_phone(raw)
    if not number or _MOBILE.fullmatch(number):
        return number
    landline = _LANDLINE.fullmatch(number)
    if landline:
        area, local = landline.groups()
        return f"{area}-{local}" if area else local
    raise UserError(_explain(number, field), field=field)


def mask_phone(phone: str) -> str:
    """Mobile ``138****8000``; landline keeps the area code and last 3 digits."""
    number = normalize_phone(phone)
    if not number:
        return ""
    if _MOBILE.fullmatch(number):
        return number[:3] + "****" + number[-4:]
    landline = _LANDLINE.fullmatch(number)
    if landline and landline.group(1):
        area, local = landline.groups()
        return f"{area}-{_mask_tail(local, 3)}"
    return _mask_tail(number, 3)


def _mask_tail(text: str, keep: int) -> str:
    shown = min(keep, max(len(text) - 1, 0))
    return "*" * (len(text) - shown) + text[len(text) - shown :]


def _explain(number: str, field: str) -> str:
    if not number.isascii() or not number.isdigit():
        return f"{field}只能包含数字，区号后可用“-”分隔，例如 13800138000 或 0752-2808727"
    if number.startswith("1"):
        return f"{field}不是有效的手机号：手机号应为11位数字，以13–19开头"
    return f"{field}格式不正确：应为11位手机号，或固定电话（区号+7–8位号码，例如 0752-2808727）"
