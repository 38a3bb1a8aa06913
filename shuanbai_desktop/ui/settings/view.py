"""设置: one tab per concern; tabs the user's role may not use (services/permissions.py) are not there at all."""

from __future__ import annotations

import importlib

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from ...services.permissions import Permission
from ..context import AppContext
from ..tabbed_area import TabbedArea
from .audit_page import AuditPageView
from .backup_page import BackupPage
from .security_page import SecurityPage
from .station_page import StationPage
from .users_page import UsersPage

FEATURE_AREAS = ("counter", "targets", "staff", "assets", "archives", "report", "importing")


def feature_pages(ctx: AppContext) -> list[tuple[str, str, QWidget]]:
    """Each area lists the settings pages it needs in its package's ``SETTINGS_PAGES``:
    (key, tab label, factory(ctx), the permission needed to see the tab, or None for everyone)."""
    pages = []
    for area in FEATURE_AREAS:
        entries = getattr(importlib.import_module(f"..{area}", __package__), "SETTINGS_PAGES", [])
        for key, title, factory, permission in entries:
            if permission is None or ctx.can(permission):
                pages.append((key, title, factory(ctx)))
    return pages


class SettingsView(TabbedArea):
    """Pages are keyed like the navigation: ``settings.station``, ``settings.users`` …"""

    station_changed = Signal(object)  # StationInfo, when the profile was saved (for the status bar)

    def __init__(self, ctx: AppContext, parent=None):
        station_page = StationPage(ctx)
        pages: list[tuple[str, str, QWidget]] = [("settings.station", "站点信息", station_page)]
        if ctx.can(Permission.USERS_MANAGE):
            pages.append(("settings.users", "用户", UsersPage(ctx)))
        pages.extend(feature_pages(ctx))
        pages.append(("settings.backup", "备份与恢复", BackupPage(ctx)))
        if ctx.can(Permission.AUDIT_READ):
            pages.append(("settings.audit", "操作日志", AuditPageView(ctx)))
        if ctx.can(Permission.SECURITY_SETTINGS) or ctx.can(Permission.BACKUP_SETTINGS):
            pages.append(("settings.security", "安全设置", SecurityPage(ctx)))
        super().__init__(pages, parent)
        self._ctx = ctx
        self.tabs.setUsesScrollButtons(True)
        self.station_page = station_page
        self.station_page.station_changed.connect(self.station_changed)

    def current_key(self) -> str:
        return next(k for k, p in self.pages.items() if p is self.tabs.currentWidget())

    def showEvent(self, event) -> None:
        # Not TabbedArea's: the reload runs after the event returns, so that an error while reloading
        # (shown in the crash dialog) does not hold on to the event object.
        QWidget.showEvent(self, event)
        QTimer.singleShot(0, self.refresh)
