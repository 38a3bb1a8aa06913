"""The demo station holds 一人一案 plans for most service targets (issue 15): coverage, workers, reviews due."""

from __future__ import annotations

import random
import time
from datetime import date

from sqlalchemy import func, select

from shuanbai_desktop import demo
from shuanbai_desktop.data.models.plans import ServicePlan, ServicePlanReview
from shuanbai_desktop.demo import generate_demo, targets_plans
from shuanbai_desktop.demo import staff as demo_staff
from shuanbai_desktop.demo import targets as demo_targets
from shuanbai_desktop.services.permissions import as_system
from shuanbai_desktop.services.targets import month_figures, plans

TODAY = date(2026, 11, 20)


def test_demo_plans_cover_most_targets(station_db, monkeypatch):
    generators = [demo_staff.add_demo, demo_targets.add_demo, targets_plans.add_demo]
    monkeypatch.setattr(demo, "_feature_generators", lambda: iter(generators))
    generate_demo(station_db, residents=3000, today=TODAY)
    with station_db.session() as s:
        fig = month_figures(s, 2026, 11)
        count = s.execute(select(func.count(ServicePlan.id))).scalar_one()
        staffed = s.execute(select(func.count(ServicePlan.id)).where(ServicePlan.staff_id.is_not(None))).scalar_one()
        reviews = s.execute(select(func.count(ServicePlanReview.id))).scalar_one()
        due = plans.list_plans(s, plans.PlanFilter(due_by=TODAY))
        started = time.perf_counter()
        as_system(s)
        targets_plans.add_demo(s, random.Random(1), TODAY)  # a second run: every target has a plan already
        print(f"\nsecond run {time.perf_counter() - started:.2f}s; {count} plans, {reviews} reviews")
        again = s.execute(select(func.count(ServicePlan.id))).scalar_one()
    assert fig.plan_coverage_percent > 75 and count > 100 and again == count
    assert staffed == count and reviews > count // 3
    assert due and all(r.review_due <= TODAY for r in due)
