"""报表, as the deputy head uses it: pick last month, read the checks, export, see 已报送; ledgers,
annual figures, the county template and the county merge."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialog

from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.services.permissions import Permission
from shuanbai_desktop.services.report.layout import RecordRef
from shuanbai_desktop.ui.context import AppContext
from shuanbai_desktop.ui.report.county_dialog import CountyMergeDialog
from shuanbai_desktop.ui.report.export_dialog import ExportDialog
from shuanbai_desktop.ui.report.view import ReportView
from tests.clock import clock_on
from tests.conftest import ADMIN_PASSWORD, build_template
from tests.db.test_report_figures import build_known
from tests.ui.helpers import grab

TODAY = date(2024, 6, 12)  # the clock is set to this day: May 2024 (the known figures) is last month


@pytest.fixture(autouse=True)
def _clock():
    with clock_on(TODAY):
        yield


@pytest.fixture
def said(monkeypatch):
    """Messages the screens show, instead of modal boxes."""
    out: list[str] = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda _p, text, title="完成": out.append(text))
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda _p, text, title="": out.append(text))
    monkeypatch.setattr("shuanbai_desktop.ui.messages.confirm", lambda _p, text, title="": True)
    return out


def _known_on_today(db) -> None:
    with clock_on(TODAY):
        build_known(db)


@pytest.fixture(scope="module")
def station_template(station_template, tmp_path_factory):
    """The known May 2024 records, made once for this module (on this module's day): each test gets a copy."""
    return build_template(tmp_path_factory, station_template, _known_on_today)


@pytest.fixture
def ctx(station_db):
    with station_db.session() as s:
        info = station.get_station(s)
    return AppContext(db=station_db, user=auth.log_in(station_db, "admin", ADMIN_PASSWORD), station=info)


@pytest.fixture
def view(qtbot, ctx):
    widget = ReportView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    qtbot.waitUntil(lambda: not widget.monthly.job.running, timeout=30000)
    return widget


def _pick_may(qtbot, page):
    page.month.setCurrentIndex(page.month.findData("2024-05"))
    qtbot.waitUntil(lambda: page.figures is not None and page.figures.month == 5 and not page.job.running,
                    timeout=30000)


def test_deputy_head_previews_checks_and_exports_may(qtbot, view, ctx, tmp_path, monkeypatch, said):
    assert view.tab_titles() == ["月度报表", "台账", "年度数据"]
    page = view.monthly
    assert page.selected == (2024, 5)  # last month is offered first
    _pick_may(qtbot, page)
    assert page.preview.value_text("visits.households") == "3"
    assert page.preview.value_text("window.on_time_rate") == "66.7"
    titles = [page.checks.topLevelItem(i).text(0) for i in range(page.checks.topLevelItemCount())]
    assert titles[0].startswith("【须更正】") and any("没有填写走访社工" in t for t in titles)
    assert "未报送" in page.status.text()
    grab(view, "report_monthly_preview")
    usb = tmp_path / "U盘"
    usb.mkdir()
    shown = []

    def accept(dialog):
        shown.append(dialog)
        dialog.folder.setText(str(usb))
        grab(dialog, "report_export_dialog")
        dialog.validate()
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(ExportDialog, "exec", accept)
    page.export_button.click()
    qtbot.waitUntil(lambda: not page.job.running and bool(said), timeout=30000)
    assert "第 1 版" in said[-1] and (usb / "441302001_2024-05_月度报表" / "manifest.json").is_file()
    assert "已报送" in page.status.text() and "（已报送）" in page.month.currentText()
    assert page.history.rowCount() == 1
    grab(view, "report_monthly_exported")


def test_a_check_opens_its_record_in_the_owning_area(qtbot, view):
    page = view.monthly
    asked = []
    page.navigate_requested.connect(asked.append)
    page._open(RecordRef("visit", 7, "2024-05-20 走访 乙户", "targets.visits"))
    page._open(RecordRef("window_registration", 3, "C2 最低生活保障", "window.matters"))
    assert asked == ["targets.visits", "window.matters"]


def test_ledger_page_exports_the_chosen_register(qtbot, view, tmp_path, said):
    view.show_page("report.ledgers")
    page = view.ledgers
    titles = [page.list.item(i).text() for i in range(page.list.count())]
    assert titles[:3] == ["居民台账", "户档台账", "走访台账"] and page.full.isVisible()
    page.list.setCurrentRow(2)
    page.date_from.setDate(page.date_from.date().fromString("2024-05-01", "yyyy-MM-dd"))
    page.date_to.setDate(page.date_to.date().fromString("2024-05-31", "yyyy-MM-dd"))
    assert "走访日期" in page.rule.text()
    grab(view, "report_ledgers")
    page.export(tmp_path / "走访.xlsx")
    qtbot.waitUntil(lambda: not page.job.running and bool(said), timeout=30000)
    assert "3 行" in said[-1] and (tmp_path / "走访.xlsx").is_file()


def test_annual_page_shows_the_year(qtbot, view, tmp_path, said):
    view.show_page("report.annual")
    page = view.annual
    page.year.setValue(2024)
    page.refresh()
    qtbot.waitUntil(lambda: page.figures is not None and not page.job.running, timeout=60000)
    assert page.preview.value_text("visits.households") == "4"
    assert page.preview.value_text("annual.assessed_staff") == "3"
    grab(view, "report_annual")
    page.export(tmp_path / "年度.xlsx")
    qtbot.waitUntil(lambda: not page.job.running and bool(said), timeout=60000)
    assert (tmp_path / "年度.xlsx").is_file()


def test_county_dialog_merges_and_lists_refusals(qtbot, view, ctx, tmp_path):
    from shuanbai_desktop.services.report import package
    usb = tmp_path / "U盘"
    usb.mkdir()
    with ctx.db.session() as s:
        package.export_month(s, 2024, 5, usb)
    (usb / "坏.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    dialog = view.open_county()
    qtbot.addWidget(dialog)
    dialog.add_paths([usb])
    dialog.target.setText(str(tmp_path / "汇总.xlsx"))
    dialog.run()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30000)
    assert len(dialog.result.accepted) == 1 and dialog.results.rowCount() == 2
    assert "已汇总 1 个乡镇(街道)" in dialog.summary.text()
    grab(dialog, "report_county_dialog")


def test_county_dialog_asks_for_what_is_missing(qtbot):
    dialog = CountyMergeDialog()
    qtbot.addWidget(dialog)
    dialog.run()
    assert "请先添加" in dialog.errors.text


def test_template_page_loads_the_county_form(qtbot, ctx, tmp_path, said):
    from openpyxl import Workbook

    from shuanbai_desktop.ui.report import SETTINGS_PAGES
    key, label, factory, permission = SETTINGS_PAGES[0]
    assert (key, label, permission) == ("settings.report_template", "县级报表模板", Permission.REPORT_EXPORT)
    page = factory(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 640)
    page.show()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=30000)
    assert page.keys.rowCount() == len(list(page.figures.rows()))
    wb = Workbook()
    wb.active["B2"] = "{{visits.households}}"
    wb.save(tmp_path / "县表.xlsx")
    page.load(tmp_path / "县表.xlsx")
    assert "县表.xlsx" in page.current.text() and "1 个占位符" in said[-1]
    page.filter.setText("走访")
    assert 0 < page.proxy.rowCount() < page.keys.rowCount()
    grab(page, "report_template_settings")


