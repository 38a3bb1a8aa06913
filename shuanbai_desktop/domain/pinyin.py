"""Pinyin search keys for Chinese personal names.

pypinyin (0.55) has no surname mode (upstream mozillazg/python-pinyin#120, #297), so
surname readings come from the tables below; the given name uses pypinyin's normal
reading with its phrase dictionary. ``ü`` is written ``v`` (lv, nv) as in input methods.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS

#: Compound surnames. 单于 is left out on purpose: 单 + a given name starting with
#: 于 (shan yu...) is far more common today than the surname Chanyu.
# fmt: off
COMPOUND_SURNAMES: dict[str, tuple[str, str]] = {
    "欧阳": ("ou", "yang"), "司马": ("si", "ma"), "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"), "司徒": ("si", "tu"), "司空": ("si", "kong"),
    "东方": ("dong", "fang"), "皇甫": ("huang", "fu"), "夏侯": ("xia", "hou"),
    "令狐": ("ling", "hu"), "公孙": ("gong", "sun"), "慕容": ("mu", "rong"),
    "尉迟": ("yu", "chi"), "长孙": ("zhang", "sun"), "宇文": ("yu", "wen"),
    "澹台": ("tan", "tai"), "万俟": ("mo", "qi"), "轩辕": ("xuan", "yuan"),
    "端木": ("duan", "mu"), "独孤": ("du", "gu"), "南宫": ("nan", "gong"),
    "西门": ("xi", "men"), "呼延": ("hu", "yan"), "闻人": ("wen", "ren"),
    "申屠": ("shen", "tu"), "太史": ("tai", "shi"), "钟离": ("zhong", "li"),
    "宗政": ("zong", "zheng"), "濮阳": ("pu", "yang"), "公冶": ("gong", "ye"),
    "赫连": ("he", "lian"), "百里": ("bai", "li"), "东郭": ("dong", "guo"),
    "拓跋": ("tuo", "ba"), "第五": ("di", "wu"), "乐正": ("yue", "zheng"),
}

#: Single-character surnames whose surname reading differs from a common reading.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou",
    "查": "zha", "覃": "qin", "冼": "xian", "洗": "xian", "盖": "ge", "缪": "miao",
    "翟": "zhai", "乐": "yue", "种": "chong", "重": "chong", "秘": "bi", "华": "hua",
    "过": "guo", "纪": "ji", "燕": "yan", "繁": "po", "石": "shi", "瞿": "qu",
    "折": "she", "那": "na", "粘": "nian", "藏": "zang", "都": "du", "六": "lu",
    "薄": "bo", "贾": "jia", "居": "ju", "盛": "sheng", "和": "he", "柏": "bai",
    "牟": "mou", "阚": "kan", "叶": "ye", "沈": "shen", "宿": "su", "卜": "bu",
    "殷": "yin", "陆": "lu", "员": "yun", "贠": "yun", "召": "shao", "句": "gou",
    "隗": "wei", "恽": "yun", "谌": "chen", "莘": "shen", "眭": "sui", "厍": "she",
    "乜": "nie", "佴": "nai", "褚": "chu", "俞": "yu", "尉": "wei", "长": "chang",
    "祭": "zhai", "车": "che", "万": "wan", "朝": "chao", "能": "nai",
}
# fmt: on

_WHITESPACE = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def name_search_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials), e.g. 张三 → ("zhangsan", "zs")."""
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", name or ""))
    surname, rest = _split_surname(text)
    tokens = surname + _tokens(rest)
    full = "".join(token for token, _ in tokens)
    initials = "".join(token[0] if is_pinyin else token for token, is_pinyin in tokens)
    return full, initials


def matches_pinyin(query: str, full: str, initials: str) -> bool:
    """True when an ASCII query occurs in ``full`` or ``initials`` (case-insensitive)."""
    text = unicodedata.normalize("NFKC", query or "").lower().replace("ü", "v")
    if not text.isascii():
        return False
    needle = _NOT_ALNUM.sub("", text)
    return any(needle in _NOT_ALNUM.sub("", key.lower()) for key in (full, initials))


def _split_surname(text: str) -> tuple[list[tuple[str, bool]], str]:
    """Surname tokens and the rest; the surname never joins a phrase with the rest."""
    if text[:2] in COMPOUND_SURNAMES:
        return [(syllable, True) for syllable in COMPOUND_SURNAMES[text[:2]]], text[2:]
    if text[:1] in SURNAME_READINGS:
        return [(SURNAME_READINGS[text[0]], True)], text[1:]
    return _tokens(text[:1]), text[1:]


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Pinyin syllables (True) and kept non-Han runs (False); unknown Han dropped."""
    tokens: list[tuple[str, bool]] = []
    for syllable in lazy_pinyin(text, style=Style.NORMAL, errors=_keep_non_han):
        tokens.append((syllable[1:], False) if syllable.startswith("\0") else (syllable, True))
    return [(token, is_pinyin) for token, is_pinyin in tokens if token]


def _keep_non_han(chars: str) -> str:
    """pypinyin callback: lowercase non-Han text (marked with NUL); skip unknown Han
    and invisible characters (control, format, unassigned). pypinyin ignores an empty result."""
    kept = "".join(ch for ch in chars if not (RE_HANS.match(ch) or _invisible(ch))).lower()
    if not kept:
        return ""
    return "\0" + kept


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch).startswith("C")
