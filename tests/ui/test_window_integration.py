"""The window area inside the main window at 1366×768, with demo data; 工作台 items lead to the matter."""

from __future__ import annotations

import random
from datetime import date

import pytest
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.demo import window as demo_window
from shuanbai_desktop.services import station
from shuanbai_desktop.services.workbench import Level
from shuanbai_desktop.ui import main_window
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.counter.view import CounterView
from shuanbai_desktop.ui.main_window import Area, MainWindow
from shuanbai_desktop.ui.workbench_view import LEVEL_COLORS
from tests.db.test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)
from tests.ui.helpers import grab


@pytest.fixture
def window(qtbot, win, monkeypatch):
    with win.db.session() as s:
        demo_window.add_demo(s, random.Random(5), date.today())
        info = station.get_station(s)
    areas = list(main_window.AREAS)
    areas.insert(1, Area("window", "窗口登记", CounterView))  # as the lead will register it
    monkeypatch.setattr(main_window, "AREAS", areas)
    w = MainWindow(AppContext(win.db, win.admin, info), idle_timeout_ms=600_000)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    with qtbot.waitSignal(w.area_widget("workbench").refreshed):
        w.show()
    yield w
    w.idle_lock.stop()


def test_workbench_shows_overdue_window_matters_in_red_and_opens_them(qtbot, window):
    bench = window.area_widget("workbench")
    items = [i for i in bench.items if i.area.startswith("window.")]
    assert items and items[0].level is Level.OVERDUE and items[0].title.startswith("窗口事项已超期")
    assert LEVEL_COLORS[Level.OVERDUE] == "#b3261e"
    grab(window, "window-workbench")
    matter_id = int(items[0].area.rsplit(".", 1)[1])
    bench.open_item(items[0])
    assert window.current_area == "window"
    view = window.area_widget("window")
    assert view.tabs.currentWidget() is view.matters_page
    assert view.matters_page.panel.detail.id == matter_id
    assert "已超期" in view.matters_page.panel.values["预计办结"].text()
    QApplication.processEvents()
    grab(window, "window-main-matter")


def test_the_area_at_1366x768(qtbot, window):
    assert window.navigate("window.register")
    view = window.area_widget("window")
    QApplication.processEvents()
    page = view.register_page
    assert page.isVisible() and page.picker.search_edit.hasFocus()
    assert page.register_button.isVisible() and page.register_button.geometry().bottom() < page.height()
    grab(window, "window-main-register")
    assert window.navigate("window.overdue")
    assert all(r.urgency_text == "已超期" for r in view.matters_page.model.rows)
    grab(window, "window-main-overdue")
