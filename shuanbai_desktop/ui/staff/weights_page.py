"""设置 → 绩效因素权重: the county's weights of the nine performance factors (R2.4), summing to 100%."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ...domain.staff_labels import Factor
from ...domain.staff_pay_rules import DEFAULT_WEIGHTS
from ...services.staff import pay_table
from ..context import AppContext
from ..forms import FormErrors, run_write
from ..widgets import OK_STYLE, RED, button_row, note

HOW = {
    Factor.EDUCATION: "学历：高中/中专 40，大专 60，本科 80，硕士 90，博士 100",
    Factor.QUALIFICATION: "职业资格：持社会工作者职业资格证书 100，仅有督导证 50，无 0",
    Factor.RESULTS: "业绩：副站长每月评分，默认 100",
    Factor.POST: "岗位：副站长 100，其他岗位 80，社工点联络人加 10",
    Factor.SENIORITY: "工龄：每满 1 年 10 分，10 年满分",
    Factor.HONOURS: "荣誉：副站长每月评分（获表彰等），默认 0",
    Factor.ACADEMIC: "学术：副站长每月评分（论文、案例获奖等），默认 0",
    Factor.STUDY_HOURS: "学时：本年累计培训学时 ÷ 按月折算的 48 学时",
    Factor.CERT_LEVEL: "证书等级：助理社会工作师 60，社会工作师 80，高级社会工作师 100",
}


class WeightsPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.spins: dict[Factor, QSpinBox] = {}
        box = QGroupBox("绩效因素权重（%）")
        grid = QGridLayout(box)
        for row, factor in enumerate(Factor):
            spin = QSpinBox()
            spin.setRange(0, 100)
            spin.setSuffix(" %")
            spin.valueChanged.connect(self._update_total)
            self.spins[factor] = spin
            grid.addWidget(QLabel(f"{factor.label}："), row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(note(HOW[factor]), row, 2)
        grid.setColumnStretch(2, 1)
        self.total_label = QLabel()
        grid.addWidget(self.total_label, len(Factor), 1, 1, 2)
        self.save_button = QPushButton("保存权重")
        self.default_button = QPushButton("恢复默认值")
        self.save_button.clicked.connect(self.save)
        self.default_button.clicked.connect(self.restore_defaults)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {**{f.label: s for f, s in self.spins.items()},
                                                    "权重合计": self.total_label})
        self.notice = note(style=OK_STYLE)
        layout = QVBoxLayout(self)
        layout.addWidget(note("按“学历、职业资格、业绩、岗位、工龄、荣誉、学术、学时及证书等级”多种指标相结合定绩定奖。"
                              "绩效工资 = 薪酬等级的绩效工资标准 × Σ(权重 × 得分) ÷ 10000。权重由县(区)确定，合计应为 100%。"))
        layout.addWidget(box)
        layout.addLayout(button_row(self.save_button, self.default_button))
        layout.addWidget(self.error_label)
        layout.addWidget(self.notice)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        with self._ctx.session() as s:
            weights = pay_table.get_weights(s)
        self._set(weights)

    def _set(self, weights: dict[Factor, int]) -> None:
        for factor, spin in self.spins.items():
            spin.setValue(weights.get(factor, 0))
        self._update_total()

    def weights(self) -> dict[Factor, int]:
        return {f: s.value() for f, s in self.spins.items()}

    def _update_total(self, *_args) -> None:
        total = sum(self.weights().values())
        self.total_label.setText(f"合计 {total}%" + ("" if total == 100 else "（应为 100%）"))
        self.total_label.setStyleSheet("" if total == 100 else f"color: {RED};")

    def restore_defaults(self) -> None:
        self._set(DEFAULT_WEIGHTS)

    def save(self) -> None:
        self.errors.clear()
        self.notice.clear()
        weights = self.weights()
        if run_write(self._ctx, self, lambda s: pay_table.set_weights(s, weights), self.errors):
            self.notice.setText("已保存。之后生成或修改的工资按新权重计算。")
