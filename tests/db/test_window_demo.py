"""Demo registrations: realistic, consistent with the rules, and quick."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from shuanbai_desktop.data.models.window import WindowEvent, WindowRegistration
from shuanbai_desktop.demo import window as demo_window
from shuanbai_desktop.domain.counter_labels import EventKind, Status
from shuanbai_desktop.domain.workdays import is_workday
from shuanbai_desktop.services.window import month_figures, queries

from .test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)

TODAY = date(2026, 11, 27)


def test_demo_months_follow_the_rules(win):
    with win.db.session() as s:
        demo_window.add_demo(s, random.Random(7), TODAY)
    with win.db.session() as s:
        regs = list(s.scalars(select(WindowRegistration)))
        kinds = dict(s.execute(select(WindowEvent.kind, func.count()).group_by(WindowEvent.kind)).all())
        overdue = queries.counts(s, TODAY, None).overdue
        figures = month_figures(s, 2026, 10, today=TODAY)
    assert len(regs) == 600 and kinds[EventKind.REGISTER.value] == 600
    assert len({r.ticket_no for r in regs}) == 600
    assert all(is_workday(r.registered_on) and r.registered_on < TODAY for r in regs)
    assert not [r for r in regs if date(2026, 10, 1) <= r.registered_on <= date(2026, 10, 7)]
    done = [r for r in regs if r.status == Status.DONE.value]
    assert done and all(r.registered_on <= r.result_date < TODAY for r in done)
    assert kinds[EventKind.RESULT.value] == len(done)
    assert 0 < kinds[EventKind.FOLLOW_UP.value] < len(done)
    assert overdue > 0
    assert figures.registrations > 100 and 0.5 < figures.on_time_rate <= 1.0
    assert figures.done_on_spot + figures.assigned + figures.transferred == figures.registrations


def test_demo_does_nothing_when_registrations_exist(win):
    win.register()
    with win.db.session() as s:
        demo_window.add_demo(s, random.Random(7), TODAY)
        assert s.scalar(select(func.count(WindowRegistration.id))) == 1
