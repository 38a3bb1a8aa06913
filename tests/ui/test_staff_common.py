"""Helpers for the staff screen tests (imported by them)."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.services import station
from shuanbai_desktop.services.demo import generate_demo
from shuanbai_desktop.ui import fonts
from shuanbai_desktop.ui.context import AppContext
from tests.ui.helpers import grab as _grab

WIDTH, HEIGHT = 1198, 690  # 1366×768 less the navigation column, title and status bars


def ensure_fonts(qapp) -> None:
    if "WenQuanYi Micro Hei" not in QFontDatabase.families():
        fonts.install_fonts(qapp)


def make_ctx(db, user) -> AppContext:
    with db.session() as s:
        info = station.get_station(s)
    return AppContext(db=db, user=user, station=info)


def with_demo(db) -> None:
    """The demo station's staff, dated today (the screens work with today's date)."""
    generate_demo(db, residents=0, today=date.today())


def grab(widget, name: str):
    QApplication.processEvents()
    return _grab(widget, name)


def show(qtbot, widget, width: int = WIDTH, height: int = HEIGHT):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    QApplication.processEvents()
    return widget


def test_size_fits_a_1366_by_768_screen():
    assert WIDTH + 168 == 1366 and HEIGHT < 768
