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
