"""一次性告知单 and 转办单: content, masking, paper size from 设置; rendered pages kept for a look."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from shuanbai_desktop.data.models import AuditEntry
from shuanbai_desktop.domain.counter_labels import Channel, Handling
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.exports.window_pdf import render_notice, render_transfer
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.window import catalogue, details, documents, handling, print_settings
from tests import shots

from .test_window_helpers import ZHANG_ID, win_fixture, win_template  # noqa: F401  (fixtures)

SHOTS = shots.folder()  # pictures for a person to look at, outside the checkout
A5 = (419.5, 595.3)
A4 = (595.3, 841.9)


def _text(pdf: Path) -> tuple[str, tuple[float, float], int]:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        text = page.get_textpage().get_text_range()
        return text.replace("\r", ""), tuple(round(v, 1) for v in page.get_size()), len(doc)
    finally:
        doc.close()


def _keep(pdf: Path, name: str) -> None:
    """Render page 1 at 60 dpi into tests/shots.py's folder for a person to look at."""
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", str(pdf), str(SHOTS / name)], check=True)


def _dibao(win, paper="A5"):
    with win.db.session(win.admin.actor) as s:
        needed = catalogue.get_matter(s, win.matters["最低生活保障"]).materials
        print_settings.save_print_settings(s, print_settings.PrintSettings(paper=paper))
    return win.register("最低生活保障", Handling.TRANSFER, department_id=win.departments["镇社会事务办"],
                        materials_received=needed[:2], description="家庭困难，申请低保",
                        transfer_note="请入户核查", at=datetime(2026, 12, 28, 9, 30)), needed


def test_notice_lists_every_material_masks_personal_data_and_says_holidays_postpone_the_date(win, tmp_path):
    saved, needed = _dibao(win)
    with win.db.session() as s:
        data = documents.notice_data(s, saved.id)
    pdf = render_notice(data, tmp_path / f"告知单-{saved.ticket_no}.pdf")
    text, size, pages = _text(pdf)
    _keep(pdf, "window-notice-a5")
    assert size == A5 and pages == 1
    for words in ("一次性告知单", "桥东街道社会工作服务站", "受理编号：20261228-001", "最低生活保障",
                  "首问负责人：陈晓红", "站点电话：0752-2808727", "138****8000", "441302********001X",
                  "还需携带 5 项", "预计 2027年"):
        assert words in text, words
    # A resident reads when, not how the program reckoned it (issue 14): no note about holiday tables.
    flat = text.replace("\n", "")
    assert "前办结（遇法定节假日顺延）" in flat
    assert "节假日安排" not in flat and "尚未内置" not in flat and "注：" not in flat
    for material in needed:
        assert material[:8] in text
    assert ZHANG_ID not in text and "13800138000" not in text
    assert sum("已收" in line for line in text.split("\n")) >= 2


def test_transfer_slip_has_the_department_and_the_full_phone_but_a_masked_id(win, tmp_path):
    saved, _ = _dibao(win, paper="A4")
    with win.db.session() as s:
        data = documents.transfer_data(s, saved.id)
    pdf = render_transfer(data, tmp_path / f"转办单-{saved.ticket_no}.pdf")
    text, size, _ = _text(pdf)
    _keep(pdf, "window-transfer-a4")
    assert size == A4
    for words in ("转办单", "镇社会事务办", "13800138000", "441302********001X", "东湖社区3组8号", "请入户核查",
                  "家庭困难，申请低保", "待补材料", "签收人"):
        assert words in text, words
    assert ZHANG_ID not in text
    flat = text.replace("\n", "")
    assert "前办结（遇法定节假日顺延），并将结果反馈本站" in flat and "尚未内置" not in flat


def test_on_the_spot_notice_shows_the_result_and_no_time_limit(win, tmp_path):
    saved = win.register("政策咨询", Handling.ON_SPOT, person_id=None, channel=Channel.PHONE,
                         result="解答了临时救助的申请条件")
    with win.db.session() as s:
        pdf = render_notice(documents.notice_data(s, saved.id), tmp_path / "n.pdf")
    text, _, _ = _text(pdf)
    _keep(pdf, "window-notice-onspot")
    assert "解答了临时救助的申请条件" in text and "本事项无需提交材料" in text and "办结时限" not in text


def test_rare_characters_print(win, tmp_path):
    with win.db.session(win.admin.actor) as s:
        pid = persons.save_person(s, persons.PersonInput("王䶮", "", "未办证"))
    saved = win.register(person_id=pid)
    with win.db.session() as s:
        text, _, _ = _text(render_notice(documents.notice_data(s, saved.id), tmp_path / "n.pdf"))
    assert "王䶮" in text


def test_no_transfer_slip_without_a_transfer_and_nothing_for_void(win):
    saved = win.register()
    with win.db.session() as s, pytest.raises(UserError, match="没有转办记录"):
        documents.transfer_data(s, saved.id)
    with win.db.session(win.clerk.actor) as s:
        handling.void(s, saved.id, "登记错误")
    with win.db.session() as s, pytest.raises(UserError, match="已作废"):
        documents.notice_data(s, saved.id)


def test_printing_is_on_the_timeline_and_in_the_audit_trail(win):
    saved = win.register()
    with win.db.session(win.clerk.actor) as s:
        handling.record_print(s, saved.id, "打印一次性告知单")
    with win.db.session() as s:
        assert details.timeline(s, saved.id)[-1].text == "打印一次性告知单"
        summaries = list(s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "event")))
    assert f"打印一次性告知单：{saved.ticket_no}" in summaries


def test_papers_are_the_counters_work(win):
    """The 转办单 carries the full phone number: a read-only account gets neither paper, and no print is noted."""
    saved, _ = _dibao(win)
    for paper in (documents.notice_data, documents.transfer_data):
        with win.db.session(win.supervisor.actor) as s, pytest.raises(UserError, match="“督导”角色不能"):
            paper(s, saved.id)
    with win.db.session(win.supervisor.actor) as s, pytest.raises(UserError, match="“督导”角色不能"):
        handling.record_print(s, saved.id, "打印一次性告知单")
    with win.db.session(win.clerk.actor) as s:
        assert documents.transfer_data(s, saved.id).person_phone == "13800138000"
