"""借阅登记: every loan, the open and the overdue ones first; return and renew."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...services.archives import lending
from ...services.archives.lending import LoanFilter, LoanRow
from ...services.permissions import Permission
from ..assets.common import GREY, RED
from ..context import AppContext
from ..settings.widgets import TooltipRowsModel, button_row, fit_columns, make_table, note
from ..table_model import Column
from .dialogs import RenewDialog, ReturnDialog

COLUMNS = (Column("档号", lambda r: r.number), Column("题名", lambda r: r.title),
           Column("借阅人", lambda r: r.borrower_text), Column("借阅目的", lambda r: r.purpose),
           Column("批准人", lambda r: r.approver), Column("借出日期", lambda r: f"{r.lent_on:%Y-%m-%d}"),
           Column("应还日期", lambda r: f"{r.due_on:%Y-%m-%d}"), Column("状态", lambda r: r.state_text))
FILTERS = (("未归还", LoanFilter(open_only=True)), ("已超期", LoanFilter(overdue_only=True)), ("全部借阅记录", LoanFilter()))


def _color(r: LoanRow) -> str | None:
    if r.overdue:
        return RED
    return GREY if r.returned_on else None


class LoansPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx, self._edit = ctx, ctx.can(Permission.ARCHIVE_EDIT)
        self.dialog = None
        self.filter_combo = QComboBox()
        for text, value in FILTERS:
            self.filter_combo.addItem(text, value)
        self.search_edit = QLineEdit(placeholderText="搜索借阅人、档号或题名")
        self.filter_combo.currentIndexChanged.connect(self.refresh)
        self.search_edit.textChanged.connect(self.refresh)
        self.summary = QLabel()
        self.model = TooltipRowsModel(COLUMNS, row_color=_color)
        self.table = make_table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.return_button, self.renew_button = QPushButton("归还…"), QPushButton("续借…")
        self.return_button.clicked.connect(lambda: self._with_loan(ReturnDialog))
        self.renew_button.clicked.connect(lambda: self._with_loan(RenewDialog))
        filters = QHBoxLayout()
        filters.addWidget(self.filter_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        if self._edit:
            layout.addLayout(button_row(self.return_button, self.renew_button))
        layout.addWidget(self.table, 1)
        layout.addWidget(note("借出档案请在“档案目录”中选中档案后点“借出…”。到期前 2 天和超期的借阅会显示在工作台上。"))
        self.refresh()

    def refresh(self, *_args) -> None:
        chosen = self.selected_loan()
        flt = self.filter_combo.currentData()
        with self._ctx.session() as s:
            rows = lending.list_loans(s, LoanFilter(flt.open_only, flt.overdue_only, self.search_edit.text()))
        self.model.set_rows(rows)
        late = sum(1 for r in rows if r.overdue)
        self.summary.setText(f"共 {len(rows)} 条" + (f"，其中超期 {late} 条" if late else ""))
        fit_columns(self.table, 260)
        keep = next((i for i, r in enumerate(rows) if chosen and r.id == chosen.id), 0 if rows else None)
        if keep is not None:
            self.table.selectRow(keep)
        self._update_buttons()

    def selected_loan(self) -> LoanRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def select_number(self, number: str) -> None:
        for row, loan in enumerate(self.model.rows):
            if loan.number == number:
                self.table.selectRow(row)

    def _update_buttons(self, *_args) -> None:
        loan = self.selected_loan()
        for button in (self.return_button, self.renew_button):
            button.setEnabled(bool(loan) and loan.returned_on is None)

    def _with_loan(self, dialog_class: Callable) -> None:
        loan = self.selected_loan()
        if loan and loan.returned_on is None:
            dialog = dialog_class(self._ctx, loan, self)
            dialog.accepted.connect(self.refresh)
            dialog.finished.connect(dialog.deleteLater)
            self.dialog = dialog
            dialog.open()
