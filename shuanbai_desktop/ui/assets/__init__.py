"""资产: asset register, events, stock-taking, labels, required signage and equipment (R3.1)."""

from .view import AssetsView

# No settings pages: categories, statuses and the required items are fixed by the rules.
SETTINGS_PAGES: list = []

__all__ = ["SETTINGS_PAGES", "AssetsView"]
