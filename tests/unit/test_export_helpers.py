"""Shared export helpers: inert text in xlsx, no crash on control characters, fonts with fallback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from shuanbai_desktop.exports import pdf_fonts, xlsx


def test_formula_like_text_stays_text(tmp_path):
    wb = Workbook()
    ws = wb.active
    xlsx.write_table(ws, ["姓名", "备注"], [['=HYPERLINK("http://x","点我")', "+1"], ["@SUM(A1)", "-2"]], [20, 20])
    path = xlsx.save_atomic(wb, tmp_path / "t.xlsx")
    with zipfile.ZipFile(path) as zf:
        assert "<f>" not in zf.read("xl/worksheets/sheet1.xml").decode()
    ws2 = load_workbook(path).active
    assert ws2["A2"].value == '=HYPERLINK("http://x","点我")' and ws2["A2"].data_type == "s"
    assert ws2.freeze_panes == "A2" and not list(tmp_path.glob("*.tmp"))


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=40))
def test_any_text_exports_and_reads_back_sanitised(text):
    wb = Workbook()
    cell = xlsx.set_value(wb.active.cell(1, 1), text)
    assert cell.value == xlsx.clean_text(text)


def test_failed_save_leaves_no_file(tmp_path, monkeypatch):
    wb = Workbook()
    monkeypatch.setattr(Workbook, "save", lambda self, p: (_ for _ in ()).throw(OSError("磁盘已满")))
    with pytest.raises(OSError):
        xlsx.save_atomic(wb, tmp_path / "x.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_rare_characters_get_the_fallback_font():
    runs = pdf_fonts.runs("赵䶮123")
    assert runs[0] == (pdf_fonts.MAIN, "赵") and runs[1] == (pdf_fonts.FALLBACK, "䶮")
    assert runs[2] == (pdf_fonts.MAIN, "123")
    assert 'name="CJKFallback"' in pdf_fonts.markup("䶮<b>")
    assert "&lt;b&gt;" in pdf_fonts.markup("䶮<b>")


def test_fallback_fonts_are_parsed_only_when_a_text_needs_them():
    """Issue 16: a PDF in common characters does not parse the 30 MB of rare-character fonts; each is
    loaded, in its turn, by the first text that has a character the fonts before it lack. A fresh
    process, as this one may have loaded them already."""
    script = (
        "from reportlab.pdfbase import pdfmetrics\n"
        "from shuanbai_desktop.exports import pdf_fonts\n"
        "def loaded():\n"
        "    print(','.join(sorted(n for n in pdfmetrics.getRegisteredFontNames() if n.startswith('CJK'))))\n"
        "print(','.join(pdf_fonts.register_fonts()))\n"
        "loaded()\n"
        "pdf_fonts.markup('居民王小明，2024年5月 共 31 人 & <合计>')\n"
        "loaded()\n"
        "pdf_fonts.markup('王䶮')\n"
        "loaded()\n"
        "print(pdf_fonts.markup('居民\U00020BB7<1>'))\n"
        "loaded()\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True)
    order, first, common, ext_a, markup, ext_b = done.stdout.splitlines()
    assert order == "CJK,CJKFallback,CJKExtBF,CJKExtGH"  # the order tried is still every shipped font
    assert first == common == "CJK"
    assert ext_a == "CJK,CJKFallback"
    assert ext_b == "CJK,CJKExtBF,CJKFallback"  # Ext-B: the Ext-A font was tried (and lacks it) first
    assert markup == '居民<font name="CJKExtBF">\U00020BB7</font>&lt;1&gt;'


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_embeds_the_font_and_keeps_the_text(tmp_path):
    pdf_fonts.register_fonts()
    path = tmp_path / "t.pdf"
    style = ParagraphStyle("p", fontName=pdf_fonts.MAIN, fontSize=12)
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(pdf_fonts.markup("居民赵䶮，编号 A-12"), style)])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "居民赵䶮，编号 A-12" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts and "Droid" in fonts
