"""设置 → 转办部门: the offices matters are transferred to (镇社会事务办, 县民政局, 残联 …)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ...services.window import departments
from ...services.window.departments import Department, DepartmentInput
from ..context import AppContext
from ..forms import FormErrors, save_and_accept
from ..table_model import Column
from ..widgets import dialog_buttons, note
from .ordered_choices import OrderedChoicesPage

COLUMNS = (Column("部门", lambda d: d.name), Column("联系人", lambda d: d.contact), Column("电话", lambda d: d.phone),
           Column("地址", lambda d: d.address), Column("状态", lambda d: "启用" if d.active else "已停用"))
INTRO = "转办时可选的部门。部门名称会打印在转办单上；联系人、电话和地址（可不填）也会打印，方便居民和同事联系。"


class DepartmentDialog(QDialog):
    def __init__(self, ctx: AppContext, dept: Department | None, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._dept = dept
        self.saved_id: int | None = None
        self.setWindowTitle("编辑转办部门" if dept else "新增转办部门")
        self.resize(480, 0)
        self.name_edit = QLineEdit()
        self.contact_edit = QLineEdit()
        self.phone_edit = QLineEdit(placeholderText="例如 0752-2808727")
        self.address_edit = QLineEdit()
        self.active_check = QCheckBox("启用")
        self.active_check.setChecked(True)
        form = QFormLayout()
        for label, widget in (("部门名称：", self.name_edit), ("联系人：", self.contact_edit),
                              ("电话：", self.phone_edit), ("地址：", self.address_edit), ("", self.active_check)):
            form.addRow(label, widget)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"部门名称": self.name_edit, "联系人": self.contact_edit,
                                                    "部门电话": self.phone_edit, "地址": self.address_edit})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        if dept:
            for edit, value in ((self.name_edit, dept.name), (self.contact_edit, dept.contact),
                                (self.phone_edit, dept.phone), (self.address_edit, dept.address)):
                edit.setText(value)
            self.active_check.setChecked(dept.active)

    def save(self) -> None:
        data = DepartmentInput(self.name_edit.text(), self.contact_edit.text(), self.phone_edit.text(),
                               self.address_edit.text(), self.active_check.isChecked())
        department_id = self._dept.id if self._dept else None
        save_and_accept(self, self._ctx, self.errors,
                        lambda s: departments.save_department(s, data, department_id))


class DepartmentsPage(OrderedChoicesPage):
    add_text = "新增部门…"
    max_column_width = 240

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, note(INTRO), parent)
        self.refresh()

    def load(self, session) -> list[Department]:
        return departments.list_departments(session, include_inactive=True)

    def make_dialog(self, dept: Department | None) -> DepartmentDialog:
        return DepartmentDialog(self._ctx, dept, self)

    def move_record(self, session, record_id: int, step: int) -> None:
        departments.move(session, record_id, step)

    def set_active(self, session, record_id: int, active: bool) -> None:
        departments.set_active(session, record_id, active)
