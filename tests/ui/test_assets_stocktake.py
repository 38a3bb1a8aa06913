"""资产 → 资产盘点 and 配置检查: a count that finds a missing item, its report, the required items."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QFileDialog

from shuanbai_desktop.domain.asset_rules import AssetCategory, RequiredItem
from shuanbai_desktop.services.assets.register import AssetInput
from shuanbai_desktop.ui.assets import AssetsView
from tests import shots
from tests.ui.helpers import click, grab
from tests.ui.test_assets_register import TODAY, _clock, laptop, seed  # noqa: F401  (_clock)

SHOTS = shots.folder()  # pictures for a person to look at, outside the checkout


@pytest.fixture
def view(qtbot, ctx):
    widget = AssetsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1112, 690)
    widget.show()
    return widget


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr("shuanbai_desktop.ui.messages.error", lambda parent, text, title="": shown.append(text))
    return shown


@pytest.fixture
def page(view):
    view.show_page("assets.stocktake")
    yield view.pages["assets.stocktake"]  # the view lives as long as the test (qtbot holds it weakly)


@pytest.fixture
def assets(ctx):
    return seed(ctx, laptop(), laptop("台式电脑", model_spec="联想 启天M437"),
                AssetInput("办公椅", AssetCategory.FURNITURE, TODAY - timedelta(days=300), "2400", quantity=10),
                AssetInput("社工站牌匾", AssetCategory.SIGNAGE, TODAY - timedelta(days=300), "0",
                           required_item=RequiredItem.PLAQUE_STATION))


def _select(page, names):
    page.line_table.clearSelection()
    for row, line in enumerate(page.line_model.rows):
        if line.name in names:
            page.line_table.selectionModel().select(
                page.line_model.index(row, 0), page.line_table.selectionModel().SelectionFlag.Select
                | page.line_table.selectionModel().SelectionFlag.Rows)


def test_a_count_that_finds_a_missing_item(qtbot, page, ctx, assets, monkeypatch, tmp_path, errors):
    assert page.empty_note.isVisible() and not page.close_button.isEnabled()
    click(qtbot, page.start_button)
    dialog = page.dialog
    assert dialog.title_edit.text() == f"{TODAY.year}年度资产盘点"
    grab(dialog, "assets_stocktake_start")
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible(), dialog.errors.text
    assert page.line_model.rowCount() == 4 and page.progress.text() == "已盘 0 / 4，差异 0 项"
    assert not page.start_button.isEnabled()
    _select(page, {"台式电脑", "社工站牌匾"})
    click(qtbot, page.found_button)
    _select(page, {"笔记本电脑"})
    click(qtbot, page.missing_button)
    assert page.progress.text() == "已盘 3 / 4，差异 1 项"
    click(qtbot, page.close_button)  # one line is still unmarked
    assert errors and "还有 1 项" in errors[0]
    _select(page, {"办公椅"})
    click(qtbot, page.quantity_button)
    quantity = page.dialog
    quantity.count_spin.setValue(8)
    quantity.note_edit.setText("两把损坏已丢弃")
    click(qtbot, quantity.save_button)
    assert page.progress.text() == "已盘 4 / 4，差异 2 项"
    page.result_filter.setCurrentIndex(page.result_filter.findText("未找到"))
    assert [r.name for r in page.line_model.rows] == ["笔记本电脑"]
    page.result_filter.setCurrentIndex(page.result_filter.findData("diff"))
    assert [r.name for r in page.line_model.rows] == ["办公椅", "笔记本电脑"]
    grab(page.window(), "assets_stocktake_open")
    click(qtbot, page.close_button)
    closing = page.dialog
    grab(closing, "assets_stocktake_close")
    click(qtbot, closing.save_button)
    assert not closing.isVisible(), closing.errors.text
    take = page.selected()
    assert not take.is_open and take.missing == 1 and take.differences == 2
    assert not page.found_button.isEnabled() and page.start_button.isEnabled()

    pdf, xlsx = tmp_path / "盘点报告.pdf", tmp_path / "盘点报告.xlsx"
    monkeypatch.setattr("shuanbai_desktop.ui.messages.info", lambda *a, **k: None)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), ""))
    click(qtbot, page.pdf_button)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(xlsx), ""))
    click(qtbot, page.xlsx_button)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "资产盘点报告" in text and "未找到（盘亏）" in text and "两把损坏已丢" in text and "数量不符" in text
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(SHOTS / "assets_stocktake_report")], check=True)
    book = load_workbook(xlsx)
    assert book.sheetnames == ["汇总与差异", "盘点明细"]
    summary = book["汇总与差异"]
    assert summary["A10"].value == "未找到（项）" and summary["B10"].value == 1
    assert summary["A12"].value == "差异（项）" and summary["B12"].value == 2
    assert [summary.cell(r, 3).value for r in range(17, 19)] == ["办公椅", "笔记本电脑"]
    assert summary.cell(17, 12).value == "数量不符"
    assert book["盘点明细"].max_row == 6


def test_checks_page_lists_what_is_missing(qtbot, view, assets):
    view.show_page("assets.checks")
    page = view.pages["assets.checks"]
    assert page.summary.text().startswith("共 1 个地点（站本部，尚未设立社工点），1 个尚未配齐：站本部缺社会工作与志愿服务协会牌匾、")
    assert [r.check.text for r in page.model.rows] == ["有（1）", "缺", "缺", "有（2）", "缺"]
    grab(view, "assets_checks")
