"""导入数据 (issue 13): the import wizard and the list of import batches, a tab of 设置 for the administrator.

``SETTINGS_PAGES`` are the tabs this package adds to 设置: (key, tab label, factory(ctx), the permission
needed to see the tab). docs/import.md (## 导入向导) says what the wizard does and why.
"""

from ...services.permissions import Permission


def _batches(ctx):
    from .batches_page import BatchesPage
    return BatchesPage(ctx)


SETTINGS_PAGES = [
    ("settings.import", "导入数据", _batches, Permission.DATA_IMPORT),
]
