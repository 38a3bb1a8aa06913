"""Pieces of the staff screens: an optional typed date, enum combos, the year, staff and village checklists.

The pieces every area uses are in ui/widgets.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.dates import parse_date
from ..widgets import checked_keys, fill_checklist, list_items, set_checked


class OptionalDate(QLineEdit):
    """A date that may stay empty: typed as 2024-03-05, 2024/3/5 or 2024年3月5日."""

    def __init__(self, field: str, placeholder: str = "如 2024-03-05，可不填", parent=None):
        super().__init__(parent)
        self.field = field
        self.setPlaceholderText(placeholder)
        self.setMaxLength(20)

    def value(self) -> date | None:
        return parse_date(self.text(), self.field) if self.text().strip() else None

    def set_value(self, value: date | None) -> None:
        self.setText(f"{value:%Y-%m-%d}" if value else "")


def enum_combo(enum, skip: Sequence = ()) -> QComboBox:
    combo = QComboBox()
    for member in enum:
        if member not in skip:
            combo.addItem(member.label, member)
    return combo


def year_spin(value: int | None = None, minimum: int = 2021) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(minimum, date.today().year + 1)
    spin.setValue(value or date.today().year)
    spin.setSuffix(" 年")
    return spin


class StaffChecklist(QWidget):
    """Tick the workers who took part (培训/督导): a filter box, 全选 and 全不选."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.filter_edit = QLineEdit(placeholderText="输入姓名筛选")
        self.filter_edit.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.all_button = QPushButton("全选")
        self.none_button = QPushButton("全不选")
        self.all_button.clicked.connect(lambda: self._set_all(True))
        self.none_button.clicked.connect(lambda: self._set_all(False))
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.all_button)
        top.addWidget(self.none_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)

    def set_people(self, people: Sequence[tuple[int, str]], checked: Sequence[int] = ()) -> None:
        fill_checklist(self.list, people, checked)

    def _items(self) -> list[QListWidgetItem]:
        return list_items(self.list)

    def checked_ids(self) -> tuple[int, ...]:
        return checked_keys(self.list)

    def set_checked(self, ids: Sequence[int]) -> None:
        set_checked(self.list, ids)

    def _set_all(self, checked: bool) -> None:
        for item in self._items():
            if not item.isHidden():
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _filter(self, text: str) -> None:
        for item in self._items():
            item.setHidden(bool(text.strip()) and text.strip() not in item.text())


class VillageChecklist(QListWidget):
    """The station's villages with check boxes (the villages a worker serves)."""

    def __init__(self, villages: Sequence[tuple[str, str]], parent=None):
        super().__init__(parent)
        fill_checklist(self, villages)

    def set_checked(self, codes: Sequence[str]) -> None:
        set_checked(self, codes)
        for item in list_items(self):
            if item.checkState() == Qt.CheckState.Checked:
                self.scrollToItem(item)
                break

    def checked(self) -> tuple[str, ...]:
        return checked_keys(self)
