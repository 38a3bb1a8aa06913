"""Every tab of 服务对象与个案 on demo data (2,000 residents): filled, nothing clipped, 1366×768-sized."""

from __future__ import annotations

from datetime import date

import pytest

from shuanbai_desktop import demo
from shuanbai_desktop.demo import targets as demo_targets
from shuanbai_desktop.domain.target_labels import CaseStage
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.services.targets.cases import CaseFilter, list_cases
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.targets.view import TargetsView
from tests.conftest import build_template
from tests.ui.helpers import grab


def _targets_demo(db) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "_feature_generators", lambda: iter([demo_targets.add_demo]))
        demo.generate_demo(db, residents=2000, today=date.today())


@pytest.fixture(scope="module")
def station_template(station_template, tmp_path_factory):
    """The demo residents, generated once for this module: every test starts from a copy."""
    return build_template(tmp_path_factory, station_template, _targets_demo)


@pytest.fixture
def view(qtbot, station_db):
    user = auth.log_in(station_db, "sg1", demo.DEMO_PASSWORD)
    with station_db.session() as s:
        info = station.get_station(s)
    widget = TargetsView(AppContext(db=station_db, user=user, station=info))
    qtbot.addWidget(widget)
    widget.resize(1180, 700)
    widget.show()
    return widget


def test_tabs_on_demo_data(view):
    shots = {"targets.persons": "targets_demo_persons", "targets.households": "targets_demo_households",
             "targets.visits": "targets_demo_visits", "targets.cases": "targets_demo_cases",
             "targets.resources": "targets_demo_resources"}
    for key, name in shots.items():
        view.show_page(key)
        grab(view, name)
    assert view.persons_page.model.total >= 1900
    assert view.households_page.model.total > 50
    assert view.visits_page.visit_model.rowCount() == 500 and view.visits_page.count_model.rowCount() >= 1
    assert view.cases_page.model.rowCount() > 0
    assert view.resources_page.ledger_model.rowCount() > 0 and view.resources_page.activity_model.rowCount() == 60


def test_household_file_and_a_case_on_demo_data(view):
    view.show_page("targets.households")
    view.households_page.table.selectRow(0)
    view.households_page.open_selected()
    household = view.dialog
    assert household.members_model.rowCount() >= 1 and household.visits_model.rowCount() >= 1
    household.tabs.setCurrentIndex(1)
    grab(household, "targets_demo_household_file")
    household.accept()
    with view._ctx.session() as s:
        case = next(c for c in list_cases(s, CaseFilter(stage=CaseStage.INTERVENE)))
    view.open_case(case.id)
    dialog = view.dialog
    assert dialog.tabs.currentIndex() == 4 and dialog.pages[4].model.rowCount() >= 1
    grab(dialog, "targets_demo_case")
    dialog.tabs.setCurrentIndex(6)
    grab(dialog, "targets_demo_case_timeline")