def test_saving_into_a_locked_month_asks_the_administrator_for_a_reason(qtbot, ctx, monkeypatch, said):
    from shuanbai_desktop.data.models.report import LockedMonth
    from shuanbai_desktop.ui.report import month_override
    from tests.db.test_report_month_lock import Diary, _Base
    _Base.metadata.create_all(ctx.db.engine)
    with ctx.db.session() as s:
        s.add(LockedMonth(month="2024-05", locked_by="admin"))
        s.add(Diary(id=1, day=date(2024, 5, 3), text="原文"))
    asked = []
    monkeypatch.setattr(month_override, "ask_reason", lambda _p, months: asked.append(months) or "补录遗漏的记录")

    def write(text):
        def change(s):
            s.get(Diary, 1).text = text
            return "saved"
        return change
    assert month_override.save_with_month_check(ctx, None, write("管理员改")) == "saved"
    assert asked == [("2024-05",)]
    with ctx.db.session() as s:
        auth.create_user(s, "sg5", "社工五", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
    worker = AppContext(db=ctx.db, user=auth.log_in(ctx.db, "sg5", "Shegong2024"), station=ctx.station)
    assert month_override.save_with_month_check(worker, None, write("社工改")) is None
    assert "请联系管理员" in said[-1] and len(asked) == 1
    with ctx.db.session() as s:
        assert s.get(Diary, 1).text == "管理员改"
