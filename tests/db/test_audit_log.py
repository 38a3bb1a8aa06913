"""services.audit_log: querying and describing the audit trail."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest

from shuanbai_desktop.data import audit
from shuanbai_desktop.data.models import Person
from shuanbai_desktop.domain.idcard import make_id_number, mask_id_number
from shuanbai_desktop.domain.labels import FacilityType, Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import audit_log, auth, station
from shuanbai_desktop.services.audit_log import EVENTS, AuditQuery
from tests.conftest import BOTH

BACKENDS = BOTH

ID_NUMBER = make_id_number("441302", date(1948, 8, 8), 42)


@pytest.fixture
def db(station_db, admin, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(audit, "now", lambda: datetime(2024, 3, 1, 9, 0))
        with station_db.session(admin.actor) as s:
            code = station.list_villages(s)[0].code
            station.save_service_point(s, station.ServicePointInput(
                "东湖社工点", FacilityType.NURSING_HOME, "", "", "", (code,)))
    with station_db.session(admin.actor) as s:
        s.add(Person(name="李阿公", id_number=ID_NUMBER))
        user = auth.create_user(s, "wangfang", "王芳", Role.WINDOW, "Chuangkou2024")
        auth.update_user(s, user.id, "王芳", Role.SUPERVISOR)
    return station_db


def _search(db, **kw):
    with db.session() as s:
        return audit_log.search(s, AuditQuery(**kw))


def test_filters_by_user_date_and_type(db):
    everything = _search(db)
    assert [r.id for r in everything.rows] == sorted((r.id for r in everything.rows), reverse=True)
    assert {r.username for r in _search(db, username="system").rows} == {"系统"}
    old = _search(db, date_from=date(2024, 3, 1), date_to=date(2024, 3, 1))
    assert {r.at.date() for r in old.rows} == {date(2024, 3, 1)} and old.total == 2
    points = _search(db, record_type="service_point")
    assert [r.summary for r in points.rows] == ["新增社工点「东湖社工点」"]
    events = _search(db, record_type=EVENTS)
    assert events.total >= 1 and {r.action for r in events.rows} == {"操作"}


def test_reversed_dates_name_both_fields(db):
    with pytest.raises(UserError) as caught:
        _search(db, date_from=date(2024, 3, 2), date_to=date(2024, 3, 1))
    assert caught.value.field == "起始日期"
    assert "起始日期" in caught.value.message and "截止日期" in caught.value.message


def test_paging_clamps_to_the_last_page(db):
    first = _search(db, page_size=5)
    assert first.pages == -(-first.total // 5) and len(first.rows) == 5
    last = _search(db, page_size=5, page=99)
    assert last.page == first.pages - 1
    assert len(last.rows) == first.total - 5 * (first.pages - 1)


def test_changes_are_described_in_chinese(db):
    rows = _search(db).rows
    role_change = next(r for r in rows if r.summary == "修改用户「wangfang」")
    assert role_change.details == ("角色：由“窗口”改为“督导/只读”",)
    point = next(r for r in rows if r.summary == "新增社工点「东湖社工点」")
    assert "依托场所类型：敬老院" in point.details and "有效：是" in point.details
    link = next(r for r in rows if r.object == "社工点覆盖村(居)")
    assert link.details == ("社工点：东湖社工点", "村(居)：东湖社区居委会")
    assert link.summary == "新增社工点覆盖村(居)「东湖社工点，东湖社区居委会」"
    person = next(r for r in rows if r.summary == "新增居民「李阿公」")
    assert f"身份证号：{mask_id_number(ID_NUMBER)}" in person.details
    labels = [line.split("：", 1)[0] for r in rows for line in r.details]
    assert labels and not any(re.search(r"[A-Za-z_]", label) for label in labels)  # no column names


def test_nothing_shown_unmasks_an_id_number(db):
    with pytest.raises(UserError):
        auth.log_in(db, ID_NUMBER, "wrong-password1")
    with db.session() as s:
        audit.record_event(s, "export", "", "导出", {"note": f"含 {ID_NUMBER} 的文本"})
    shown = [r.summary for r in _search(db).rows] + [d for r in _search(db).rows for d in r.details]
    assert not any(ID_NUMBER in text for text in shown)
    assert any(mask_id_number(ID_NUMBER) in text for text in shown)


def test_labels_never_show_internal_names(db):
    with db.session() as s:
        types = audit_log.record_types(s)
        names = audit_log.usernames(s)
    assert types[-1].label == "操作"
    assert {t.label for t in types} >= {"社工点", "用户", "居民"}
    assert "admin" in names and "system" in names
    assert audit_log.object_label("no_such_table") == "其他"
    assert audit_log.object_label("no_such_table", "event") == "系统"
    assert audit_log.field_label("no_such_table", "weird_column") == "其他信息"
    assert audit_log.describe_changes("x", "update", "not json") == ("（变更内容无法读取）",)
    assert audit_log.value_text("setting", "key", "login.max_failures") == "连续输错密码几次后锁定账户"
    assert audit_log.value_text("t", "at", "2024-03-01T09:00:00") == "2024-03-01 09:00:00"
    assert audit_log.value_text("t", "v", None) == "（空）"
    assert audit_log.describe_changes("t", "event", json.dumps({"folder": "backups"})) == ("备份文件夹：backups",)


def test_mask_text_masks_id_shaped_numbers_only():
    old = "441302560808123"
    text = f"甲 {ID_NUMBER} 乙 {old} 丙 13800138000"
    masked = audit_log.mask_text(text)
    assert ID_NUMBER not in masked and old not in masked
    assert mask_id_number(ID_NUMBER) in masked and "13800138000" in masked
