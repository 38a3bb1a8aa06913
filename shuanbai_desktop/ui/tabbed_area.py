"""An area made of tabs keyed like the navigation (``assets.register``); the visible tab reloads
when it is chosen or the area is shown again."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


class TabbedArea(QWidget):
    """Pages are ``(key, tab title, widget with refresh())``."""

    def __init__(self, pages: list[tuple[str, str, QWidget]], parent=None):
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.pages: dict[str, QWidget] = {}
        for key, title, page in pages:
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
