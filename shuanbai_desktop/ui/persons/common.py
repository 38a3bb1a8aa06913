"""Pieces of the person and target screens: the village combo box, ages, telling a Chinese name.

The pieces every area uses are in ui/widgets.py."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

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
