"""数据恢复码 as one A4 page to keep in the station's safe (issue 17).

The code is set large, one character to a fixed-width cell (the shipped CJK font is proportional: a W is
three times as wide as a J), in two rows of four groups, so that it is read and copied back without
counting. Below it: what the code is for, how to keep it, and that nothing can bring the data back once
every password and the code are lost. Written owner-only (0600), beside the target and renamed when
complete. Nothing here logs or names a file after the code.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .pdf_fonts import MAIN, markup, register_fonts
from .pdf_tables import padding, ruled

TITLE = "数据恢复码"
LOST_FOR_GOOD = "所有密码和恢复码都丢失时，数据将无法恢复"
NOBODY = "任何人（包括软件开发者）都无法找回。"
CODE_SIZE = 20  # points: the code's characters, unless the row is wider than the page allows
SIDE_ROOM = 10  # points: the least room left and right of the code inside its box
CELL = 0.92  # a character's cell, in ems: the widest character of the code's alphabet (W) is 0.88
GROUP_GAP = 1.1  # the dash between two groups, in cells
MARGIN = 20 * mm
INK = colors.HexColor("#202020")
GROUP_FRAME = colors.HexColor("#9aa0a6")
GROUP_SHADE = colors.HexColor("#f3f5f8")
WARNING_RED = colors.HexColor("#b3261e")

WHAT_IT_IS = (
    "本站的全部数据（居民信息、台账、档案等）在电脑上加密保存，平时各人用自己的账户和密码登录，"
    "用不到这个恢复码。万一所有管理员都忘记了密码，可以在登录窗口选择“使用恢复码”并输入本页的恢复码，"
    "为管理员设置新密码，重新打开数据。")
HOW_TO_KEEP = (
    "请把本页锁在社工站的保险柜（或带锁的文件柜）里，不要和电脑、U盘、备份放在一起。",
    "不要拍照，不要复印，不要通过微信、QQ、短信或电子邮件发送，也不要存放在电脑或U盘里。"
    "任何人拿到这个恢复码和数据文件，就能看到全部数据。",
    "在“设置 → 安全设置”中生成新的恢复码后，本页的恢复码立即失效：请把本页粉碎销毁，换上新的一页。",
    "保管人员交接工作时，请把本页一并当面交接。",
)
# A station on a server (issue 19): the code resets an administrator's password (its hash is in the server's
# database); the data are not lost with it, but the program can no longer give an administrator a password.
SERVER_WHAT_IT_IS = (
    "本站的全部数据保存在站内服务器上，平时各人用自己的账户和密码登录，用不到这个恢复码。"
    "万一所有管理员都忘记了密码，可以在登录窗口选择“使用恢复码”并输入本页的恢复码，为管理员设置新密码。")
SERVER_KEEP_2 = ("不要拍照，不要复印，不要通过微信、QQ、短信或电子邮件发送，也不要存放在电脑或U盘里。"
                 "能连接服务器的人拿到这个恢复码，就能给自己设置管理员密码，看到全部数据。")
SERVER_LOST = "所有管理员的密码和恢复码都丢失时，本程序无法再为管理员设置密码"
SERVER_NOBODY = "只能请服务器管理员处理。"
COPYING_HINT = "共 40 个字符，分 8 组；只有数字和大写英文字母，没有字母 I、L、O、U。输入时可以不输入短横线。"


def code_rows(code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The code's groups in two rows (the first row the longer half): ``"AAAAA-BBBBB-…"`` as
    ``(("AAAAA", …4 groups), (…4 groups))``. Dashes and spaces between groups are ignored."""
    groups = tuple(part for part in re.split(r"[\s\-]+", code.strip()) if part)
    half = (len(groups) + 1) // 2
    return groups[:half], groups[half:]


