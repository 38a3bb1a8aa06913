"""资产 → 资产登记, driven as the deputy head would: register, refuse bad input, issue and return, labels, ledger."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.domain.asset_rules import AssetCategory, AssetStatus, RequiredItem
from shuanbai_desktop.domain.labels import FacilityType, Role
from shuanbai_desktop.services import auth, station
from shuanbai_desktop.services.assets import events, register
from shuanbai_desktop.services.assets.register import AssetInput
from shuanbai_desktop.ui.assets import AssetsView
from shuanbai_desktop.ui.context import AppContext
from tests import shots
from tests.clock import clock_on
from tests.ui.helpers import click, grab, type_text

TODAY = date(2026, 11, 18)  # the clock is set to this day for every test here (the screens read it)


@pytest.fixture(autouse=True)
def _clock():
    with clock_on(TODAY):
        yield


@pytest.fixture
def view(qtbot, ctx):
    widget = AssetsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1112, 690)
    widget.show()
    return widget


@pytest.fixture
def page(view):
    yield view.pages["assets.register"]  # the view lives as long as the test (qtbot holds it weakly)


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda parent, text, title="": shown.append(text))
    return shown


def seed(ctx, *inputs: AssetInput) -> list[int]:
    with ctx.session() as s:
        return [register.save_asset(s, data) for data in inputs]


def laptop(name="笔记本电脑", **changes) -> AssetInput:
    values = dict(name=name, category=AssetCategory.EQUIPMENT, purchase_date=TODAY - timedelta(days=90),
                  value="4599", model_spec="联想 ThinkPad E14", required_item=RequiredItem.COMPUTER)
    values.update(changes)
    return AssetInput(**values)


def fill_laptop(dialog, value="4599.00"):
    type_text(dialog.name_edit, "笔记本电脑")
    dialog.category_combo.setCurrentIndex(dialog.category_combo.findData(AssetCategory.EQUIPMENT))
    dialog.required_combo.setCurrentIndex(dialog.required_combo.findData(RequiredItem.COMPUTER))
    type_text(dialog.model_edit, "联想 ThinkPad E14")
    dialog.date_edit.setDate(TODAY - timedelta(days=30))
    dialog.value_edit.setText(value)
    dialog.funding_combo.setCurrentText("双百工程专项经费")
    dialog.custodian_combo.setCurrentText("李副站长")


def test_register_a_laptop(qtbot, page, ctx):
    assert page.model.rowCount() == 0
    click(qtbot, page.add_button)
    dialog = page.dialog
    fill_laptop(dialog)
    grab(dialog, "assets_dialog_new")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    row = page.model.row(0)
    code = f"SB-{(TODAY - timedelta(days=30)).year}-001"
    assert (row.code, row.name, row.place, row.status, row.custodian_name) == (code, "笔记本电脑", "站本部",
                                                                               AssetStatus.IN_USE, "李副站长")
    assert page.selected().id == row.id
    assert page.history_model.rowCount() == 1 and page.history_model.row(0).kind.label == "登记入账"
    assert page.summary.text() == "共 1 项（在账 1 项，原值 4,599.00 元）"


@pytest.mark.parametrize(("change", "field", "message"), [
    (lambda d: d.value_edit.setText("-4599"), "原值", "原值不能为负数。"),
    (lambda d: d.value_edit.setText("45990000"), "原值", "原值超过 100 万元"),
    (lambda d: d.date_edit.setDate(TODAY + timedelta(days=3)), "购置日期", "购置日期不能晚于今天。"),
    (lambda d: d.name_edit.clear(), "名称", "名称不能为空。"),
])
def test_bad_input_is_shown_at_the_field_and_nothing_saved(qtbot, page, ctx, change, field, message):
    click(qtbot, page.add_button)
    dialog = page.dialog
    fill_laptop(dialog)
    change(dialog)
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and dialog.errors.text.startswith(message)
    assert dialog.errors._marked is dialog.errors._fields[field]
    if field == "原值":
        grab(dialog, "assets_dialog_error")
    with ctx.session() as s:
        assert register.list_assets(s) == []


def test_issue_a_laptop_to_a_worker_and_get_it_back(qtbot, page, ctx):
    (asset_id,) = seed(ctx, laptop())
    page.refresh()
    page.select(asset_id)
    assert page.issue_button.text() == "领用…"
    click(qtbot, page.issue_button)
    dialog = page.dialog
    assert dialog.windowTitle().startswith("领用：SB-")
    dialog.person_combo.setCurrentText("黄志明")
    type_text(dialog.reason_edit, "入户走访使用")
    grab(dialog, "assets_issue_dialog")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    assert page.selected().holder_name == "黄志明"
    assert page.issue_button.text() == "归还…"
    assert not page.repair_button.isEnabled() or page.repair_button.text() == "送修…"
    grab(page.window(), "assets_register_issued")
    click(qtbot, page.issue_button)
    back = page.dialog
    assert back.person_combo.currentText() == "黄志明"
    back.date_edit.setDate(TODAY - timedelta(days=200))  # before the issue: refused at the field
    click(qtbot, back.save_button)
    assert back.isVisible() and "不能早于" in back.errors.text
    back.date_edit.setDate(TODAY)
    click(qtbot, back.save_button)
    assert not back.isVisible()
    asset = page.selected()
    assert asset.holder_name == "" and asset.status is AssetStatus.IDLE
    assert [h.kind.label for h in page.history_model.rows] == ["登记入账", "领用", "归还"]


def test_disposal_needs_a_reason(qtbot, page, ctx):
    (asset_id,) = seed(ctx, laptop())
    page.refresh()
    page.select(asset_id)
    click(qtbot, page.dispose_button)
    dialog = page.dialog
    type_text(dialog.approver_edit, "李站长")
    click(qtbot, dialog.save_button)
    assert dialog.errors.text == "报废原因不能为空。"
    grab(dialog, "assets_dispose_error")
    type_text(dialog.reason_edit, "主板损坏，维修费用超过残值")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    page.status_filter.setCurrentIndex(page.status_filter.findData("all"))
    assert page.model.row(0).status is AssetStatus.SCRAPPED
    assert not page.issue_button.isEnabled()


def test_labels_sheet_for_the_listed_assets(qtbot, page, ctx, monkeypatch, tmp_path):
    seed(ctx, laptop(), laptop("台式电脑", model_spec="联想 启天M437"),
         AssetInput("社会工作与志愿服务协会牌匾", AssetCategory.SIGNAGE, TODAY - timedelta(days=400), "0",
                    required_item=RequiredItem.PLAQUE_ASSOCIATION))
    page.refresh()
    page.table.clearSelection()
    click(qtbot, page.labels_button)
    dialog = page.dialog
    assert dialog.preview_label.pixmap().height() > 300
    grab(dialog, "assets_labels_dialog")
    saved = tmp_path / "标签.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), ""))
    click(qtbot, dialog.save_button)
    assert saved.exists()
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(saved),
                    str(shots.folder() / "assets_labels_a4")], check=True)
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True).stdout
    assert "社会工作与志愿服务协会牌匾" in text and "SB-" in text and "桥东街道社会工作服务站" in text


def test_ledger_export(qtbot, page, ctx, monkeypatch, tmp_path):
    seed(ctx, laptop(), laptop("=台式电脑"))
    page.refresh()
    target = tmp_path / "台账"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda *a, **k: None)
    page.search_edit.setText("台式")
    click(qtbot, page.ledger_button)
    sheet = load_workbook(tmp_path / "台账.xlsx").active
    assert sheet["A1"].value.startswith("桥东街道社会工作服务站资产台账")
    assert [c.value for c in sheet[3]][:4] == [1, f"SB-{(TODAY - timedelta(days=90)).year}-002", "=台式电脑", "设备"]
    assert sheet["C3"].data_type == "s"  # text that looks like a formula stays text
    assert sheet.max_row == 3
    with ctx.session() as s:
        assert audit_log_summaries(s)[-1] == "导出资产台账（1 项）"  # exports are in the audit trail


def audit_log_summaries(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.summary).order_by(AuditEntry.id)))


def test_supervisor_only_looks(qtbot, station_db, ctx):
    with ctx.session() as s:
        auth.create_user(s, "dudao", "刘督导", Role.SUPERVISOR, "Kan2024abcd", must_change=False)
    seed(ctx, laptop())
    user = auth.log_in(station_db, "dudao", "Kan2024abcd")
    view = AssetsView(AppContext(db=station_db, user=user, station=ctx.station))
    qtbot.addWidget(view)
    view.resize(1112, 690)
    view.show()
    page = view.pages["assets.register"]
    hidden = (page.add_button, page.edit_button, page.issue_button, page.dispose_button, page.delete_button)
    assert not any(b.isVisible() for b in hidden)
    assert page.labels_button.isVisible() and page.ledger_button.isVisible() and page.model.rowCount() == 1
    view.show_page("assets.stocktake")
    assert not view.pages["assets.stocktake"].start_button.isVisible()


def test_filters(qtbot, page, ctx):
    ids = seed(ctx, laptop(), laptop("台式电脑"),
               AssetInput("办公椅", AssetCategory.FURNITURE, TODAY - timedelta(days=300), "2400", quantity=10))
    with ctx.session() as s:
        events.record_event(s, ids[1], events.EventInput(events.EventKind.REPAIR, TODAY, reason="不开机"))
    page.refresh()
    page.category_filter.setCurrentIndex(page.category_filter.findText("家具"))
    assert [r.name for r in page.model.rows] == ["办公椅"]
    page.category_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findText("维修"))
    assert [r.name for r in page.model.rows] == ["台式电脑"]
    assert page.summary.text() == "共 1 项（在账 1 项，原值 4,599.00 元）"
    page.status_filter.setCurrentIndex(0)
    page.place_filter.setCurrentIndex(page.place_filter.findText("站本部"))
    assert page.model.rowCount() == 3
    page.search_edit.setText("椅")
    assert [r.name for r in page.model.rows] == ["办公椅"]


def test_attachments_and_move(qtbot, page, ctx, tmp_path):
    with ctx.session() as s:
        code = station.list_villages(s)[0].code
        station.save_service_point(s, station.ServicePointInput("东湖社工点", FacilityType.SCHOOL, "", "", "",
                                                                (code,)))
    (asset_id,) = seed(ctx, laptop())
    page.refresh()
    page.select(asset_id)
    click(qtbot, page.files_button)
    files = page.dialog
    assert files.empty.isVisible()
    invoice = tmp_path / "购置发票.pdf"
    invoice.write_bytes(b"%PDF-1.4 invoice")
    files.add_file(invoice, "购置发票")
    assert [a.description for a in files.model.rows] == ["购置发票"] and not files.empty.isVisible()
    grab(files, "assets_attachments")
    files.accept()
    click(qtbot, page.move_button)
    move = page.dialog
    assert [move.place_combo.itemText(i) for i in range(move.place_combo.count())] == ["东湖社工点"]
    click(qtbot, move.save_button)
    assert not move.isVisible(), move.errors.text
    assert page.selected().place == "东湖社工点"
    assert page.history_model.rows[-1].summary == "从站本部调拨到东湖社工点"


def test_a_counter_worker_registers_and_issues_but_is_not_offered_disposal(qtbot, station_db, ctx):
    """The buttons follow the permission table; a disposal forced past the hidden button is still refused."""
    with ctx.session() as s:
        auth.create_user(s, "chuangkou", "王窗口", Role.WINDOW, "Kan2024abcd", must_change=False)
    (asset_id,) = seed(ctx, laptop())
    user = auth.log_in(station_db, "chuangkou", "Kan2024abcd")
    view = AssetsView(AppContext(db=station_db, user=user, station=ctx.station))
    qtbot.addWidget(view)
    view.resize(1112, 690)
    view.show()
    page = view.pages["assets.register"]
    assert all(b.isVisible() for b in (page.add_button, page.edit_button, page.issue_button, page.repair_button))
    assert not page.dispose_button.isVisible() and not page.delete_button.isVisible()
    page.select(asset_id)
    page.record(events.EventKind.DISPOSE)  # as if the hidden button had been reached
    dialog = page.dialog
    type_text(dialog.approver_edit, "李站长")
    type_text(dialog.reason_edit, "主板损坏")
    click(qtbot, dialog.save_button)
    assert "“窗口”角色不能报废或处置资产" in dialog.errors.text
    grab(dialog, "assets_dispose_refused")
    with ctx.session() as s:
        assert register.get_asset(s, asset_id).status is AssetStatus.IN_USE


def test_the_attachments_dialog_offers_adding_by_the_owners_permission(qtbot, station_db, ctx):
    from shuanbai_desktop.ui.attachments_dialog import AttachmentsDialog
    with ctx.session() as s:
        auth.create_user(s, "chuangkou", "王窗口", Role.WINDOW, "Kan2024abcd", must_change=False)
    window = AppContext(db=station_db, user=auth.log_in(station_db, "chuangkou", "Kan2024abcd"), station=ctx.station)
    (asset_id,) = seed(ctx, laptop())
    for owner_type, offered in ((register.OWNER_TYPE, True), ("person", False), ("case_record", False)):
        dialog = AttachmentsDialog(window, owner_type, asset_id, "附件")
        qtbot.addWidget(dialog)
        assert dialog.add_button.isHidden() is not offered and dialog.remove_button.isHidden() is not offered
