"""工作台: overdue matters red, near-due amber, each user their own; a missing holiday table is flagged."""

from __future__ import annotations

from datetime import datetime

from shuanbai_desktop.domain.counter_labels import HolidayKind
from shuanbai_desktop.services import workbench
from shuanbai_desktop.services.window import handling, holidays, workbench_items
from shuanbai_desktop.services.workbench import Level, WorkbenchContext
from tests.conftest import BOTH

from .test_window_helpers import AT, win_fixture, win_template  # noqa: F401  (fixtures)

BACKENDS = BOTH

MONDAY = datetime(2026, 11, 30, 9, 0)


def _items(win, user, at=MONDAY):
    with win.db.session(user.actor) as s:
        return workbench_items.window_due_items(WorkbenchContext(s, at, win.db.anchor, user.role))


def _setup(win):
    overdue = win.register("临时救助", at=datetime(2026, 11, 10, 9))   # due 2026-11-24
    soon = win.register("心理疏导", at=AT)                              # due 2026-12-02
    later = win.register("居家养老服务", at=AT)                         # due 2026-12-09: not shown
    other = win.register("心理疏导", at=AT, actor=win.worker)           # the social worker's own
    return overdue, soon, later, other


def test_provider_is_registered():
    assert workbench_items.window_due_items in workbench.PROVIDERS


def test_overdue_and_near_due_matters_of_the_user(win):
    overdue, soon, _, other = _setup(win)
    items = _items(win, win.clerk)
    assert [(i.level, i.area) for i in items] == [(Level.OVERDUE, f"window.matter.{overdue.id}"),
                                                  (Level.SOON, f"window.matter.{soon.id}")]
    assert items[0].title == f"窗口事项已超期：{overdue.ticket_no} 临时救助"
    assert "应于 2026-11-24 办结" in items[0].detail and "首问负责人 陈晓红" in items[0].detail
    assert [i.area for i in _items(win, win.worker)] == [f"window.matter.{other.id}"]


def test_administrator_sees_everything_and_finished_matters_leave(win):
    overdue, soon, _, other = _setup(win)
    assert len([i for i in _items(win, win.admin) if i.area.startswith("window.matter.")]) == 3
    with win.db.session(win.clerk.actor) as s:
        handling.close(s, overdue.id, "已发放临时救助金", "2026-11-27", at=MONDAY)
    assert [i.area for i in _items(win, win.clerk)] == [f"window.matter.{soon.id}"]


def test_a_handed_on_matter_shows_for_the_new_handler(win):
    _, soon, _, _ = _setup(win)
    with win.db.session(win.clerk.actor) as s:
        handling.assign(s, soon.id, win.worker.id, "", at=MONDAY)
    assert f"window.matter.{soon.id}" in [i.area for i in _items(win, win.worker)]


def test_many_items_are_summed_up(win):
    for minute in range(12):
        win.register("临时救助", at=datetime(2026, 11, 10, 9, minute))
    items = _items(win, win.clerk)
    assert len(items) == workbench_items.SHOWN + 1
    assert items[-1].title == "另有 4 件窗口事项已超期" and items[-1].area == "window.overdue"


def test_administrator_is_asked_for_the_2027_holiday_table(win):
    win.register("最低生活保障", at=datetime(2026, 12, 28, 9), department_id=win.departments["镇社会事务办"])
    at = datetime(2026, 12, 28, 10)
    todo = [i for i in _items(win, win.admin, at) if i.level is Level.TODO]
    assert todo and todo[0].title == "请填写 2027 年的节假日调休表" and todo[0].area == "settings.window_holidays"
    assert not [i for i in _items(win, win.clerk, at) if i.level is Level.TODO]
    with win.db.session(win.admin.actor) as s:
        holidays.save_entry(s, "2027-01-01", HolidayKind.HOLIDAY, "元旦")
    assert not [i for i in _items(win, win.admin, at) if i.level is Level.TODO]
