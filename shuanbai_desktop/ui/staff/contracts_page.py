"""劳动合同: each worker's current contract with its status, days left and renewal eligibility
(with the reason when not eligible); the selected worker's contract history below."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QSplitter, QVBoxLayout

from ...domain.staff_labels import ContractStatus
from ...domain.staff_rules import EXPIRY_WARNINGS
from ...services.staff import contracts, ledgers
from ...services.staff.contracts import ContractRow, CurrentContract
from .. import messages
from ..context import AppContext
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import (
    AMBER,
    RED,
    TooltipRowsModel,
    button_row,
    fit_columns,
    make_table,
    note,
    push_button,
    selected_row,
)
from .attachments import staff_attachments
from .contract_dialog import EDIT, NEW, RENEW, ContractDialog, TerminateDialog
from .export import export_file, today_name


def _days(c: CurrentContract) -> str:
    k = c.contract
    if k is None or k.status not in (ContractStatus.ACTIVE, ContractStatus.EXPIRED):
        return ""
    return f"已过期 {-k.days_left} 天" if k.days_left < 0 else f"{k.days_left} 天"


def _eligible(c: CurrentContract) -> str:
    if c.eligibility is None:
        return ""
    return ("符合" if c.eligibility.eligible else "不符合：") + ("" if c.eligibility.eligible else c.eligibility.text)


def _color(c: CurrentContract) -> str | None:
    k = c.contract
    if k is None or k.status in (ContractStatus.EXPIRED, ContractStatus.TERMINATED):
        return RED
    if k.status is ContractStatus.ACTIVE and k.days_left <= max(EXPIRY_WARNINGS):
        return AMBER
    return None


CURRENT = (Column("姓名", lambda c: c.name), Column("岗位角色", lambda c: c.role.label),
           Column("职业资格", lambda c: c.certificate.label),
           Column("当前合同期限", lambda c: c.contract.term_text if c.contract else "未签合同"),
           Column("状态", lambda c: c.contract.status.label if c.contract else ""),
           Column("剩余", _days, align_right=True), Column("续聘条件", _eligible))
HISTORY = (Column("第几份", lambda k: f"第 {k.seq} 份"), Column("合同编号", lambda k: k.number),
           Column("期限", lambda k: k.term_text), Column("用人单位", lambda k: k.employer),
           Column("试用期", lambda k: f"{k.probation_months} 个月" if k.probation_months else ""),
           Column("薪酬等级", lambda k: k.pay_level), Column("状态", lambda k: k.status.label),
           Column("说明", lambda k: "；".join(t for t in (
               f"特批续签：{k.override_reason}" if k.override_reason else "",
               f"{k.terminated_on:%Y-%m-%d} 解除：{k.termination_reason}" if k.terminated_on else "", k.notes) if t)))


class ContractsPage(RecordListPage):
    """The list is of workers (their current contract); the history below is the chosen worker's."""

    max_column_width = 230

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, CURRENT, parent, row_color=_color)
        self.table.selectionModel().selectionChanged.connect(self._show_history)
        self.history_model = TooltipRowsModel(HISTORY)
        self.history_table = make_table(self.history_model)
        self.history_table.selectionModel().selectionChanged.connect(self._update_buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QGroupBox("在岗人员的劳动合同")
        bottom = QGroupBox("所选人员的合同记录")
        QVBoxLayout(top).addWidget(self.table)
        QVBoxLayout(bottom).addWidget(self.history_table)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(note("聘期 3 年，期满后可续聘；2022年7月1日起，原则上只续聘持证且最近一次年度考核合格及以上的"
                              "社工（残疾人专职委员）。到期前 90、60、30 天在工作台提醒。"))
        layout.addLayout(self._buttons())
        layout.addWidget(splitter, 1)
        layout.addWidget(self.notice)
        self.refresh()

    def _buttons(self) -> QHBoxLayout:
        self.new_button = self.row_button("新签合同…", self.new_contract)
        self.renew_button = push_button("续签…", self.renew)
        self.edit_button = push_button("修改…", self.edit)
        self.end_button = push_button("解除…", self.terminate)
        self.files_button = push_button("合同扫描件…", self.open_files)
        self.export_button = push_button("导出到期清单…", self.export)
        return button_row(self.new_button, self.renew_button, self.edit_button, self.end_button, self.files_button,
                          self.export_button)

    def load(self, session) -> list[CurrentContract]:
        return contracts.current_contracts(session)

    def show_rows(self, rows) -> None:
        super().show_rows(rows)
        self._show_history()

    def row_key(self, row: CurrentContract) -> int:
        return row.staff_id

    def selected_contract(self) -> ContractRow | None:
        row = selected_row(self.history_table)
        if row is not None:
            return self.history_model.row(row)
        worker = self.selected()
        return worker.contract if worker else None

    def _show_history(self, *_args) -> None:
        worker = self.selected()
        history = []
        if worker:
            with self._ctx.session() as s:
                history = contracts.contracts_of(s, worker.staff_id)
        self.history_model.set_rows(history)
        fit_columns(self.history_table, 230)
        self._update_buttons()

    def update_buttons(self, worker: CurrentContract | None) -> None:
        contract = self.selected_contract()
        renewable = (ContractStatus.ACTIVE, ContractStatus.EXPIRED, ContractStatus.PENDING)
        self.renew_button.setEnabled(contract is not None and contract.status in renewable)
        self.edit_button.setEnabled(contract is not None)
        self.files_button.setEnabled(contract is not None)
        ending = (ContractStatus.ACTIVE, ContractStatus.PENDING)
        self.end_button.setEnabled(contract is not None and contract.status in ending)

    def new_contract(self) -> ContractDialog | None:
        worker = self.selected()
        if worker is None:
            return None
        dialog = ContractDialog(self._ctx, worker.staff_id, worker.name, NEW, None, self)
        self.open_dialog(dialog, f"已为“{worker.name}”新签合同。")
        return dialog

    def renew(self) -> ContractDialog | None:
        return self._open_contract(RENEW, "已为“{name}”续签合同。")

    def edit(self) -> ContractDialog | None:
        return self._open_contract(EDIT, "已保存合同。")

    def _open_contract(self, mode, notice: str) -> ContractDialog | None:
        """The chosen contract of the chosen worker in ``mode``; ``notice`` may name the worker (``{name}``)."""
        worker = self.selected()
        contract = self.selected_contract()
        if worker is None or contract is None:
            return None
        dialog = ContractDialog(self._ctx, worker.staff_id, worker.name, mode, contract, self)
        self.open_dialog(dialog, notice.format(name=worker.name))
        return dialog

    def terminate(self) -> TerminateDialog | None:
        contract = self.selected_contract()
        if contract is None:
            return None
        dialog = TerminateDialog(self._ctx, contract, self)
        self.open_dialog(dialog, f"已解除“{contract.staff_name}”的合同。")
        return dialog

    def open_files(self) -> None:
        contract = self.selected_contract()
        if contract is None:
            messages.error(self, "请先选中一份合同。", "未选择合同")
            return
        title = f"合同扫描件 — {contract.staff_name} 第 {contract.seq} 份合同"
        self.open_dialog(staff_attachments(self._ctx, "staff_contract", contract.id, title, True, self))

    def export(self, target=None):
        return export_file(self._ctx, self, today_name("劳动合同到期清单"),
                           lambda s, p: ledgers.export_contracts(s, p), target)
