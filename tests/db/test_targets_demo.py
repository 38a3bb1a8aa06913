"""The demo fills households, groups, visits and cases for the demo residents, quickly and consistently."""

from __future__ import annotations

import random
import time
from datetime import date

from sqlalchemy import func, select

from shuanbai_desktop import demo
from shuanbai_desktop.data.models import Person
from shuanbai_desktop.data.models.targets import Household, Visit
from shuanbai_desktop.demo import generate_demo
from shuanbai_desktop.demo import targets as demo_targets
from shuanbai_desktop.services.targets import month_figures, visits
from shuanbai_desktop.services.targets.case_detail import case_detail
from shuanbai_desktop.services.targets.cases import CaseFilter, list_cases

TODAY = date(2026, 11, 20)


def test_demo_fills_the_area(station_db, monkeypatch):
    monkeypatch.setattr(demo, "_feature_generators", lambda: iter([demo_targets.add_demo]))
    started = time.perf_counter()
    generate_demo(station_db, residents=3000, today=TODAY)
    elapsed = time.perf_counter() - started
    with station_db.session() as s:
        fig = month_figures(s, 2026, 11)
        households = s.scalar(select(func.count(Household.id)))
        members = s.scalar(select(func.count(Person.id)).where(Person.household_id.is_not(None)))
        latest = s.scalar(select(func.max(Visit.visit_date)))
        due = visits.due_visits(s, TODAY)
        cases = list_cases(s, CaseFilter())
        details = [case_detail(s, c.id) for c in cases]
    assert 150 < fig.targets_total < 600 and fig.elderly > 0 and fig.child_left_behind > 0 and fig.dibao > 0
    assert 80 < fig.file_coverage_percent < 100 and households > 50 and members > households
    assert fig.visit_household_times > households // 2 and latest <= TODAY
    assert any(d.days_left < 0 for d in due), "some households are overdue"
    assert cases and {c.stage.value for c in cases} >= {"identify", "follow_up"}
    for d in details:  # each case has the records its stage needs (the demo follows the rules)
        assert all(d.done[stage] for stage in d.done if stage.number < d.row.stage.number)
    assert elapsed < 20
    with station_db.session() as s:  # a second run leaves the residents it already did alone
        demo_targets.add_demo(s, random.Random(1), TODAY)
        assert s.scalar(select(func.count(Household.id))) == households
