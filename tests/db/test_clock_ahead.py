"""The program's results do not depend on the day the tests (or the station) happen to run.

Services that are given a ``today`` use it, never the wall clock: each test here moves the clock
well away from the dates it passes in and checks that nothing changes. The whole suite can also run
with the clock moved: ``pytest tests/db tests/unit --clock-ahead 400`` (tests/conftest.py).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shuanbai_desktop import demo
from shuanbai_desktop.data.models.assets import AssetEvent
from shuanbai_desktop.data.models.person import PersonGroup
from shuanbai_desktop.data.models.staff import StaffMember
from shuanbai_desktop.data.models.staff_activity import StaffSupervision
from shuanbai_desktop.domain.target_labels import TargetGroup
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.persons import PersonInput
from shuanbai_desktop.services.report.collect import collect, run_checks
from shuanbai_desktop.services.targets import month_figures
from tests.clock import clock_on

from .test_report_figures import build_known

ROOT = Path(__file__).resolve().parents[2]


def test_group_membership_starts_on_the_day_entered_not_the_day_typed(station_db):
    entered = date(2026, 11, 20)
    with clock_on(date(2027, 6, 1)), station_db.session() as s:  # typed in months later
        pid = persons.save_person(s, PersonInput("王秀英", "440524194501010011", village_code="441302001001",
                                                 groups=(TargetGroup.ELDERLY_IN_DIFFICULTY,)), today=entered)
        since = s.scalars(select(PersonGroup.since).where(PersonGroup.person_id == pid)).one()
        november = month_figures(s, 2026, 11)
    assert since == entered
    assert november.targets_total == 1 and november.elderly == 1


def _report(db, today: date):
    with db.session() as s:
        figures = collect(s, 2024, 5, today=today)
        checks = run_checks(s, 2024, 5, today=today)
    return figures.values(), {c.key: c.count for c in checks}


def test_monthly_report_is_a_function_of_the_month_and_the_given_day(station_db):
    """May 2024 previewed on 14 May: the loan (due 25 May) and the transferred matter (due 15 May) are
    not late yet; whatever the clock says, the figures and the checks are those of 14 May."""
    build_known(station_db)
    mid_may = date(2024, 5, 14)
    with clock_on(mid_may):
        on_the_day = _report(station_db, mid_may)
    with clock_on(date(2031, 2, 28)):
        years_later = _report(station_db, mid_may)
    values, checks = years_later
    assert years_later == on_the_day
    assert values["archives.on_loan"] == 1 and values["archives.overdue"] == 0
    assert values["window.open_at_end"] == 1 and values["window.overdue_open"] == 0
    assert "archives.overdue" not in checks and "window.overdue" not in checks
    with clock_on(date(2031, 2, 28)):
        end_of_may_values, end_of_may_checks = _report(station_db, date(2024, 6, 3))
    assert end_of_may_values["archives.overdue"] == 1 and end_of_may_values["window.overdue_open"] == 1
    assert end_of_may_checks["archives.overdue"] == 1 and end_of_may_checks["window.overdue"] == 1


def test_annual_figures_take_the_running_month_on_the_given_day(station_db):
    from shuanbai_desktop.services.report import annual
    build_known(station_db)
    with clock_on(date(2031, 2, 28)), station_db.session() as s:
        year = annual.annual(s, 2024, today=date(2024, 5, 14))
    assert year.months == (1, 2, 3, 4, 5) and year.until == date(2024, 5, 14)
    assert year.by_month[-1]["archives.overdue"] == 0 and year.by_month[-1]["window.overdue_open"] == 0


@pytest.mark.parametrize("today", [date(2027, 1, 1), date(2027, 1, 14), date(2028, 2, 29), date(2027, 12, 31)])
def test_demo_station_can_be_made_on_any_day(station_db, today):
    """The demo dates everything from the day it is given (New Year's week, a leap day, New Year's Eve),
    and every record passes the same rules as typed ones: nothing after that day."""
    with clock_on(date(2031, 2, 28)):
        demo.generate_demo(station_db, residents=200, today=today)
    with station_db.session() as s:
        last_supervision = s.scalar(select(func.max(StaffSupervision.end_date)))
        last_event = s.scalar(select(func.max(AssetEvent.on_date)))
        staff = s.scalar(select(func.count(StaffMember.id)))
    assert staff > 10 and last_supervision <= today and last_event <= today


def test_clock_ahead_option_moves_the_clock_of_every_test(tmp_path):
    """The suite's own switch (tests/conftest.py): a test run with it sees the clock 400 days ahead, in each of
    the worker processes the suite runs in (pytest-xdist, ``-n``)."""
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import time\n"
        "from datetime import date, timedelta\n"
        "import time_machine\n\n"
        "def test_clock():\n"
        "    real = time_machine.escape_hatch.time.time()\n"
        "    assert 399 * 86400 < time.time() - real < 401 * 86400\n"
        "    assert date.today() > date.fromtimestamp(real) + timedelta(days=399)\n\n"
        "test_clock_on_the_other_worker = test_clock\n", encoding="utf-8")
    ini = tmp_path / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "tests.conftest",
                          "-c", str(ini), "--rootdir", str(tmp_path), str(probe),
                          "--clock-ahead", "400", "-n", "2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout and "clock moved 400 days ahead" in run.stdout
