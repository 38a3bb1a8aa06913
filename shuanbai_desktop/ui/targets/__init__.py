"""服务对象与个案: residents, household files, visits, cases, resources; and its settings page."""

from __future__ import annotations

from ...services.permissions import Permission


def _visit_intervals(ctx):
    from .settings_page import VisitIntervalsPage
    return VisitIntervalsPage(ctx)


# (key, tab label, factory(ctx) -> QWidget, the permission needed to see the tab: ui/settings/view.py)
SETTINGS_PAGES = [("settings.visit_intervals", "走访周期", _visit_intervals, Permission.STATION_EDIT)]
