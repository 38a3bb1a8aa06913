"""设置 → 站点信息: profile, service points and coverage, as an administrator would use them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from shuanbai_desktop.domain.labels import FacilityType, Role
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.settings import SettingsView
from tests.ui.helpers import grab, type_text


@pytest.fixture
def view(qtbot, ctx):
    widget = SettingsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1180, 680)
    widget.show()
    widget.show_page("settings.station")
    return widget


def _villages(ctx):
    with ctx.session() as s:
        return station.list_villages(s)


def _points(ctx):
    with ctx.session() as s:
        return station.list_service_points(s)


def _add_point(qtbot, page, name, codes, facility=FacilityType.PARTY_CENTER, phone=""):
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.point_dialog
    assert dialog.isVisible()
    type_text(dialog.name_edit, name)
    dialog.facility_combo.setCurrentIndex(dialog.facility_combo.findData(facility))
    type_text(dialog.liaison_edit, "陈社工")
    if phone:
        type_text(dialog.phone_edit, phone)
    for i in range(dialog.village_list.count()):
        item = dialog.village_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) in codes:
            item.setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    return dialog


def test_points_covering_every_village_show_full_coverage(qtbot, view, ctx):
    page = view.station_page
    codes = [v.code for v in _villages(ctx)]
    assert len(codes) == 13
    assert page.coverage_panel.summary.text() == "已覆盖 0 / 13 个村(居)（0.0%）"
    assert page.coverage_panel.uncovered_list.count() == 13
    grab(view, "settings_station_empty")
    groups = [codes[0:3], codes[3:6], codes[6:9], codes[9:13]]
    for n, group in enumerate(groups, 1):
        dialog = _add_point(qtbot, page, f"桥东第{n}社工点", group, phone="13800138000")
        assert not dialog.isVisible(), dialog.error_label.text()
    assert page.points_model.rowCount() == 4
    panel = page.coverage_panel
    assert panel.summary.text() == "已覆盖 13 / 13 个村(居)（100.0%）"
    assert panel.progress.value() == panel.progress.maximum() == 13
    assert panel.uncovered_list.count() == 0
    assert panel.all_covered.isVisible()
    assert panel.over_note.isVisible()
    assert "桥东第4社工点（4 个）" in panel.over_note.text()
    assert "桥东第1社工点" not in panel.over_note.text()
    grab(view, "settings_station_covered")


def test_point_without_village_or_name_is_refused_at_the_field(qtbot, view, ctx):
    page = view.station_page
    code = _villages(ctx)[0].code
    dialog = _add_point(qtbot, page, "东湖社工点", [])
    assert dialog.isVisible()
    assert dialog.errors.text == "社工点至少要覆盖一个村(居)。"
    assert dialog.village_list.styleSheet()  # the list is outlined
    grab(dialog, "settings_point_dialog_error")
    dialog.set_checked([code])
    dialog.name_edit.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.errors.text == "社工点名称不能为空。"
    assert dialog.name_edit.hasFocus() or dialog.name_edit.styleSheet()
    type_text(dialog.name_edit, "东湖社工点")
    type_text(dialog.phone_edit, "12345")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "联络人电话" in dialog.errors.text
    assert _points(ctx) == []
    assert page.points_model.rowCount() == 0


def test_edit_shows_other_points_and_delete_uncovers(qtbot, view, ctx, monkeypatch):
    page = view.station_page
    codes = [v.code for v in _villages(ctx)]
    _add_point(qtbot, page, "甲社工点", codes[:2])
    _add_point(qtbot, page, "乙社工点", codes[2:3], facility=FacilityType.SCHOOL)
    assert not page.edit_button.isEnabled()
    page.points_table.selectRow(1)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = page.point_dialog
    texts = [dialog.village_list.item(i).text() for i in range(dialog.village_list.count())]
    assert texts[0].endswith("（已由“甲社工点”覆盖）")
    assert dialog.facility_combo.currentText() == "学校"
    assert dialog.checked_codes() == (codes[2],)
    type_text(dialog.filter_edit, "东")
    hidden = [dialog.village_list.item(i).isHidden() for i in range(dialog.village_list.count())]
    assert any(hidden) and not all(hidden)
    grab(dialog, "settings_point_dialog_edit")
    dialog.set_checked(codes[2:4])
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert [p.village_codes for p in _points(ctx)][1] == tuple(codes[2:4])
    assert page.coverage_panel.summary.text().startswith("已覆盖 4 / 13")
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
    page.points_table.selectRow(0)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert [p.name for p in _points(ctx)] == ["乙社工点"]
    assert page.coverage_panel.summary.text().startswith("已覆盖 2 / 13")


def test_profile_is_saved_or_refused_whole(qtbot, view, ctx):
    page = view.station_page
    assert page.area_label.text() == "广东省惠州市惠城区桥东街道"
    assert page.code_label.text() == "441302001"
    page.name_edit.clear()
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.profile_errors.text == "社工站名称不能为空。"
    page.name_edit.setText("桥东街道社工站")
    page.phone_edit.setText("abc")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "联系电话" in page.profile_errors.text
    with ctx.session() as s:
        assert station.get_station(s).name == "桥东街道社会工作服务站"
    page.phone_edit.setText("0752-2808728")
    with qtbot.waitSignal(view.station_changed) as signal:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].name == "桥东街道社工站"
    assert ctx.station.phone == "0752-2808728"
    assert page.profile_saved.text() == "已保存。"


def test_non_admin_sees_no_user_or_audit_tabs_and_cannot_restore(qtbot, station_db, ctx):
    with ctx.session() as s:
        auth.create_user(s, "wangfang", "王芳", Role.WINDOW, "Chuangkou2024", must_change=False)
    user = auth.log_in(station_db, "wangfang", "Chuangkou2024")
    view = SettingsView(AppContext(db=station_db, user=user, station=ctx.station))
    qtbot.addWidget(view)
    view.resize(1180, 680)
    view.show()
    assert view.tab_titles() == ["站点信息", "备份与恢复"]
    view.show_page("settings.users")
    view.show_page("settings.audit")
    assert view.current_key() == "settings.station"
    page = view.station_page
    assert page.name_edit.isReadOnly() and not page.save_button.isVisible()
    assert not page.add_button.isVisible() and not page.delete_button.isVisible()
    grab(view, "settings_station_readonly")
    view.show_page("settings.backup")
    backup_page = view.pages["settings.backup"]
    assert backup_page.backup_button.isVisible()
    assert not backup_page.copy_button.isVisible()  # 复制到U盘: a full copy leaves the PC, administrator only
    assert not backup_page.second_button.isVisible()
    assert not hasattr(backup_page, "restore_button")
    assert not [b.text() for b in backup_page.findChildren(QPushButton) if "恢复" in b.text()]
    grab(view, "settings_backup_readonly")


def test_a_supervisor_may_not_back_up_by_hand(qtbot, station_db, ctx):
    with ctx.session() as s:
        auth.create_user(s, "dudao", "刘督导", Role.SUPERVISOR, "Du-dao-2024-qd", must_change=False)
    user = auth.log_in(station_db, "dudao", "Du-dao-2024-qd")
    view = SettingsView(AppContext(db=station_db, user=user, station=ctx.station))
    qtbot.addWidget(view)
    view.show()
    view.show_page("settings.backup")
    page = view.pages["settings.backup"]
    assert not page.backup_button.isVisible() and not page.copy_button.isVisible()
    assert "自动备份" in page.empty_note.text()
