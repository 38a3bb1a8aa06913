"""Mask personal numbers in any text that leaves the program's data: log lines, tracebacks, crash details.

Greedier than the masks used on screen: anything shaped like an ID number (15 or 18 characters,
or a longer run of digits such as a bank card), a mainland mobile number or a landline with its
area code is masked wherever it stands, even glued to letters. Masking a number that only looked
like one costs nothing; leaving a real one in a log file does.
"""

from __future__ import annotations

import re

from .idcard import mask_id_number

# 15–19 digits (18-digit IDs may end in X): ID numbers, old 15-digit IDs, bank cards.
_LONG_NUMBER = re.compile(r"(?<!\d)\d{14,18}[\dXx](?!\d)")
# 138 0013 8000, 138-0013-8000, +86 13800138000, 8613800138000
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
# 0752-2808727, (0752)2808727, 020 87654321, 07522808727
_LANDLINE = re.compile(r"(?<!\d)(\(?0\d{2,3}\)?)[\s-]?([2-9]\d{2,3})[\s-]?(\d{4})(?!\d)")


def _mask_mobile(match: re.Match) -> str:
    return f"{match.group(1)}****{match.group(3)}"


def _mask_landline(match: re.Match) -> str:
    return f"{match.group(1)}-****{match.group(3)[-3:]}"


def redact_text(text: str) -> str:
    """``text`` with ID-like numbers, mobiles and landlines masked."""
    if not text:
        return text or ""
    masked = _LONG_NUMBER.sub(lambda m: mask_id_number(m.group()), text)
    masked = _MOBILE.sub(_mask_mobile, masked)
    return _LANDLINE.sub(_mask_landline, masked)
