"""Catalogue, departments, holiday table and paper settings: rules checked, nothing half saved."""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop.domain.counter_labels import Handling, HolidayKind
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.window import catalogue, departments, holidays, print_settings
from shuanbai_desktop.services.window.catalogue import MatterInput
from shuanbai_desktop.services.window.departments import DepartmentInput
from tests.conftest import BOTH

from .test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)

BACKENDS = BOTH


def _save_matter(win, data, matter_id=None):
    with win.db.session(win.admin.actor) as s:
        return catalogue.save_matter(s, data, matter_id)


def test_new_matter_goes_last_with_clean_material_lines(win):
    mid = _save_matter(win, MatterInput("就业援助", "  求职登记表 \n\n身份证复印件\n", "", Handling.TRANSFER, 7,
                                        win.departments["人社所"]))
    with win.db.session() as s:
        matters = catalogue.list_matters(s)
    assert matters[-1].id == mid and matters[-1].materials == ("求职登记表", "身份证复印件")
    assert matters[-1].limit_text == "7 个工作日" and matters[-1].department_name == "人社所"


@pytest.mark.parametrize(("data", "field"), [
    (MatterInput("", "", "", Handling.ASSIGN, 5), "事项名称"),
    (MatterInput("政策咨询", "", "", Handling.ASSIGN, 5), "事项名称"),
    (MatterInput("新事项", "", "", Handling.ASSIGN, 366), "办理时限"),
    (MatterInput("新事项", "", "", Handling.ASSIGN, -1), "办理时限"),
    (MatterInput("新事项", "", "", Handling.TRANSFER, 5, None), "接收部门"),
    (MatterInput("新事项", "\n".join(f"材料{i}" for i in range(31)), "", Handling.ASSIGN, 5), "所需材料"),
])
def test_bad_matter_is_refused_at_its_field(win, data, field):
    with pytest.raises(UserError) as caught:
        _save_matter(win, data)
    assert caught.value.field == field
    with win.db.session() as s:
        assert len(catalogue.list_matters(s, include_inactive=True)) == 11


def test_stopped_matters_leave_the_list_but_keep_their_registrations(win):
    win.register("其他")
    with win.db.session(win.admin.actor) as s:
        catalogue.set_active(s, win.matters["其他"], False)
    with win.db.session() as s:
        assert "其他" not in [m.name for m in catalogue.list_matters(s)]
        stopped = [m for m in catalogue.list_matters(s, include_inactive=True, with_counts=True) if m.name == "其他"]
    assert stopped[0].registrations == 1 and not stopped[0].active


def test_reorder_matters(win):
    with win.db.session(win.admin.actor) as s:
        catalogue.move(s, win.matters["政策咨询"], -1)
        names = [m.name for m in catalogue.list_matters(s)]
    assert names.index("政策咨询") == names.index("心理疏导") - 1


def test_departments_add_rename_and_stop(win):
    with win.db.session(win.admin.actor) as s:
        did = departments.save_department(s, DepartmentInput("镇综治办", "王主任", "0752-2800000"))
        with pytest.raises(UserError) as caught:
            departments.save_department(s, DepartmentInput("残联"), did)
        assert caught.value.field == "部门名称"
        with pytest.raises(UserError) as caught:
            departments.save_department(s, DepartmentInput("镇信访办", phone="12345"))
        assert caught.value.field == "部门电话"
        with pytest.raises(UserError, match="请先在事项目录中改为其他部门"):
            departments.set_active(s, win.departments["残联"], False)
        departments.set_active(s, did, False)
        assert "镇综治办" not in [d.name for d in departments.list_departments(s)]


def test_holiday_table_only_for_years_without_statutory_data(win):
    with win.db.session(win.admin.actor) as s:
        with pytest.raises(UserError, match="2026 年的法定节假日和调休安排已内置") as caught:
            holidays.save_entry(s, "2026-12-31", HolidayKind.HOLIDAY, "元旦前")
        assert caught.value.field == "日期"
        with pytest.raises(UserError, match="只用于周六、周日"):
            holidays.save_entry(s, "2027-02-01", HolidayKind.WORKDAY, "春节调休")
        with pytest.raises(UserError, match="本来就不上班"):
            holidays.save_entry(s, "2027-01-02", HolidayKind.HOLIDAY, "元旦")
        with pytest.raises(UserError) as caught:
            holidays.save_entry(s, "2027-01-01", HolidayKind.HOLIDAY, "")
        assert caught.value.field == "名称"
        holidays.save_entry(s, "2027-01-01", HolidayKind.HOLIDAY, "元旦")
        holidays.save_entry(s, "2027-02-06", HolidayKind.WORKDAY, "春节调休")
        assert holidays.years_missing_table(s, [2027, 2028]) == [2028]
    with win.db.session(win.admin.actor) as s:
        entries = holidays.list_entries(s, 2027)
        assert [(e.day, e.kind, e.weekday_text) for e in entries] == [
            (date(2027, 1, 1), HolidayKind.HOLIDAY, "星期五"), (date(2027, 2, 6), HolidayKind.WORKDAY, "星期六")]
        holidays.remove_entry(s, date(2027, 1, 1))
        assert [e.day for e in holidays.list_entries(s)] == [date(2027, 2, 6)]


def test_print_settings_default_and_saved(win):
    with win.db.session(win.admin.actor) as s:
        assert print_settings.get_print_settings(s).paper == "A5"
        with pytest.raises(UserError) as caught:
            print_settings.save_print_settings(s, print_settings.PrintSettings(paper="B5"))
        assert caught.value.field == "纸张"
        with pytest.raises(UserError) as caught:
            print_settings.save_print_settings(s, print_settings.PrintSettings(office_hours=""))
        assert caught.value.field == "办公时间"
        print_settings.save_print_settings(s, print_settings.PrintSettings("A4", "工作日 9:00—17:00", "一楼窗口", ""))
    with win.db.session() as s:
        assert print_settings.get_print_settings(s) == print_settings.PrintSettings("A4", "工作日 9:00—17:00",
                                                                                  "一楼窗口", "")
