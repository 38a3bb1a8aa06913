"""Pieces of the person and target screens: the village combo box, ages, telling a Chinese name.

The pieces every area uses are in ui/widgets.py."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from ...domain.idcard import parse_id_number
from ...domain.phone import validate_phone
from ...errors import UserError
from ...services import station
from ..context import AppContext
from ..widgets import short_village

NO_VILLAGE = "（未选择）"


def village_combo(ctx: AppContext, empty: str = NO_VILLAGE) -> QComboBox:
    combo = QComboBox()
    combo.addItem(empty, None)
    with ctx.session() as s:
        for v in station.list_villages(s):
            combo.addItem(short_village(v.name), v.code)
    return combo


def age_text(age: int | None) -> str:
    return "" if age is None else f"{age}岁"


def is_chinese_name(text: str) -> bool:
    text = text.strip()
    return bool(text) and all(not ch.isascii() and not ch.isdigit() for ch in text)


def typed_person(text: str) -> tuple[str, str, str]:
    """What a search carries over into 新建居民: (name, ID number, phone), whichever ``text`` is (a Chinese
    name, a whole valid ID number, a phone number of 7 digits or more); ("", "", "") for pinyin or digits."""
    text = text.strip()
    if is_chinese_name(text):
        return text, "", ""
    try:
        return "", parse_id_number(text).number, ""
    except UserError:
        pass
    try:
        phone = validate_phone(text)
    except UserError:
        return "", "", ""
    return "", "", phone if sum(ch.isdigit() for ch in phone) >= 7 else ""
