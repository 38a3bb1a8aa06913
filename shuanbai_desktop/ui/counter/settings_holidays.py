"""设置 → 节假日调休表: holidays and 调休 working weekends for years the built-in calendar lacks."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from ...domain.counter_labels import HolidayKind
from ...domain.holiday_estimate import estimated_holidays
from ...domain.workdays import is_statutory_year, statutory_years
from ...errors import UserError
from ...services.window import holidays
from ...services.window.holidays import HolidayEntry
from ..context import AppContext
from ..forms import FormErrors
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import (
    WARN_STYLE,
    date_edit,
    date_value,
    fill_combo,
    note,
    push_button,
)

COLUMNS = (Column("日期", lambda e: f"{e.day:%Y-%m-%d}"), Column("星期", lambda e: e.weekday_text),
           Column("安排", lambda e: e.kind.label), Column("名称", lambda e: e.name))


def _intro() -> str:
    last = max(statutory_years())
    return (f"本程序已内置 {min(statutory_years())}—{last} 年国务院公布的法定节假日和调休安排，窗口事项的办结日期"
            f"按此计算。{last + 1} 年起的安排尚未内置：在收到国务院通知后，请在这里逐日填写放假日和调休上班的"
            "周末（填写了某年的任一天，该年即只按本表计算，请把全年填全）。未填写的年份按法定节日（元旦、春节、"
            "清明、劳动节、端午、中秋、国庆及周末补假）推算，不计调休，窗口的屏幕上会注明“推算”。")


class HolidaysPage(RecordListPage):
    max_column_width = 200

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent)
        first = max(statutory_years()) + 1
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(max(first, date.today().year))
        self.year_spin.setSuffix(" 年")
        self.year_spin.valueChanged.connect(self.refresh)
        self.year_note = note(style=WARN_STYLE)
        self.day_edit = date_edit(date(first, 1, 1))
        self.kind_combo = fill_combo(QComboBox(), ((k.value, k.label) for k in HolidayKind))
        self.name_edit = QLineEdit(placeholderText="名称，如：春节")
        self.name_edit.returnPressed.connect(self.add)
        self.add_button = push_button("添加", self.add)
        self.remove_button = push_button("删除所选", self.remove)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"日期": self.day_edit, "名称": self.name_edit})
        self._build()
        self.refresh()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("年份："))
        top.addWidget(self.year_spin)
        top.addWidget(self.year_note, 1)
        add = QHBoxLayout()
        for widget in (QLabel("日期："), self.day_edit, QLabel("安排："), self.kind_combo, self.name_edit,
                       self.add_button):
            add.addWidget(widget)
        add.addStretch(1)
        add.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note(_intro()))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(add)
        layout.addWidget(self.error_label)

    def refresh(self, *_args) -> None:
        year = self.year_spin.value()
        with self._ctx.session() as s:
            entries = holidays.list_entries(s, year)
        self.show_rows(entries)
        builtin = is_statutory_year(year)
        if builtin:
            self.year_note.setText(f"{year} 年的安排已内置，无需填写。")
        elif entries:
            self.year_note.setText("")
        else:
            days = "、".join(f"{d:%m-%d}{n}" for d, n in estimated_holidays(year).items())
            self.year_note.setText(f"{year} 年尚未填写，办结日期目前按法定节日推算（不计调休）：{days}。")
        for widget in (self.day_edit, self.kind_combo, self.name_edit, self.add_button):
            widget.setEnabled(not builtin)
        self.remove_button.setEnabled(bool(entries))
        if not builtin and date_value(self.day_edit).year != year:
            self.day_edit.setDate(date(year, 1, 1))

    def add(self) -> None:
        self.errors.clear()
        try:
            with self._ctx.session() as s:
                holidays.save_entry(s, date_value(self.day_edit), HolidayKind(self.kind_combo.currentData()),
                                    self.name_edit.text())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.refresh()
        self.day_edit.setDate(self.day_edit.date().addDays(1))  # holidays come in runs: next day, same name
        self.day_edit.setFocus()

    def row_key(self, entry: HolidayEntry) -> date:
        return entry.day

    def remove(self) -> None:
        entry = self.selected()
        if entry is not None:
            with self._ctx.session() as s:
                holidays.remove_entry(s, entry.day)
            self.refresh()
