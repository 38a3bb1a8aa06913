"""One small builder per feature lays that feature's ``month_figures`` out as report rows.

A builder module has ``LABEL`` (the feature's Chinese name), ``PACKAGE`` (the services
package offering ``month_figures``, or None for the station's own figures),
``groups(session, year, month, figures, today) -> list[Group]`` and
``checks(session, year, month, today) -> list[Check]``. ``today`` is the caller's date: figures
"at the end of the month" of the running month are taken on that day, never on the wall clock. When the feature's package or its
``month_figures`` does not exist, the builder is skipped and its rows are absent.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module, util
from types import ModuleType

BUILDERS = ("basic", "staff", "targets", "orgs", "window", "assets", "archives")
SERVICES = "shuanbai_desktop.services"


def _find(name: str) -> bool:
    try:
        return util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def month_figures_of(package: str) -> Callable | None:
    """The feature's ``month_figures``, or None when the feature is not (yet) in this program."""
    full = f"{SERVICES}.{package}"
    if not _find(full):
        return None
    fn = getattr(import_module(full), "month_figures", None)
    if fn is None and _find(f"{full}.figures"):
        fn = getattr(import_module(f"{full}.figures"), "month_figures", None)
    return fn


def builders() -> list[ModuleType]:
    return [import_module(f"{__name__}.{name}") for name in BUILDERS]
