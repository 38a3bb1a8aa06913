"""档案 → 到期鉴定: files past retention are listed; a destruction is recorded with its list, never deleted."""

from __future__ import annotations

import subprocess
from datetime import date

import pytest
from PySide6.QtWidgets import QFileDialog

from shuanbai_desktop.domain.archive_rules import ArchiveCategory, Retention
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.services.archives import catalogue
from shuanbai_desktop.services.archives.catalogue import ArchiveFilter, ArchiveInput
from shuanbai_desktop.ui.archives import ArchivesView
from shuanbai_desktop.ui.context import AppContext
from tests import shots
from tests.clock import clock_on
from tests.ui.helpers import click, grab

TODAY = date(2026, 11, 18)  # the clock is set to this day for every test here (the screens read it)


@pytest.fixture(autouse=True)
def _clock():
    with clock_on(TODAY):
        yield
SHOTS = shots.folder()  # pictures for a person to look at, outside the checkout


@pytest.fixture
def ctx(station_db, admin):
    with station_db.session() as s:
        info = station.get_station(s)
        for year in (TODAY.year - 13, TODAY.year - 12):
            catalogue.save_file(s, ArchiveInput(f"{year}年社区综合服务中心服务台账", ArchiveCategory.SERVICE, year,
                                                Retention.Y10, 60, filed_on=date(year + 1, 1, 10), cabinet="5", box="1"))
        catalogue.save_file(s, ArchiveInput(f"{TODAY.year - 12}年度工作总结", ArchiveCategory.DOCUMENTS, TODAY.year - 12,
                                            Retention.PERMANENT, 12, filed_on=date(TODAY.year - 11, 1, 10)))
    return AppContext(db=station_db, user=admin, station=info)


@pytest.fixture
def page(qtbot, ctx):
    view = ArchivesView(ctx)
    qtbot.addWidget(view)
    view.resize(1112, 690)
    view.show()
    view.show_page("archives.review")
    yield view.pages["archives.review"]  # the view lives as long as the test (qtbot holds it weakly)


def test_destroy_files_past_retention_with_a_record(qtbot, page, ctx, monkeypatch, tmp_path):
    assert [r.year for r in page.due_model.rows] == [TODAY.year - 13, TODAY.year - 12]
    page.due_table.selectAll()
    click(qtbot, page.destroy_button)
    dialog = page.dialog
    dialog.approved.setCurrentText("李站长")
    dialog.supervisor.setCurrentText("李站长")
    dialog.reference.setText("桥东社工站〔2026〕2号")
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "监销人应由批准人以外的人员担任。"
    assert dialog.errors._marked is dialog.supervisor
    grab(dialog, "archives_destroy_error")
    dialog.supervisor.setCurrentText("陈晓红")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    assert page.due_model.rowCount() == 0
    assert [(d.files, d.approved_by, d.supervisor) for d in page.done_model.rows] == [(2, "李站长", "陈晓红")]
    grab(page.window(), "archives_review_done")
    with ctx.session() as s:
        kept = catalogue.list_files(s, ArchiveFilter(include_destroyed=True))
    assert sorted(r.state_text for r in kept) == ["在库", "已销毁", "已销毁"]

    pdf = tmp_path / "销毁清册.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    click(qtbot, page.pdf_button)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "档案销毁清册" in text and "陈晓红" in text and f"YW-{TODAY.year - 13}-D10-0001" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SHOTS / "archives_destruction_list")], check=True)


def test_extend_keeps_a_file(qtbot, page, ctx):
    page.due_table.selectRow(0)
    click(qtbot, page.extend_button)
    dialog = page.dialog
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "鉴定意见不能为空。"
    dialog.opinion.setText("涉及历史救助对象核查，仍需保存")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    assert [r.year for r in page.due_model.rows] == [TODAY.year - 12]


def test_only_an_administrator_decides(qtbot, station_db, ctx):
    with ctx.session() as s:
        auth.create_user(s, "sg1", "黄志明", Role.SOCIAL_WORKER, "Shegong2024", must_change=False)
    user = auth.log_in(station_db, "sg1", "Shegong2024")
    view = ArchivesView(AppContext(db=station_db, user=user, station=ctx.station))
    qtbot.addWidget(view)
    view.show()
    view.show_page("archives.review")
    page = view.pages["archives.review"]
    assert page.due_model.rowCount() == 2
    assert not page.destroy_button.isVisible() and not page.extend_button.isVisible()
    assert "由管理员" in page.due_note.text()
    catalogue_page = view.pages["archives.catalogue"]
    assert catalogue_page.lend_button.isVisibleTo(catalogue_page)  # lending is everyday work


def test_a_social_worker_sees_the_due_files_but_no_appraisal_buttons(qtbot, station_db, ctx):
    with ctx.session() as s:
        auth.create_user(s, "shegong", "陈晓红", Role.SOCIAL_WORKER, "Kan2024abcd", must_change=False)
    user = auth.log_in(station_db, "shegong", "Kan2024abcd")
    view = ArchivesView(AppContext(db=station_db, user=user, station=ctx.station))
    qtbot.addWidget(view)
    view.resize(1112, 690)
    view.show()
    view.show_page("archives.review")
    page = view.pages["archives.review"]
    assert page.due_model.rowCount() == 2
    assert not page.extend_button.isVisible() and not page.destroy_button.isVisible()
    assert "鉴定处理由管理员" in page.due_note.text()
    assert not view.pages["archives.catalogue"].add_button.isHidden()  # cataloguing and lending: ARCHIVE_EDIT
