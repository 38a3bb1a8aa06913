"""Helpers for the staff screen tests (imported by them)."""

from __future__ import annotations

from datetime import date, time

import pytest
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.demo import generate_demo
from tests.clock import clock_on

WIDTH, HEIGHT = 1198, 690  # 1366×768 less the navigation column, title and status bars


DAY = date(2026, 11, 18)  # the demo team's day; the staff screen tests run on it (``on_demo_day``)


def with_demo(db) -> None:
    """The demo station's staff, made on ``DAY`` (an hour before the tests' clock starts)."""
    with clock_on(DAY, time(9, 0)):
        generate_demo(db, residents=0, today=DAY)


@pytest.fixture
def on_demo_day():
    """The clock set to ``DAY`` for the whole test: the screens read it, and must agree with the demo team
    (whose supervision skips a month two months back, for instance, which is last year in January)."""
    with clock_on(DAY):
        yield


def show(qtbot, widget, width: int = WIDTH, height: int = HEIGHT):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    QApplication.processEvents()
    return widget


def test_size_fits_a_1366_by_768_screen():
    assert WIDTH + 168 == 1366 and HEIGHT < 768
