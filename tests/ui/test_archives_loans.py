"""档案 → 借阅: lend a personnel file, see it overdue on 工作台, refuse a return dated before the loan, return it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from shuanbai_desktop.domain.archive_rules import ArchiveCategory, Confidentiality, Retention
from shuanbai_desktop.services import workbench
from shuanbai_desktop.services.archives import catalogue, checks, lending
from shuanbai_desktop.services.archives.catalogue import ArchiveInput
from shuanbai_desktop.ui.archives import ArchivesView
from shuanbai_desktop.ui.workbench_view import WorkbenchView
from tests.clock import clock_on
from tests.ui.helpers import click, grab, type_text

TODAY = date(2026, 11, 18)  # the clock is set to this day for every test here (the screens read it)


@pytest.fixture(autouse=True)
def _clock():
    with clock_on(TODAY):
        yield


@pytest.fixture
def view(qtbot, ctx):
    widget = ArchivesView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1112, 690)
    widget.show()
    return widget


@pytest.fixture
def file_id(ctx):
    with ctx.session() as s:
        return catalogue.save_file(s, ArchiveInput(
            "陈晓红人事档案（劳动合同、学历及资格证书复印件）", ArchiveCategory.PERSONNEL, TODAY.year - 1, Retention.Y30, 24,
            doc_date=date(TODAY.year - 1, 7, 1), filed_on=date(TODAY.year - 1, 7, 20), cabinet="1", box="1"))


def test_lend_see_it_overdue_on_the_workbench_and_return(qtbot, view, ctx, file_id, monkeypatch):
    page = view.pages["archives.catalogue"]
    page.refresh()
    page.select(file_id)
    assert page.lend_button.text() == "借出…"
    click(qtbot, page.lend_button)
    dialog = page.dialog
    dialog.borrower.setCurrentText("黄志明")
    type_text(dialog.purpose, "核对学历证书复印件")
    dialog.lent_on.setDate(TODAY - timedelta(days=20))
    dialog.due_on.setDate(TODAY - timedelta(days=6))
    grab(dialog, "archives_lend_dialog")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    assert page.selected().borrower == "黄志明" and page.lend_button.text() == "归还…"

    view.show_page("archives.loans")
    loans = view.pages["archives.loans"]
    assert [(r.borrower_name, r.state_text) for r in loans.model.rows] == [("黄志明", "超期 6 天")]
    assert loans.summary.text() == "共 1 条，其中超期 1 条"
    grab(view, "archives_loans_overdue")

    # 工作台 (only this feature's providers: others are tested by their own features)
    workbench._load_feature_providers()  # every feature registered first, then only this one's kept
    monkeypatch.setattr(workbench, "PROVIDERS", [checks._loan_items, checks._review_items])
    bench = WorkbenchView(ctx, clock=lambda: datetime.combine(TODAY, datetime.min.time()).replace(hour=9))
    qtbot.addWidget(bench)
    bench.resize(1112, 690)
    with qtbot.waitSignal(bench.refreshed):
        bench.show()
    assert [(i.level.label, i.title) for i in bench.items] == [
        ("已超期", f"档案 RS-{TODAY.year - 1}-D30-0001 借阅超期 6 天")]
    grab(bench, "archives_workbench_overdue")
    navigated = []
    bench.navigate_requested.connect(navigated.append)
    bench.open_selected()
    assert navigated == ["archives.loans"]

    assert loans.selected().borrower_name == "黄志明"  # the first one is chosen for the user
    click(qtbot, loans.return_button)
    back = loans.dialog
    back.returned_on.setDate(TODAY - timedelta(days=21))
    click(qtbot, back.save_button)
    assert back.isVisible() and back.errors.text.startswith("归还日期不能早于借出日期")
    assert back.errors._marked is back.returned_on
    grab(back, "archives_return_error")
    back.returned_on.setDate(TODAY)
    click(qtbot, back.save_button)
    assert not back.isVisible()
    assert loans.model.rowCount() == 0
    loans.filter_combo.setCurrentIndex(2)
    assert loans.model.row(0).state_text == f"已归还（{TODAY:%Y-%m-%d}），逾期 6 天"


def test_secret_file_needs_an_approver_and_renewal(qtbot, view, ctx):
    with ctx.session() as s:
        secret = catalogue.save_file(s, ArchiveInput(f"{TODAY.year - 1}年度社工考核材料", ArchiveCategory.PERSONNEL,
                                                     TODAY.year - 1, Retention.Y30, 30,
                                                     confidentiality=Confidentiality.SECRET,
                                                     filed_on=date(TODAY.year - 1, 11, 1)))
    page = view.pages["archives.catalogue"]
    page.refresh()
    page.select(secret)
    click(qtbot, page.lend_button)
    dialog = page.dialog
    dialog.borrower.setCurrentText("林丽娟")
    type_text(dialog.purpose, "准备年度考核")
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "该档案密级为“秘密”，借阅须填写批准人。"
    type_text(dialog.approver, "李站长")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    view.show_page("archives.loans")
    loans = view.pages["archives.loans"]
    loans.table.selectRow(0)
    click(qtbot, loans.renew_button)
    renew = loans.dialog
    click(qtbot, renew.save_button)
    assert not renew.isVisible(), renew.errors.text
    with ctx.session() as s:
        (loan,) = lending.list_loans(s)
    assert loan.due_on == TODAY + timedelta(days=28)
