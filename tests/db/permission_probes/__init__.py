"""Probes for the role × action test (tests/db/test_permissions.py).

Each area has a module here with
- ``setup(session, world)``: makes, as the system, the records its probes act on, and stores their ids
  in ``world.ids`` (a plain dict; use keys prefixed with the area, e.g. ``"asset"``);
- ``PROBES = {Permission.X: probe}``: ``probe(session, world)`` takes the guarded action once through
  the same service the screen calls, in a session acting for the user under test. It must succeed
  for every role the table allows (pick records that no other rule, such as case ownership, refuses)
  and each call must be repeatable on a fresh copy of the world.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from shuanbai_desktop.services.permissions import Permission


@dataclass
class World:
    db_path: Path
    ids: dict[str, int] = field(default_factory=dict)
    tmp: Path | None = None  # a scratch folder for exports and backups


Probe = Callable[[Session, World], None]


def modules():
    for info in pkgutil.iter_modules(__path__):
        yield importlib.import_module(f"{__name__}.{info.name}")


def all_probes() -> dict[Permission, Probe]:
    probes: dict[Permission, Probe] = {}
    for module in modules():
        for permission, probe in getattr(module, "PROBES", {}).items():
            assert permission not in probes, f"two probes for {permission}"
            probes[permission] = probe
    return probes


def set_up_all(session: Session, world: World) -> None:
    for module in modules():
        setup = getattr(module, "setup", None)
        if setup is not None:
            setup(session, world)
