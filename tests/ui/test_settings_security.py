"""设置 → 安全设置, and the settings view's tabs and navigation keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from shuanbai_desktop.services import settings
from shuanbai_desktop.services.settings import INT_SETTINGS
from shuanbai_desktop.ui.settings import SettingsView
from tests.ui.helpers import grab as _grab


@pytest.fixture
def view(qtbot, ctx):
    widget = SettingsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1180, 680)
    widget.show()
    return widget


def test_admin_has_every_tab_and_keys_select_them(view):
    titles = view.tab_titles()
    assert titles[:2] == ["站点信息", "用户"] and titles[-3:] == ["备份与恢复", "操作日志", "安全设置"]
    # the features' own settings pages sit between them
    assert {"事项目录", "转办部门", "节假日调休表", "走访周期", "薪酬标准表", "县级报表模板"} <= set(titles)
    for key in ("settings.security", "settings.audit", "settings.backup", "settings.users", "settings.station"):
        view.show_page(key)
        assert view.current_key() == key
    view.show_page("settings.nonexistent")
    assert view.current_key() == "settings.station"


def test_security_settings_show_bounds_and_save(qtbot, view, ctx):
    view.show_page("settings.security")
    page = view.pages["settings.security"]
    assert set(page.spins) == set(INT_SETTINGS)
    for key, spin in page.spins.items():
        spec = INT_SETTINGS[key]
        assert (spin.minimum(), spin.maximum(), spin.value()) == (spec.minimum, spec.maximum, spec.default)
        assert spin.suffix() == f" {spec.unit}"
    QApplication.processEvents()
    _grab(view, "settings_security")
    page.spins["login.max_failures"].setValue(3)
    page.spins["session.idle_lock_minutes"].setValue(30)
    page.spins["login.lock_minutes"].setValue(99999)  # clamped by the spin box to its maximum
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.saved_label.text() == "已保存。"
    with ctx.session() as s:
        values = settings.all_ints(s)
    assert values["login.max_failures"] == 3
    assert values["session.idle_lock_minutes"] == 30
    assert values["login.lock_minutes"] == INT_SETTINGS["login.lock_minutes"].maximum
