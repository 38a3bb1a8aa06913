"""设置 → 用户: new accounts, password resets, disabling and unlocking, through services.auth."""

from __future__ import annotations

import pytest

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services import auth
from shuanbai_desktop.ui.settings import SettingsView
from tests.ui.helpers import app_context, click, grab, type_text

NEW_PASSWORD = "Xinmima2024"


@pytest.fixture
def relogins():
    return []


@pytest.fixture
def ctx(station_db, admin, relogins):
    return app_context(station_db, admin, request_relogin=relogins.append)


@pytest.fixture
def view(qtbot, ctx):
    widget = SettingsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1180, 680)
    widget.show()
    widget.show_page("settings.users")
    return widget


@pytest.fixture
def page(view):
    return view.pages["settings.users"]


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda parent, text, title="": shown.append(text))
    return shown


def _new_user(qtbot, page, username, name, role, password, repeat=None):
    click(qtbot, page.add_button)
    dialog = page.dialog
    qtbot.keyClicks(dialog.username_edit, username)
    type_text(dialog.name_edit, name)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(role))
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClicks(dialog.repeat_edit, password if repeat is None else repeat)
    click(qtbot, dialog.save_button)
    return dialog


def _status(page, username):
    row = next(i for i, u in enumerate(page.model.rows) if u.username == username)
    return page.model.index(row, 3).data()


def test_new_user_must_change_password_at_first_log_in(qtbot, page, station_db):
    dialog = _new_user(qtbot, page, "chenli", "陈丽", Role.SOCIAL_WORKER, "Shegong2024")
    assert not dialog.isVisible(), dialog.errors.text
    assert [u.username for u in page.model.rows] == ["admin", "chenli"]
    assert _status(page, "chenli") == "正常（待首次改密码）"
    assert page.model.index(1, 2).data() == "社工"
    assert "已新增用户“chenli”" in page.notice.text()
    user = auth.log_in(station_db, "chenli", "Shegong2024")
    assert user.must_change_password and user.role is Role.SOCIAL_WORKER and user.display_name == "陈丽"
    grab(page.window(), "settings_users")


def test_new_user_form_errors_save_nothing(qtbot, page, station_db):
    dialog = _new_user(qtbot, page, "chenli", "陈丽", Role.WINDOW, "Shegong2024", repeat="Shegong2025")
    assert dialog.isVisible() and dialog.errors.text == "两次输入的密码不一致，请重新输入。"
    dialog.password_edit.setText("short1")
    dialog.repeat_edit.setText("short1")
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "密码至少需要 8 位。"
    grab(dialog, "settings_user_dialog_error")
    dialog.username_edit.setText("ADMIN")
    dialog.password_edit.setText("Shegong2024")
    dialog.repeat_edit.setText("Shegong2024")
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "用户名“ADMIN”已被使用。"
    dialog.username_edit.setText("chenli")
    dialog.name_edit.clear()
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "姓名不能为空。"
    with station_db.session() as s:
        assert [u.username for u in auth.list_users(s)] == ["admin"]


def test_reset_password(qtbot, page, ctx, station_db):
    with ctx.session() as s:
        auth.create_user(s, "wangfang", "王芳", Role.WINDOW, "Chuangkou2024", must_change=False)
    page.refresh()
    page.select_user("wangfang")
    click(qtbot, page.reset_button)
    dialog = page.dialog
    assert dialog.windowTitle() == "重置密码"
    qtbot.keyClicks(dialog.password_edit, NEW_PASSWORD)
    qtbot.keyClicks(dialog.repeat_edit, NEW_PASSWORD)
    grab(dialog, "settings_reset_password")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    assert page.notice.text() == "已重置“wangfang”的密码。"
    with pytest.raises(UserError):
        auth.log_in(station_db, "wangfang", "Chuangkou2024")
    assert auth.log_in(station_db, "wangfang", NEW_PASSWORD).must_change_password


def test_lock_unlock_disable_enable(qtbot, page, ctx, station_db, monkeypatch):
    with ctx.session() as s:
        auth.create_user(s, "wangfang", "王芳", Role.WINDOW, "Chuangkou2024", must_change=False)
    for _ in range(5):
        with pytest.raises(UserError):
            auth.log_in(station_db, "wangfang", "wrong-password1")
    page.refresh()
    page.select_user("wangfang")
    assert _status(page, "wangfang").startswith("锁定至 ")
    assert page.unlock_button.isEnabled()
    grab(page.window(), "settings_users_locked")
    click(qtbot, page.unlock_button)
    assert _status(page, "wangfang") == "正常"
    assert not page.unlock_button.isEnabled()
    assert auth.log_in(station_db, "wangfang", "Chuangkou2024").username == "wangfang"

    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
    page.select_user("wangfang")
    assert page.disable_button.text() == "停用"
    click(qtbot, page.disable_button)
    assert _status(page, "wangfang") == "已停用"
    assert page.disable_button.text() == "启用"
    with pytest.raises(UserError, match="停用"):
        auth.log_in(station_db, "wangfang", "Chuangkou2024")
    click(qtbot, page.disable_button)
    assert _status(page, "wangfang") == "正常"


def test_cannot_disable_yourself_message_shown(qtbot, page, errors, monkeypatch):
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda *a, **k: True)
    page.select_user("admin")
    click(qtbot, page.disable_button)
    assert errors == ["不能停用自己正在使用的账户。"]
    assert _status(page, "admin") == "正常"


def test_edit_name_and_role(qtbot, page, ctx, relogins):
    with ctx.session() as s:
        auth.create_user(s, "wangfang", "王芳", Role.WINDOW, "Chuangkou2024")
    page.refresh()
    page.select_user("wangfang")
    click(qtbot, page.edit_button)
    dialog = page.dialog
    dialog.name_edit.clear()
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "姓名不能为空。"
    type_text(dialog.name_edit, "王芳芳")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.SUPERVISOR))
    grab(dialog, "settings_edit_user")
    click(qtbot, dialog.save_button)
    with ctx.session() as s:
        user = next(u for u in auth.list_users(s) if u.username == "wangfang")
    assert (user.display_name, user.role) == ("王芳芳", Role.SUPERVISOR)
    assert relogins == []


def test_last_admin_cannot_become_ordinary_user(qtbot, page, ctx):
    page.select_user("admin")
    click(qtbot, page.edit_button)
    dialog = page.dialog
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.WINDOW))
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "这是最后一个管理员账户，不能改为其他角色。"
    with ctx.session() as s:
        assert auth.get_user(s, ctx.user.id).role is Role.ADMIN


def test_the_role_table_is_shown_as_the_services_enforce_it(page):
    """角色权限: one row per action, one column per role, read-only, from services/permissions.table()."""
    from PySide6.QtWidgets import QAbstractItemView

    from shuanbai_desktop.services.permissions import Permission, allowed
    table = page.roles_table
    roles = list(Role)
    assert table.rowCount() == len(Permission)
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == \
        ["范围", "操作"] + [r.short for r in roles]
    for row, permission in enumerate(Permission):
        assert table.item(row, 1).text() == permission.label
        marks = [table.item(row, 2 + i).text() for i in range(len(roles))]
        assert marks == ["✓" if allowed(r, permission) else "—" for r in roles]
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    copy_out = list(Permission).index(Permission.BACKUP_COPY_OUT)
    assert [table.item(copy_out, 2 + i).text() for i in range(len(roles))] == ["✓", "—", "—", "—"]
    grab(page.window(), "settings_users_roles")
