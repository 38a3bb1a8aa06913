"""选择居民: find a person of the shared registry (name, pinyin, ID or phone digits); IDs are masked."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout

from ...services import persons
from ...services.persons import PersonFilter, PersonRow
from ..context import AppContext
from ..table_model import Column, RowsTableModel
from ..widgets import dialog_buttons, fit_columns, make_table, note, selected_row

COLUMNS = (Column("姓名", lambda p: p.name), Column("性别", lambda p: p.sex),
           Column("年龄", lambda p: "" if p.age is None else p.age, align_right=True),
           Column("身份证号", lambda p: p.id_masked), Column("村(居)", lambda p: p.village_name),
           Column("住址", lambda p: p.address))
LIMIT = 50


class PersonPickerDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.chosen: PersonRow | None = None
        self.setWindowTitle("选择居民")
        self.resize(720, 460)
        self.search_edit = QLineEdit(placeholderText="输入姓名、拼音首字母、身份证号或电话的几位")
        self.search_edit.textChanged.connect(self.refresh)
        self.model = RowsTableModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda *_: self.choose())
        self.count_label = QLabel()
        buttons, self.ok_button = dialog_buttons(self, "选择")
        self.ok_button.clicked.connect(self.choose)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(note("居民信息在居民登记中维护；这里只选择档案所属的人。"))
        layout.addWidget(buttons)

    def refresh(self, *_args) -> None:
        text = self.search_edit.text().strip()
        with self._ctx.session() as s:
            rows = persons.search(s, PersonFilter(text), LIMIT) if text else []
        self.model.set_rows(rows)
        fit_columns(self.table, 200)
        if rows:
            self.table.selectRow(0)
        self.count_label.setText(f"显示前 {LIMIT} 位，请输入更多字缩小范围。" if len(rows) == LIMIT
                                 else (f"找到 {len(rows)} 位。" if text else ""))

    def choose(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            self.chosen = self.model.row(row)
            self.accept()
