"""Small pieces shared by the asset and archive screens: dates, pickers, PDF and Excel output."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QFileDialog, QWidget

from ...errors import UserError
from ...services.assets.common import record_export
from .. import messages, printing
from ..context import AppContext

RED, AMBER, GREY = "#b3261e", "#9a6700", "#80868b"


def date_edit(value: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setDate(QDate(value or date.today()))
    return edit


def picked(edit: QDateEdit) -> date:
    return edit.date().toPython()


def name_combo(names: list[str], current: str = "", placeholder: str = "选择或输入姓名") -> QComboBox:
    """An editable list of names: pick a colleague or type anyone else."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(names)
    combo.setCurrentText(current)
    combo.lineEdit().setPlaceholderText(placeholder)
    combo.lineEdit().setMaxLength(40)
    return combo


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def save_path(parent: QWidget | None, title: str, suggested: str, kind: str) -> Path | None:
    """Ask where to save; ``kind`` is "xlsx" or "pdf". The suffix is added when left out."""
    filters = {"xlsx": "Excel 工作簿 (*.xlsx)", "pdf": "PDF 文件 (*.pdf)"}
    chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters[kind])
    if not chosen:
        return None
    return Path(chosen if chosen.lower().endswith(f".{kind}") else f"{chosen}.{kind}")


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
            with ctx.session() as s:
                record_export(s, table, ("打印" if to_printer else "保存") + summary)
        return done


def run(parent: QWidget, ctx: AppContext, action: Callable) -> bool:
    """Run ``action(session)`` in one transaction; a rule not met is shown, nothing is saved."""
    try:
        with ctx.session() as s:
            action(s)
    except UserError as exc:
        messages.error(parent, exc.message)
        return False
    return True


def data_as(combo: QComboBox, enum):
    """The current item's data as a member of ``enum`` (Qt hands string enums back as plain str)."""
    value = combo.currentData()
    return None if value is None else enum(value)
