"""人员: the staff files as tabs. Keys follow the navigation: ``staff.roster``, ``staff.contracts`` …

Contracts, pay and assessments are shown to who may keep them (``Permission.STAFF_EDIT``, the
administrator); other users see the roster (masked), training and supervision; the supervisor records
supervision visits (``Permission.SUPERVISION_RECORD``).
"""

from __future__ import annotations

from ...services.permissions import Permission
from ..context import AppContext
from ..tabbed_area import TabbedArea
from .assessment_page import AssessmentPage
from .contracts_page import ContractsPage
from .pay_page import PayPage
from .roster_page import RosterPage
from .supervision_page import SupervisionPage
from .training_page import TrainingPage

# (key, tab title, page, the permission needed to see the tab: None for everyone)
PAGES = (("staff.roster", "人员名册", RosterPage, None),
         ("staff.contracts", "劳动合同", ContractsPage, Permission.STAFF_EDIT),
         ("staff.pay", "薪酬", PayPage, Permission.STAFF_EDIT),
         ("staff.training", "培训", TrainingPage, None),
         ("staff.assessment", "考核评估", AssessmentPage, Permission.STAFF_EDIT),
         ("staff.supervision", "督导", SupervisionPage, None))


class StaffView(TabbedArea):
    def __init__(self, ctx: AppContext, parent=None):
        pages = [(key, title, page(ctx)) for key, title, page, needed in PAGES if needed is None or ctx.can(needed)]
        super().__init__(pages, parent)
        self._ctx = ctx
