"""报表: the monthly report, ledgers, annual figures; the county merge as a dialog.

Pages are keyed like the navigation: ``report.monthly``, ``report.ledgers``, ``report.annual``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from ..context import AppContext
from .annual_page import AnnualPage
from .ledger_page import LedgerPage
from .monthly_page import MonthlyPage


class ReportView(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.tabs = QTabWidget()
        self.monthly, self.ledgers, self.annual = MonthlyPage(ctx), LedgerPage(ctx), AnnualPage(ctx)
        self.pages: dict[str, QWidget] = {"report.monthly": self.monthly, "report.ledgers": self.ledgers,
                                          "report.annual": self.annual}
        for widget, title in ((self.monthly, "月度报表"), (self.ledgers, "台账"), (self.annual, "年度数据")):
            self.tabs.addTab(widget, title)
        self.county_button = QPushButton("县级汇总…")
        self.county_button.setToolTip("县(区)民政局用：校验并汇总各乡镇(街道)社工站导出的月度报表")
        self.county_button.clicked.connect(self.open_county)
        self.tabs.setCornerWidget(self.county_button)
        self.monthly.navigate_requested.connect(self.navigate_requested)
        self._shown_once = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_page(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def open_county(self):
        from .county_dialog import CountyMergeDialog
        dialog = CountyMergeDialog(self)
        dialog.open()
        return dialog

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.monthly.refresh()

    def closeEvent(self, event) -> None:
        for page in (self.monthly, self.ledgers, self.annual):
            page.job.wait()
        super().closeEvent(event)
