"""The window's papers as PDF: 一次性告知单 (for the resident) and 转办单 (for the receiving office).

A5 or A4 portrait as set in 设置; the shipped CJK font through ``pdf_fonts`` (rare
characters fall back glyph by glyph). Files are written beside the target and renamed
when complete. Fed by ``services.window.documents`` (NoticeData, TransferData).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .pdf_fonts import MAIN, markup, register_fonts
from .pdf_tables import padding, ruled

if TYPE_CHECKING:  # exports depend on no service at run time
    from ..services.window.documents import NoticeData, TransferData

FRAME_PADDING = 6  # points: the default padding of SimpleDocTemplate's frame


def _scale(paper: str) -> float:
    return 1.0 if paper == "A5" else 1.2


def _styles(paper: str) -> dict[str, ParagraphStyle]:
    k = _scale(paper)
    body = ParagraphStyle("body", fontName=MAIN, fontSize=9 * k, leading=13 * k, wordWrap="CJK")
    return {
        "station": ParagraphStyle("station", parent=body, fontSize=11 * k, leading=15 * k, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=body, fontSize=17 * k, leading=24 * k, alignment=TA_CENTER,
                                spaceAfter=2 * k),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5 * k, leading=10.5 * k,
                                textColor=colors.HexColor("#404040")),
        "label": ParagraphStyle("label", parent=body, textColor=colors.HexColor("#202020")),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, line breaks kept, rare characters in their font)."""
    return Paragraph("<br/>".join(markup(line) for line in (text or "").split("\n")), style)


def _doc(target: Path, paper: str, title: str) -> SimpleDocTemplate:
    size = A5 if paper == "A5" else A4
    margin = (12 if paper == "A5" else 18) * mm
    return SimpleDocTemplate(str(target), pagesize=size, leftMargin=margin, rightMargin=margin,
                             topMargin=margin * 0.9, bottomMargin=margin * 0.9, title=title,
                             author="社工站工作平台", creator="社工站工作平台")


def _grid(rows: list[tuple[str, str]], styles, width: float, label_width: float) -> Table:
    data = [[_p(label, styles["label"]), _p(value, styles["body"])] for label, value in rows]
    table = Table(data, colWidths=[label_width, width - label_width])
    table.setStyle(TableStyle(ruled(label_column=True, pad=padding(3, 4, sides=None))))
    return table


def _materials(materials: tuple[tuple[str, bool], ...], styles, width: float, paper: str) -> Table:
    rows = [[_p("序号", styles["label"]), _p("所需材料", styles["label"]), _p("情况", styles["label"])]]
    for i, (name, received) in enumerate(materials, 1):
        rows.append([_p(str(i), styles["body"]), _p(name, styles["body"]),
                     _p("✓ 已收" if received else "□ 请携带", styles["body"])])
    k = _scale(paper)
    table = Table(rows, colWidths=[11 * mm * k, width - 29 * mm * k, 18 * mm * k], repeatRows=1)
    table.setStyle(TableStyle(ruled(pad=padding(sides=None))))
    return table


def _meta(cells: list[str], style: ParagraphStyle, width: float) -> Table:
    """One line of side-by-side items (spaces would collapse inside a paragraph)."""
    cells = [c for c in cells if c]
    table = Table([[_p(c, style) for c in cells]], colWidths=[width / len(cells)] * len(cells))
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return table


def _postponed(due_note: str) -> str:
    """Paper says what its reader needs: a due date reckoned without the year's holiday table (``due_note``,
    the counter's own warning) prints as “（遇法定节假日顺延）”, never the note itself."""
    return "（遇法定节假日顺延）" if due_note else ""


