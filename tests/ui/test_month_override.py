"""A save touching a reported month: refused for staff; the administrator gives a reason once, then it saves."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit

from shuanbai_desktop.data.models.cases import Activity
from shuanbai_desktop.data.month_lock import MonthLocked
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.ui import messages
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.forms import FormErrors
from shuanbai_desktop.ui.report import month_override

DAY = date(2026, 9, 15)


def _lock(db, admin):
    from shuanbai_desktop.data.models.report import LockedMonth
    with db.session(admin.actor) as s:
        s.add(LockedMonth(month="2026-09", locked_by=admin.username))


def _activity(**kw):
    return Activity(title="中秋游园会", held_on=DAY, kind="community", **kw)


@pytest.fixture
def contexts(station_db, admin):
    with station_db.session() as s:
        info = station.get_station(s)
        auth.create_user(s, "sg1", "黄社工", Role.SOCIAL_WORKER, "Worker2024x", must_change=False)
    worker = auth.log_in(station_db, "sg1", "Worker2024x")
    return AppContext(station_db, admin, info), AppContext(station_db, worker, info)


def test_every_screen_gets_the_reason_prompt_for_the_administrator(qtbot, contexts, monkeypatch, station_db):
    admin_ctx, worker_ctx = contexts
    _lock(station_db, admin_ctx.user)
    shown = []
    monkeypatch.setattr(messages, "error", lambda parent, text, title="": shown.append(text))
    monkeypatch.setattr(messages, "info", lambda parent, text, title="": shown.append(text))
    monkeypatch.setattr(month_override, "ask_reason", lambda parent, months: "补录遗漏的中秋活动")

    def save(ctx):
        with ctx.session() as s:
            s.add(_activity())

    month_override.install(worker_ctx)
    label = QLabel()
    errors = FormErrors(label, {"x": QLineEdit()})
    with pytest.raises(MonthLocked) as err:
        save(worker_ctx)
    errors.show(err.value)
    assert "请联系管理员" in shown[-1]

    month_override.install(admin_ctx)
    assert messages.attempt(None, lambda: save(admin_ctx)) is None
    assert "再点一次保存" in shown[-1] and admin_ctx.month_override
    save(admin_ctx)
    assert admin_ctx.month_override is None
    with station_db.session() as s:
        assert s.query(Activity).count() == 1
    with pytest.raises(MonthLocked):
        save(admin_ctx)  # the reason served one save only
