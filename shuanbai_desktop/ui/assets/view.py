"""资产: the register, stock-taking and the required signage and equipment, as tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ..context import AppContext
from .checks_page import ChecksPage
from .register_page import RegisterPage
from .stocktake_page import StockTakePage


class AssetsView(QWidget):
    """Pages are keyed like the navigation: ``assets.register``, ``assets.stocktake``, ``assets.checks``."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.pages: dict[str, QWidget] = {}
        for key, title, page in (("assets.register", "资产登记", RegisterPage(ctx)),
                                 ("assets.stocktake", "资产盘点", StockTakePage(ctx)),
                                 ("assets.checks", "配置检查", ChecksPage(ctx))):
            self.pages[key] = page
            self.tabs.addTab(page, title)
        self.tabs.currentChanged.connect(lambda *_: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_page(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def refresh(self) -> None:
        """Reload the visible tab (events on one tab change what the others show)."""
        self.tabs.currentWidget().refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()
