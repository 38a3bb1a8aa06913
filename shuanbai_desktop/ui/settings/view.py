"""设置: one tab per concern; tabs the user's role may not use (services/permissions.py) are not there at all."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ...services.permissions import Permission
from ..context import AppContext
from .audit_page import AuditPageView
from .backup_page import BackupPage
from .security_page import SecurityPage
from .station_page import StationPage
from .users_page import UsersPage

FEATURE_AREAS = ("counter", "targets", "staff", "assets", "archives", "report")


class SettingsView(QWidget):
    """Pages are keyed like the navigation: ``settings.station``, ``settings.users`` …"""

    station_changed = Signal(object)  # StationInfo, when the profile was saved (for the status bar)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        self.pages: dict[str, QWidget] = {}
        self.station_page = StationPage(ctx)
        self.station_page.station_changed.connect(self.station_changed)
        self._add("settings.station", "站点信息", self.station_page)
        if ctx.can(Permission.USERS_MANAGE):
            self._add("settings.users", "用户", UsersPage(ctx))
        self._add_feature_pages(ctx)
        self._add("settings.backup", "备份与恢复", BackupPage(ctx))
        if ctx.can(Permission.AUDIT_READ):
            self._add("settings.audit", "操作日志", AuditPageView(ctx))
        if ctx.can(Permission.SECURITY_SETTINGS) or ctx.can(Permission.BACKUP_SETTINGS):
            self._add("settings.security", "安全设置", SecurityPage(ctx))
        self.tabs.currentChanged.connect(self._refresh_current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _add_feature_pages(self, ctx: AppContext) -> None:
        """Each area lists the settings pages it needs in its package's ``SETTINGS_PAGES``:
        (key, tab label, factory(ctx), the permission needed to see the tab, or None for everyone)."""
        import importlib
        for area in FEATURE_AREAS:
            pages = getattr(importlib.import_module(f"..{area}", __package__), "SETTINGS_PAGES", [])
            for key, title, factory, permission in pages:
                if permission is None or ctx.can(permission):
                    self._add(key, title, factory(ctx))

    def _add(self, key: str, title: str, page: QWidget) -> None:
        self.pages[key] = page
        self.tabs.addTab(page, title)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_page(self, key: str) -> None:
        """Select the tab for a navigation key; keys of tabs this role lacks are ignored."""
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def current_key(self) -> str:
        return next(k for k, p in self.pages.items() if p is self.tabs.currentWidget())

    def refresh(self) -> None:
        """Reload the visible tab (the main window calls this when the area is shown again)."""
        self._refresh_current()

    def _refresh_current(self, *_args) -> None:
        page = self.tabs.currentWidget()
        if page is not None and hasattr(page, "refresh"):
            page.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # After the event returns: an error while refreshing must not hold on to the event object.
        QTimer.singleShot(0, self._refresh_current)
