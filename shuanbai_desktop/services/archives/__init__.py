"""Archives (档案): catalogue, lending, retention and destruction (R3.2).

Importing the package registers its 工作台 providers (``checks``).
"""

from . import catalogue, checks, lending, retention
from .figures import ArchiveFigures, month_figures

__all__ = ["ArchiveFigures", "catalogue", "checks", "lending", "month_figures", "retention"]
