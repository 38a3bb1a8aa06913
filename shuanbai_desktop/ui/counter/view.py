"""窗口登记 (SPEC R5): the counter's register and the matters being handled.

The package is the 窗口 (service counter) area; its navigation keys stay ``window.*``.

Pages keyed like the navigation: ``window.register`` and ``window.matters``; the 工作台
opens ``window.matter.<id>`` (one matter), ``window.overdue`` or ``window.soon``.
"""

from __future__ import annotations

from ...services.window.queries import View
from ..context import AppContext
from ..tabbed_area import TabbedArea
from .matters_page import MattersPage
from .register_page import RegistrationPage

VIEWS = {"window.overdue": View.OVERDUE, "window.soon": View.SOON, "window.open": View.OPEN,
         "window.matters": View.OPEN}


class CounterView(TabbedArea):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__([("window.register", "窗口登记", RegistrationPage(ctx)),
                          ("window.matters", "事项办理", MattersPage(ctx))], parent, margin=8)
        self._ctx = ctx
        self.register_page = self.pages["window.register"]
        self.matters_page = self.pages["window.matters"]
        self.register_page.openRequested.connect(self.open_registration)
        self.register_page.registered.connect(self._registered)
        self.matters_page.refresh()

    def _registered(self, _registration_id: int) -> None:
        self.matters_page.refresh()

    def show_page(self, key: str) -> None:
        if key.startswith("window.matter.") and key.rsplit(".", 1)[1].isdigit():
            self.open_registration(int(key.rsplit(".", 1)[1]))
        elif key in VIEWS:
            self.tabs.setCurrentWidget(self.matters_page)
            self.matters_page.set_view(VIEWS[key])
        else:
            self.tabs.setCurrentWidget(self.register_page)
            self.register_page.focus_search()

    def open_registration(self, registration_id: int) -> None:
        self.tabs.setCurrentWidget(self.matters_page)
        self.matters_page.open_registration(registration_id)

    def refresh(self, *_args) -> None:
        """Reload lists and choices (the catalogue, departments and colleagues may have changed)."""
        page = self.tabs.currentWidget()
        if page is self.register_page:
            self.register_page.form.reload()
            self.register_page.refresh()
        else:
            self.matters_page.reload_choices()
            self.matters_page.refresh()
