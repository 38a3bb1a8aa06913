"""服务对象与个案 (R4): households, visits, cases, resources; the person registry is services/persons.py.

The monthly report calls ``month_figures(session, year, month)`` (see ``figures.TargetsFigures``).
Importing the package registers the 工作台 providers (``due.py``).
"""

from . import due, plans  # noqa: F401  (register the 工作台 providers)


def month_figures(session, year: int, month: int):
    """This area's figures for the monthly report (``figures.TargetsFigures``)."""
    from .figures import month_figures as _month_figures
    return _month_figures(session, year, month)
