"""报表 (SPEC R6): the monthly report to the county bureau, ledgers, annual figures, county merge.

- ``collect.collect`` gathers a month's figures from every feature's ``month_figures``
  through the builders in ``sections/`` (a feature not in the program is left out);
  ``collect.run_checks`` finds records to fix before export.
- ``package.export_month`` writes workbook, PDF, the county's form and the manifest,
  records the version (with the changes since the last one) and locks the month.
- ``ledgers.export_ledger`` exports any register; ``annual.export_annual`` the year;
  ``county.merge`` consolidates many stations' exports for the county bureau.

Importing the package registers the 工作台 provider (``due``).
"""

from . import due  # noqa: F401  (registers the 工作台 provider)
from .override import month_lock_override

__all__ = ["month_lock_override"]
