"""使用手册: F1 in every area (and every tab) opens the manual at that area's page and the tab's section; the
manual has a page for every area and a section for every tab; every picture and link it names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from shuanbai_desktop.ui import help as manual
from shuanbai_desktop.ui.main_window import AREAS, MainWindow
from shuanbai_desktop.ui.manual_images import IMAGES, manual_img_dir
from tests.ui.helpers import grab


@pytest.fixture
def window(qtbot, ctx):
    w = MainWindow(ctx, idle_timeout_ms=600_000)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.idle_lock.stop()
    if getattr(w, "help_window", None) is not None:
        w.help_window.close()


def _pages() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in manual.manual_dir().glob("*.html")}


def _anchors(html: str) -> set[str]:
    return set(re.findall(r"<a name=\"([^\"]+)\"", html))


def _press_f1(qtbot, window) -> manual.HelpWindow:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    help_window = window.help_window
    assert help_window.isVisible()
    return help_window


def test_f1_opens_the_section_of_every_area_and_tab(qtbot, window):
    pages = _pages()
    asked = []
    for area in window.areas:
        window.navigate(area.key)
        widget = window.area_widget(area.key)
        keys = list(getattr(widget, "pages", {})) or [None]
        for key in keys:
            if key is not None:
                window.navigate(key)
            url = _press_f1(qtbot, window).url
            page = Path(url.toLocalFile()).name
            asked.append((area.key, key, page, url.fragment()))
            assert page == f"{area.key}.html", (area.key, key, page)
            if key is None:
                assert url.fragment() == ""
            else:
                assert url.fragment() == manual.anchor(key)
                assert manual.anchor(key) in _anchors(pages[page]), f"{page} has no section for the tab {key}"
    assert {a for a, *_ in asked} == {a.key for a in AREAS}
    grab(window.help_window, "help-window-settings")


def test_help_menu_opens_the_contents_and_the_window_is_reused(qtbot, window):
    action = next(a for a in window.menuBar().actions() if a.text() == "帮助")
    entries = {a.text(): a for a in action.menu().actions()}
    assert entries["本页帮助"].shortcut().toString() == "F1"
    entries["使用手册目录"].trigger()
    first = window.help_window
    assert Path(first.url.toLocalFile()).name == "index.html"
    window.navigate("window.matters")
    entries["本页帮助"].trigger()
    assert window.help_window is first and first.url.fragment() == "window-matters"
    first.show_contents()
    assert Path(first.url.toLocalFile()).name == "index.html"
    assert "窗口工作人员" in first.browser.toPlainText()  # the page is really shown, not only named
    grab(first, "help-window-contents")


def test_every_area_has_a_page_linked_from_the_contents():
    pages = _pages()
    index = pages["index.html"]
    for area in AREAS:
        assert f"{area.key}.html" in pages, f"no manual page for {area.label}"
        assert f'href="{area.key}.html"' in index
        assert f"<h1><a name=\"{area.key}\"></a>{area.label}</h1>" in pages[f"{area.key}.html"]


def test_every_picture_and_link_named_exists():
    pages = _pages()
    folder = manual.manual_dir()
    for name, html in pages.items():
        for image in re.findall(r"<img src=\"([^\"]+)\"", html):
            assert (folder / image).is_file(), f"{name}: picture {image} is missing"
        for target in re.findall(r"href=\"([^\"#]+\.html)(?:#([^\"]*))?\"", html):
            page, section = target
            assert page in pages, f"{name}: link to a missing page {page}"
            if section:
                assert section in _anchors(pages[page]), f"{name}: link to a missing section {page}#{section}"
    made = {name for name, _key, _before in IMAGES}
    shown = {Path(i).name for html in pages.values() for i in re.findall(r"<img src=\"([^\"]+)\"", html)}
    assert shown <= made, "a page shows a picture the screenshot script does not make"
    assert {p.name for p in manual_img_dir().glob("*.png")} == made


def test_an_unknown_area_falls_back_to_the_contents():
    url = manual.topic_url("nowhere", "nowhere.page")
    assert Path(url.toLocalFile()).name == "index.html" and url.fragment() == ""
