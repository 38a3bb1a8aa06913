"""人员 (SPEC R2, R1.4): roster, contracts, pay, training, assessment, supervision, handover.

The monthly report calls ``month_figures(session, year, month)`` (``figures.StaffFigures``);
the station page calls ``staffing_checks(session)``. Importing the package registers the
工作台 provider (``due``).
"""

from . import due  # noqa: F401  (registers the 工作台 provider)
from .checks import staffing_checks
from .figures import StaffFigures, month_figures

__all__ = ["StaffFigures", "month_figures", "staffing_checks"]
