"""Printable household file and case summary (PDF). ID numbers are masked; full numbers are printed
only when the caller gives a reason (``household_file_pdf``/``case_summary_pdf``): that needs
``Permission.PERSON_REVEAL_ID`` and every number unmasked is audited (``persons.reveal_id_numbers``).
Rare characters use the fallback fonts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from ...domain.target_labels import CaseStage
from ...exports.pdf_fonts import MAIN, draw_string, markup, register_fonts
from .. import persons
from .case_detail import CaseDetail, case_detail
from .household_file import HouseholdFile, household_file

BODY = ParagraphStyle("body", fontName=MAIN, fontSize=9.5, leading=13)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=16, leading=22, alignment=1, spaceAfter=4)
HEAD = ParagraphStyle("head", parent=BODY, fontSize=11.5, leading=16, spaceBefore=8, spaceAfter=3)
GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
                   ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                   ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
FIELDS = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
                     ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f3f6")),
                     ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f0f3f6")), ("VALIGN", (0, 0), (-1, -1), "TOP")])
WIDTH = A4[0] - 30 * mm


def p(text, style=BODY) -> Paragraph:
    return Paragraph(markup("" if text is None else str(text)).replace("\n", "<br/>"), style)


def _d(day: date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def _table(header: list[str], rows: list[list], widths: list[float]) -> Table:
    data = [[p(h, SMALL) for h in header]] + [[p(c, SMALL) for c in row] for row in rows]
    total = sum(widths)
    table = Table(data, colWidths=[WIDTH * w / total for w in widths], repeatRows=1)
    table.setStyle(GRID)
    return table


def _fields(pairs: list[tuple[str, str]]) -> Table:
    rows = [[p(pairs[i][0]), p(pairs[i][1]), p(pairs[i + 1][0] if i + 1 < len(pairs) else ""),
             p(pairs[i + 1][1] if i + 1 < len(pairs) else "")] for i in range(0, len(pairs), 2)]
    table = Table(rows, colWidths=[WIDTH * w for w in (0.14, 0.36, 0.14, 0.36)])
    table.setStyle(FIELDS)
    return table


def _build(target: Path, title: str, station: str, story: list, footer: str) -> Path:
    register_fonts()
    tmp = target.with_name(target.name + ".tmp")

    def _page(canvas, doc):
        canvas.saveState()
        draw_string(canvas, 15 * mm, 10 * mm, f"{station}　{footer}", 8)
        canvas.setFont(MAIN, 8)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, title=title, author=station)
    doc.build([p(title, TITLE), p(station, ParagraphStyle("c", parent=BODY, alignment=1)), Spacer(1, 4)] + story,
              onFirstPage=_page, onLaterPages=_page)
    tmp.replace(target)
    return target


def _id(masked: str, full: str | None) -> str:
    return full or masked or "无"


def household_file_pdf(session: Session, db_path: Path, household_id: int, station: str, target: Path,
                       reveal_reason: str | None = None, today: date | None = None) -> Path:
    """The household file as PDF; with ``reveal_reason`` the members' full ID numbers (audited)."""
    f = household_file(session, db_path, household_id)
    full = None
    if reveal_reason is not None:
        full = persons.reveal_id_numbers(session, [m.id for m in f.members], reveal_reason, "打印户档")
    return household_pdf(f, station, target, full, today)


def case_summary_pdf(session: Session, case_id: int, station: str, target: Path, reveal_reason: str | None = None,
                     today: date | None = None) -> Path:
    """The case summary as PDF; with ``reveal_reason`` the person's full ID number (audited)."""
    d = case_detail(session, case_id)
    full = None
    if reveal_reason is not None:
        full = persons.reveal_id_numbers(session, [d.row.person_id], reveal_reason, "打印个案摘要")
    return case_pdf(d, station, target, full, today)


