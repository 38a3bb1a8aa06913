"""Print a PDF through Qt's print dialog, or save it: the same file either way (打印到文件 too).

Qt's PDF module is not part of PySide6-Essentials, so pages are rendered with PDFium
(pypdfium2) at the printer's resolution and painted onto the QPrinter.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget

PRINT_DPI = 300


def _page_image(page, dpi: int) -> QImage:
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
    image = bitmap.to_pil().convert("RGB")
    data = image.tobytes("raw", "RGB")
    return QImage(data, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888).copy()


def paint_pdf(printer: QPrinter, pdf: Path) -> int:
    """Paint every page of ``pdf`` onto ``printer``; returns the number of pages."""
    document = pdfium.PdfDocument(str(pdf))
    painter = QPainter(printer)
    try:
        for index in range(len(document)):
            if index:
                printer.newPage()
            image = _page_image(document[index], min(PRINT_DPI, printer.resolution()))
            target = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            target.moveTo(0, 0)
            scaled = image.size().scaled(target.size().toSize(), _keep_ratio())
            painter.drawImage(QRectF(0, 0, scaled.width(), scaled.height()), image)
        return len(document)
    finally:
        painter.end()
        document.close()


def _keep_ratio():
    from PySide6.QtCore import Qt
    return Qt.AspectRatioMode.KeepAspectRatio


def print_pdf(parent: QWidget | None, pdf: Path, title: str) -> bool:
    """Show the print dialog and print ``pdf``; False when the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(f"打印 — {title}")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    deliver(printer, pdf)
    return True


def deliver(printer: QPrinter, pdf: Path) -> None:
    """Pages to a printer; “打印到文件” (PDF) gets the program's own file itself, not pictures of its pages
    (small, with searchable text)."""
    target = printer.outputFileName()
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and target:
        shutil.copyfile(pdf, target)
        return
    paint_pdf(printer, pdf)


def save_pdf_as(parent: QWidget | None, pdf: Path, suggested_name: str, purpose: str = "") -> Path | None:
    """Ask where to save a copy of ``pdf`` (in the purpose's folder: papers unless said otherwise), copy it
    and say where it went; returns the saved path or None."""
    from .output import SLIPS, ask_save, show_saved  # output prints through this module
    target = ask_save(parent, "保存 PDF", suggested_name, "pdf", purpose or SLIPS)
    if target is None:
        return None
    shutil.copyfile(pdf, target)
    show_saved(parent, target)
    return target
