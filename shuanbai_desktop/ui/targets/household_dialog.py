"""建立/编辑户档: members with their relationship to the head, housing, income sources, the worker."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.target_labels import Housing, HousingCondition, IncomeSource, Relation
from ...errors import UserError
from ...services import persons
from ...services.targets import households
from ...services.targets.households import HouseholdInput, IncomeInput, MemberInput
from ..context import AppContext
from ..forms import FormErrors
from ..persons.common import village_combo
from ..persons.picker import PersonPicker
from ..widgets import KindAmountRows, dialog_buttons, fill_enum, note, select_data
from .widgets import worker_combo

ID_ROLE = 256


class MembersEditor(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["姓名", "与户主关系", "身份证号", "服务对象类别"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 110)
        self.table.setColumnWidth(1, 120)
        self.table.setColumnWidth(2, 160)
        self.picker = PersonPicker(ctx)
        self.picker.personChosen.connect(self.add_member)
        self.remove_button = QPushButton("移出所选成员")
        self.remove_button.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        row = QHBoxLayout()
        row.addWidget(note("在下面查找居民并回车（或双击）加入本户；还没登记的，点“新建居民…”。"), 1)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        layout.addWidget(self.picker, 2)

    def add_member(self, person_id: int, relation: Relation | None = None) -> None:
        if person_id in self.member_ids():
            return
        with self._ctx.session() as s:
            r = persons.rows_for(s, [person_id])[0]
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(r.name)
        name.setData(ID_ROLE, person_id)
        self.table.setItem(row, 0, name)
        combo = fill_enum(QComboBox(), Relation)
        select_data(combo, (relation or (Relation.HEAD if row == 0 else Relation.OTHER)).value)
        self.table.setCellWidget(row, 1, combo)
        self.table.setItem(row, 2, QTableWidgetItem(r.id_masked or "无"))
        self.table.setItem(row, 3, QTableWidgetItem(r.groups_text))

    def member_ids(self) -> list[int]:
        return [self.table.item(r, 0).data(ID_ROLE) for r in range(self.table.rowCount())]

    def members(self) -> tuple[MemberInput, ...]:
        return tuple(MemberInput(self.table.item(r, 0).data(ID_ROLE), Relation(self.table.cellWidget(r, 1).currentData()))
                     for r in range(self.table.rowCount()))

    def set_relation(self, person_id: int, relation: Relation) -> None:
        row = self.member_ids().index(person_id)
        select_data(self.table.cellWidget(row, 1), relation.value)


class IncomesEditor(KindAmountRows):
    """收入来源: one row per source (source, yearly amount, note)."""

    def __init__(self, parent=None):
        super().__init__(IncomeSource, IncomeSource.WAGES, ("收入来源", "年收入（元）", "说明"), "添加收入来源", 120, parent)

    def values(self) -> tuple[IncomeInput, ...]:
        return tuple(IncomeInput(source, amount, note) for source, amount, note in self.rows())


class HouseholdDialog(QDialog):
    """After ``exec()``/``open()`` is accepted, ``household_id`` is the saved household."""

    def __init__(self, ctx: AppContext, household_id: int | None = None, first_person: int | None = None,
                 parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.household_id = household_id
        self._version: int | None = None  # the record's version when the form was filled
        self.setWindowTitle("编辑户档" if household_id else "建立户档（一户一档）")
        self.resize(780, 640)
        self.members = MembersEditor(ctx)
        self.name_edit = QLineEdit(placeholderText="不填则为“户主姓名+户”")
        self.village_combo = village_combo(ctx, "（同户主）")
        self.address_edit = QLineEdit(placeholderText="不填则同户主住址")
        self.housing_combo = fill_enum(QComboBox(), Housing)
        self.condition_combo = fill_enum(QComboBox(), HousingCondition)
        self.housing_note = QLineEdit(placeholderText="面积、结构、安全隐患等")
        self.worker = worker_combo(ctx)
        self.notes_edit = QLineEdit()
        self.incomes = IncomesEditor()
        basics = QWidget()
        form = QFormLayout(basics)
        for label, widget in (("户名：", self.name_edit), ("村(居)：", self.village_combo), ("住址：", self.address_edit),
                              ("住房：", self.housing_combo), ("住房状况：", self.condition_combo),
                              ("住房说明：", self.housing_note), ("负责社工：", self.worker),
                              ("收入来源：", self.incomes), ("备注：", self.notes_edit)):
            form.addRow(label, widget)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.members, "家庭成员")
        self.tabs.addTab(basics, "住房与收入")
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "家庭成员": self.members.table, "户名": self.name_edit, "住址": self.address_edit,
            "住房说明": self.housing_note, "备注": self.notes_edit,
            **{f"{s.label}年收入": self.incomes.table for s in IncomeSource}, "收入说明": self.incomes.table})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        if household_id:
            self._load(household_id)
        elif first_person:
            self.members.add_member(first_person, Relation.HEAD)

    def _load(self, household_id: int) -> None:
        with self._ctx.session() as s:
            info = households.get_household(s, household_id)
        self._version = info.version
        for m in info.members:
            self.members.add_member(m.person_id, m.relation)
        self.name_edit.setText(info.name)
        select_data(self.village_combo, info.village_code)
        self.address_edit.setText(info.address)
        select_data(self.housing_combo, info.housing.value)
        select_data(self.condition_combo, info.housing_condition.value)
        self.housing_note.setText(info.housing_note)
        select_data(self.worker, info.worker_id)
        self.notes_edit.setText(info.notes)
        for i in info.incomes:
            self.incomes.add_row(i.source, "" if i.yearly_amount is None else f"{i.yearly_amount}", i.note)

    def input(self) -> HouseholdInput:
        return HouseholdInput(self.members.members(), self.name_edit.text(), self.village_combo.currentData(),
                              self.address_edit.text(), Housing(self.housing_combo.currentData()),
                              HousingCondition(self.condition_combo.currentData()), self.housing_note.text(),
                              self.worker.currentData(), self.notes_edit.text(), self.incomes.values())

    def save(self) -> None:
        self.errors.clear()
        try:
            with self._ctx.session() as s:
                self.household_id = households.save_household(s, self.input(), self.household_id,
                                                              version=self._version)
        except UserError as exc:
            self.tabs.setCurrentIndex(0 if exc.field == "家庭成员" else 1)
            self.errors.show(exc)
            return
        self.accept()