def household_pdf(f: HouseholdFile, station: str, target: Path, full_ids: Mapping[int, str] | None = None,
                  today: date | None = None) -> Path:
    """``full_ids``: person id → full ID number (from ``persons.reveal_id_numbers``); None prints them masked."""
    i = f.info
    story = [p("一、基本情况", HEAD), _fields([
        ("户名", i.name), ("村(居)", i.village_name), ("住址", i.address), ("负责社工", i.worker_name),
        ("住房", i.housing.label), ("住房状况", i.housing_condition.label), ("住房说明", i.housing_note),
        ("家庭年收入", f"{i.yearly_income:.2f} 元"),
        ("收入来源", "；".join(f"{r.source.label}{f' {r.yearly_amount:.2f} 元/年' if r.yearly_amount else ''}"
                            for r in i.incomes) or "未填"),
        ("下次走访", _d(i.next_due) or "未安排")]), p("二、家庭成员", HEAD)]
    story.append(_table(["姓名", "关系", "性别", "年龄", "身份证号", "服务对象类别", "残疾/健康", "享受待遇"],
                        [[m.name, m.relation_label, m.sex, m.age(today) or "", _id(m.id_masked, (full_ids or {}).get(m.id)),
                          "、".join(g.label for g in m.groups), _health(m), "；".join(b.text for b in m.benefits)]
                         for m in f.members], [1.1, 0.8, 0.5, 0.5, 2.0, 1.6, 1.3, 1.8]))
    story += [p("三、走访记录", HEAD), _table(["日期", "形式", "社工", "见到", "风险", "需求", "下次"], [
        [_d(v.visit_date), v.form.label, v.workers, v.persons_met, v.risk.label, v.needs or "无", _d(v.next_due)]
        for v in f.visits] or [["无"] + [""] * 6], [1.1, 0.6, 1.2, 1.2, 0.5, 3.0, 1.1])]
    story += [p("四、个案", HEAD), _table(["个案号", "服务对象", "事由", "负责社工", "进度", "开案"], [
        [c.case_no, c.person_name, c.title, c.worker_name, c.stage_text, _d(c.opened_on)] for c in f.cases]
        or [["无"] + [""] * 5], [1.0, 1.0, 2.6, 1.0, 1.2, 1.0])]
    story += [p("五、窗口事项", HEAD), _table(["日期", "居民", "事项", "状态"], [
        [_d(m.day), m.person_name, m.title, m.state] for m in f.matters] or [["无", "", "", ""]], [1, 1, 3, 1])]
    story += [p("六、附件", HEAD), _table(["所属", "说明", "大小", "添加"], [
        [who, a.description, a.size_text, f"{a.added_by} {a.added_at:%Y-%m-%d}"] for who, a in f.attachments]
        or [["无", "", "", ""]], [1, 3, 0.8, 1.4])]
    note = "身份证号为完整号码，请妥善保管" if full_ids is not None else "身份证号已遮蔽"
    return _build(target, f"一户一档 · {i.name}", station, story, f"打印日期 {_d(today or date.today())}　{note}")


def _health(m) -> str:
    parts = []
    if m.disability_type.value:
        parts.append(m.disability_type.label + (m.disability_grade.label if m.disability_grade.value else ""))
    if m.health.value:
        parts.append(m.health.label)
    return "、".join(parts)


def case_pdf(d: CaseDetail, station: str, target: Path, full_ids: Mapping[int, str] | None = None,
             today: date | None = None) -> Path:
    r = d.row
    story = [_fields([("个案号", r.case_no), ("进度", r.stage_text), ("服务对象", r.person_name),
                      ("身份证号", _id(d.id_masked, (full_ids or {}).get(d.row.person_id))), ("村(居)", d.person_village),
                      ("负责社工", r.worker_name), ("开案日期", _d(r.opened_on)), ("结案日期", _d(r.closed_on)),
                      ("个案事由", r.title), ("来源", f"{r.source.label} {d.source_detail}".strip())])]
    story += [p(f"1. {CaseStage.IDENTIFY.label}", HEAD), p(d.description)]
    story.append(p(f"2. {CaseStage.ASSESS.label}", HEAD))
    story.append(p(f"评估日期 {_d(d.assessment[0])}；需求类型：{'、'.join(n.label for n in d.assessment[1])}\n"
                   f"{d.assessment[2]}") if d.assessment else p("（尚无）"))
    story += [p(f"3. {CaseStage.PLAN.label}", HEAD), _table(["服务目标", "行动措施", "起止", "达成", "评估"], [
        [g.goal, g.actions, f"{_d(g.start_on)}至{_d(g.due_on)}", g.result.label, g.evaluation] for g in d.goals]
        or [["（尚无）", "", "", "", ""]], [2, 2.4, 1.3, 0.7, 2])]
    story += [p(f"4. {CaseStage.RESOURCES.label}", HEAD), _table(["日期", "类别", "对方", "内容", "状态/金额"], [
        [_d(x.referred_on), "转介", x.to_org, x.matter, x.status.label] for x in d.referrals] + [
        [_d(x.linked_on), x.kind.label, x.provider, x.description, f"{x.value_yuan:.2f} 元"] for x in d.resources]
        or [["（尚无）", "", "", "", d.resource_note]], [1, 0.9, 1.6, 3, 1.1])]
    if d.resource_note:
        story.append(p(f"说明：{d.resource_note}", SMALL))
    story += [p(f"5. {CaseStage.INTERVENE.label}", HEAD), _table(["日期", "方式", "时长", "内容", "社工"], [
        [_d(s.session_date), s.method.label, f"{s.minutes} 分钟", s.content, s.worker] for s in d.sessions]
        or [["（尚无）", "", "", "", ""]], [1, 0.8, 0.8, 4.2, 0.9])]
    story += [p(f"6. {CaseStage.FOLLOW_UP.label}", HEAD), _table(["日期", "回访情况", "社工"], [
        [_d(f.followup_date), f.content, f.worker] for f in d.followups] or [["（尚无）", "", ""]], [1, 5.5, 1])]
    if d.outcome:
        story += [p("结案", HEAD), p(f"结案结果：{d.outcome.label}。{d.close_reason}")]
    story += [p("个案时间线", HEAD), _table(["日期", "环节", "内容"], [
        [_d(e.day), e.stage, e.text] for e in d.timeline], [1, 1, 5.5])]
    note = "身份证号为完整号码，请妥善保管" if full_ids is not None else "身份证号已遮蔽"
    return _build(target, f"个案摘要 · {r.case_no}", station, story, f"打印日期 {_d(today or date.today())}　{note}")
