"""The staff roster as a printable PDF (A4 landscape): ID numbers and phones masked, page
numbers and the date at the foot, signature line at the end. Fed by roster rows
(``services.staff.roster.StaffRow``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .pdf_fonts import MAIN, draw_string, markup, register_fonts
from .pdf_tables import ruled

HEADERS = ("序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "学历", "专业", "职业资格", "岗位角色",
           "所在社工点", "负责村(居)", "入职日期", "来源")
WIDTHS_MM = (9, 16, 8, 8, 33, 22, 12, 22, 24, 34, 27, 30, 18, 11)


def _styles() -> dict[str, ParagraphStyle]:
    cell = ParagraphStyle("cell", fontName=MAIN, fontSize=8, leading=10.5, wordWrap="CJK")
    return {"cell": cell,
            "head": ParagraphStyle("head", parent=cell, alignment=TA_CENTER),
            "title": ParagraphStyle("title", fontName=MAIN, fontSize=16, leading=22, alignment=TA_CENTER),
            "sub": ParagraphStyle("sub", fontName=MAIN, fontSize=9, leading=13, alignment=TA_CENTER),
            "foot": ParagraphStyle("foot", fontName=MAIN, fontSize=9, leading=14)}


def _p(text, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup("" if text is None else str(text)), style)


def _row(n: int, r) -> list:
    return [n, r.name, r.sex, r.age if r.age is not None else "", r.id_masked, r.phone_masked, r.education.label,
            r.major, r.certificate.label + ("、督导证" if r.supervisor_cert else ""), r.role_text, r.point_name,
            "、".join(r.village_names), f"{r.hire_date:%Y-%m-%d}", r.source.label]


def _table(rows: Sequence, styles) -> Table:
    data = [[_p(h, styles["head"]) for h in HEADERS]]
    data += [[_p(v, styles["cell"]) for v in _row(n, r)] for n, r in enumerate(rows, 1)]
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    table.setStyle(TableStyle(ruled()))
    return table


def _footer(today: date):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#505050"))
        text = f"第 {doc.page} 页　　制表日期：{today:%Y-%m-%d}　　身份证号、联系电话已脱敏"
        draw_string(canvas, doc.leftMargin, 8 * mm, text, 8)
        canvas.restoreState()
    return draw


def write_roster_pdf(rows: Sequence, target: Path, station_name: str, today: date, status_text: str) -> Path:
    """``status_text`` says who is listed, e.g. "在岗人员"."""
    register_fonts()
    styles = _styles()
    tmp = target.with_name(target.name + ".tmp")
    doc = SimpleDocTemplate(str(tmp), pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=12 * mm, bottomMargin=14 * mm, title=f"{station_name}工作人员名册",
                            author="社工站工作平台", creator="社工站工作平台")
    story = [_p(f"{station_name}工作人员名册", styles["title"]),
             _p(f"{status_text}，共 {len(rows)} 人", styles["sub"]), Spacer(1, 4 * mm), _table(rows, styles),
             Spacer(1, 8 * mm),
             _p("制表人：＿＿＿＿＿＿　　　审核人：＿＿＿＿＿＿　　　单位（盖章）：＿＿＿＿＿＿", styles["foot"])]
    try:
        doc.build(story, onFirstPage=_footer(today), onLaterPages=_footer(today))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
