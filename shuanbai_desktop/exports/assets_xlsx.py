"""Asset workbooks: the stock-take report (汇总与差异, 盘点明细) and the asset ledger (资产台账)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Font

from .xlsx import FONT_NAME, save_atomic, set_value, write_table

if TYPE_CHECKING:
    from ..services.assets.register import AssetRow
    from ..services.assets.stocktake import LineRow, StockTakeReport

LINE_HEADERS = ("序号", "资产编号", "名称", "规格型号", "存放地点", "账面数量", "实盘数量", "差异", "单位",
                "原值（元）", "保管/使用人", "盘点结果", "说明")
LINE_WIDTHS = (6, 15, 20, 20, 14, 9, 9, 7, 6, 12, 12, 10, 24)


def _line(i: int, r: LineRow) -> list:
    return [i, r.code, r.name, r.model_spec, r.book_place, r.book_quantity, r.counted_quantity,
            r.difference if r.difference else None, r.unit, r.value, r.book_custodian, r.result_text, r.note]


def _money(ws, column: int, first: int, last: int) -> None:
    for row in range(first, last + 1):
        ws.cell(row, column).number_format = "#,##0.00"


def stocktake_report_xlsx(report: StockTakeReport, target: Path) -> Path:
    t = report.take
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总与差异"
    set_value(ws.cell(1, 1), f"{report.station_name}资产盘点报告").font = Font(name=FONT_NAME, bold=True, size=14)
    period = f"{t.started_on:%Y-%m-%d} 至 {t.closed_on:%Y-%m-%d}" if t.closed_on else f"{t.started_on:%Y-%m-%d} 起（未结束）"
    facts = [("盘点名称", t.title), ("盘点期间", period), ("盘点人", t.counted_by), ("在账资产（项）", t.total),
             ("账面原值（元）", report.book_value), ("相符（项）", t.found), ("数量不符（项）", t.short), ("未找到（项）", t.missing),
             ("损坏（项）", t.damaged), ("差异（项）", t.differences), ("盘亏原值（元）", report.missing_value)]
    for row, (label, value) in enumerate(facts, 3):
        set_value(ws.cell(row, 1), label).font = Font(name=FONT_NAME, bold=True)
        set_value(ws.cell(row, 2), value).font = Font(name=FONT_NAME)
    first = len(facts) + 4
    diffs = report.differences
    last = write_table(ws, LINE_HEADERS, [_line(i, r) for i, r in enumerate(diffs, 1)], LINE_WIDTHS,
                       title="差异明细" if diffs else "差异明细：本次盘点账实相符，无差异", first_row=first)
    _money(ws, 10, first + 2, last)
    ws.print_area = f"A1:M{last}"
    detail = wb.create_sheet("盘点明细")
    last = write_table(detail, LINE_HEADERS, [_line(i, r) for i, r in enumerate(report.lines, 1)], LINE_WIDTHS,
                       title=f"{t.title}：盘点明细")
    _money(detail, 10, 3, last)
    return save_atomic(wb, Path(target))


LEDGER_HEADERS = ("序号", "资产编号", "名称", "类别", "规格型号", "数量", "单位", "购置日期", "原值（元）", "经费来源",
                  "存放地点", "保管人", "领用人", "状态", "规定配置", "备注")
LEDGER_WIDTHS = (6, 15, 20, 9, 20, 7, 6, 12, 12, 14, 14, 10, 10, 7, 16, 24)


def asset_ledger_xlsx(rows: Sequence[AssetRow], station_name: str, as_of: str, target: Path) -> Path:
    """资产台账: every row given (the list as filtered on screen), with the date it was printed."""
    wb = Workbook()
    ws = wb.active
    ws.title = "资产台账"
    data = [[i, r.code, r.name, r.category.label, r.model_spec, r.quantity, r.unit, r.purchase_date, r.value,
             r.funding_source, r.place, r.custodian_name, r.holder_name, r.status.label,
             r.required_item.label if r.required_item else "", r.notes] for i, r in enumerate(rows, 1)]
    last = write_table(ws, LEDGER_HEADERS, data, LEDGER_WIDTHS, title=f"{station_name}资产台账（{as_of}）")
    _money(ws, 9, 3, last)
    return save_atomic(wb, Path(target))
