"""人员: the staff files as tabs. Keys follow the navigation: ``staff.roster``, ``staff.contracts`` …

Contracts, pay and assessments are shown to who may keep them (``Permission.STAFF_EDIT``, the
administrator); other users see the roster (masked), training and supervision; the supervisor records
supervision visits (``Permission.SUPERVISION_RECORD``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ...services.permissions import Permission
from ..context import AppContext
from .assessment_page import AssessmentPage
from .contracts_page import ContractsPage
from .pay_page import PayPage
from .roster_page import RosterPage
from .supervision_page import SupervisionPage
from .training_page import TrainingPage

# (key, tab title, page, the permission needed to see the tab: None for everyone)
PAGES = (("staff.roster", "人员名册", RosterPage, None),
         ("staff.contracts", "劳动合同", ContractsPage, Permission.STAFF_EDIT),
         ("staff.pay", "薪酬", PayPage, Permission.STAFF_EDIT), ("staff.training", "培训", TrainingPage, None),
         ("staff.assessment", "考核评估", AssessmentPage, Permission.STAFF_EDIT),
         ("staff.supervision", "督导", SupervisionPage, None))


class StaffView(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.tabs = QTabWidget()
        self.pages: dict[str, QWidget] = {}
        for key, title, page, needed in PAGES:
            if needed is None or ctx.can(needed):
                self.pages[key] = page(ctx)
                self.tabs.addTab(self.pages[key], title)
        self.tabs.currentChanged.connect(self._refresh_current)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_page(self, key: str) -> None:
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def refresh(self) -> None:
        self._refresh_current()

    def _refresh_current(self, *_args) -> None:
        page = self.tabs.currentWidget()
        if page is not None and hasattr(page, "refresh"):
            page.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._refresh_current()