class _CodeRows(Flowable):
    """The code, centred: each group in a light frame, each character centred in a cell of the same width."""

    def __init__(self, rows: tuple[tuple[str, ...], ...], size: float = CODE_SIZE):
        super().__init__()
        self.rows = [row for row in rows if row]
        self.size = size
        self.cell = CELL * size
        self.row_height = 1.9 * size

    def _row_width(self, row: tuple[str, ...]) -> float:
        chars = sum(len(group) for group in row)
        return chars * self.cell + (len(row) - 1) * GROUP_GAP * self.cell

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        widest = max(self._row_width(row) for row in self.rows)
        if widest > avail_width - 2 * SIDE_ROOM:  # a smaller size rather than a code cut at the frame
            self.size *= (avail_width - 2 * SIDE_ROOM) / widest
            self.cell = CELL * self.size
            self.row_height = 1.9 * self.size
        self.height = len(self.rows) * self.row_height
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(MAIN, self.size)
        for index, row in enumerate(self.rows):
            top = self.height - index * self.row_height
            baseline = top - 0.5 * self.row_height - 0.35 * self.size
            x = (self.width - self._row_width(row)) / 2
            for number, group in enumerate(row):
                if number:
                    canvas.setFillColor(GROUP_FRAME)
                    canvas.drawCentredString(x + GROUP_GAP * self.cell / 2, baseline, "-")
                    x += GROUP_GAP * self.cell
                self._frame(x, top, len(group))
                canvas.setFillColor(INK)
                for char in group:
                    canvas.drawCentredString(x + self.cell / 2, baseline, char)
                    x += self.cell

    def _frame(self, x: float, top: float, chars: int) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(GROUP_FRAME)
        canvas.setFillColor(GROUP_SHADE)
        canvas.setLineWidth(0.6)
        inset = 0.18 * self.row_height
        canvas.roundRect(x - 2, top - self.row_height + inset, chars * self.cell + 4, self.row_height - 2 * inset,
                         3, stroke=1, fill=1)
        canvas.restoreState()


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=MAIN, fontSize=11, leading=17, wordWrap="CJK", textColor=INK)
    return {
        "station": ParagraphStyle("station", parent=body, fontSize=14, leading=20, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=body, fontSize=26, leading=34, alignment=TA_CENTER,
                                spaceBefore=4, spaceAfter=4),
        "made": ParagraphStyle("made", parent=body, fontSize=10.5, leading=15, alignment=TA_CENTER),
        "hint": ParagraphStyle("hint", parent=body, fontSize=9.5, leading=14, alignment=TA_CENTER,
                               textColor=colors.HexColor("#404040")),
        "heading": ParagraphStyle("heading", parent=body, fontSize=12.5, leading=19, spaceBefore=8, spaceAfter=2),
        "body": body,
        "item": ParagraphStyle("item", parent=body, leftIndent=16, bulletIndent=2, spaceAfter=3),
        "warning": ParagraphStyle("warning", parent=body, fontSize=13, leading=20, textColor=WARNING_RED,
                                  alignment=TA_CENTER),
    }


def _p(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    return Paragraph(markup(text), style, bulletText=bullet)


def _made_text(made_at: datetime) -> str:
    return f"生成时间：{made_at.year}年{made_at.month}月{made_at.day}日 {made_at:%H:%M}"


def _code_box(code: str, styles: dict[str, ParagraphStyle], width: float) -> Table:
    rows = code_rows(code)
    box = Table([[_CodeRows(rows)], [_p(COPYING_HINT, styles["hint"])]], colWidths=[width])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, INK), ("TOPPADDING", (0, 0), (-1, 0), 10),
                             ("BOTTOMPADDING", (0, -1), (-1, -1), 10), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
    return box


def _keeping_table(width: float) -> Table:
    """Lines for the keeper to fill in by hand (plain strings: a paragraph would sit at the top of its row)."""
    labels = ("存放位置", "保管人（签名）", "存放日期")
    table = Table([[label, ""] for label in labels], colWidths=[36 * mm, width - 36 * mm],
                  rowHeights=[11 * mm] * len(labels))
    table.setStyle(TableStyle([*ruled(label_column=True, pad=padding(2, 3, 6)), ("FONT", (0, 0), (-1, -1), MAIN, 11),
                               ("TEXTCOLOR", (0, 0), (-1, -1), INK)]))
    return table


def lost_text(on_server: bool) -> tuple[str, str]:
    """What losing every password and the code means: (the loss, who can help), a file's or a server's."""
    return (SERVER_LOST, SERVER_NOBODY) if on_server else (LOST_FOR_GOOD, NOBODY)


def _story(station_name: str, code: str, made_at: datetime, width: float, on_server: bool) -> list:
    styles = _styles()
    keep = (HOW_TO_KEEP[0], SERVER_KEEP_2, *HOW_TO_KEEP[2:]) if on_server else HOW_TO_KEEP
    lost, nobody = lost_text(on_server)
    story: list = [_p(station_name, styles["station"]), _p(TITLE, styles["title"]),
                   _p(_made_text(made_at), styles["made"]), Spacer(1, 6 * mm),
                   _code_box(code, styles, width), Spacer(1, 4 * mm),
                   _p("这是什么", styles["heading"]), _p(SERVER_WHAT_IT_IS if on_server else WHAT_IT_IS, styles["body"]),
                   _p("如何保管", styles["heading"])]
    story += [_p(text, styles["item"], bullet=f"{number}.") for number, text in enumerate(keep, 1)]
    story += [Spacer(1, 5 * mm), Paragraph(f"{markup(lost)}，<br/>{markup(nobody)}", styles["warning"]),
              Spacer(1, 6 * mm), _keeping_table(width)]
    return story


def write_recovery_pdf(path: Path, station_name: str, code: str, made_at: datetime, on_server: bool = False) -> None:
    """One A4 page: the station, 数据恢复码, when it was made, the code and how to keep it (``on_server``: a
    station server's code, which resets an administrator's password). The file is readable by this user
    only; a half-written file never takes the name ``path``."""
    register_fonts()
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # owner-only before a byte is written
    os.close(fd)
    doc = SimpleDocTemplate(str(tmp), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN, title=TITLE, author="社工站工作平台", creator="社工站工作平台")
    try:
        if os.name == "posix":
            os.chmod(tmp, 0o600)  # an older file of that name kept its own mode through O_TRUNC
        doc.build(_story(station_name, code, made_at, doc.width - 12, on_server))
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)

