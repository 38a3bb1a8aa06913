"""Retention: files past their period are listed; extension or a recorded destruction, never deletion."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from shuanbai_desktop.domain.archive_rules import ArchiveCategory, Retention
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import workbench
from shuanbai_desktop.services.archives import catalogue, checks, lending, month_figures, retention
from shuanbai_desktop.services.archives.retention import DestructionInput
from shuanbai_desktop.services.workbench import Level, WorkbenchContext
from tests.conftest import BOTH
from tests.db.test_archives_catalogue import _save, personnel
from tests.db.test_attachments import add_user

BACKENDS = BOTH

TODAY = date(2025, 3, 1)


def old(title, year, retention_=Retention.Y10, **changes):
    return personnel(title, category=ArchiveCategory.SAFETY, year=year, retention=retention_, doc_date=None,
                     filed_on=date(year + 1, 1, 10), owner=None, **changes)


@pytest.fixture
def files(station_db, admin):
    return {
        "expired": _save(station_db, admin, old("2013年安全检查记录", 2013)),
        "expired2": _save(station_db, admin, old("2014年消防演练记录", 2014)),
        "current": _save(station_db, admin, old("2015年安全检查记录", 2015)),
        "permanent": _save(station_db, admin, old("2013年安全制度", 2013, Retention.PERMANENT)),
    }


def _due(db):
    with db.session() as s:
        return [r.title for r in retention.due_for_review(s, TODAY)]


def test_files_past_retention_are_listed_and_on_workbench(station_db, files):
    assert _due(station_db) == ["2013年安全检查记录", "2014年消防演练记录"]
    assert checks._review_items in workbench.PROVIDERS
    with station_db.session() as s:
        items = checks._review_items(WorkbenchContext(s, datetime(2025, 3, 1, 9), station_db.path, Role.ADMIN))
    assert [(i.level, i.title, i.area) for i in items] == [(Level.TODO, "2 件档案已过保管期限，待鉴定", "archives.review")]
    assert "AQ-2013-D10-0001、AQ-2014-D10-0001" in items[0].detail


def test_extension_takes_a_file_off_the_list_until_it_ends(station_db, admin, files):
    with pytest.raises(UserError, match="鉴定意见"), station_db.session(admin.actor) as s:
        retention.extend_retention(s, [files["expired"]], "2030-12-31", "", today=TODAY)
    with station_db.session(admin.actor) as s:
        retention.extend_retention(s, [files["expired"]], "2030-12-31", "涉及工伤认定，仍需保存", today=TODAY)
    assert _due(station_db) == ["2014年消防演练记录"]
    with station_db.session() as s:
        assert [r.title for r in retention.due_for_review(s, date(2031, 1, 1))][0] == "2013年安全检查记录"


def test_destruction_is_recorded_and_the_record_stays(station_db, admin, files):
    data = DestructionInput("2025-02-28", approved_by="李站长", supervisor="陈晓红", approval_ref="桥东社工站〔2025〕2号")
    with station_db.session(admin.actor) as s:
        record = retention.destroy(s, [files["expired"], files["expired2"]], data, today=TODAY)
    with station_db.session() as s:
        rows = retention.destroyed_files(s, record)
        history = retention.list_destructions(s)
        kept = catalogue.get_file(s, files["expired"])
        visible = [r.title for r in catalogue.list_files(s)]
        everything = catalogue.list_files(s, catalogue.ArchiveFilter(include_destroyed=True))
    assert [r.number for r in rows] == ["AQ-2013-D10-0001", "AQ-2014-D10-0001"]
    assert (history[0].approved_by, history[0].supervisor, history[0].files) == ("李站长", "陈晓红", 2)
    assert kept.state_text == "已销毁" and kept.destroyed_on == date(2025, 2, 28)
    assert "2013年安全检查记录" not in visible and len(everything) == 4
    assert _due(station_db) == []
    with pytest.raises(UserError, match="已销毁"), station_db.session(admin.actor) as s:
        lending.lend(s, files["expired"], lending.LoanInput("黄志明", "查阅", "2025-03-01", "2025-03-05"), today=TODAY)
    with pytest.raises(UserError, match="不能再修改"), station_db.session(admin.actor) as s:
        catalogue.save_file(s, old("改名", 2013), files["expired"], today=TODAY)
    with station_db.session() as s:
        figures = month_figures(s, 2025, 2, today=TODAY)
    assert (figures.destroyed, figures.total) == (2, 2)


@pytest.mark.parametrize(("which", "data", "rule"), [
    ("current", DestructionInput("2025-02-28", "李站长", "陈晓红"), "未到保管期限"),
    ("permanent", DestructionInput("2025-02-28", "李站长", "陈晓红"), "永久保管"),
    ("expired", DestructionInput("2025-02-28", "", "陈晓红"), "批准人不能为空"),
    ("expired", DestructionInput("2025-02-28", "李站长", ""), "监销人不能为空"),
    ("expired", DestructionInput("2025-02-28", "李站长", "李站长"), "批准人以外"),
    ("expired", DestructionInput("2025-03-02", "李站长", "陈晓红"), "晚于今天"),
])
def test_refused_destructions_change_nothing(station_db, admin, files, which, data, rule):
    with pytest.raises(UserError, match=rule), station_db.session(admin.actor) as s:
        retention.destroy(s, [files[which]], data, today=TODAY)
    with station_db.session() as s:
        assert retention.list_destructions(s) == []
        assert catalogue.get_file(s, files[which]).destroyed_on is None


def test_a_lent_file_is_not_destroyed(station_db, admin, files):
    with station_db.session(admin.actor) as s:
        lending.lend(s, files["expired"], lending.LoanInput("黄志明", "鉴定前核对", "2025-02-20", "2025-03-05"),
                     today=TODAY)
    with pytest.raises(UserError, match="借出中"), station_db.session(admin.actor) as s:
        retention.destroy(s, [files["expired"]], DestructionInput("2025-02-28", "李站长", "陈晓红"), today=TODAY)


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.WINDOW, Role.SUPERVISOR], ids=lambda r: r.value)
def test_only_an_administrator_appraises(station_db, files, role):
    """Destruction was admin-only only because its buttons were hidden (issue 12); the service refuses it now."""
    actor = add_user(station_db, "tester", role)
    with pytest.raises(UserError, match=f"“{role.short}”角色不能档案到期鉴定和销毁"), station_db.session(actor) as s:
        retention.destroy(s, [files["expired"]], DestructionInput("2025-02-28", "李站长", "陈晓红"), today=TODAY)
    with pytest.raises(UserError, match="不能档案到期鉴定"), station_db.session(actor) as s:
        retention.extend_retention(s, [files["expired"]], "2030-12-31", "仍需保存", today=TODAY)
    with station_db.session() as s:
        assert retention.list_destructions(s) == []
        assert catalogue.get_file(s, files["expired"]).extended_until is None
    assert _due(station_db) == ["2013年安全检查记录", "2014年消防演练记录"]
