"""Asset PDFs: the stock-take report (差异 first, then every line) and asset label sheets with QR codes.

Also the small page toolkit the archive PDFs share: CJK paragraph styles, a ruled table,
"第 n 页 共 m 页" footers, atomic writing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .pdf_fonts import MAIN, draw_string, markup, register_fonts, runs
from .pdf_tables import ruled

if TYPE_CHECKING:
    from ..services.assets.register import AssetRow
    from ..services.assets.stocktake import LineRow, StockTakeReport



def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("cell", fontName=MAIN, fontSize=9, leading=12, wordWrap="CJK")
    return {"title": ParagraphStyle("title", parent=base, fontSize=17, leading=24, alignment=TA_CENTER),
            "sub": ParagraphStyle("sub", parent=base, fontSize=10, leading=15, alignment=TA_CENTER),
            "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
            "body": ParagraphStyle("body", parent=base, fontSize=10, leading=16),
            "cell": base, "head": ParagraphStyle("head", parent=base, alignment=TA_CENTER)}


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(str(text)), style)


def table(headers: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float],
          st: dict[str, ParagraphStyle]) -> Table:
    """A ruled table whose header repeats on every page; cells wrap Chinese text."""
    data = [[para(h, st["head"]) for h in headers]]
    data += [[para("" if v is None else v, st["cell"]) for v in row] for row in rows]
    out = Table(data, colWidths=widths, repeatRows=1)
    out.setStyle(TableStyle(ruled()))
    return out


class NumberedCanvas(pdfcanvas.Canvas):
    """Footer "第 n 页 共 m 页" and the printing time, drawn once the page count is known."""

    footer_left = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width = self._pagesize[0]
        self.setFillColor(colors.HexColor("#5f6368"))
        draw_string(self, 18 * mm, 10 * mm, self.footer_left, 8)
        text = f"第 {self._pageNumber} 页  共 {total} 页"
        draw_string(self, width - 18 * mm - pdfmetrics.stringWidth(text, MAIN, 8), 10 * mm, text, 8)


def signatures(roles: Sequence[str], st: dict[str, ParagraphStyle], dated: bool = True) -> Table:
    """Signature lines: one cell per role, with the date line under them."""
    cells = [[para(f"{role}（签字）：", st["body"]) for role in roles]]
    if dated:
        cells.append([para("日期：", st["body"])] + [para("", st["body"]) for _ in roles[1:]])
    out = Table(cells, colWidths=[178 * mm / len(roles)] * len(roles), rowHeights=[14 * mm] * len(cells))
    out.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return out


def build(target: Path, story: list, footer: str, pagesize=A4, title: str = "") -> Path:
    """Write the story to ``target`` through a temporary file (no half PDF under the final name)."""
    target = Path(target)
    tmp = target.with_name(target.name + ".tmp")
    canvas_class = type("Footer", (NumberedCanvas,), {"footer_left": footer})
    doc = SimpleDocTemplate(str(tmp), pagesize=pagesize, leftMargin=16 * mm, rightMargin=16 * mm,
                            topMargin=16 * mm, bottomMargin=18 * mm, title=title, author="")
    try:
        doc.build(story, canvasmaker=canvas_class)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def printed_at() -> str:
    return f"打印时间：{datetime.now():%Y-%m-%d %H:%M}"


# --- stock-take report -----------------------------------------------------------------------

def _counted(line: LineRow) -> str:
    return "" if line.counted_quantity is None else str(line.counted_quantity)


def _diff_rows(lines: Sequence[LineRow]) -> list[list]:
    return [[i, r.code, r.name, r.model_spec, r.book_place, f"{r.book_quantity}{r.unit}", _counted(r),
             f"{r.difference:+d}" if r.difference else "", r.result_text, r.note] for i, r in enumerate(lines, 1)]


def _summary(report: StockTakeReport) -> list[list]:
    t = report.take
    return [["在账资产", f"{t.total} 项，原值合计 {report.book_value:,.2f} 元"],
            ["相符", f"{t.found} 项"], ["数量不符", f"{t.short} 项"],
            ["未找到（盘亏）", f"{t.missing} 项"], ["损坏", f"{t.damaged} 项"],
            ["盘亏资产原值", f"{report.missing_value:,.2f} 元"]]


def stocktake_report_pdf(report: StockTakeReport, target: Path) -> Path:
    st, t = styles(), report.take
    period = f"{t.started_on:%Y-%m-%d} 至 {t.closed_on:%Y-%m-%d}" if t.closed_on else f"{t.started_on:%Y-%m-%d} 起（未结束）"
    story = [para(f"{report.station_name}资产盘点报告", st["title"]),
             para(f"{t.title}　盘点期间：{period}　盘点人：{t.counted_by}", st["sub"]), Spacer(1, 6 * mm),
             para("一、盘点结果汇总", st["h2"]), table(["项目", "结果"], _summary(report), [45 * mm, 133 * mm], st),
             para("二、差异明细", st["h2"])]
    diffs = report.differences
    widths = [10, 24, 26, 24, 20, 13, 12, 11, 14, 24]
    if diffs:
        story.append(table(["序号", "资产编号", "名称", "规格型号", "存放地点", "账面", "实盘", "差异", "结果", "说明"],
                           _diff_rows(diffs), [w * mm for w in widths], st))
        story.append(Spacer(1, 2 * mm))
        story.append(para("盘亏、损坏的资产请查明原因：损坏的可送修；确已灭失或无法修复的，经审批后办理报废核销。",
                          st["body"]))
    else:
        story.append(para("本次盘点账实相符，无差异。", st["body"]))
    if t.note:
        story.append(para(f"备注：{t.note}", st["body"]))
    story += [Spacer(1, 4 * mm), signatures(("盘点人", "监盘人", "负责人"), st), Spacer(1, 8 * mm),
              para("三、盘点明细", st["h2"]),
              table(["序号", "资产编号", "名称", "规格型号", "存放地点", "账面", "实盘", "差异", "结果", "说明"],
                    _diff_rows(report.lines), [w * mm for w in widths], st)]
    return build(target, story, f"{report.station_name}　{t.title}　{printed_at()}", title=f"{t.title}盘点报告")


# --- labels ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LabelLayout:
    label: str  # what the user picks
    page: tuple[float, float]
    size: tuple[float, float]  # one label, points
    columns: int
    rows: int
    origin: tuple[float, float]  # top-left corner of the first label, from the page's top-left

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


LABEL_LAYOUTS = {
    "a4": LabelLayout("A4 不干胶标签纸（3×8，每张 70×37 毫米）", A4, (70 * mm, 37 * mm), 3, 8, (0, 0.5 * mm)),
    "sticker": LabelLayout("标签打印机（每张 60×40 毫米）", (60 * mm, 40 * mm), (60 * mm, 40 * mm), 1, 1, (0, 0)),
}


def text_width(text: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, font, size) for font, run in runs(text))


def fit(text: str, size: float, width: float) -> str:
    """``text`` shortened with "…" until it fits ``width``."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def shrink(text: str, size: float, width: float, smallest: float = 8) -> tuple[str, float]:
    """The largest size down to ``smallest`` at which ``text`` fits; below that, shortened."""
    while size > smallest and text_width(text, size) > width:
        size -= 0.5
    return fit(text, size, width), size


