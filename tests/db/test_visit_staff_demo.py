"""Issue 15: the demo holds visits by roster workers without an account (visit_staff), the same every run."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from shuanbai_desktop import demo
from shuanbai_desktop.data.models import Village
from shuanbai_desktop.data.models.staff import StaffMember, StaffVillage
from shuanbai_desktop.data.models.targets import Household, Visit, VisitStaff, VisitWorker
from shuanbai_desktop.demo import generate_demo
from shuanbai_desktop.demo import staff as demo_staff
from shuanbai_desktop.demo import targets as demo_targets
from shuanbai_desktop.services.targets import visits

TODAY = date(2026, 11, 20)


def _demo(db, monkeypatch) -> list[tuple[int, int]]:
    """The staff demo (the roster) and the targets demo (visits) only."""
    monkeypatch.setattr(demo, "_feature_generators", lambda: iter([demo_staff.add_demo, demo_targets.add_demo]))
    generate_demo(db, residents=1500, today=TODAY)
    with db.session() as s:
        return list(s.execute(select(VisitStaff.visit_id, VisitStaff.staff_id).order_by(VisitStaff.visit_id)))


def test_demo_has_visits_by_roster_workers_without_an_account(station_db, monkeypatch):
    rows = _demo(station_db, monkeypatch)
    with station_db.session() as s:
        total = s.scalar(select(func.count(Visit.id)))
        staff = set(s.scalars(select(StaffMember.id).where(StaffMember.user_id.is_(None))))
        alone = s.scalar(select(func.count(Visit.id)).where(
            Visit.id.in_(select(VisitStaff.visit_id)), ~Visit.id.in_(select(VisitWorker.visit_id))))
        # each such worker visits households of a village they serve
        wrong_village = s.scalar(select(func.count()).select_from(VisitStaff).join(Visit, Visit.id == VisitStaff.visit_id)
                                 .join(Household, Household.id == Visit.household_id)
                                 .where(~select(StaffVillage.staff_id).where(
                                     StaffVillage.staff_id == VisitStaff.staff_id,
                                     StaffVillage.village_code == Household.village_code).exists()))
        shown = visits.list_visits(s, visits.VisitFilter(), limit=100000)
        names = {i: n for i, n in s.execute(select(StaffMember.id, StaffMember.name))}
        served = set(s.scalars(select(Village.name).join(StaffVillage, StaffVillage.village_code == Village.code)
                               .join(StaffMember, StaffMember.id == StaffVillage.staff_id)
                               .where(StaffMember.user_id.is_(None), StaffMember.status == "active")))
    assert 0 < len(rows) < total and alone > 0, (len(rows), total, alone)
    assert {staff_id for _v, staff_id in rows} <= staff and wrong_village == 0
    by_id = {v.id: v for v in shown}
    visit_id, staff_id = rows[0]
    assert names[staff_id] in by_id[visit_id].workers  # the list names the roster worker
    # deterministic: by the visit's id (every third visit where the village's own worker has no account)
    assert all(v % 3 == 0 for v, _s in rows) and {v for v, _s in rows} == {
        v.id for v in shown if v.id % 3 == 0 and v.village_name in served}
