"""Small pieces shared by the person and target screens."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit

from ...services import station
from ..context import AppContext

NO_VILLAGE = "（未选择）"


def fill_enum(combo: QComboBox, enum, skip=()) -> QComboBox:
    for member in enum:
        if member not in skip:
            combo.addItem(member.label, member.value)
    return combo


def select_data(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def village_combo(ctx: AppContext, empty: str = NO_VILLAGE) -> QComboBox:
    combo = QComboBox()
    combo.addItem(empty, None)
    with ctx.session() as s:
        for v in station.list_villages(s):
            combo.addItem(short_village(v.name), v.code)
    return combo


def short_village(name: str) -> str:
    return name.replace("居民委员会", "社区").replace("村民委员会", "村").replace("社区居委会", "社区") \
        .replace("居委会", "")


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(to_qdate(value or date.today()))
    return edit


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(edit: QDateEdit) -> date:
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def age_text(age: int | None) -> str:
    return "" if age is None else f"{age}岁"


def is_chinese_name(text: str) -> bool:
    text = text.strip()
    return bool(text) and all(not ch.isascii() and not ch.isdigit() for ch in text)
