"""设置: station profile and service points, users, backups, the audit trail, security."""

from .view import SettingsView

__all__ = ["SettingsView"]
