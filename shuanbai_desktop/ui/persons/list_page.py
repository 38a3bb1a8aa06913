"""居民与服务对象: the whole registry in one paged list, filtered by text, village, group and status."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout

from ...domain.labels import PersonStatus
from ...domain.target_labels import TargetGroup
from ...services import persons
from ...services.permissions import Permission
from ...services.persons import PersonFilter, PersonOrder, PersonRow
from ..context import AppContext
from ..record_list import RecordListPage, count_label, filter_bars
from ..table_model import Column
from ..widgets import GREY, fill_enum, push_button, selected_row
from .common import age_text, village_combo
from .paged_model import PagedModel
from .person_dialog import PersonDialog

TARGETS_ONLY = "__targets__"
# The headers sort through the database (services/persons.SORT_KEYS); 身份证号 and 电话 do not (their order
# would tell the masked digits), nor 服务对象类别 (several per person).
COLUMNS = (Column("姓名", lambda r: r.name, order="name"), Column("性别", lambda r: r.sex, order="sex"),
           Column("年龄", lambda r: age_text(r.age), order="age"),
           Column("身份证号", lambda r: r.id_masked or "无"), Column("电话", lambda r: r.phone_masked),
           Column("村(居)", lambda r: r.village_name, order="village"),
           Column("服务对象类别", lambda r: r.groups_text), Column("状态", lambda r: r.status.label, order="status"))
WIDTHS = (90, 44, 56, 160, 110, 150, 220, 60)


def _gray(row: PersonRow) -> str | None:
    return None if row.status is PersonStatus.REGISTERED else GREY


class PersonsPage(RecordListPage):
    """Signals ask the area to open a person's household file or a new case."""

    householdRequested = Signal(int)  # person id
    caseRequested = Signal(int)  # person id
    attachmentsRequested = Signal(str, int, str)  # owner type, id, title

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, parent=parent, model=PagedModel(COLUMNS, self._load, _gray))
        self.model.reorder = self.refresh
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
        for column, width in enumerate(WIDTHS):
            self.table.setColumnWidth(column, width)
        self.count_label = count_label()
        self.new_button = push_button("新建居民…", self.new_person)
        self.edit_button = push_button("查看/编辑…", self.edit_person)
        self.household_button = push_button("户档…", self.ask_household)
        self.case_button = push_button("新开个案…", self.ask_case)
        self.files_button = push_button("附件…", self._files)
        self.new_button.setEnabled(ctx.can(Permission.PERSON_CREATE))
        self.case_button.setVisible(ctx.can(Permission.CASE_OPEN))
        layout = QVBoxLayout(self)
        filters = [self.search_edit, self.village_filter, self.group_filter, self.status_filter]
        buttons = [self.new_button, self.edit_button, self.household_button, self.case_button, self.files_button]
        layout.addLayout(filter_bars(filters, buttons, self.count_label))
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

    def current_order(self) -> PersonOrder | None:
        if self.model.order is None:
            return None
        key, descending = self.model.order
        return PersonOrder(key, descending)

    def refresh(self, *_args) -> None:
        with self._ctx.session() as s:
            ids = persons.search_ids(s, self.current_filter(), order=self.current_order())
        self.model.set_ids(ids)
        self.count_label.setText(f"共 {len(ids):,} 人")

    def selected_id(self) -> int | None:
        row = selected_row(self.table)
        return self.model.id_at(row) if row is not None else None

    def select_person(self, person_id: int) -> None:
        row = self.model.row_of(person_id)
        if row is not None:
            self.table.selectRow(row)

    def open_selected(self) -> None:
        self.edit_person()

    def _open(self, dialog: PersonDialog) -> None:
        self.open_dialog(dialog, lambda: self._saved(dialog.person_id))

    def new_person(self) -> None:
        self._open(PersonDialog(self._ctx, None, self, typed=self.search_edit.text()))

    def edit_person(self) -> None:
        pid = self.selected_id()
        if pid is not None:
            self._open(PersonDialog(self._ctx, pid, self))

    def _saved(self, person_id: int | None) -> None:
        self.refresh()
        if person_id is not None:
            self.select_person(person_id)

    def ask_household(self) -> None:
        pid = self.selected_id()
        if pid is not None:
            self.householdRequested.emit(pid)

    def ask_case(self) -> None:
        pid = self.selected_id()
        if pid is not None:
            self.caseRequested.emit(pid)

    def _files(self) -> None:
        row = selected_row(self.table)
        if row is not None:
            record = self.model.row(row)
            self.attachmentsRequested.emit("person", record.id, f"{record.name}的附件")
