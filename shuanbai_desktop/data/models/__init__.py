"""All mapped classes. Importing this package imports every module in it, so that each
feature's tables register on ``Base.metadata`` without editing this file."""

import importlib
import pkgutil

from .core import AuditEntry, Setting
from .person import Person
from .station import ServicePoint, ServicePointVillage, Station, Village
from .users import User

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["AuditEntry", "Person", "ServicePoint", "ServicePointVillage", "Setting", "Station", "User",
           "Village"]
