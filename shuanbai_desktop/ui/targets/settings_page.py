"""设置 → 走访周期: the default days to the next visit for each risk level."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ...domain.target_labels import Risk
from ...errors import UserError
from ...services.targets import intervals
from ..context import AppContext
from ..forms import FormErrors
from ..widgets import OK_STYLE, button_row, note


class VisitIntervalsPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.spins: dict[Risk, QSpinBox] = {}
        box = QGroupBox("走访周期（按风险等级的默认再访间隔）")
        form = QFormLayout(box)
        for risk, spec in intervals.INTERVALS.items():
            spin = QSpinBox()
            spin.setRange(intervals.MIN_DAYS, intervals.MAX_DAYS)
            spin.setSuffix(" 天")
            self.spins[risk] = spin
            form.addRow(spec.label, spin)
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.error_label = QLabel()
        self.notice = note()
        self.errors = FormErrors(self.error_label, {spec.label: self.spins[r] for r, spec in intervals.INTERVALS.items()})
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(note("录入走访时，按本次评定的风险等级自动算出下次走访日期（常用：高风险每周、中风险每月、"
                              "低风险每季度），社工仍可逐户修改。修改这里不影响已录入的走访。"))
        layout.addWidget(self.error_label)
        layout.addLayout(button_row(self.save_button))
        layout.addWidget(self.notice)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        with self._ctx.session() as s:
            values = intervals.all_days(s)
        for risk, spin in self.spins.items():
            spin.setValue(values[risk])

    def save(self) -> None:
        self.errors.clear()
        self.notice.clear()
        try:
            with self._ctx.session() as s:
                intervals.set_days(s, {risk: spin.value() for risk, spin in self.spins.items()})
        except UserError as exc:
            self.errors.show(exc)
            return
        self.notice.setStyleSheet(OK_STYLE)
        self.notice.setText("走访周期已保存。")
