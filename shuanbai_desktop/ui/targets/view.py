"""服务对象与个案 (R4): 居民与服务对象 · 一户一档 · 入户走访 · 服务计划 · 个案 · 资源与志愿.

Pages keyed like the navigation: ``targets.persons``, ``targets.households``, ``targets.visits``,
``targets.plans`` (一人一案, shown to roles that may read cases), ``targets.cases``, ``targets.resources``. Dialogs are opened non-modally (``open()``) and kept
in ``self.dialog`` so that tests and the idle lock can reach them.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from ...domain.target_labels import CaseSource
from ...services import persons
from ...services.permissions import Permission
from .. import messages
from ..attachments_dialog import AttachmentsDialog
from ..context import AppContext
from ..persons.list_page import PersonsPage
from ..tabbed_area import TabbedArea
from ..widgets import checked_keys
from .case_dialog import CaseDialog
from .case_open_dialog import CaseOpenDialog
from .cases_page import CasesPage
from .household_dialog import HouseholdDialog
from .household_file_dialog import HouseholdFileDialog
from .households_page import HouseholdsPage
from .plans_page import PlansPage
from .resources_page import ResourcesPage
from .visit_dialog import VisitDialog
from .visits_page import VisitsPage


class TargetsView(TabbedArea):
    navigate_requested = Signal(str)  # a case's 查看窗口事项 → "window.matter.<id>" (the main window wires it)

    def __init__(self, ctx: AppContext, parent=None):
        pages = [("targets.persons", "居民与服务对象", PersonsPage(ctx)),
                 ("targets.households", "一户一档", HouseholdsPage(ctx)),
                 ("targets.visits", "入户走访", VisitsPage(ctx))]
        if ctx.can(Permission.CASE_READ):  # a plan's needs are as private as a case's
            pages.append(("targets.plans", "服务计划", PlansPage(ctx)))
        pages += [("targets.cases", "个案", CasesPage(ctx)),
                  ("targets.resources", "资源与志愿", ResourcesPage(ctx))]
        super().__init__(pages, parent, margin=8)
        self._ctx = ctx
        self.persons_page = self.pages["targets.persons"]
        self.households_page = self.pages["targets.households"]
        self.visits_page = self.pages["targets.visits"]
        self.cases_page = self.pages["targets.cases"]
        self.resources_page = self.pages["targets.resources"]
        self.plans_page: PlansPage | None = self.pages.get("targets.plans")
        self.dialog = None
        self.dialogs: list = []
        self._wire()

    def _wire(self) -> None:
        self.persons_page.householdRequested.connect(self.household_of_person)
        self.persons_page.caseRequested.connect(lambda pid: self.new_case(pid))
        self.persons_page.attachmentsRequested.connect(self.attachments)
        self.households_page.openRequested.connect(self.open_household)
        self.households_page.newRequested.connect(lambda: self.edit_household(None))
        self.visits_page.householdRequested.connect(self.open_household)
        self.visits_page.visitRequested.connect(self.new_visit)
        self.visits_page.editRequested.connect(lambda vid: self.new_visit(None, vid))
        self.cases_page.openRequested.connect(self.open_case)
        if self.plans_page is not None:
            self.plans_page.caseOpened.connect(self._plan_escalated)
        self.cases_page.newRequested.connect(lambda: self.new_case(None))

    def _show(self, dialog, done=None):
        if done is not None:
            dialog.accepted.connect(done)
        dialog.finished.connect(lambda *_: self._forget(dialog))
        self.dialog = dialog
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _forget(self, dialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        dialog.deleteLater()

    def household_of_person(self, person_id: int) -> None:
        with self._ctx.session() as s:
            household = persons.get_person(s, person_id).household_id
        if household:
            self.open_household(household)
        elif self._ctx.can(Permission.HOUSEHOLD_EDIT):
            self.edit_household(None, person_id)
        else:
            messages.info(self, "这位居民还没有建立户档。户档由社工在入户走访时建立。", "尚无户档")

    def open_household(self, household_id: int) -> None:
        view = HouseholdFileDialog(self._ctx, household_id, self)
        view.editRequested.connect(lambda hid: self.edit_household(hid, refresh=view))
        view.visitRequested.connect(lambda hid: self.new_visit(hid, refresh=view))
        view.caseOpened.connect(self.open_case)
        view.attachmentsRequested.connect(lambda *a: self.attachments(*a, refresh=view))
        self._show(view, self.refresh)

    def _refresh_with(self, other) -> None:
        """This area's pages, and ``other`` (the open 户档) when a dialog was opened from it."""
        self.refresh()
        if other is not None:
            other.refresh()

    def edit_household(self, household_id: int | None, first_person: int | None = None, refresh=None) -> None:
        dialog = HouseholdDialog(self._ctx, household_id, first_person, refresh or self)

        def done():
            self._refresh_with(refresh)
            if refresh is None and household_id is None and dialog.household_id:
                self.open_household(dialog.household_id)
        self._show(dialog, done)

    def new_visit(self, household_id: int | None, visit_id: int | None = None, refresh=None) -> None:
        dialog = VisitDialog(self._ctx, household_id, visit_id, refresh or self)

        def done():
            self._refresh_with(refresh)
            if dialog.wants_case:
                self._case_from_visit(dialog)
        self._show(dialog, done)

    def _case_from_visit(self, visit: VisitDialog) -> None:
        met = checked_keys(visit.met_list)
        needs = "；".join(f"{k}需求：{visit.needs.text(key)}" for k, key in (("物质", "material"), ("精神", "spiritual"),
                                                                          ("社会", "social")) if visit.needs.text(key))
        text = visit.findings.toPlainText().strip() + (f"\n{needs}" if needs else "")
        self.new_case(met[0] if met else None, CaseSource.VISIT, text, visit.visit_id)

    def new_case(self, person_id: int | None, source: CaseSource | None = None, description: str = "",
                 visit_id: int | None = None) -> None:
        dialog = CaseOpenDialog(self._ctx, person_id, self, source, description, visit_id)

        def done() -> None:
            self.refresh()
            self.open_case(dialog.case_id)
        self._show(dialog, done)

    def _plan_escalated(self, case_id: int) -> None:
        self.cases_page.refresh()
        self.open_case(case_id)

    def open_case(self, case_id: int) -> None:
        if not self._ctx.can(Permission.CASE_READ):
            return
        dialog = CaseDialog(self._ctx, case_id, self)
        dialog.changed.connect(self.refresh)
        dialog.attachmentsRequested.connect(lambda *a: self.attachments(*a, parent=dialog))
        dialog.navigate_requested.connect(self.navigate_requested)
        self._show(dialog)

    def attachments(self, owner_type: str, owner_id: int, title: str, refresh=None, parent=None) -> None:
        # Adding and removing are offered by the dialog to roles with the owner's permission; a case's
        # files also only to its responsible worker or an administrator (the service says the same).
        editable = parent.may_change if isinstance(parent, CaseDialog) else True
        dialog = AttachmentsDialog(self._ctx, owner_type, owner_id, title, "可添加证件、户口本、申请材料等的扫描件或照片。",
                                   editable, parent or refresh or self)
        if refresh is not None:
            dialog.finished.connect(lambda *_: refresh.refresh())
        self._show(dialog)
