"""Setting the clock in a test whose program reads it (the GUI, a restore stamped with the time).

A test that needs "today" either passes its own date to the services, or sets the clock here to a
day it chooses: never the real date, so the suite gives the same result on any day
(see ``--clock-ahead`` in tests/conftest.py).
"""

from __future__ import annotations

from datetime import date, datetime, time

import time_machine


def clock_on(day: date, at: time = time(10, 0)) -> time_machine.travel:
    """The clock set to ``day`` at ``at`` (local time) and ticking on from there; use as ``with clock_on(day):``."""
    return time_machine.travel(datetime.combine(day, at).astimezone(), tick=True)
