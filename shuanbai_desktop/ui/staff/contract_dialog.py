"""新签/续签/修改劳动合同, and 解除合同. Renewal shows the R2.3 eligibility and, when it is not
met, asks the administrator for the reason the renewal is approved anyway."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ...domain.staff_rules import default_contract_end
from ...services.staff import contracts, pay_table
from ...services.staff.common import employer_name
from ...services.staff.contracts import ContractInput, ContractRow
from ..context import AppContext
from ..forms import FormErrors, run_write, save_and_accept
from ..widgets import OK_STYLE, WARN_STYLE, date_edit, date_value, dialog_buttons, note, select_data
from .widgets import OptionalDate

NEW, RENEW, EDIT = "new", "renew", "edit"
TITLES = {NEW: "新签劳动合同", RENEW: "续签劳动合同", EDIT: "修改劳动合同"}


class ContractDialog(QDialog):
    def __init__(self, ctx: AppContext, staff_id: int, name: str, mode: str, contract: ContractRow | None = None,
                 parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._staff_id = staff_id
        self._mode = mode
        self._contract = contract
        self.saved_id: int | None = None
        self.setWindowTitle(f"{TITLES[mode]} — {name}")
        self.resize(560, 420 if mode == RENEW else 360)
        self._build()
        self._fill()
        self._update_eligibility()

    def _build(self) -> None:
        self.number_edit = QLineEdit(placeholderText="可不填")
        self.employer_edit = QLineEdit()
        self.signed_edit = OptionalDate("签订日期")
        self.start_edit = date_edit()
        self.end_edit = date_edit()
        self.start_edit.dateChanged.connect(self._update_eligibility)
        self.term_button = QPushButton("按 3 年聘期")
        self.term_button.clicked.connect(self.three_years)
        self.probation_spin = QSpinBox()
        self.probation_spin.setRange(0, 6)
        self.probation_spin.setSuffix(" 个月")
        self.level_combo = QComboBox()
        self.level_combo.addItem("（未定）", None)
        with self._ctx.session() as s:
            for lv in pay_table.list_levels(s):
                self.level_combo.addItem(f"{lv.name}（{lv.certificate.label}）", lv.id)
            self._employer = employer_name(s)
        self.notes_edit = QLineEdit()
        self.eligibility_label = note()
        self.override_edit = QLineEdit(placeholderText="如：经镇(街道)研究同意续聘一期，并限期取得职业资格证书")
        self.override_edit.setMaxLength(200)
        end_row = QHBoxLayout()
        end_row.addWidget(self.end_edit, 1)
        end_row.addWidget(self.term_button)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, widget in (("合同编号：", self.number_edit), ("用人单位：", self.employer_edit),
                              ("签订日期：", self.signed_edit), ("起始日期：", self.start_edit)):
            form.addRow(label, widget)
        form.addRow("终止日期：", end_row)
        for label, widget in (("试用期：", self.probation_spin), ("薪酬等级：", self.level_combo),
                              ("备注：", self.notes_edit)):
            form.addRow(label, widget)
        if self._mode == RENEW:
            form.addRow("续聘条件：", self.eligibility_label)
            form.addRow("特批理由：", self.override_edit)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "合同编号": self.number_edit, "用人单位": self.employer_edit, "签订日期": self.signed_edit,
            "起始日期": self.start_edit, "终止日期": self.end_edit, "试用期": self.probation_spin,
            "薪酬等级": self.level_combo, "备注": self.notes_edit, "特批理由": self.override_edit})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _fill(self) -> None:
        c = self._contract
        if self._mode == EDIT and c is not None:
            data = ContractInput(c.start_date, c.end_date, c.employer, c.number, c.signed_on, c.probation_months,
                                 c.pay_level_id, c.notes)
        elif self._mode == RENEW and c is not None:
            with self._ctx.session() as s:
                data = contracts.renewal_defaults(s, c.id)
        else:
            start = date.today()
            data = ContractInput(start, default_contract_end(start), self._employer, probation_months=2)
        self.number_edit.setText(data.number)
        self.employer_edit.setText(data.employer or self._employer)
        self.signed_edit.set_value(data.signed_on)
        self.start_edit.setDate(data.start_date)
        self.end_edit.setDate(data.end_date)
        self.probation_spin.setValue(data.probation_months)
        select_data(self.level_combo, data.pay_level_id)
        self.notes_edit.setText(data.notes)

    def three_years(self) -> None:
        self.end_edit.setDate(default_contract_end(date_value(self.start_edit)))

    def _update_eligibility(self, *_args) -> None:
        if self._mode != RENEW:
            return
        with self._ctx.session() as s:
            self.eligibility = contracts.renewal_check(s, self._staff_id, date_value(self.start_edit))
        ok = self.eligibility.eligible
        self.eligibility_label.setText(("符合：" if ok else "不符合：") + self.eligibility.text)
        self.eligibility_label.setStyleSheet(OK_STYLE if ok else WARN_STYLE)
        self.override_edit.setEnabled(not ok)

    def input(self) -> ContractInput:
        return ContractInput(date_value(self.start_edit), date_value(self.end_edit), self.employer_edit.text(),
                             self.number_edit.text(), self.signed_edit.value(), self.probation_spin.value(),
                             self.level_combo.currentData(), self.notes_edit.text())

    def _write(self, s, data: ContractInput):
        if self._mode == EDIT:
            contracts.update_contract(s, self._contract.id, data, version=self._contract.version)
            return self._contract.id
        if self._mode == RENEW:
            return contracts.renew_contract(s, self._contract.id, data, self.override_edit.text())
        return contracts.add_contract(s, self._staff_id, data)

    def save(self) -> None:
        # input() inside the transaction: a date typed wrong is shown at its field like any rule
        save_and_accept(self, self._ctx, self.errors, lambda s: self._write(s, self.input()))


class TerminateDialog(QDialog):
    def __init__(self, ctx: AppContext, contract: ContractRow, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._contract = contract
        self.setWindowTitle(f"解除劳动合同 — {contract.staff_name}")
        self.resize(480, 220)
        self.date_edit = date_edit(min(date.today(), contract.end_date))
        self.reason_edit = QLineEdit(placeholderText="如：协商一致解除、本人提出解除")
        self.reason_edit.setMaxLength(200)
        form = QFormLayout()
        form.addRow("合同期限：", QLabel(contract.term_text))
        form.addRow("解除日期：", self.date_edit)
        form.addRow("解除原因：", self.reason_edit)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"解除日期": self.date_edit, "解除原因": self.reason_edit})
        buttons, self.save_button = dialog_buttons(self, "解除合同")
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note("人员离开本站请在“人员名册”中办理离职（会一并解除合同并交接名下事项）。"))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def save(self) -> None:
        self.errors.clear()
        day, reason = date_value(self.date_edit), self.reason_edit.text()
        if run_write(self._ctx, self, lambda s: contracts.terminate_contract(s, self._contract.id, day, reason),
                     self.errors):
            self.accept()
