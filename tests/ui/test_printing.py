"""Printing a PDF paints every page onto the printer."""

from __future__ import annotations

from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from shuanbai_desktop.exports import pdf_fonts


def test_every_page_reaches_the_printer(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from shuanbai_desktop.ui.printing import paint_pdf
    pdf_fonts.register_fonts()
    source = tmp_path / "in.pdf"
    c = canvas.Canvas(str(source), pagesize=A5)
    for page in range(3):
        pdf_fonts.draw_string(c, 40, 500, f"第 {page + 1} 页 一次性告知单", 14)
        c.showPage()
    c.save()
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert paint_pdf(printer, source) == 3
    assert out.read_bytes().count(b"/Type /Page\n") + out.read_bytes().count(b"/Type /Page ") + \
        out.read_bytes().count(b"/Type/Page") >= 3


def test_printing_to_a_pdf_file_gives_the_programs_own_pdf(qtbot, tmp_path):
    """打印到文件 in the print dialog: the paper's own PDF (small, searchable), not pictures of its pages
    (issue 14: a 转办单 printed so was 566 KB with no text)."""
    import pypdfium2 as pdfium
    from PySide6.QtPrintSupport import QPrinter

    from shuanbai_desktop.ui.printing import deliver
    pdf_fonts.register_fonts()
    source = tmp_path / "转办单.pdf"
    c = canvas.Canvas(str(source), pagesize=A5)
    pdf_fonts.draw_string(c, 40, 500, "转办单 镇社会事务办", 14)
    c.showPage()
    c.save()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "打印到文件.pdf"
    printer.setOutputFileName(str(out))
    deliver(printer, source)
    assert out.read_bytes() == source.read_bytes()
    document = pdfium.PdfDocument(str(out))
    try:
        assert "转办单 镇社会事务办" in document[0].get_textpage().get_text_range()
    finally:
        document.close()
