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
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .pdf_fonts import MAIN, draw_string, markup, register_fonts

if TYPE_CHECKING:
    from ..services.report.layout import ReportFigures, Row, Sheet

GRID = colors.HexColor("#808080")
SHADE = colors.HexColor("#e8edf3")
GROUP = colors.HexColor("#f3f5f8")
WIDTHS_MM = (10, 60, 24, 12, 74)
PAD = [("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
       ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]


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
    style = [("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *PAD]
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
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, GRID), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *PAD]))
    return story + [table]


def _signature(st) -> KeepTogether:
    line = "＿＿＿＿＿＿＿＿＿＿"
    data = [[_p(f"填报人：{line}", st["sign"]), _p(f"填报日期：{line}", st["sign"])],
            [_p(f"审核人（站长）：{line}", st["sign"]), _p(f"审核日期：{line}", st["sign"])],
            [_p("单位（盖章）：", st["sign"]), ""]]
    table = Table(data, colWidths=[95 * mm, 85 * mm], rowHeights=[14 * mm, 14 * mm, 34 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOX", (1, 2), (1, 2), 0.5, GRID)]))
    return KeepTogether([Spacer(1, 8 * mm), table])


def _footer(text: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#505050"))
        draw_string(canvas, doc.leftMargin, 8 * mm, f"{text}　　第 {doc.page} 页", 8)
        canvas.restoreState()
    return draw


def write_report_pdf(figures: ReportFigures, target: Path, subtitle: str, notes: Sequence[tuple[str, str]] = (),
                     version: int = 1, changes: Sequence[Sequence] = ()) -> Path:
    """Write atomically; ``changes`` rows are (项目, 单位, old text, new text)."""
    register_fonts()
    st = _styles()
    title = f"{figures.station.name} {figures.month_text}月度报表"
    tmp = target.with_name(target.name + ".tmp")
    doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, title=title, author=figures.station.name, creator="社工站工作平台")
    story: list = [_p(title, st["title"]), _p(subtitle, st["sub"]), Spacer(1, 3 * mm)]
    for sheet in figures.sheets:
        story += [_p(sheet.title, st["h2"]), _sheet_table(sheet, st)]
    if version > 1:
        story += _changes_table(changes, version, st)
    if notes:
        story += [_p("说明", st["h2"])] + [_p(f"{k}：{v}", st["text"]) for k, v in notes]
    story.append(_signature(st))
    footer = _footer(f"{title}（第 {version} 版）")
    try:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
