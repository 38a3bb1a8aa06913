"""Files in and out of the program: the one place that asks where (file dialogs that start in the folder
last used for the same purpose), says where a file went (a note in the main window's status bar with
“打开所在文件夹”), and saves or prints what exports/ made, noted in the audit trail.

Every screen asks through ``ask_save`` / ``ask_open`` / ``ask_open_many`` / ``ask_folder`` with one of the
purposes below, and tells through ``show_saved``. The staff screens write their files through
services/staff/ledgers.py (ui/staff/export.py); the counter prints its papers through ui/counter/papers.py.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ..services.assets.common import record_export
from . import messages
from .context import AppContext
from .local_settings import local_settings

# What a file is for: each purpose remembers its own folder (on this PC, ui/local_settings.py).
SLIPS = "slips"  # 告知单, 转办单, 户档 and 个案 prints, labels: papers saved as PDF
REPORTS = "reports"  # 月度报表 packages, 年度数据, 县级汇总 and its inputs, the county template
LEDGERS = "ledgers"  # 台账 and registers exported to Excel or PDF
BACKUPS = "backups"  # 复制到U盘, the second backup folder, a backup file to restore
IMPORTS = "imports"  # files to import, and their problem rows
ATTACHMENTS = "attachments"  # files attached to records, and copies saved out of the store
PURPOSES = (SLIPS, REPORTS, LEDGERS, BACKUPS, IMPORTS, ATTACHMENTS)

FILTERS = {"xlsx": "Excel 工作簿 (*.xlsx)", "pdf": "PDF 文件 (*.pdf)"}
SAVED_NOTE = "saved_note"  # the status bar's note, by object name
NOTE_SECONDS = 120
NOTE_PATH_WIDTH = 560  # pixels of path in the status bar; the whole path is in the tooltip


# --- the folder each purpose starts in ------------------------------------------------------------------
def _key(purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown file purpose {purpose!r}")
    return f"folders/{purpose}"


def start_folder(purpose: str, fallback: Path | None = None) -> Path:
    """The folder last used for ``purpose`` (while it still exists), else ``fallback`` (e.g. the backups
    folder), else the user's documents folder."""
    saved = local_settings().value(_key(purpose))
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return Path(saved)
    if fallback is not None and fallback.is_dir():
        return fallback
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember_folder(purpose: str, folder: Path) -> None:
    settings = local_settings()
    settings.setValue(_key(purpose), str(folder))
    settings.sync()


# --- asking -------------------------------------------------------------------------------------------
def ask_save(parent: QWidget | None, title: str, suggested: str, kind: str, purpose: str) -> Path | None:
    """Where to save a new file; ``kind`` is "xlsx" or "pdf" (added when the user left it out). ``suggested``
    is a file name (placed in the purpose's folder) or a full path (kept)."""
    proposal = Path(suggested) if Path(suggested).is_absolute() else start_folder(purpose) / suggested
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(proposal), FILTERS.get(kind, kind))
    if not chosen:
        return None
    path = Path(chosen)
    if kind in FILTERS and path.suffix.lower() != f".{kind}":
        path = path.with_name(f"{path.name}.{kind}")
    remember_folder(purpose, path.parent)
    return path


def save_path(parent: QWidget | None, title: str, suggested: str, kind: str, purpose: str = LEDGERS) -> Path | None:
    """``ask_save`` under its older name (the report pages)."""
    return ask_save(parent, title, suggested, kind, purpose)


def ask_open(parent: QWidget | None, title: str, file_filter: str, purpose: str,
             fallback: Path | None = None) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start_folder(purpose, fallback)), file_filter)
    if not chosen:
        return None
    remember_folder(purpose, Path(chosen).parent)
    return Path(chosen)


def ask_open_many(parent: QWidget | None, title: str, file_filter: str, purpose: str) -> list[Path]:
    chosen, _ = QFileDialog.getOpenFileNames(parent, title, str(start_folder(purpose)), file_filter)
    if chosen:
        remember_folder(purpose, Path(chosen[0]).parent)
    return [Path(name) for name in chosen]


