"""Saving and printing a file that exports/ made from service rows, noted in the audit trail
(the assets and archives screens). The staff screens write their files through services/staff/ledgers.py
(ui/staff/export.py); the counter prints its papers through ui/counter/papers.py."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from ..services.assets.common import record_export
from . import messages, printing
from .context import AppContext


def save_path(parent: QWidget | None, title: str, suggested: str, kind: str) -> Path | None:
    """Ask where to save; ``kind`` is "xlsx" or "pdf". The suffix is added when left out."""
    filters = {"xlsx": "Excel 工作簿 (*.xlsx)", "pdf": "PDF 文件 (*.pdf)"}
    chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters[kind])
    if not chosen:
        return None
    if chosen.lower().endswith(f".{kind}"):
        return Path(chosen)
    return Path(f"{chosen}.{kind}")


def export_xlsx(parent: QWidget, ctx: AppContext, suggested: str, write: Callable[[Path], Path],
                table: str, summary: str) -> Path | None:
    """Save an Excel file where the user chooses, and note the export in the audit trail."""
    target = save_path(parent, "导出 Excel", suggested, "xlsx")
    if target is None:
        return None
    try:
        write(target)
    except PermissionError:
        messages.error(parent, f"无法写入“{target.name}”：文件可能正在 Excel/WPS 中打开，请关闭后重试。")
        return None
    with ctx.session() as s:
        record_export(s, table, summary)
    messages.info(parent, f"已导出到：{target}")
    return target


def output_pdf(parent: QWidget, ctx: AppContext, make: Callable[[Path], Path], name: str, to_printer: bool,
               table: str, summary: str) -> Path | bool | None:
    """Make the PDF in a temporary folder, then print it or save a copy; audited either way."""
    with tempfile.TemporaryDirectory(prefix="shuanbai-") as folder:
        pdf = make(Path(folder) / name)
        if to_printer:
            done = printing.print_pdf(parent, pdf, name.removesuffix(".pdf"))
        else:
            done = printing.save_pdf_as(parent, pdf, name)
        if done:
            action = "打印" if to_printer else "保存"
            with ctx.session() as s:
                record_export(s, table, action + summary)
        return done
