"""报表 (SPEC R6): monthly report to the county, ledgers, annual figures, county merge.

``SETTINGS_PAGES`` are the tabs this area adds to 设置: (key, tab label, factory(ctx), the permission needed).
``month_override.save_with_month_check`` is for the screens that save dated records.
"""

from ...services.permissions import Permission


def _template_page(ctx):
    from .template_page import TemplatePage
    return TemplatePage(ctx)


SETTINGS_PAGES = [
    ("settings.report_template", "县级报表模板", _template_page, Permission.REPORT_EXPORT),
]
