"""档案: catalogue, lending, retention review and destruction records (R3.2)."""

from .view import ArchivesView

# No settings pages: categories, retention periods and the 档号 rule are fixed by DA/T 22.
SETTINGS_PAGES: list = []

__all__ = ["SETTINGS_PAGES", "ArchivesView"]
