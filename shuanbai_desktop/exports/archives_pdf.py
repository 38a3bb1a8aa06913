"""Archive PDFs: the cabinet list (档案存放清单) to stick in each cabinet, and the destruction list (销毁清册)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from .assets_pdf import build, para, printed_at, signatures, styles, table
from .pdf_tables import SHADE

if TYPE_CHECKING:
    from ..services.archives.catalogue import ArchiveRow
    from ..services.archives.retention import DestructionRow

NO_CABINET = "未定柜位"
BOX_FILL = "#f1f3f4"


def natural(text: str) -> tuple:
    """Cabinets and boxes numbered 1, 2, … 10 sort as numbers, the rest by text."""
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def numbered(text: str, noun: str) -> str:
    """"3" → "3号档案柜"; a name that already says what it is stays as it is."""
    if text.isdigit():
        return f"{text}号{noun}"
    return text if text.endswith(noun[-1]) else f"{text}{noun}"


def _cabinet_key(r: ArchiveRow) -> tuple:
    return natural(r.cabinet) if r.cabinet else (2, 0, "")


def _box_rows(rows: list[ArchiveRow]) -> tuple[list[list], list[int]]:
    """Table rows grouped by box, each group led by a box heading row; returns rows and heading indexes."""
    out, headings = [], []
    ordered = sorted(rows, key=lambda r: (natural(r.box) if r.box else (2, 0, ""), r.number))
    for box, group in groupby(ordered, key=lambda r: r.box):
        files = list(group)
        headings.append(len(out) + 1)  # +1: the header row of the table
        out.append([f"{numbered(box, '盒')}（{len(files)} 件，{sum(f.pages for f in files)} 页）" if box
                    else f"未装盒（{len(files)} 件）",
                    "", "", "", "", "", ""])
        out += [[f.number, f.title, f.year, f.retention.label, f.pages, f.confidentiality.label,
                 "借出" if f.borrower else ""] for f in files]
    return out, headings


def cabinet_list_pdf(rows: Sequence[ArchiveRow], station_name: str, target: Path) -> Path:
    """One page (or more) per cabinet, the files listed box by box; destroyed files are left out."""
    st = styles()
    story: list = []
    live = sorted((r for r in rows if not r.destroyed_on), key=_cabinet_key)
    for index, (cabinet, group) in enumerate(groupby(live, key=lambda r: r.cabinet)):
        files = list(group)
        if index:
            story.append(PageBreak())
        story += [para(f"{station_name}档案存放清单", st["sub"]),
                  para(numbered(cabinet, "档案柜") if cabinet else NO_CABINET, st["title"]),
                  para(f"共 {len(files)} 件，{sum(f.pages for f in files)} 页", st["sub"]), Spacer(1, 5 * mm)]
        data, headings = _box_rows(files)
        grid = table(["档号", "题名", "年度", "保管期限", "页数", "密级", "借出"], data,
                     [34 * mm, 66 * mm, 13 * mm, 17 * mm, 12 * mm, 12 * mm, 14 * mm], st)
        grid.setStyle([cmd for i in headings for cmd in (("SPAN", (0, i), (-1, i)), ("BACKGROUND", (0, i), (-1, i), SHADE))])
        story.append(grid)
    if not story:
        story.append(para("没有在库的档案。", st["body"]))
    return build(target, story, f"{station_name}　档案存放清单　{printed_at()}", title="档案存放清单")


def destruction_list_pdf(record: DestructionRow, files: Sequence[ArchiveRow], station_name: str,
                         target: Path) -> Path:
    st = styles()
    facts = [["批准人", record.approved_by, "批准文号", record.approval_ref or "—"],
             ["销毁日期", f"{record.destroyed_on:%Y-%m-%d}", "销毁方式", record.method],
             ["监销人", record.supervisor, "登记人", record.created_by], ["销毁原因", record.reason, "", ""]]
    head = table(["项目", "内容", "项目", "内容"], facts, [24 * mm, 65 * mm, 24 * mm, 65 * mm], st)
    head.setStyle([("SPAN", (1, 4), (3, 4))])
    lines = [[i, f.number, f.title, f.year, f.retention.label, f.pages, f.notes] for i, f in enumerate(files, 1)]
    story = [para(f"{station_name}档案销毁清册", st["title"]), Spacer(1, 4 * mm), head, Spacer(1, 5 * mm),
             table(["序号", "档号", "题名", "年度", "保管期限", "页数", "备注"], lines,
                   [11 * mm, 34 * mm, 63 * mm, 13 * mm, 17 * mm, 12 * mm, 28 * mm], st),
             Spacer(1, 5 * mm), para(f"以上共 {len(files)} 件，{sum(f.pages for f in files)} 页，保管期满，经鉴定无继续保存价值，"
                                     "批准销毁。本清册永久保存。", st["body"]),
             Spacer(1, 6 * mm), signatures(("批准人", "监销人", "销毁人"), st)]
    return build(target, story, f"{station_name}　档案销毁清册　{printed_at()}", title="档案销毁清册")