def ask_folder(parent: QWidget | None, title: str, purpose: str, start: Path | str | None = None) -> Path | None:
    """A folder; ``start`` (e.g. the one already set) before the purpose's own."""
    begin = Path(start) if start and Path(start).is_dir() else start_folder(purpose)
    chosen = QFileDialog.getExistingDirectory(parent, title, str(begin))
    if not chosen:
        return None
    remember_folder(purpose, Path(chosen))
    return Path(chosen)


# --- telling where it went -----------------------------------------------------------------------------
def open_folder_of(path: Path) -> bool:
    """The file manager at the folder that holds ``path``."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))


class SavedNote(QWidget):
    """“已保存：<path>  [打开所在文件夹]” at the end of the main window's status bar."""

    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(SAVED_NOTE)
        self.path = path
        self.label = QLabel()
        shown = self.label.fontMetrics().elidedText(str(path), Qt.TextElideMode.ElideMiddle, NOTE_PATH_WIDTH)
        self.label.setText(f"已保存到：{shown}")
        self.label.setToolTip(str(path))
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("打开所在文件夹")
        self.open_button.clicked.connect(self.open_folder)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 0, 8, 0)
        row.addWidget(self.label)
        row.addWidget(self.open_button)

    def open_folder(self) -> None:
        open_folder_of(self.path)


def _main_window(widget: QWidget | None) -> QMainWindow | None:
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    return None


def show_saved(parent: QWidget | None, path: Path) -> QWidget:
    """Say where ``path`` was saved: a note in the main window's status bar with 打开所在文件夹 (it stays
    two minutes, or until the next file); outside the main window a message box with the same button,
    not blocking. Returns the note or the box."""
    window = _main_window(parent)
    if window is None:
        box = QMessageBox(QMessageBox.Icon.Information, "已保存", f"已保存到：\n{path}",
                          QMessageBox.StandardButton.Ok, parent)
        opener = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
        opener.clicked.connect(partial(open_folder_of, path))  # then the box closes, as for 确定
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box
    bar = window.statusBar()
    old = bar.findChild(SavedNote, SAVED_NOTE)
    if old is not None:
        bar.removeWidget(old)
        old.deleteLater()
    note = SavedNote(path, bar)
    bar.addWidget(note)
    note.show()
    QTimer.singleShot(NOTE_SECONDS * 1000, note, note.hide)
    return note


# --- exports of assets and archives ---------------------------------------------------------------------
def export_xlsx(parent: QWidget, ctx: AppContext, suggested: str, write: Callable[[Path], Path],
                table: str, summary: str) -> Path | None:
    """Save an Excel file where the user chooses, and note the export in the audit trail."""
    target = ask_save(parent, "导出 Excel", suggested, "xlsx", LEDGERS)
    if target is None:
        return None
    try:
        write(target)
    except PermissionError:
        messages.error(parent, f"无法写入“{target.name}”：文件可能正在 Excel/WPS 中打开，请关闭后重试。")
        return None
    with ctx.session() as s:
        record_export(s, table, summary)
    show_saved(parent, target)
    return target


def output_pdf(parent: QWidget, ctx: AppContext, make: Callable[[Path], Path], name: str, to_printer: bool,
               table: str, summary: str, purpose: str = LEDGERS) -> Path | bool | None:
    """Make the PDF in a temporary folder, then print it or save a copy; audited either way."""
    from . import printing
    with tempfile.TemporaryDirectory(prefix="shuanbai-") as folder:
        pdf = make(Path(folder) / name)
        if to_printer:
            done: Path | bool | None = printing.print_pdf(parent, pdf, name.removesuffix(".pdf"))
        else:
            done = printing.save_pdf_as(parent, pdf, name, purpose)
        if done:
            action = "打印" if to_printer else "保存"
            with ctx.session() as s:
                record_export(s, table, action + summary)
        return done
