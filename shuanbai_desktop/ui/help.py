"""使用手册: the user manual (``resources/manual/*.html``), shown in the program's own help window.

F1 opens the page of the area in front, at the section of its visible tab (``topic_for``); 帮助 → 使用手册
opens the contents. The manual is plain HTML with PNG pictures, read by a ``QTextBrowser``: no browser, no
network, and the anchor is always honoured (Windows drops the ``#section`` of a file URL handed to the
system browser). docs/decisions.md “使用手册” says why.

Pages: ``index.html`` (contents, the three kinds of users, keys) and one page per area named by its
navigation key (``window.html``); a tab's section is the anchor of its key with ``-`` for ``.``
(``targets.html#targets-cases``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from .. import paths

INDEX = "index.html"


def manual_dir() -> Path:
    return paths.resources_dir() / "manual"


def anchor(page_key: str) -> str:
    return page_key.replace(".", "-")


def topic_url(area_key: str | None = None, page_key: str | None = None) -> QUrl:
    """The manual's page of an area (``window``), at a tab's section (``window.matters``) when given."""
    page = f"{area_key}.html" if area_key else INDEX
    if not (manual_dir() / page).is_file():
        page = INDEX
    url = QUrl.fromLocalFile(str(manual_dir() / page))
    if page != INDEX and page_key and page_key != area_key:
        url.setFragment(anchor(page_key))
    return url


def current_page_key(widget: QWidget) -> str | None:
    """The key of an area's visible tab (``TabbedArea``: ``pages`` by key, ``tabs``); None for a plain area."""
    pages = getattr(widget, "pages", None)
    tabs = getattr(widget, "tabs", None)
    if not isinstance(pages, dict) or tabs is None:
        return None
    current = tabs.currentWidget()
    return next((key for key, page in pages.items() if page is current), None)


def topic_for(window) -> QUrl:
    """What F1 opens in the main window: the area in front and its visible tab."""
    area = window.current_area
    return topic_url(area, current_page_key(window.area_widget(area)))


class HelpWindow(QDialog):
    """The manual: 目录, 后退, 前进, 在浏览器中打开 (to print it), the page. Not modal; one per main window."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("使用手册")
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setSearchPaths([str(manual_dir())])
        style = manual_dir() / "style.css"  # the pages link it for a browser; Qt's reader takes it from here
        if style.is_file():
            self.browser.document().setDefaultStyleSheet(style.read_text(encoding="utf-8"))
        self.home_button = QPushButton("目录")
        self.back_button = QPushButton("← 后退")
        self.forward_button = QPushButton("前进 →")
        self.external_button = QPushButton("在浏览器中打开（可打印）")
        self.close_button = QPushButton("关闭")
        self.home_button.clicked.connect(self.show_contents)
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.external_button.clicked.connect(self.open_external)
        self.close_button.clicked.connect(self.close)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        row = QHBoxLayout()
        for button in (self.home_button, self.back_button, self.forward_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.external_button)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        find = QShortcut(QKeySequence("F1"), self)  # F1 inside the manual: its contents
        find.activated.connect(self.show_contents)
        self.resize(980, 680)

    def show_url(self, url: QUrl) -> None:
        self.browser.setSource(url)
        if url.hasFragment():
            self.browser.scrollToAnchor(url.fragment())

    def show_contents(self) -> None:
        self.show_url(topic_url())

    @property
    def url(self) -> QUrl:
        return self.browser.source()

    def open_external(self) -> None:
        """The page in the system browser, for printing (the section is not kept there on Windows)."""
        QDesktopServices.openUrl(self.browser.source())


def show_help(window, url: QUrl | None = None) -> HelpWindow:
    """Show the manual at ``url`` (the contents when None) in the window's one help window."""
    help_window = getattr(window, "help_window", None)
    if help_window is None:
        help_window = HelpWindow(window)
        window.help_window = help_window
    help_window.show_url(url or topic_url())
    help_window.show()
    help_window.raise_()
    help_window.activateWindow()
    return help_window
