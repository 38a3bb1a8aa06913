"""month_figures: the right counts on known data."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from shuanbai_desktop.domain.counter_labels import Channel, FollowUpMethod, Handling, Satisfaction
from shuanbai_desktop.services.window import handling, month_figures
from tests.conftest import BOTH

from .test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)

BACKENDS = BOTH

OCT = datetime(2026, 10, 20, 9, 0)  # a Tuesday
NOV = datetime(2026, 11, 2, 9, 0)   # a Monday


def _act(win, fn, *args, at):
    with win.db.session(win.clerk.actor) as s:
        fn(s, *args, at=at)


def _november(win):
    """Known November: 6 registrations (one voided), closings, overdue and follow-ups."""
    tick = iter(range(100))

    def at():
        return NOV + timedelta(minutes=next(tick))

    dept = win.departments
    on_spot = win.register("政策咨询", Handling.ON_SPOT, result="已解答", channel=Channel.PHONE, at=at())
    win.register("政策咨询", Handling.ON_SPOT, result="已解答", channel=Channel.PHONE, person_id=None, at=at())
    early = win.register("居家养老服务", at=at())                                     # due 2026-11-16
    late = win.register("心理疏导", channel=Channel.PROXY, agent_name="张小明", at=at())  # due 2026-11-09
    win.register("残疾人证办理", Handling.TRANSFER, department_id=dept["残联"], at=at())  # due 2026-11-30
    win.register("临时救助", Handling.TRANSFER, department_id=dept["镇社会事务办"], channel=Channel.OTHER,
                 at=at())                                                               # due 2026-11-16, open
    voided = win.register("其他", at=at())
    _act(win, handling.void, voided.id, "登记错误", at=NOV + timedelta(hours=1))
    _act(win, handling.close, early.id, "已安排服务", "2026-11-10", at=datetime(2026, 11, 10, 16))
    _act(win, handling.close, late.id, "已疏导", "2026-11-12", at=datetime(2026, 11, 12, 16))
    _act(win, handling.follow_up, early.id, "2026-11-13", FollowUpMethod.PHONE, Satisfaction.SATISFIED, "",
         at=datetime(2026, 11, 13, 10))
    _act(win, handling.follow_up, late.id, "2026-11-13", FollowUpMethod.VISIT, Satisfaction.UNSATISFIED, "",
         at=datetime(2026, 11, 13, 11))
    _act(win, handling.follow_up, on_spot.id, "2026-11-03", FollowUpMethod.PHONE, Satisfaction.FAIR, "",
         at=datetime(2026, 11, 3, 11))


def test_november_figures(win):
    old = win.register("高龄津贴", Handling.TRANSFER, department_id=win.departments["镇社会事务办"], at=OCT)
    _act(win, handling.close, old.id, "已发放", "2026-11-05", at=datetime(2026, 11, 5, 15))  # due 2026-11-17
    _november(win)
    with win.db.session() as s:
        f = month_figures(s, 2026, 11, today=date(2026, 11, 28))
    assert f.registrations == 6 and f.voided == 1
    assert f.by_matter == (("临时救助", 1), ("残疾人证办理", 1), ("居家养老服务", 1), ("心理疏导", 1), ("政策咨询", 2))
    assert f.by_channel == (("来访", 2), ("来电", 2), ("代办", 1), ("其他", 1))
    assert (f.done_on_spot, f.assigned, f.transferred) == (2, 2, 2)
    assert f.transferred_by_department == (("残联", 1), ("镇社会事务办", 1))
    # closed in November: 2 on the spot + early (on time) + late (after 11-09) + October's (on time)
    assert (f.closed, f.closed_on_time, f.closed_late) == (5, 4, 1)
    assert f.on_time_rate == 0.8
    # unfinished on 28 Nov: 残疾人证 (due 30 Nov) and 临时救助 (due 16 Nov, overdue)
    assert (f.open_at_end, f.overdue_open) == (2, 1)
    assert (f.follow_ups, f.satisfied, f.fairly_satisfied, f.unsatisfied) == (3, 1, 1, 1)
    assert abs(f.satisfaction_rate - 2 / 3) < 1e-9


def test_october_seen_from_later_counts_what_was_unfinished_at_its_end(win):
    old = win.register("高龄津贴", Handling.TRANSFER, department_id=win.departments["镇社会事务办"],
                       at=datetime(2026, 10, 9, 9))  # 20 working days (Sat 10 Oct worked): due 2026-11-05
    late = win.register("心理疏导", at=datetime(2026, 10, 21, 9))  # due 2026-10-28, closed in November
    _act(win, handling.close, late.id, "已疏导", "2026-11-02", at=datetime(2026, 11, 2, 16))
    with win.db.session() as s:
        f = month_figures(s, 2026, 10, today=date(2026, 11, 28))
    assert f.registrations == 2 and f.closed == 0 and f.on_time_rate is None
    assert (f.open_at_end, f.overdue_open) == (2, 1)
    assert old.due_date == date(2026, 11, 5)


def test_an_empty_month_is_all_zeros(win):
    with win.db.session() as s:
        f = month_figures(s, 2026, 2)
    assert f.registrations == 0 and f.by_matter == () and f.satisfaction_rate is None
    assert f.by_channel == (("来访", 0), ("来电", 0), ("代办", 0), ("其他", 0))
