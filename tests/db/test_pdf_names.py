"""Every name on paper (issue 15): names with CJK Extension B–G characters print whole, the PDF's text
layer holds the real code points (pdftotext and pdfium), and a character no shipped font has refuses
to print, naming the character and the text it stands in."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from shuanbai_desktop.exports import pdf_fonts
from shuanbai_desktop.exports.window_pdf import render_notice
from shuanbai_desktop.services import persons
from shuanbai_desktop.services.window import documents

from .test_window_helpers import win_fixture, win_template  # noqa: F401  (fixtures)

#: One name character from each extension block (all in mainland China's sources; most in 通用规范汉字表).
BY_BLOCK = {"B": "\U0002A6A5", "C": "\U0002B4E7", "D": "\U0002B7E6", "E": "\U0002C317", "F": "\U0002CEB2",
            "G": "\U00030EDE", "A": "䶮"}
NO_GLYPH = "\U00031353"  # Ext-H, not in any shipped font


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _pdfium(pdf: Path) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


@pytest.mark.parametrize("block", sorted(BY_BLOCK))
def test_each_extension_block_has_a_shipped_glyph(block):
    names = pdf_fonts.register_fonts()
    font = pdf_fonts.runs("张" + BY_BLOCK[block])[-1][0]
    assert font in names and font != pdf_fonts.MAIN


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_paragraph_and_canvas_text_layers_hold_the_real_code_points(tmp_path):
    pdf_fonts.register_fonts()
    text = "、".join(f"居民{BY_BLOCK[b]}某" for b in sorted(BY_BLOCK))
    para = tmp_path / "para.pdf"
    SimpleDocTemplate(str(para), pagesize=A4).build(
        [Paragraph(pdf_fonts.markup(text), ParagraphStyle("p", fontName=pdf_fonts.MAIN, fontSize=12))])
    assert _pdftotext(para).strip() == text
    drawn = tmp_path / "canvas.pdf"
    c = canvas.Canvas(str(drawn))
    pdf_fonts.draw_string(c, 40, 700, text, 12)
    c.save()
    assert _pdftotext(drawn).strip() == text
    assert text in _pdfium(drawn).replace("\r", "").replace("\n", "")


def test_a_character_without_a_glyph_refuses_and_says_which_and_where():
    with pytest.raises(pdf_fonts.MissingGlyph) as caught:
        pdf_fonts.markup(f"服务对象：王{NO_GLYPH}明")
    message = caught.value.message
    assert f"“{NO_GLYPH}”" in message and "U+31353" in message and "扩展 H 区" in message
    assert f"王{NO_GLYPH}明" in message
    long_text = "甲" * 40 + NO_GLYPH + "乙" * 40
    with pytest.raises(pdf_fonts.MissingGlyph) as caught:
        pdf_fonts.markup(long_text)
    assert f"…{'甲' * 12}{NO_GLYPH}{'乙' * 12}…" in caught.value.message


def test_variation_selectors_and_joiners_print_as_nothing_rather_than_refuse():
    assert "".join(run for _, run in pdf_fonts.runs("葛\U000E0100亮\u200d")) == "葛亮"


def _notice_for(win, name: str, tmp_path: Path) -> Path:
    with win.db.session() as s:
        pid = persons.save_person(s, persons.PersonInput(name, "", "未办证", phone="0752-2808111"))
    saved = win.register(person_id=pid)
    with win.db.session() as s:
        data = documents.notice_data(s, saved.id)
    return render_notice(data, tmp_path / f"告知单-{saved.ticket_no}.pdf")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_a_residents_notice_carries_an_extension_g_name_whole(win, tmp_path):
    name = f"黄{BY_BLOCK['G']}{BY_BLOCK['E']}"
    pdf = _notice_for(win, name, tmp_path)
    assert name in _pdftotext(pdf).replace("\n", "")


def test_a_residents_notice_with_an_unprintable_name_is_not_written(win, tmp_path):
    with pytest.raises(pdf_fonts.MissingGlyph) as caught:
        _notice_for(win, f"王{NO_GLYPH}", tmp_path)
    assert f"王{NO_GLYPH}" in caught.value.message
    assert not list(tmp_path.glob("告知单-*.pdf"))
