"""报表: the monthly report, ledgers, annual figures; the county merge as a dialog.

Pages are keyed like the navigation: ``report.monthly``, ``report.ledgers``, ``report.annual``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton

from ..context import AppContext
from ..tabbed_area import TabbedArea
from .annual_page import AnnualPage
from .ledger_page import LedgerPage
from .monthly_page import MonthlyPage


class ReportView(TabbedArea):
    """Counting a month or a year takes seconds in the background: the monthly page counts when the area is
    first shown, after that each page counts on its 生成预览 (or a month chosen), not on every tab change."""

    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent=None):
        monthly = MonthlyPage(ctx)
        ledgers = LedgerPage(ctx)
        annual = AnnualPage(ctx)
        super().__init__([("report.monthly", "月度报表", monthly), ("report.ledgers", "台账", ledgers),
                          ("report.annual", "年度数据", annual)], parent)
        self._ctx = ctx
        self.monthly = monthly
        self.ledgers = ledgers
        self.annual = annual
        self._counted = False
        self.county_button = QPushButton("县级汇总…")
        self.county_button.setToolTip("县(区)民政局用：校验并汇总各乡镇(街道)社工站导出的月度报表")
        self.county_button.clicked.connect(self.open_county)
        self.tabs.setCornerWidget(self.county_button)
        self.monthly.navigate_requested.connect(self.navigate_requested)

    def refresh(self, *_args) -> None:
        """The first time the area is shown: count the month offered first (last month)."""
        if not self._counted and self.isVisible():
            self._counted = True
            self.monthly.refresh()

    def open_county(self):
        from .county_dialog import CountyMergeDialog
        dialog = CountyMergeDialog(self)
        dialog.open()
        return dialog

    def closeEvent(self, event) -> None:
        for page in (self.monthly, self.ledgers, self.annual):
            page.job.wait()
        super().closeEvent(event)
