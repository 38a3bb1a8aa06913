"""办理离职: the handover list of everything in the worker's name, a receiver for each item
(or one for all), the leaving date and reason; confirmed in one audited transaction."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
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
    QVBoxLayout,
)

from ...services.staff import roster
from ...services.staff.handover import HandoverItem, Move, handover_list
from ...services.staff.leaving import LeaveInput, leave_station
from ...services.staff.roster import StaffRow
from ..context import AppContext
from ..forms import FormErrors, run_write
from ..widgets import date_edit, date_value, dialog_buttons, note

HEADERS = ("类别", "事项", "接收人")


class LeaveDialog(QDialog):
    def __init__(self, ctx: AppContext, staff: StaffRow, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._staff = staff
        self.setWindowTitle(f"办理离职 — {staff.name}")
        self.resize(820, 600)
        with ctx.session() as s:
            self.items: list[HandoverItem] = handover_list(s, staff.id)
            self._receivers = [(r.id, f"{r.name}（{r.role_text}{'，' + r.point_name if r.point_name else ''}）")
                               for r in roster.list_staff(s) if r.id != staff.id]
        self._build()

    def _build(self) -> None:
        self.date_edit = date_edit()
        self.reason_edit = QLineEdit(placeholderText="如：个人辞职、合同期满不再续聘、调离")
        self.reason_edit.setMaxLength(200)
        self.disable_check = QCheckBox("同时停用其登录账户" + ("" if self._staff.username else "（未关联账户）"))
        self.disable_check.setChecked(bool(self._staff.username))
        self.disable_check.setEnabled(bool(self._staff.username))
        form = QFormLayout()
        form.addRow("离职日期：", self.date_edit)
        form.addRow("离职原因：", self.reason_edit)
        form.addRow("", self.disable_check)
        self.all_combo = self._receiver_combo()
        self.apply_button = QPushButton("全部交给此人")
        self.apply_button.clicked.connect(self.apply_all)
        all_row = QHBoxLayout()
        all_row.addWidget(QLabel("一并移交给："))
        all_row.addWidget(self.all_combo, 1)
        all_row.addWidget(self.apply_button)
        self.table = self._make_table()
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"离职日期": self.date_edit, "离职原因": self.reason_edit,
                                                    "接收人": self.table})
        buttons, self.save_button = dialog_buttons(self, "确认离职")
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        title = f"交接清单：{len(self.items)} 项" if self.items else "交接清单：名下没有需要移交的事项。"
        layout.addWidget(QLabel(f"<b>{title}</b>"))
        if self.items:
            layout.addLayout(all_row)
            layout.addWidget(self.table, 1)
        layout.addWidget(note("确认后：名下事项转给所选接收人，人员状态改为“离职”，仍在履行的劳动合同记为已解除，"
                              "全部记入操作日志。个案、户档和窗口事项按登录账户记录，接收人须已关联登录账户。"))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _receiver_combo(self) -> QComboBox:
        combo = QComboBox()
        combo.addItem("（请选择接收人）", None)
        for staff_id, text in self._receivers:
            combo.addItem(text, staff_id)
        return combo

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(len(self.items), len(HEADERS))
        table.setHorizontalHeaderLabels(HEADERS)
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, item in enumerate(self.items):
            for col, text in enumerate((item.kind, item.title)):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                table.setItem(row, col, cell)
            table.setCellWidget(row, 2, self._receiver_combo())
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(2, 300)
        return table

    def receiver_combo(self, row: int) -> QComboBox:
        return self.table.cellWidget(row, 2)

    def apply_all(self) -> None:
        for row in range(len(self.items)):
            combo = self.receiver_combo(row)
            combo.setCurrentIndex(combo.findData(self.all_combo.currentData()))

    def moves(self) -> tuple[Move, ...]:
        out = []
        for row, item in enumerate(self.items):
            to = self.receiver_combo(row).currentData()
            if to is not None:
                out.append(Move(item.source, item.item_id, to))
        return tuple(out)

    def save(self) -> None:
        self.errors.clear()
        data = LeaveInput(date_value(self.date_edit), self.reason_edit.text(), self.moves(),
                          self.disable_check.isChecked())
        if run_write(self._ctx, self, lambda s: leave_station(s, self._staff.id, data), self.errors):
            self.accept()
