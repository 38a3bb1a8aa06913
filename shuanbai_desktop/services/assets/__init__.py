"""Assets (物资资产): register, events, stock-taking, required items (R3.1).

Importing the package registers its 工作台 providers (``checks``).
"""

from . import checks, events, register, stocktake
from .figures import AssetFigures, month_figures

__all__ = ["AssetFigures", "checks", "events", "month_figures", "register", "stocktake"]
