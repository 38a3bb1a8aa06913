"""An area made of tabs keyed like the navigation (``assets.register``): every area with tabs is one.

The visible tab reloads (its ``refresh()``) when it is chosen or the area is shown again: events on one
tab change what the others show. An area subclass adds what is its own (signals between its pages,
``show_page`` keys that open one record).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


class TabbedArea(QWidget):
    """Pages are ``(key, tab title, widget)``; ``margin`` around the tabs (0: flush with the window)."""

    def __init__(self, pages: Sequence[tuple[str, str, QWidget]], parent=None, margin: int = 0):
        super().__init__(parent)
        self.tabs = QTabWidget()
        self.pages: dict[str, QWidget] = {}
        for key, title, page in pages:
            self.pages[key] = page
            self.tabs.addTab(page, title)
        self.tabs.currentChanged.connect(self.refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(margin, margin, margin, margin)
        layout.addWidget(self.tabs)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_page(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def refresh(self, *_args) -> None:
        """Reload the visible tab."""
        page = self.tabs.currentWidget()
        if page is not None and hasattr(page, "refresh"):
            page.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()
