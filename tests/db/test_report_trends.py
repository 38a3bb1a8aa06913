"""工作台's figures and trends (services/trends.py) and the monthly report's trend page.

Each month of a trend is the monthly report's own figure for that month (窗口登记 less voided, 入户走访户次,
新开个案, 月末在案个案); the PDF's last page prints those same numbers; each tile counts what the list it
opens shows.
"""

from __future__ import annotations

import re
from datetime import date

from shuanbai_desktop.domain.target_labels import CaseStatus
from shuanbai_desktop.services import trends, workbench
from shuanbai_desktop.services.permissions import as_system
from shuanbai_desktop.services.report import package
from shuanbai_desktop.services.report.collect import collect
from shuanbai_desktop.services.targets import figures as target_figures
from shuanbai_desktop.services.targets import visits
from shuanbai_desktop.services.targets.cases import CaseFilter, list_cases
from shuanbai_desktop.services.window import figures as window_figures
from shuanbai_desktop.services.window.queries import RegistrationFilter, View, list_registrations
from tests.conftest import BOTH
from tests.db.test_report_figures import build_known

BACKENDS = BOTH

TODAY = date(2024, 6, 10)
ROW = re.compile(r"^(\d{4})年(\d{1,2})月 (\d+) (\d+) (\d+) (\d+)$", re.MULTILINE)


def test_month_list_crosses_the_year():
    assert trends.month_list(2024, 2, 4) == ((2023, 11), (2023, 12), (2024, 1), (2024, 2))
    assert len(trends.month_list(2024, 12)) == 12 and trends.month_list(2024, 12)[0] == (2024, 1)


def test_each_month_equals_the_monthly_reports_figures(station_db):
    build_known(station_db)
    with station_db.session() as s:
        result = trends.month_trends(s, 2024, 5, TODAY)
        for i, (year, month) in enumerate(result.months):
            window = window_figures.month_figures(s, year, month, TODAY)
            targets = target_figures.month_figures(s, year, month)
            assert result.registrations[i] == window.registrations, (year, month)
            assert result.visits[i] == targets.visit_household_times, (year, month)
            assert result.cases_opened[i] == targets.cases_opened, (year, month)
            assert result.cases_active[i] == targets.cases_active, (year, month)
        values = collect(s, 2024, 5, today=TODAY).values()
    assert result.months[0] == (2023, 6) and result.months[-1] == (2024, 5) and not result.partial_last
    # May 2024 by hand (tests/db/test_report_figures.py): C5 is voided; case 2024-0002 closed on 15 May
    assert (result.registrations[-1], result.visits[-1], result.cases_opened[-1], result.cases_active[-1]) == (
        values["window.registrations"], values["visits.households"], values["cases.opened"],
        values["cases.active"]) == (3, 3, 2, 2)
    # April: one registration (C4), one visit; 2024-0003 opened and closed in April; 2024-0002 still open
    assert (result.registrations[-2], result.visits[-2], result.cases_opened[-2], result.cases_active[-2]) == (
        1, 1, 1, 1)
    assert result.period_text == "2023年6月—2024年5月"


def test_the_running_month_is_marked_partial(station_db):
    with station_db.session() as s:
        assert trends.recent_trends(s, TODAY).partial_last
        assert trends.recent_trends(s, TODAY).months[-1] == (2024, 6)


def test_the_pdfs_trend_page_prints_the_services_numbers(station_db, tmp_path):
    import pypdfium2 as pdfium
    build_known(station_db)
    with station_db.session() as s:
        result = package.export_month(s, 2024, 5, tmp_path, today=TODAY)
        expected = trends.month_trends(s, 2024, 5, TODAY)
    pdf = pdfium.PdfDocument(str(result.package / f"{result.package.name}.pdf"))
    last = pdf[len(pdf) - 1].get_textpage().get_text_range().replace("\r", "")
    pdf.close()
    assert "附：近 12 个月趋势（2023年6月—2024年5月）" in last
    printed = [tuple(int(x) for x in row) for row in ROW.findall(last)]
    assert printed == [(y, m, expected.registrations[i], expected.visits[i], expected.cases_opened[i],
                        expected.cases_active[i]) for i, (y, m) in enumerate(expected.months)]
    assert printed[-1][2:] == (3, 3, 2, 2)


def test_each_tile_counts_what_its_list_shows(station_db):
    build_known(station_db)
    today = date(2024, 5, 8)
    with station_db.session() as s:
        tiles = trends.tiles(s, today)
        shown = {view: list_registrations(s, RegistrationFilter(view=view), today).total
                 for view in (View.OPEN, View.OVERDUE)}
        due = visits.due_visits(s, today)
        cases = list_cases(s, CaseFilter(status=CaseStatus.OPEN))
        registered_today = list_registrations(s, RegistrationFilter(view=View.ALL, date_from=today,
                                                                    date_to=today), today).total
    assert tiles.open_matters == shown[View.OPEN] == 1  # C2, transferred, due 15 May
    assert tiles.overdue_matters == shown[View.OVERDUE] == 0
    assert tiles.registered_today == registered_today == 1  # C2
    assert tiles.visits_due == len(due) and tiles.visits_overdue == sum(d.days_left < 0 for d in due)
    assert tiles.active_cases == len(cases) == 2


def test_quickstart_is_hidden_per_user_and_shown_again(station_db, admin):
    from shuanbai_desktop.domain.labels import Role
    from shuanbai_desktop.services import auth
    with station_db.session() as s:
        other = auth.create_user(s, "chuangkou", "窗口甲", Role.WINDOW, "Chuang-kou-2024", must_change=False).id
    with station_db.session() as s:
        assert not workbench.quickstart_hidden(s, admin.id)
        workbench.set_quickstart_hidden(s, True)  # the session's user: the administrator
    with station_db.session() as s:
        assert workbench.quickstart_hidden(s, admin.id)
        assert not workbench.quickstart_hidden(s, other)
        workbench.set_quickstart_hidden(s, True)  # twice: still one setting
    with station_db.session() as s:
        workbench.set_quickstart_hidden(s, False)
    with station_db.session() as s:
        assert not workbench.quickstart_hidden(s, admin.id)
        as_system(s)
        workbench.set_quickstart_hidden(s, True)  # the program's own session has no panel: nothing stored
    with station_db.session() as s:
        assert not workbench.quickstart_hidden(s, admin.id)
