"""Issue 15 (J2) on the screens: 站长/常务副站长 in 设置 → 站点信息, and the 社区组织 register in
服务对象与个案 → 资源与志愿, with an activity registered under an organisation."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.domain.org_labels import OrgKind
from shuanbai_desktop.services import station
from shuanbai_desktop.services.targets import organisations, resources
from shuanbai_desktop.ui.settings import SettingsView
from shuanbai_desktop.ui.targets.view import TargetsView
from shuanbai_desktop.ui.widgets import select_data, set_checked
from tests.ui.helpers import click, grab, type_text


def test_leadership_is_saved_from_the_station_profile(qtbot, ctx):
    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.show_page("settings.station")
    page = view.tabs.currentWidget()
    type_text(page.leader_edit, "叶建国")
    type_text(page.leader_post_edit, "镇党委委员、副镇长")
    type_text(page.deputy_post_edit, "镇公共服务办主任")
    click(qtbot, page.save_button)
    assert "常务副站长姓名" in page.profile_error.text()
    type_text(page.deputy_edit, "何丽华")
    click(qtbot, page.save_button)
    assert page.profile_saved.text() == "已保存。"
    with ctx.session() as s:
        info = station.get_station(s)
    assert (info.leader_name, info.deputy_name, info.deputy_post) == ("叶建国", "何丽华", "镇公共服务办主任")
    assert ctx.station.leader_name == "叶建国"
    grab(view, "settings_station_leadership")


def test_register_an_organisation_and_an_activity_under_it(qtbot, ctx):
    view = TargetsView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.show_page("targets.resources")
    res = view.resources_page
    res.tabs.setCurrentWidget(res.orgs_page)
    page = res.orgs_page
    assert not page.edit_button.isEnabled()
    click(qtbot, page.new_button)
    dialog = page.dialog
    type_text(dialog.name, "东湖社区长者互助会")
    select_data(dialog.kind, OrgKind.MUTUAL_AID.value)
    dialog.village.setCurrentIndex(1)
    type_text(dialog.founded, "2023-05-01")
    type_text(dialog.contact, "陈大姐")
    dialog.members.setValue(31)
    set_checked(dialog.support, ("venue", "training"))
    grab(dialog, "targets_org_dialog")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    QApplication.processEvents()
    [row] = page.model.rows
    assert row.name == "东湖社区长者互助会" and row.members == 31 and row.support_text == "提供活动场地、骨干培训"
    assert page.selected() is not None and page.edit_button.isEnabled()
    res.tabs.setCurrentIndex(2)
    assert res.a_org.findData(row.id) > 0
    select_data(res.a_org, row.id)
    type_text(res.a_title, "长者生日会")
    res.a_count.setValue(25)
    click(qtbot, res.a_add)
    assert res.activity_model.row(0).partner == "东湖社区长者互助会"
    res.tabs.setCurrentWidget(page)
    assert page.model.rows[0].activities == 1
    grab(view, "targets_orgs")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.dialog is not dialog and page.dialog.name.text() == "东湖社区长者互助会"
    page.dialog.reject()


def test_org_choices_leave_out_stopped_ones(ctx):
    with ctx.session() as s:
        organisations.save_org(s, organisations.OrgInput("巾帼志愿队", OrgKind.VOLUNTEER_TEAM, None, None,
                                                         date(2024, 1, 1)))
        assert [c.name for c in organisations.org_choices(s)] == ["巾帼志愿队"]
        assert resources.list_activities(s) == []
