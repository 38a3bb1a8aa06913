"""人员: roster, contracts, pay, training, assessment, supervision (SPEC R2, R1.4).

``SETTINGS_PAGES`` are the tabs this area adds to 设置: (key, tab label, factory(ctx), the permission
needed to see the tab).
``StaffingPanel`` (staffing_panel.py) is for the station page.
"""

from ...services.permissions import Permission


def _pay_table(ctx):
    from .pay_table_page import PayTablePage
    return PayTablePage(ctx)


def _weights(ctx):
    from .weights_page import WeightsPage
    return WeightsPage(ctx)


SETTINGS_PAGES = [
    ("settings.staff_pay_table", "薪酬标准表", _pay_table, Permission.STAFF_EDIT),
    ("settings.staff_weights", "绩效因素权重", _weights, Permission.STAFF_EDIT),
]
