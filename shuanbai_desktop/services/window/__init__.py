"""The service window (窗口登记, SPEC R5): registration, hand-overs, time limits, results, figures.

Importing the package registers its 工作台 provider.
"""

from . import workbench_items  # noqa: F401  (registers the 工作台 provider)
from .figures import WindowFigures, month_figures

__all__ = ["WindowFigures", "month_figures"]
