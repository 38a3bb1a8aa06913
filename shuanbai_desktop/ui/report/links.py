"""Open the record a check points at, in the screen of the feature that owns it.

The main window is asked to show the owning area (``navigate``); when that area's widget
offers a way to open one record (``open_case``, ``new_visit``, ``open_registration`` …) it
is used, otherwise the area's list page is shown. Persons and staff files have their own
self-contained dialogs, opened directly.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ...services.permissions import Permission
from ...services.report.layout import RecordRef
from ..context import AppContext

# table → (navigation key, name of the area widget's method taking the record id, its argument form)
AREA_METHODS: dict[str, tuple[str, str, Callable[[int], tuple]]] = {
    "visit": ("targets.visits", "new_visit", lambda i: (None, i)),
    "case_record": ("targets.cases", "open_case", lambda i: (i,)),
    "household": ("targets.households", "open_household", lambda i: (i,)),
    "window_registration": ("window.matters", "open_registration", lambda i: (i,)),
}


def _main_window(widget: QWidget):
    main = widget.window()
    return main if hasattr(main, "navigate") and hasattr(main, "area_widget") else None


def _person(ctx: AppContext, person_id: int, parent: QWidget) -> bool:
    from ..persons.person_dialog import PersonDialog
    PersonDialog(ctx, person_id, parent).exec()
    return True


def _staff(ctx: AppContext, staff_id: int, parent: QWidget) -> bool:
    if not ctx.can(Permission.STAFF_EDIT):
        return False  # staff files are edited by the administrator; others see the roster
    from ..staff.staff_dialog import StaffDialog
    StaffDialog(ctx, staff_id, parent).exec()
    return True


DIALOGS = {"person": _person, "staff_member": _staff}


def open_record(ctx: AppContext, parent: QWidget, ref: RecordRef, navigate: Callable[[str], object]) -> str:
    """Open ``ref``; returns how: "dialog", "area" (the record opened in its area) or "page" (its list)."""
    opener = DIALOGS.get(ref.table)
    if opener is not None and isinstance(ref.id, int):
        try:
            if opener(ctx, ref.id, parent):
                return "dialog"
        except ImportError:
            pass
    key, method, args = AREA_METHODS.get(ref.table, (ref.area, "", None))
    main = _main_window(parent)
    if main is not None and main.navigate(key) and method:
        widget = main.area_widget(key.split(".", 1)[0])
        if hasattr(widget, method) and isinstance(ref.id, int):
            getattr(widget, method)(*args(ref.id))
            return "area"
    elif main is None:
        navigate(key)
    return "page"
