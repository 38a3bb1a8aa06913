"""The month's archive figures: added, lent, returned, on loan and overdue at the month's end."""

from __future__ import annotations

from datetime import date

from shuanbai_desktop.services.archives import lending, month_figures
from shuanbai_desktop.services.archives.lending import LoanInput
from tests.conftest import BOTH
from tests.db.test_archives_catalogue import _save, personnel

BACKENDS = BOTH

TODAY = date(2024, 6, 15)


def test_month_figures(station_db, admin):
    a = _save(station_db, admin, personnel("甲", filed_on=date(2024, 4, 2), pages=10))
    b = _save(station_db, admin, personnel("乙", filed_on=date(2024, 4, 20), pages=5))
    _save(station_db, admin, personnel("丙", filed_on=date(2024, 5, 6), pages=3))
    with station_db.session(admin.actor) as s:
        first = lending.lend(s, a, LoanInput("黄志明", "核对", "2024-04-25", "2024-04-28"), today=TODAY)
        lending.lend(s, b, LoanInput("林丽娟", "核对", "2024-05-02", "2024-06-20"), today=TODAY)
        lending.return_loan(s, first, "2024-05-03", today=TODAY)
    with station_db.session() as s:
        april, may, june = (month_figures(s, 2024, m, today=TODAY) for m in (4, 5, 6))
    assert (april.total, april.added, april.added_pages, april.lent) == (2, 2, 15, 1)
    assert (april.on_loan, april.overdue, april.returned) == (1, 1, 0)
    assert (may.total, may.added, may.lent, may.returned, may.on_loan, may.overdue) == (3, 1, 1, 1, 1, 0)
    assert (june.total, june.added, june.on_loan, june.overdue, june.due_for_review) == (3, 0, 1, 0, 0)