def _qr(c, code: str, x: float, y: float, side: float) -> None:
    widget = QrCodeWidget(code, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, c, x, y)


BLOCK_HEIGHT = 58  # points from the top of the station line to the bottom of the date line


def _label(c, row: AssetRow, station: str, x: float, y: float, w: float, h: float) -> None:
    pad = 2.5 * mm
    side = min(h - 2 * pad, 24 * mm)
    c.setStrokeColor(colors.HexColor("#c8ccd2"))
    c.setLineWidth(0.3)
    c.roundRect(x + 1 * mm, y + 1 * mm, w - 2 * mm, h - 2 * mm, 2 * mm)
    _qr(c, row.code, x + w - pad - side, y + (h - side) / 2, side)
    text_w = w - 2 * pad - side - 1 * mm
    left, top = x + pad + 0.5 * mm, y + (h + BLOCK_HEIGHT) / 2
    c.setFillColor(colors.HexColor("#5f6368"))
    draw_string(c, left, top - 7, fit(station, 6.5, text_w), 6.5)
    c.setFillColor(colors.black)
    draw_string(c, left, top - 20, *shrink(row.name, 11, text_w))
    c.setFont("Helvetica-Bold", 11.5)
    c.drawString(left, top - 34, row.code)
    c.setFillColor(colors.HexColor("#3c4043"))
    draw_string(c, left, top - 46, fit(f"地点：{row.place}", 7.5, text_w), 7.5)
    draw_string(c, left, top - 56, fit(f"购置：{row.purchase_date:%Y-%m-%d}", 7.5, text_w), 7.5)


def labels_pdf(rows: Sequence[AssetRow], station_name: str, layout_key: str, target: Path) -> Path:
    """One label per asset row: station, name, code, place, date and a QR code of the code."""
    register_fonts()
    layout = LABEL_LAYOUTS[layout_key]
    target = Path(target)
    tmp = target.with_name(target.name + ".tmp")
    c = pdfcanvas.Canvas(str(tmp), pagesize=layout.page)
    c.setTitle("资产标签")
    w, h = layout.size
    try:
        for index, row in enumerate(rows):
            slot = index % layout.per_page
            if index and slot == 0:
                c.showPage()
            col, line = slot % layout.columns, slot // layout.columns
            x = layout.origin[0] + col * w
            y = layout.page[1] - layout.origin[1] - (line + 1) * h
            _label(c, row, station_name, x, y, w, h)
        c.save()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
