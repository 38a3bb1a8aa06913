"""The monthly report as a PDF for signature and seal: A4 portrait, the same figures as the
workbook, the shipped CJK font embedded, 填报人 / 审核人（站长）/ 日期 / 盖章 at the end."""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .pdf_fonts import MAIN, draw_string, markup, register_fonts
from .pdf_tables import GRID, ruled

if TYPE_CHECKING:
    from ..services.report.layout import ReportFigures, Row, Sheet
    from ..services.trends import Trends

GROUP = colors.HexColor("#f3f5f8")
WIDTHS_MM = (10, 60, 24, 12, 74)


def number_text(value, unit: str = "") -> str:
    """How a figure is printed (also what a reader of the PDF finds): yuan with thousands separators."""
    if value is None:
        return "—"
    if isinstance(value, Decimal) and unit == "元":
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _styles() -> dict[str, ParagraphStyle]:
    cell = ParagraphStyle("cell", fontName=MAIN, fontSize=8.5, leading=11, wordWrap="CJK")
    return {"cell": cell, "small": ParagraphStyle("small", parent=cell, fontSize=7.5, leading=9.5),
            "num": ParagraphStyle("num", parent=cell, alignment=TA_RIGHT),
            "head": ParagraphStyle("head", parent=cell, alignment=TA_CENTER),
            "group": ParagraphStyle("group", parent=cell, fontSize=9),
            "title": ParagraphStyle("title", fontName=MAIN, fontSize=17, leading=24, alignment=TA_CENTER),
            "sub": ParagraphStyle("sub", fontName=MAIN, fontSize=9.5, leading=14, alignment=TA_CENTER),
            "h2": ParagraphStyle("h2", fontName=MAIN, fontSize=12.5, leading=18, spaceBefore=6, spaceAfter=3),
            "text": ParagraphStyle("text", fontName=MAIN, fontSize=9, leading=13, wordWrap="CJK"),
            "sign": ParagraphStyle("sign", fontName=MAIN, fontSize=11, leading=16)}


def _p(text, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup("" if text is None else str(text)), style)


def _figure(n: int, row: Row, st) -> list:
    value_style = st["num"] if row.is_number else st["cell"]
    return [_p(n, st["head"]), _p(row.label, st["cell"]), _p(number_text(row.value, row.unit), value_style),
            _p(row.unit, st["head"]), _p(row.source, st["small"])]


def _sheet_table(sheet: Sheet, st) -> Table:
    data = [[_p(h, st["head"]) for h in ("序号", "项目", "数值", "单位", "口径与来源")]]
    style = ruled()
    n = 0
    for group in sheet.groups:
        style += [("SPAN", (0, len(data)), (-1, len(data))), ("BACKGROUND", (0, len(data)), (-1, len(data)), GROUP)]
        data.append([_p(group.title, st["group"]), "", "", "", ""])
        for row in group.rows:
            n += 1
            data.append(_figure(n, row, st))
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _changes_table(changes: Sequence[Sequence], version: int, st) -> list:
    story = [_p(f"与第 {version - 1} 版相比变化的数字", st["h2"])]
    if not changes:
        return story + [_p("没有数字变化。", st["text"])]
    data = [[_p(h, st["head"]) for h in ("项目", "单位", f"第 {version - 1} 版", f"第 {version} 版")]]
    data += [[_p(label, st["cell"]), _p(unit, st["head"]), _p(old, st["num"]), _p(new, st["num"])]
             for label, unit, old, new in changes]
    table = Table(data, colWidths=[96 * mm, 16 * mm, 34 * mm, 34 * mm], repeatRows=1)
    table.setStyle(TableStyle(ruled()))
    return story + [table]


def _signature(st, leader: str = "") -> KeepTogether:
    """``leader``: the 站长 recorded in 站点信息, printed before the line he or she signs on."""
    line = "＿＿＿＿＿＿＿＿＿＿"
    data = [[_p(f"填报人：{line}", st["sign"]), _p(f"填报日期：{line}", st["sign"])],
            [_p(f"审核人（站长）：{leader + '　' if leader else ''}{line}", st["sign"]),
             _p(f"审核日期：{line}", st["sign"])],
            [_p("单位（盖章）：", st["sign"]), ""]]
    table = Table(data, colWidths=[95 * mm, 85 * mm], rowHeights=[14 * mm, 14 * mm, 34 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (1, 2), (1, 2), 0.5, GRID)]))
    return KeepTogether([Spacer(1, 8 * mm), table])


