"""All mapped classes; importing this package registers every table on ``Base.metadata``."""

from .core import AuditEntry, Setting
from .person import Person
from .station import ServicePoint, ServicePointVillage, Station, Village
from .users import User

__all__ = ["AuditEntry", "Person", "ServicePoint", "ServicePointVillage", "Setting", "Station", "User",
           "Village"]
