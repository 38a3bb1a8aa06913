"""设置 → 转办部门: the offices matters are transferred to (镇社会事务办, 县民政局, 残联 …)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services.window import departments
from ...services.window.departments import Department, DepartmentInput
from .. import messages
from ..context import AppContext
from ..forms import FormErrors
from ..settings.widgets import TooltipRowsModel, button_row, dialog_buttons, fit_columns, make_table, note
from ..table_model import Column

COLUMNS = (Column("部门", lambda d: d.name), Column("联系人", lambda d: d.contact), Column("电话", lambda d: d.phone),
           Column("地址", lambda d: d.address), Column("状态", lambda d: "启用" if d.active else "已停用"))
INTRO = "转办时可选的部门。部门名称会打印在转办单上；联系人、电话和地址（可不填）也会打印，方便居民和同事联系。"


class DepartmentDialog(QDialog):
    def __init__(self, ctx: AppContext, dept: Department | None, parent=None):
        super().__init__(parent)
        self._ctx, self._dept = ctx, dept
        self.saved_id: int | None = None
        self.setWindowTitle("编辑转办部门" if dept else "新增转办部门")
        self.resize(480, 0)
        self.name_edit, self.contact_edit = QLineEdit(), QLineEdit()
        self.phone_edit, self.address_edit = QLineEdit(placeholderText="例如 0752-2808727"), QLineEdit()
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
        self.errors.clear()
        data = DepartmentInput(self.name_edit.text(), self.contact_edit.text(), self.phone_edit.text(),
                               self.address_edit.text(), self.active_check.isChecked())
        try:
            with self._ctx.session() as s:
                self.saved_id = departments.save_department(s, data, self._dept.id if self._dept else None)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()


class DepartmentsPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.dialog: DepartmentDialog | None = None
        self.model = TooltipRowsModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda *_: self.edit())
        self.buttons = [QPushButton(t) for t in ("新增部门…", "编辑…", "上移", "下移", "停用/启用")]
        for button, slot in zip(self.buttons, (lambda: self._open(None), self.edit, lambda: self.move(-1),
                                               lambda: self.move(1), self.toggle), strict=True):
            button.clicked.connect(slot)
        layout = QVBoxLayout(self)
        layout.addWidget(note(INTRO))
        layout.addWidget(self.table, 1)
        layout.addLayout(button_row(*self.buttons))
        self.refresh()

    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id or (self.selected().id if self.selected() else None)
        with self._ctx.session() as s:
            self.model.set_rows(departments.list_departments(s, include_inactive=True))
        fit_columns(self.table, 240)
        ids = [d.id for d in self.model.rows]
        if keep in ids:
            self.table.selectRow(ids.index(keep))

    def selected(self) -> Department | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def edit(self) -> None:
        if self.selected():
            self._open(self.selected())

    def _open(self, dept: Department | None) -> None:
        self.dialog = DepartmentDialog(self._ctx, dept, self)
        self.dialog.accepted.connect(lambda: self.refresh(self.dialog.saved_id))
        self.dialog.open()

    def move(self, step: int) -> None:
        dept = self.selected()
        if dept:
            with self._ctx.session() as s:
                departments.move(s, dept.id, step)
            self.refresh(dept.id)

    def toggle(self) -> None:
        dept = self.selected()
        if dept:
            messages.attempt(self, lambda: self._set_active(dept.id, not dept.active))
            self.refresh(dept.id)

    def _set_active(self, dept_id: int, active: bool) -> None:
        with self._ctx.session() as s:
            departments.set_active(s, dept_id, active)