def _cn(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _write(doc: SimpleDocTemplate, story: list, target: Path) -> Path:
    tmp = target.with_name(target.name + ".tmp")
    doc.filename = str(tmp)
    try:
        doc.build(story)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _header(story: list, styles, station_name: str, title: str, cells: list[str], width: float) -> None:
    story += [_p(station_name, styles["station"]), _p(title, styles["title"]), _meta(cells, styles["small"], width),
              Spacer(1, 1.5 * mm)]


def _notice_rows(d: NoticeData) -> list[tuple[str, str]]:
    person = d.person_name + (f"（身份证 {d.person_id_masked}）" if d.person_id_masked else "")
    rows = [("办事人", person)]
    if d.phone_masked:
        rows.append(("联系电话", d.phone_masked))
    rows += [("办理事项", d.matter_name), ("办理方式", d.handling_text)]
    if d.result:
        rows.append(("办理结果", d.result))
    else:
        limit = f"{d.time_limit_days} 个工作日" if d.time_limit_days else "当日"
        rows.append(("办结时限", f"{limit}，预计 {_cn(d.due_date)}前办结{_postponed(d.due_note)}"))
    return rows


def _return_text(d: NoticeData) -> str:
    if d.result:
        return f"本事项已当场办结。如有疑问，请在办公时间（{d.office_hours}）到{d.return_place}咨询。"
    return (f"本站将在 {_cn(d.due_date)}前将办理结果告知您；您也可凭本单在办公时间"
            f"（{d.office_hours}）到{d.return_place}查询或领取结果。")


def render_notice(d: NoticeData, target: Path) -> Path:
    """一次性告知单: everything the matter needs, at once and in print (R5.2)."""
    register_fonts()
    styles, doc = _styles(d.paper), _doc(target, d.paper, f"一次性告知单 {d.ticket_no}")
    width = doc.width - 2 * FRAME_PADDING
    story: list = []
    _header(story, styles, d.station.name, "一次性告知单",
            [f"受理编号：{d.ticket_no}", f"登记时间：{d.registered_at:%Y-%m-%d %H:%M}"], width)
    story.append(_grid(_notice_rows(d), styles, width, 20 * mm * _scale(d.paper)))
    story.append(Spacer(1, 3 * mm))
    if d.materials:
        missing = sum(1 for _, got in d.materials if not got)
        head = f"所需材料：共 {len(d.materials)} 项" + (f"，还需携带 {missing} 项（标“□”者）" if missing else "，已收齐")
        story += [_p(head, styles["body"]), Spacer(1, 1 * mm), _materials(d.materials, styles, width, d.paper)]
    else:
        story.append(_p("所需材料：本事项无需提交材料。", styles["body"]))
    if d.guidance:
        story += [Spacer(1, 2 * mm), _p(f"办理说明：{d.guidance}", styles["body"])]
    story += [Spacer(1, 2 * mm), _p(_return_text(d), styles["body"])]
    if d.note:
        story += [Spacer(1, 1.5 * mm), _p(d.note, styles["small"])]
    story += [Spacer(1, 4 * mm), _contact_line(d.first_responder, d.station.phone, styles["body"], width),
              _p(f"地址：{d.station.address}" if d.station.address else "", styles["small"]),
              Spacer(1, 2 * mm), _p("（本告知单由办事人留存）", styles["small"])]
    return _write(doc, story, target)


def _contact_line(responder: str, phone: str, style: ParagraphStyle, width: float) -> Table:
    return _meta([f"首问负责人：{responder}", f"站点电话：{phone}" if phone else ""], style, width)


def _transfer_rows(d: TransferData) -> list[tuple[str, str]]:
    rows = [("接收单位", d.department_name + (f"\n{d.department_contact}" if d.department_contact else "")),
            ("办事人", d.person_name + (f"（身份证 {d.person_id_masked}）" if d.person_id_masked else ""))]
    if d.person_phone:
        rows.append(("联系电话", d.person_phone))
    if d.person_address:
        rows.append(("住址", d.person_address))
    if d.agent_text:
        rows.append(("代办人", d.agent_text))
    rows += [("办理事项", d.matter_name), ("情况简述", d.description or "（无）"),
             ("已收材料", "\n".join(f"{i}. {m}" for i, m in enumerate(d.received, 1)) or "（未收材料）")]
    if d.missing:
        rows.append(("待补材料", "\n".join(f"{i}. {m}" for i, m in enumerate(d.missing, 1))))
    if d.transfer_note:
        rows.append(("转办说明", d.transfer_note))
    rows.append(("办结时限", f"请于 {_cn(d.due_date)}前办结{_postponed(d.due_note)}，并将结果反馈本站"))
    return rows


def render_transfer(d: TransferData, target: Path) -> Path:
    """转办单: what the receiving office needs, with room for its receipt and result."""
    register_fonts()
    styles, doc = _styles(d.paper), _doc(target, d.paper, f"转办单 {d.ticket_no}")
    width = doc.width - 2 * FRAME_PADDING
    story: list = []
    _header(story, styles, d.station.name, "转办单",
            [f"受理编号：{d.ticket_no}", f"登记时间：{d.registered_at:%Y-%m-%d %H:%M}",
             f"转办时间：{d.transferred_at:%Y-%m-%d %H:%M}"], width)
    story.append(_grid(_transfer_rows(d), styles, width, 20 * mm * _scale(d.paper)))
    story.append(Spacer(1, 3 * mm))
    story.append(_grid([("结果反馈", "\n\n\n"),
                        ("签收", "签收人：____________　签收日期：______年____月____日")],
                       styles, width, 20 * mm * _scale(d.paper)))
    story += [Spacer(1, 4 * mm), _contact_line(d.first_responder, d.station.phone, styles["body"], width),
              _p(f"转出单位（盖章）：{d.station.name}", styles["body"]),
              Spacer(1, 2 * mm), _p("（请接收单位签收，并在办结后将办理结果反馈本站）", styles["small"])]
    return _write(doc, story, target)
