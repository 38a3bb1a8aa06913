"""Choosing where an export goes, writing it through a service, printing a PDF."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from .. import messages, printing
from ..context import AppContext
from ..forms import run_write
from ..output import LEDGERS, ask_save, show_saved


def ask_target(parent: QWidget, suggested: str, kind: str = "xlsx") -> Path | None:
    return ask_save(parent, "导出到", suggested, kind, LEDGERS)


def export_file(ctx: AppContext, parent: QWidget, suggested: str, write: Callable, target: Path | None = None,
                kind: str = "xlsx", quiet: bool = False) -> Path | None:
    """``write(session, path)`` inside one transaction (the export is audited); a note when done."""
    target = target or ask_target(parent, suggested, kind)
    if target is None:
        return None
    written: Path | None = None

    def save(session) -> None:
        nonlocal written
        written = write(session, target)
    try:
        if not run_write(ctx, parent, save):
            return None
    except OSError as exc:
        messages.error(parent, f"无法写入文件“{target.name}”：{exc.strerror or exc}。请关闭正在打开它的程序，或换一个位置。")
        return None
    if not quiet and written is not None:
        show_saved(parent, written)
    return written


def ask_full_numbers(parent: QWidget) -> bool | None:
    """The administrator chooses masked (default) or full ID numbers; None when cancelled."""
    box = QMessageBox(QMessageBox.Icon.Question, "导出名册",
                      "导出的名册中，身份证号和联系电话是否脱敏？\n"
                      "报送上级确需完整号码时才选“含完整号码”，并妥善保管文件。", parent=parent)
    masked = box.addButton("脱敏导出", QMessageBox.ButtonRole.AcceptRole)
    full = box.addButton("含完整号码", QMessageBox.ButtonRole.YesRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(masked)
    box.exec()
    if box.clickedButton() is masked:
        return False
    return True if box.clickedButton() is full else None


def print_pdf(ctx: AppContext, parent: QWidget, title: str, write: Callable) -> Path | None:
    """Write the PDF to a temporary folder and show the print dialog; returns the PDF path."""
    folder = Path(tempfile.mkdtemp(prefix="shuanbai-print-"))
    pdf = export_file(ctx, parent, "", write, folder / f"{title}.pdf", "pdf", quiet=True)
    if pdf is not None:
        printing.print_pdf(parent, pdf, title)
    return pdf


def today_name(what: str, ext: str = "xlsx") -> str:
    return f"{what}_{date.today():%Y-%m-%d}.{ext}"
