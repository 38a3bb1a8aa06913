"""设置 → 薪酬标准表: the county's pay levels (by certificate and seniority) and the 四险一金 rates."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ...domain.staff_labels import Certificate, Insurance
from ...services.staff import pay_table
from ...services.staff.pay_table import PayLevelInput, PayLevelRow
from .. import messages
from ..context import AppContext
from ..forms import FormErrors, run_write
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import button_row, dialog_buttons, money, note, push_button, select_data
from .widgets import enum_combo

COLUMNS = (Column("等级", lambda r: r.name), Column("证书要求", lambda r: r.certificate.label),
           Column("最低工龄", lambda r: f"{r.min_years} 年", align_right=True),
           Column("基本工资（元/月）", lambda r: money(r.base_pay), align_right=True),
           Column("绩效工资标准（元/月）", lambda r: money(r.performance_standard), align_right=True),
           Column("合计", lambda r: money(r.monthly_total), align_right=True),
           Column("在岗人数", lambda r: r.used_by, align_right=True), Column("说明", lambda r: r.notes))


class LevelDialog(QDialog):
    def __init__(self, ctx: AppContext, row: PayLevelRow | None, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._row = row
        self.setWindowTitle("修改薪酬等级" if row else "新增薪酬等级")
        self.resize(460, 300)
        self.name_edit = QLineEdit(row.name if row else "", placeholderText="如：三级")
        self.cert_combo = enum_combo(Certificate)
        select_data(self.cert_combo, row.certificate if row else Certificate.ASSISTANT)
        self.years_spin = QSpinBox()
        self.years_spin.setRange(0, 50)
        self.years_spin.setSuffix(" 年")
        self.years_spin.setValue(row.min_years if row else 0)
        self.base_edit = QLineEdit(f"{row.base_pay:.2f}" if row else "")
        self.perf_edit = QLineEdit(f"{row.performance_standard:.2f}" if row else "")
        self.notes_edit = QLineEdit(row.notes if row else "")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, widget in (("等级名称：", self.name_edit), ("证书要求：", self.cert_combo),
                              ("最低工龄：", self.years_spin), ("基本工资（元/月）：", self.base_edit),
                              ("绩效工资标准（元/月）：", self.perf_edit), ("说明：", self.notes_edit)):
            form.addRow(label, widget)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"等级名称": self.name_edit, "最低工龄": self.years_spin,
                                                    "基本工资": self.base_edit, "绩效工资标准": self.perf_edit,
                                                    "说明": self.notes_edit})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def save(self) -> None:
        self.errors.clear()
        data = PayLevelInput(self.name_edit.text(), self.cert_combo.currentData(), self.years_spin.value(),
                             self.base_edit.text(), self.perf_edit.text(), self.notes_edit.text())
        record_id = self._row.id if self._row else None
        if run_write(self._ctx, self, lambda s: pay_table.save_level(s, data, record_id), self.errors):
            self.accept()


class PayTablePage(RecordListPage):
    max_column_width = 200

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent)
        self.add_button = push_button("新增等级…", self.add)
        self.edit_button = push_button("修改…", self.edit)
        self.delete_button = push_button("删除", self.delete)
        levels = QGroupBox("县(区)社工站持证社工薪酬标准")
        inner = QVBoxLayout(levels)
        inner.addLayout(button_row(self.add_button, self.edit_button, self.delete_button))
        inner.addWidget(self.table, 1)
        inner.addWidget(note("按本县(区)社工站持证社工薪酬待遇管理办法录入：每个等级的证书要求、最低工龄和每月金额。"
                             "人员档案中按证书和工龄给出建议等级。"))
        layout = QVBoxLayout(self)
        layout.addWidget(levels, 1)
        layout.addWidget(self._rates_box())
        layout.addWidget(self.notice)
        self.refresh()

    def _rates_box(self) -> QGroupBox:
        box = QGroupBox("四险一金缴费比例（%）")
        grid = QGridLayout(box)
        self.rate_edits: dict[tuple[Insurance, int], QLineEdit] = {}
        grid.addWidget(QLabel("单位"), 1, 0)
        grid.addWidget(QLabel("个人"), 2, 0)
        for col, kind in enumerate(Insurance, 1):
            grid.addWidget(QLabel(kind.label), 0, col)
            for part in (0, 1):
                edit = QLineEdit()
                edit.setMaximumWidth(90)
                self.rate_edits[(kind, part)] = edit
                grid.addWidget(edit, part + 1, col)
        self.rates_button = QPushButton("保存缴费比例")
        self.rates_button.clicked.connect(self.save_rates)
        self.rates_error = QLabel()
        self.rates_errors = FormErrors(self.rates_error, {
            f"{k.label}{'单位' if p == 0 else '个人'}": e for (k, p), e in self.rate_edits.items()})
        grid.addWidget(self.rates_button, 1, len(Insurance) + 1)
        grid.addWidget(self.rates_error, 3, 0, 1, len(Insurance) + 2)
        return box

    def refresh(self) -> None:
        with self._ctx.session() as s:
            rows = pay_table.list_levels(s)
            rates = pay_table.get_rates(s)
        self.show_rows(rows)
        for (kind, part), edit in self.rate_edits.items():
            edit.setText(f"{rates[kind][part].normalize():f}")

    def open_selected(self) -> None:
        self.edit()

    def add(self) -> LevelDialog:
        return self.open_dialog(LevelDialog(self._ctx, None, self), "已保存薪酬等级。")

    def edit(self) -> LevelDialog | None:
        row = self.selected()
        if row is None:
            return None
        return self.open_dialog(LevelDialog(self._ctx, row, self), "已保存薪酬等级。")

    def delete(self) -> None:
        row = self.selected()
        if row and messages.confirm(self, f"删除薪酬等级“{row.name}”？"):
            if run_write(self._ctx, self, lambda s: pay_table.delete_level(s, row.id)):
                self.refresh()

    def save_rates(self) -> None:
        self.rates_errors.clear()
        rates = {k: (self.rate_edits[(k, 0)].text(), self.rate_edits[(k, 1)].text()) for k in Insurance}
        if run_write(self._ctx, self, lambda s: pay_table.set_rates(s, rates), self.rates_errors):
            self.refresh()
            self.notice.setText("已保存四险一金缴费比例，新生成的工资表按此计算。")

