"""借阅登记: every loan, the open and the overdue ones first; return and renew."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout

from ...services.archives import lending
from ...services.archives.lending import LoanFilter, LoanRow
from ...services.permissions import Permission
from ..context import AppContext
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import GREY, RED, button_row, note, push_button
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


class LoansPage(RecordListPage):
    select_first = True  # the open and the overdue loans come first

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_color)
        self._edit = ctx.can(Permission.ARCHIVE_EDIT)
        self.filter_combo = QComboBox()
        for text, value in FILTERS:
            self.filter_combo.addItem(text, value)
        self.search_edit = QLineEdit(placeholderText="搜索借阅人、档号或题名")
        self.filter_combo.currentIndexChanged.connect(self.refresh)
        self.search_edit.textChanged.connect(self.refresh)
        self.summary = QLabel()
        self.return_button = push_button("归还…", self.return_loan)
        self.renew_button = push_button("续借…", self.renew)
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
        flt = self.filter_combo.currentData()
        with self._ctx.session() as s:
            rows = lending.list_loans(s, LoanFilter(flt.open_only, flt.overdue_only, self.search_edit.text()))
        self.show_rows(rows)
        late = sum(1 for r in rows if r.overdue)
        text = f"共 {len(rows)} 条"
        if late:
            text += f"，其中超期 {late} 条"
        self.summary.setText(text)

    def update_buttons(self, loan: LoanRow | None) -> None:
        open_loan = loan is not None and loan.returned_on is None
        self.return_button.setEnabled(open_loan)
        self.renew_button.setEnabled(open_loan)

    def return_loan(self) -> None:
        self._with_loan(ReturnDialog)

    def renew(self) -> None:
        self._with_loan(RenewDialog)

    def _with_loan(self, dialog_class: Callable) -> None:
        loan = self.selected()
        if loan and loan.returned_on is None:
            self.open_dialog(dialog_class(self._ctx, loan, self), self.refresh)
