"""档案: the catalogue, lending and retention review, as tabs."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ..context import AppContext
from .catalogue_page import CataloguePage
from .loans_page import LoansPage
from .review_page import ReviewPage


class ArchivesView(QWidget):
    """Pages are keyed like the navigation: ``archives.catalogue``, ``archives.loans``, ``archives.review``."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.pages: dict[str, QWidget] = {}
        for key, title, page in (("archives.catalogue", "档案目录", CataloguePage(ctx)),
                                 ("archives.loans", "借阅登记", LoansPage(ctx)),
                                 ("archives.review", "到期鉴定", ReviewPage(ctx))):
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
        self.tabs.currentWidget().refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()
