"""Password rules: length, letters and digits, not the user name, and not easy to guess (zxcvbn).

zxcvbn estimates how many guesses a password takes (common passwords, keyboard rows, repeats,
sequences, years, dictionary words with digits). A score below ``MIN_SCORE`` (fewer than 10^8
guesses) is refused. Its feedback is English, so the reason shown is chosen here, in Chinese,
from the kind of pattern that made the password weak.
"""

from __future__ import annotations

import unicodedata

from ..errors import UserError

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn 3: "safely unguessable", about 10^8 guesses or more
ZXCVBN_MAX = 72  # zxcvbn refuses longer input; a longer password is judged by its first 72 characters
NAME_MIN = 3  # a user name this long or longer may not appear in the password as it is

# Pinyin and digits that zxcvbn's (English) lists do not know but Chinese users pick often.
CHINESE_COMMON = ("woaini", "5201314", "1314520", "1314", "mima", "wodemima", "nihao", "zhongguo",
                  "guangdong", "huizhou", "zhanzhang", "admin", "administrator")

PASSWORD_RULES = ("密码至少 8 位，须同时包含字母和数字，不能包含用户名，"
                  "也不能是常见密码、键盘顺序、重复或连续的字符。")

_REASONS = {
    "spatial": "含有键盘上连着的按键，如 qwerty、1qaz",
    "repeat": "含有重复的字符，如 aaaa、abcabc",
    "sequence": "含有连续的字母或数字，如 abcd、6543",
    "regex": "含有年份",
    "date": "含有日期",
    "passwords": "是常见密码或与常见密码相似",
    "user_inputs": "含有用户名或姓名",
    "common": "含有常见的拼音或数字组合，如 woaini、5201314",
    "words": "只是一个常见单词或人名加上数字",
}


def normalize_password(password: str) -> str:
    """NFKC, so that full-width digits and letters typed with a Chinese input method still match."""
    return unicodedata.normalize("NFKC", password)


def check_password(password: str, username: str, other_inputs: tuple[str, ...] = ()) -> None:
    """Raise a Chinese ``UserError`` (field 密码) when the password breaks a rule.

    ``other_inputs`` are further words the password must not lean on (the display name).
    """
    pw = normalize_password(password)
    if len(pw) < MIN_LENGTH:
        raise UserError(f"密码至少需要 {MIN_LENGTH} 位。", field="密码")
    if len(pw) > MAX_LENGTH:
        raise UserError(f"密码不能超过 {MAX_LENGTH} 位。", field="密码")
    if not any(c.isalpha() for c in pw) or not any(c.isdigit() for c in pw):
        raise UserError("密码需同时包含字母和数字。", field="密码")
    name = username.strip().lower()
    if len(name) >= NAME_MIN and name in pw.lower():
        raise UserError("密码不能包含用户名。", field="密码")
    personal = [text.strip().lower() for text in (username, *other_inputs) if text and text.strip()]
    reason = weakness(pw, personal)
    if reason:
        raise UserError(f"密码太容易被猜到（{reason}），请换一个更长、更不规则的密码。", field="密码")


def weakness(password: str, personal: list[str]) -> str:
    """The Chinese reason a password is too easy to guess, or "" when zxcvbn's score is high enough."""
    from zxcvbn import zxcvbn  # here, not at import: the log-in window shows before it is needed
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=[*personal, *CHINESE_COMMON])
    if result["score"] >= MIN_SCORE:
        return ""
    return _reason(result["sequence"], set(personal))


def _reason(sequence: list[dict], personal: set[str]) -> str:
    """The kind of the longest recognised pattern, as zxcvbn's own feedback chooses it."""
    matches = [m for m in sequence if m.get("pattern") != "bruteforce"]
    if not matches:
        return "太简单"
    longest = max(matches, key=lambda m: len(m["token"]))
    pattern = longest["pattern"]
    if pattern != "dictionary":
        return _REASONS.get(pattern, "太简单")
    source = longest.get("dictionary_name", "")
    if source == "user_inputs":
        word = longest.get("matched_word", "")
        return _REASONS["user_inputs"] if word in personal else _REASONS["common"]
    if source == "passwords":
        return _REASONS["passwords"]
    return _REASONS["words"]