BAR = colors.HexColor("#4a7fc1")
BAR_2 = colors.HexColor("#c0622b")
TREND_COLUMNS = ("月份", "窗口登记（件）", "入户走访（户次）", "新开个案（个）", "月末在案个案（个）")


def _trend_chart(title: str, months: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]):
    """One bar chart (reportlab.graphics.charts) 180 mm wide, months along the bottom, values on the bars."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.shapes import Drawing, String
    width, height = 180 * mm, 56 * mm
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 11, title, fontName=MAIN, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 8 * mm, width - 14 * mm, height - 22 * mm
    chart.data = [list(values) for _, values in series]
    chart.categoryAxis.categoryNames = list(months)
    chart.categoryAxis.labels.fontName = MAIN
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = MAIN
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.valueMin = 0
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e3e6ea")
    top = max(max(values) for _, values in series)
    if top < 5:
        chart.valueAxis.valueMax, chart.valueAxis.valueStep = 5, 1
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = MAIN
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    chart.groupSpacing = 6 if len(series) > 1 else 8
    for i, colour in enumerate((BAR, BAR_2)[:len(series)]):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = width - 62 * mm, height - 7
        legend.fontName, legend.fontSize = MAIN, 8
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 24 * mm
        legend.colorNamePairs = [(c, name) for c, (name, _) in zip((BAR, BAR_2), series, strict=False)]
        drawing.add(legend)
    return drawing


def _trend_page(trends: Trends, st) -> list:
    """附页: the 12 months up to the report's month as charts, then the same numbers as a table."""
    months = [f"{m}月" for _, m in trends.months]
    story: list = [PageBreak(), _p(f"附：近 12 个月趋势（{trends.period_text}）", st["h2"]),
                   _p("口径与本表相同：窗口登记不含作废；入户走访按户次；新开个案为当月开案数；"
                      "月末在案个案为月末尚未结案的个案。", st["text"]), Spacer(1, 2 * mm),
                   _trend_chart("窗口登记（件）", months, [("窗口登记", trends.registrations)]),
                   _trend_chart("入户走访（户次）", months, [("入户走访", trends.visits)]),
                   _trend_chart("个案（个）", months, [("新开个案", trends.cases_opened),
                                                      ("月末在案个案", trends.cases_active)]),
                   Spacer(1, 3 * mm)]
    data = [[_p(h, st["head"]) for h in TREND_COLUMNS]]
    for i, (year, month) in enumerate(trends.months):
        values = (trends.registrations[i], trends.visits[i], trends.cases_opened[i], trends.cases_active[i])
        data.append([_p(f"{year}年{month}月", st["head"])] + [_p(v, st["num"]) for v in values])
    table = Table(data, colWidths=[28 * mm] + [38 * mm] * 4, repeatRows=1)
    table.setStyle(TableStyle(ruled()))
    return story + [table]


def _footer(text: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#505050"))
        draw_string(canvas, doc.leftMargin, 8 * mm, f"{text}　　第 {doc.page} 页", 8)
        canvas.restoreState()
    return draw


def write_report_pdf(figures: ReportFigures, target: Path, subtitle: str, notes: Sequence[tuple[str, str]] = (),
                     version: int = 1, changes: Sequence[Sequence] = (), trends: Trends | None = None) -> Path:
    """Write atomically; ``changes`` rows are (项目, 单位, old text, new text); ``trends`` (the 12 months up to
    the report's, services/trends.py) adds a last page of charts and their numbers after the signatures."""
    register_fonts()
    st = _styles()
    title = f"{figures.station.name} {figures.month_text}月度报表"
    tmp = target.with_name(target.name + ".tmp")
    doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, title=title, author=figures.station.name, creator="社工站工作平台")
    story: list = [_p(title, st["title"]), _p(subtitle, st["sub"])]
    if figures.station.leadership_text:
        story.append(_p(figures.station.leadership_text, st["sub"]))
    story.append(Spacer(1, 3 * mm))
    for sheet in figures.sheets:
        story += [_p(sheet.title, st["h2"]), _sheet_table(sheet, st)]
    if version > 1:
        story += _changes_table(changes, version, st)
    if notes:
        story += [_p("说明", st["h2"])] + [_p(f"{k}：{v}", st["text"]) for k, v in notes]
    story.append(_signature(st, figures.station.leader_name))
    if trends is not None:
        story += _trend_page(trends, st)
    footer = _footer(f"{title}（第 {version} 版）")
    try:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
