"""居民与服务对象: the whole registry in one paged list, filtered by text, village, group and status."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...domain.labels import PersonStatus
from ...services import persons
from ...services.permissions import Permission
from ...services.persons import PersonFilter, PersonRow
from ...services.targets.labels import TargetGroup
from ..context import AppContext
from ..settings.widgets import NOTE_STYLE, make_table, selected_row
from ..table_model import Column
from .common import age_text, fill_enum, village_combo
from .paged_model import PagedModel
from .person_dialog import PersonDialog

TARGETS_ONLY = "__targets__"
COLUMNS = (Column("姓名", lambda r: r.name), Column("性别", lambda r: r.sex), Column("年龄", lambda r: age_text(r.age)),
           Column("身份证号", lambda r: r.id_masked or "无"), Column("电话", lambda r: r.phone_masked),
           Column("村(居)", lambda r: r.village_name), Column("服务对象类别", lambda r: r.groups_text),
           Column("状态", lambda r: r.status.label))
WIDTHS = (90, 44, 56, 160, 110, 150, 220, 60)


def _gray(row: PersonRow) -> str | None:
    return None if row.status is PersonStatus.REGISTERED else "#80868b"


class PersonsPage(QWidget):
    """Signals ask the area to open a person's household file or a new case."""

    householdRequested = Signal(int)  # person id
    caseRequested = Signal(int)  # person id
    attachmentsRequested = Signal(str, int, str)  # owner type, id, title

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.dialog: PersonDialog | None = None
        self.search_edit = QLineEdit(placeholderText="姓名、拼音首字母、身份证号后几位或电话")
        self.search_edit.setClearButtonEnabled(True)
        self.village_filter = village_combo(ctx, "全部村(居)")
        self.group_filter = QComboBox()
        self.group_filter.addItem("全部居民", None)
        self.group_filter.addItem("仅服务对象（任一类别）", TARGETS_ONLY)
        fill_enum(self.group_filter, TargetGroup)
        self.status_filter = QComboBox()
        self.status_filter.addItem("全部状态", None)
        fill_enum(self.status_filter, PersonStatus)
        for signal in (self.search_edit.textChanged, self.village_filter.currentIndexChanged,
                       self.group_filter.currentIndexChanged, self.status_filter.currentIndexChanged):
            signal.connect(self.refresh)
        self.model = PagedModel(COLUMNS, self._load, _gray)
        self.table = make_table(self.model)
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.doubleClicked.connect(lambda *_: self.edit_person())
        self.count_label = QLabel()
        self.count_label.setStyleSheet(NOTE_STYLE)
        self._build()

    def _build(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 2)
        for combo in (self.village_filter, self.group_filter, self.status_filter):
            filters.addWidget(combo, 1)
        self.new_button, self.edit_button = QPushButton("新建居民…"), QPushButton("查看/编辑…")
        self.household_button, self.case_button = QPushButton("户档…"), QPushButton("新开个案…")
        self.files_button = QPushButton("附件…")
        buttons = QHBoxLayout()
        for button, slot in ((self.new_button, self.new_person), (self.edit_button, self.edit_person),
                             (self.household_button, lambda: self._emit(self.householdRequested)),
                             (self.case_button, lambda: self._emit(self.caseRequested)),
                             (self.files_button, self._files)):
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        self.new_button.setEnabled(self._ctx.can(Permission.PERSON_CREATE))
        self.case_button.setVisible(self._ctx.can(Permission.CASE_OPEN))
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    def current_filter(self) -> PersonFilter:
        group = self.group_filter.currentData()
        status = self.status_filter.currentData()
        return PersonFilter(text=self.search_edit.text(), village_code=self.village_filter.currentData(),
                            status=PersonStatus(status) if status else None,
                            group=TargetGroup(group) if group and group != TARGETS_ONLY else None,
                            targets_only=group == TARGETS_ONLY)

    def _load(self, ids: list[int]) -> list[PersonRow]:
        with self._ctx.session() as s:
            return persons.rows_for(s, ids)

    def refresh(self, *_args) -> None:
        with self._ctx.session() as s:
            ids = persons.search_ids(s, self.current_filter())
        self.model.set_ids(ids)
        self.count_label.setText(f"共 {len(ids):,} 人")

    def selected_id(self) -> int | None:
        row = selected_row(self.table)
        return self.model.id_at(row) if row is not None else None

    def select_person(self, person_id: int) -> None:
        row = self.model.row_of(person_id)
        while row is not None and row >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        if row is not None:
            self.table.selectRow(row)

    def _open(self, dialog: PersonDialog) -> None:
        dialog.accepted.connect(lambda: self._saved(dialog.person_id))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def new_person(self) -> None:
        self._open(PersonDialog(self._ctx, None, self, initial_name=self.search_edit.text()))

    def edit_person(self) -> None:
        pid = self.selected_id()
        if pid is not None:
            self._open(PersonDialog(self._ctx, pid, self))

    def _saved(self, person_id: int | None) -> None:
        self.refresh()
        if person_id is not None:
            self.select_person(person_id)

    def _emit(self, signal) -> None:
        pid = self.selected_id()
        if pid is not None:
            signal.emit(pid)

    def _files(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            record = self.model.row(row)
            self.attachmentsRequested.emit("person", record.id, f"{record.name}的附件")
