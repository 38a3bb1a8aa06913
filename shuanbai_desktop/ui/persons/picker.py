"""选择居民: one search box (name, pinyin, ID digits, phone), results as you type, 新建居民… (F2).

Enter in the box takes the one resident found; with several found it goes into the list (↑↓, Enter or a
double-click picks), so it never takes the first of several unseen (issue 14: “0244” picked the wrong
person). F2 opens 新建居民 with what was typed carried over (a name, an ID number or a phone number)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...services import persons
from ...services.permissions import Permission
from ...services.persons import PersonFilter, PersonRow
from ..context import AppContext
from ..table_model import Column, RowsTableModel
from ..widgets import NOTE_STYLE, fit_columns, make_table, short_village
from .common import age_text
from .person_dialog import PersonDialog

RESULT_LIMIT = 30
COLUMNS = (Column("姓名", lambda r: r.name), Column("性别", lambda r: r.sex), Column("年龄", lambda r: age_text(r.age)),
           Column("身份证号", lambda r: r.id_masked or "无"), Column("村(居)", lambda r: short_village(r.village_name)))
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
HINT = "输入姓名、拼音或首字母（如 zs）、身份证号或后 4–6 位、电话查找"
PLACEHOLDER = "姓名、拼音首字母、身份证号后几位或电话"  # the whole hint is the line below the list


class PersonPicker(QWidget):
    """``personChosen(id)`` when the user picks a person (Enter, double-click, or a new record)."""

    personChosen = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._chosen: int | None = None
        self.dialog: PersonDialog | None = None
        self.search_edit = QLineEdit(placeholderText=PLACEHOLDER)
        self.search_edit.setToolTip(HINT)
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self.refresh)
        self.search_edit.installEventFilter(self)
        self.new_button = QPushButton("新建居民…（F2）")
        self.new_button.clicked.connect(self.new_person)
        self.new_button.setEnabled(ctx.can(Permission.PERSON_CREATE))
        new_key = QShortcut(QKeySequence("F2"), self)
        new_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new_key.activated.connect(self.new_person)
        self.model = RowsTableModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.setMinimumHeight(150)
        fit_columns(self.table, 200)  # the headers' own widths until results come
        self.table.doubleClicked.connect(lambda index: self.choose_row(index.row()))
        self.table.installEventFilter(self)
        self.status = QLabel(HINT)
        self.status.setStyleSheet(NOTE_STYLE)
        self.chosen_label = QLabel("尚未选择居民")
        self.chosen_label.setStyleSheet("font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.chosen_label)

    def chosen_id(self) -> int | None:
        return self._chosen

    def refresh(self, *_args) -> None:
        text = self.search_edit.text().strip()
        rows: list[PersonRow] = []
        if text:
            with self._ctx.session() as s:
                rows = persons.search(s, PersonFilter(text=text), limit=RESULT_LIMIT + 1)
        self.model.set_rows(rows[:RESULT_LIMIT])
        fit_columns(self.table, 200)
        if rows:
            self.table.selectRow(0)
        self.status.setText(self._status_text(text, len(rows)))

    def _status_text(self, text: str, found: int) -> str:
        if not text:
            return HINT
        if not found:
            return "没有找到。可换个写法再查，或按 F2 新建居民。"
        if found == 1:
            return "找到 1 位。回车选择。"
        more = f"只显示前 {RESULT_LIMIT} 位，请输入更多字缩小范围。" if found > RESULT_LIMIT else ""
        return f"找到 {min(found, RESULT_LIMIT)} 位{'以上' if more else ''}。回车进入列表，↑↓ 选人后回车（或双击）选择。{more}"

    def eventFilter(self, obj, event) -> bool:
        """Enter in the box or the list is the picker's own: it never also presses the default button of a
        dialog the picker sits in."""
        if event.type() == QEvent.Type.KeyPress and event.key() in ENTER_KEYS:
            if obj is self.table:
                self.choose_current()
                return True
            if obj is self.search_edit:
                self.enter_in_search()
                return True
        return super().eventFilter(obj, event)

    def enter_in_search(self) -> None:
        """One found: take it. Several: into the list, the first one current. None: stay (F2 creates)."""
        count = self.model.rowCount()
        if count == 1:
            self.choose_row(0)
        elif count > 1:
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            self.table.selectRow(0)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Down and self.search_edit.hasFocus() and self.model.rowCount():
            self.table.setFocus()
            return
        super().keyPressEvent(event)

    def choose_current(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.choose_row(rows[0].row())

    def choose_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.set_person(self.model.row(row).id)
            self.personChosen.emit(self._chosen)

    def set_person(self, person_id: int) -> None:
        with self._ctx.session() as s:
            row = persons.rows_for(s, [person_id])
        if not row:
            return
        self._chosen = person_id
        r = row[0]
        parts = [p for p in (r.sex, age_text(r.age), r.id_masked or "无身份证号", r.village_name) if p]
        self.chosen_label.setText(f"已选：{r.name}（{'，'.join(parts)}）")

    def new_person(self) -> None:
        if not self.new_button.isEnabled():
            return
        dialog = PersonDialog(self._ctx, None, self, typed=self.search_edit.text())
        dialog.accepted.connect(lambda: self._created(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _created(self, dialog: PersonDialog) -> None:
        if dialog.person_id is not None:
            self.set_person(dialog.person_id)
            self.personChosen.emit(dialog.person_id)
