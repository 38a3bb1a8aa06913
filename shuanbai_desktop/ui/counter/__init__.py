"""窗口登记 (SPEC R5) and its settings pages: 事项目录, 转办部门, 节假日调休表, 打印纸张."""

from __future__ import annotations

from ...services.permissions import Permission


def _matters(ctx):
    from .settings_matters import MattersSettingsPage
    return MattersSettingsPage(ctx)


def _departments(ctx):
    from .settings_departments import DepartmentsPage
    return DepartmentsPage(ctx)


def _holidays(ctx):
    from .settings_holidays import HolidaysPage
    return HolidaysPage(ctx)


def _paper(ctx):
    from .settings_print import PrintSettingsPage
    return PrintSettingsPage(ctx)


# (key, tab label, factory(ctx) -> QWidget, the permission needed to see the tab: ui/settings/view.py)
SETTINGS_PAGES = [
    ("settings.window_matters", "事项目录", _matters, Permission.WINDOW_SETTINGS),
    ("settings.window_departments", "转办部门", _departments, Permission.WINDOW_SETTINGS),
    ("settings.window_holidays", "节假日调休表", _holidays, Permission.WINDOW_SETTINGS),
    ("settings.window_paper", "打印纸张", _paper, Permission.WINDOW_SETTINGS),
]
