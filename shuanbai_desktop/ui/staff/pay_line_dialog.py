"""修改工资: the factor scores the deputy head enters (业绩, 荣誉, 学术), allowances and the
contribution base; the others follow from the staff file and are shown for reference."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
)

from ...domain.staff_labels import Factor
from ...domain.staff_pay_rules import performance_pay, performance_ratio
from ...services.staff import pay
from ...services.staff.pay import PayLine
from ..context import AppContext
from ..forms import FormErrors, run_write
from ..widgets import dialog_buttons, money, note


class PayLineDialog(QDialog):
    def __init__(self, ctx: AppContext, line: PayLine, weights: dict[Factor, int], parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._line = line
        self._weights = weights
        self.setWindowTitle(f"修改工资 — {line.name}")
        self.resize(600, 520)
        self.spins: dict[Factor, QSpinBox] = {}
        box = QGroupBox("绩效因素得分（0–100，括号内为权重）")
        grid = QGridLayout(box)
        for i, factor in enumerate(Factor):
            spin = QSpinBox()
            spin.setRange(0, 100)
            spin.setValue(line.scores.get(factor, 0))
            spin.setEnabled(factor.entered)
            spin.valueChanged.connect(self._preview)
            self.spins[factor] = spin
            grid.addWidget(QLabel(f"{factor.label}（{weights.get(factor, 0)}%）："), i // 3, (i % 3) * 2)
            grid.addWidget(spin, i // 3, (i % 3) * 2 + 1)
        self.preview = QLabel()
        self.other_edit = QLineEdit(f"{line.other_pay:.2f}")
        self.base_edit = QLineEdit(f"{line.contribution_base:.2f}")
        self.notes_edit = QLineEdit(line.notes)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("薪酬等级：", QLabel(f"{line.level_name}（基本工资 {money(line.base_pay)} 元，绩效工资标准 "
                                        f"{money(line.performance_standard)} 元）"))
        form.addRow("津贴补贴（元）：", self.other_edit)
        form.addRow("社保缴费基数（元）：", self.base_edit)
        form.addRow("备注：", self.notes_edit)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {**{f.label: s for f, s in self.spins.items()},
                                                    "津贴补贴": self.other_edit, "缴费基数": self.base_edit,
                                                    "备注": self.notes_edit})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(note("业绩、荣誉、学术由副站长按当月情况评分；学历、职业资格、岗位、工龄、学时、证书等级"
                              "由人员档案和培训记录自动得出（灰色，不可改）。"))
        layout.addWidget(self.preview)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self._preview()

    def scores(self) -> dict[Factor, int]:
        return {f: s.value() for f, s in self.spins.items()}

    def _preview(self, *_args) -> None:
        ratio = performance_ratio(self._weights, self.scores())
        amount = performance_pay(self._line.performance_standard, self._weights, self.scores())
        self.preview.setText(f"绩效系数 {ratio:.3f}，绩效工资 {money(amount)} 元")

    def save(self) -> None:
        self.errors.clear()
        entered = {f: v for f, v in self.scores().items() if f.entered}
        other, base, notes = self.other_edit.text(), self.base_edit.text(), self.notes_edit.text()
        if run_write(self._ctx, self, lambda s: pay.update_line(s, self._line.id, entered, other, base, notes),
                     self.errors):
            self.accept()
