"""China resident identity numbers (GB 11643-1999): parse, validate, mask, generate.

The check digit (ISO 7064 MOD 11-2) comes from ``stdnum.cn.ric``. Its ``validate()`` is
not used: it also checks the region against a historical county table, which rejects
real numbers from renamed counties and raises ``KeyError`` for some codes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from shuanbai_desktop.errors import UserError

FIELD = "身份证号"

#: Earliest accepted birth year. The 18-digit format can encode the 1800s and some
#: published test numbers use them (e.g. 440524188001010014).
MIN_BIRTH_YEAR = 1800

#: Province-level codes of GB/T 2260, plus 71 Taiwan and 81/82/83 (HK/Macau/Taiwan
#: residence permits).
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23"}
    | {"31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54"}
    | {"61", "62", "63", "64", "65", "71", "81", "82", "83"}
)

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_SHAPE = re.compile(r"[0-9]*[0-9X]")


@dataclass(frozen=True)
class IdNumberInfo:
    """A valid ID number and what it encodes."""

    number: str
    birth_date: date
    sex: str
    region_code: str
    converted_from_15: bool


def normalize_id_number(raw: str) -> str:
    """Full-width to ASCII, drop spaces and hyphens, ``x`` to ``X``."""
    text = unicodedata.normalize("NFKC", raw or "")
    return _SEPARATORS.sub("", text).replace("x", "X")


def parse_id_number(raw: str, today: date | None = None) -> IdNumberInfo:
    """Validate an 18- or legacy 15-digit number; raise ``UserError`` naming the rule."""
    number = normalize_id_number(raw)
    _check_shape(number)
    converted = len(number) == 15
    if converted:
        number = _upgrade_15(number)
    _check_region(number)
    birth = _check_birth_date(number, today or date.today())
    if _check_digit(number) != number[-1]:
        raise _error("身份证号校验位错误，请核对最后一位")
    return IdNumberInfo(
        number=number,
        birth_date=birth,
        sex=sex_from_number(number),
        region_code=number[:6],
        converted_from_15=converted,
    )


def is_valid_id_number(raw: str, today: date | None = None) -> bool:
    """True when ``parse_id_number`` would accept ``raw``."""
    try:
        parse_id_number(raw, today)
    except UserError:
        return False
    return True


def sex_from_number(number: str) -> str:
    """Return "男" if the sequence digit (17th of 18, 15th of 15) is odd, else "女"."""
    digit = number[16] if len(number) == 18 else number[14]
    return "男" if int(digit) % 2 else "女"


def age_on(birth: date, on: date) -> int:
    """Full years from ``birth`` to ``on``; a 29 February birthday counts from 1 March."""
    if on < birth:
        raise ValueError("on is before birth")
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(before_birthday)


def mask_id_number(number: str) -> str:
    """Keep the first 6 and last 4 characters; short strings keep only the last 2."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * max(len(number) - 2, 0) + number[-2:]
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make_id_number(region_code: str, birth: date, seq: int) -> str:
    """Build a valid 18-digit number; odd ``seq`` gives a man, even a woman.

    Raises ``ValueError`` for a malformed region, ``seq`` out of range, an unknown
    province, or a birth date ``parse_id_number`` would reject (future, too early).
    """
    if not (len(region_code) == 6 and region_code.isascii() and region_code.isdigit()):
        raise ValueError(f"region_code must be 6 digits, got {region_code!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"seq must be 0-999, got {seq}")
    body = f"{region_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    number = body + _check_digit(body + "0")
    try:
        parse_id_number(number)
    except UserError as exc:
        raise ValueError(f"cannot build a valid number: {exc.message}") from exc
    return number


def _error(message: str) -> UserError:
    return UserError(message, field=FIELD)


def _check_shape(number: str) -> None:
    if not number:
        raise _error("身份证号不能为空")
    if not _SHAPE.fullmatch(number) or (len(number) != 18 and number.endswith("X")):
        raise _error("身份证号只能包含数字，只有18位号码的最后一位可以是X")
    if len(number) not in (15, 18):
        raise _error(f"身份证号应为18位（或旧版15位），现在是{len(number)}位")


def _upgrade_15(number: str) -> str:
    body = number[:6] + "19" + number[6:]
    return body + _check_digit(body + "0")


def _check_region(number: str) -> None:
    province = number[1:3] if number[0] == "9" else number[:2]
    if province not in PROVINCE_CODES:
        raise _error("身份证号前两位不是有效的省级地区代码")


def _check_birth_date(number: str, today: date) -> date:
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _error("身份证号中的出生日期无效") from None
    if birth > today:
        raise _error("身份证号中的出生日期晚于今天，请核对")
    if birth.year < MIN_BIRTH_YEAR:
        raise _error(f"身份证号中的出生年份早于{MIN_BIRTH_YEAR}年，请核对")
    return birth


def _check_digit(number: str) -> str:
    """The GB 11643 check digit (python-stdnum), imported on first use: the log redaction imports
    this module before the GUI's first window (docs/decisions.md, “Start-up”)."""
    from stdnum.cn import ric
    return ric.calc_check_digit(number)
