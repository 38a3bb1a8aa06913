"""The demo generator fills assets and archives through the services, with something due on 工作台."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from shuanbai_desktop import demo
from shuanbai_desktop.demo import assets as demo_assets
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services.archives import catalogue, lending, retention
from shuanbai_desktop.services.archives import checks as archive_checks
from shuanbai_desktop.services.assets import checks, events, register, stocktake
from shuanbai_desktop.services.workbench import WorkbenchContext

TODAY = date(2025, 3, 10)


def test_demo_assets_and_archives(station_db, monkeypatch):
    # only this feature's generator: the others are tested by their own features
    monkeypatch.setattr(demo, "_feature_generators", lambda: iter([demo_assets.add_demo]))
    demo.generate_demo(station_db, residents=50, today=TODAY)
    with station_db.session() as s:
        assets = register.list_assets(s)
        takes = stocktake.list_stocktakes(s)
        files = catalogue.list_files(s)
        open_loans = lending.list_loans(s, lending.LoanFilter(open_only=True), today=TODAY)
        due = retention.due_for_review(s, TODAY)
        issued = [a for a in assets if a.issued]
        ctx = WorkbenchContext(s, datetime(2025, 3, 10, 9), station_db.path, Role.ADMIN)
        missing = checks._missing_items(ctx)
        overdue = archive_checks._loan_items(ctx)
        recorder = next(a for a in assets if a.name == "数码录音笔")
        recorder_history = [h.kind.label for h in events.history(s, recorder.id)]
    assert len(assets) > 30 and len(issued) == 1
    assert [(t.title, t.missing, t.is_open) for t in takes] == [("2024年度资产盘点", 1, False)]
    assert recorder_history == ["登记入账", "盘点", "报废处置"]
    assert len(missing) == 2 and {i.title.split("缺少")[1] for i in missing} == {"打印机", "社工点标牌"}
    assert len(files) > 60
    assert {r.number[:2] for r in files} == {"RS", "CW", "YW", "WS", "WZ", "AQ"}
    assert len(open_loans) == 2 and [i.level.value for i in overdue] == ["overdue"]
    assert [r.title for r in due] == ["2013年社区综合服务中心服务台账", "2014年社区综合服务中心服务台账"]
    demo.generate_demo(station_db, residents=0, today=TODAY)  # a second run adds no second set
    with station_db.session() as s:
        assert len(register.list_assets(s)) == len(assets)


def test_the_demo_acts_as_the_system_not_as_a_user(station_db):
    """The generator runs before anyone logs in: its session is marked as the program's own work."""
    import random

    station_db.acting_for = None  # no logged-in user at all
    with station_db.session() as s:
        demo_assets.add_demo(s, random.Random(1), TODAY)
    with station_db.session() as s:
        recorder = next(a for a in register.list_assets(s) if a.name == "数码录音笔")
        assert {h.created_by for h in events.history(s, recorder.id)} == {"system"}
        assert retention.due_for_review(s, TODAY)


@pytest.mark.parametrize("today", [date(2027, 1, 1), date(2027, 1, 14)])
def test_demo_assets_and_archives_in_the_first_days_of_a_year(station_db, monkeypatch, today):
    """Before 15 January, last year's missing item is written off on the day itself, not in the future."""
    monkeypatch.setattr(demo, "_feature_generators", lambda: iter([demo_assets.add_demo]))
    demo.generate_demo(station_db, residents=0, today=today)
    with station_db.session() as s:
        takes = stocktake.list_stocktakes(s)
        recorder = next(a for a in register.list_assets(s) if a.name == "数码录音笔")
        history = events.history(s, recorder.id)
    assert [(t.title, t.missing) for t in takes] == [(f"{today.year - 1}年度资产盘点", 1)]
    assert [h.kind.label for h in history] == ["登记入账", "盘点", "报废处置"]
    assert all(h.on_date <= today for h in history)
