"""工作台 at a glance: the tiles open their lists, the charts carry the service's trends, 快速上手 is the
role's and stays away for the user who dismissed it until shown again."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, trends
from shuanbai_desktop.ui.workbench_view import QUICKSTART, WorkbenchView
from tests.db.test_report_figures import build_known
from tests.ui.helpers import app_context, click, grab

NOW = datetime(2024, 5, 8, 9, 30)
PASSWORD = "Chuang-kou-2024"


@pytest.fixture
def known(station_db):
    return build_known(station_db)


def _view(qtbot, ctx) -> WorkbenchView:
    view = WorkbenchView(ctx, clock=lambda: NOW)
    qtbot.addWidget(view)
    view.resize(1198, 700)  # the area beside the navigation in a 1366×768 window
    with qtbot.waitSignal(view.refreshed):
        view.show()
    return view


def _window_clerk(station_db):
    with station_db.session() as s:
        auth.create_user(s, "chuangkou", "窗口甲", Role.WINDOW, PASSWORD, must_change=False)
    return app_context(station_db, auth.log_in(station_db, "chuangkou", PASSWORD))


def test_tiles_show_the_services_figures_and_open_their_lists(qtbot, ctx, known):
    view = _view(qtbot, ctx)
    with ctx.session() as s:
        figures = trends.tiles(s, NOW.date())
    assert view.tiles["open"].number.text() == str(figures.open_matters) == "1"
    assert view.tiles["today"].number.text() == "1" and view.tiles["cases"].number.text() == "2"
    opened = []
    view.navigate_requested.connect(opened.append)
    qtbot.mouseClick(view.tiles["overdue"], Qt.MouseButton.LeftButton)
    view.tiles["visits"].setFocus()
    qtbot.keyClick(view.tiles["visits"], Qt.Key.Key_Return)
    qtbot.mouseClick(view.tiles["cases"], Qt.MouseButton.LeftButton)
    assert opened == ["window.overdue", "targets.visits", "targets.cases"]
    grab(view, "workbench-glance-admin")


def test_the_charts_carry_the_twelve_months_and_say_them(qtbot, ctx, known):
    view = _view(qtbot, ctx)
    with ctx.session() as s:
        expected = trends.recent_trends(s, NOW.date())
    chart = view.charts["cases"]
    assert chart.labels[0] == "6月" and chart.labels[-1] == "5月" and chart.partial_last
    assert [s.values for s in chart.series] == [expected.cases_opened, expected.cases_active]
    assert view.charts["registrations"].series[0].values == expected.registrations
    assert view.charts["visits"].series[0].values[-2:] == (1, 3)  # April: one visit; May: three
    assert chart.month_text(10) == "2024年4月：新开 1个，月末在案 1个"
    assert chart.month_text(11).startswith("2024年5月（本月至今）：")
    assert "2024年4月" in chart.accessibleDescription()
    middle = chart.rect().center()
    assert chart.index_at(middle.x()) in (5, 6) and chart.index_at(0) is None
    assert "2023年6月—2024年5月" in view.trend_note.text()


def test_the_cases_tile_is_plain_for_a_role_that_may_not_read_cases(qtbot, station_db, known):
    view = _view(qtbot, _window_clerk(station_db))
    opened = []
    view.navigate_requested.connect(opened.append)
    qtbot.mouseClick(view.tiles["cases"], Qt.MouseButton.LeftButton)
    assert opened == [] and view.tiles["cases"].focusPolicy() == Qt.FocusPolicy.NoFocus
    assert view.quickstart.title.text() == "快速上手（窗口）"
    grab(view, "workbench-glance-window")


def test_quickstart_is_dismissed_per_user_and_can_be_shown_again(qtbot, ctx, station_db):
    view = _view(qtbot, ctx)
    assert view.quickstart.isVisible() and view.quickstart.title.text() == "快速上手（管理员）"
    assert all(step.split("<")[0] in view.quickstart.text.text() for step in QUICKSTART[Role.ADMIN])
    opened = []
    view.navigate_requested.connect(opened.append)
    view.quickstart.text.linkActivated.emit("settings.backup")
    assert opened == ["settings.backup"]
    click(qtbot, view.quickstart.hide_button)
    assert not view.quickstart.isVisible()
    again = _view(qtbot, ctx)  # the next log-in: still away
    assert not again.quickstart.isVisible()
    clerk = _view(qtbot, _window_clerk(station_db))  # another user: their own panel
    assert clerk.quickstart.isVisible()
    click(qtbot, again.quickstart_button)
    assert again.quickstart.isVisible()
    third = _view(qtbot, ctx)
    assert third.quickstart.isVisible()
    click(qtbot, third.quickstart_button)  # the button puts it away for now only
    assert not third.quickstart.isVisible()
    assert _view(qtbot, ctx).quickstart.isVisible()


def test_every_role_has_a_quickstart():
    assert set(QUICKSTART) == set(Role)


def test_tooltip_names_the_month_under_the_mouse(qtbot, ctx, known):
    view = _view(qtbot, ctx)
    chart = view.charts["registrations"]
    plot = chart._plot_rect()
    x = int(plot.right() - 2)
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(x, int(plot.center().y())), chart.mapToGlobal(QPoint(x, 10)))
    QApplication.sendEvent(chart, event)
    assert QToolTip.text().startswith("2024年5月（本月至今）：登记 3件")
