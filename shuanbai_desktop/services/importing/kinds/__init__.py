"""One module per kind of ledger; ``spec(kind)`` finds its ``KindSpec``."""

from __future__ import annotations

import importlib

from ..base import ImportKind, KindSpec

_MODULES = {
    ImportKind.RESIDENTS: "residents",
    ImportKind.HOUSEHOLDS: "households",
    ImportKind.STAFF: "staff",
    ImportKind.CONTRACTS: "contracts",
    ImportKind.ASSETS: "assets",
    ImportKind.ARCHIVES: "archives",
}


def spec(kind: ImportKind | str) -> KindSpec:
    """The kind's ``SPEC`` (each module defines one module-level ``SPEC``)."""
    module = importlib.import_module(f"{__name__}.{_MODULES[ImportKind(kind)]}")
    return module.SPEC
