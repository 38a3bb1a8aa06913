"""附件: scans, photos and PDFs of a person, household or case; open, add, remove (removal audited)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QPushButton, QVBoxLayout

from ...services import attachments
from ...services.attachments import AttachmentRow
from .. import messages
from ..context import AppContext
from ..settings.widgets import button_row, fit_columns, make_table, note
from ..table_model import Column, RowsTableModel

COLUMNS = (Column("说明", lambda a: a.description), Column("原文件名", lambda a: a.original_name),
           Column("大小", lambda a: a.size_text, align_right=True), Column("添加人", lambda a: a.added_by),
           Column("添加时间", lambda a: f"{a.added_at:%Y-%m-%d %H:%M}"))
FILTER = "扫描件和文档 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff *.gif *.webp *.doc *.docx *.xls *.xlsx " \
         "*.wps *.et *.ofd *.txt *.zip)"


class AttachmentsDialog(QDialog):
    def __init__(self, ctx: AppContext, owner_type: str, owner_id: int, title: str, parent=None,
                 can_edit: bool = True):
        super().__init__(parent)
        self._ctx, self._owner = ctx, (owner_type, owner_id)
        self.setWindowTitle(title)
        self.resize(720, 380)
        self.model = RowsTableModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda *_: self.open_selected())
        self.add_button, self.open_button = QPushButton("添加附件…"), QPushButton("打开")
        self.remove_button, close = QPushButton("删除"), QPushButton("关闭")
        self.add_button.clicked.connect(lambda: self.add_file())
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        close.clicked.connect(self.accept)
        self.add_button.setEnabled(can_edit)
        self.remove_button.setEnabled(can_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note("附件保存在数据库所在文件夹的附件库中，按内容命名，随备份一起备份。删除会记入操作日志。"))
        layout.addLayout(button_row(self.add_button, self.open_button, self.remove_button))
        layout.addLayout(button_row(close, stretch_first=True))
        self.refresh()

    def refresh(self) -> None:
        with self._ctx.session() as s:
            rows = attachments.list_attachments(s, self._ctx.db.path, *self._owner)
        self.model.set_rows(rows)
        fit_columns(self.table, 260)

    def selected(self) -> AttachmentRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def add_file(self, path: Path | None = None, description: str | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "选择附件", "", FILTER)
            if not chosen:
                return
            path = Path(chosen)
            description, ok = QInputDialog.getText(self, "附件说明", "说明（如：身份证复印件、评估表）：",
                                                   text=path.stem[:100])
            if not ok:
                return
        owner_type, owner_id = self._owner

        def _add():
            with self._ctx.session() as s:
                attachments.add_attachment(s, self._ctx.db.path, owner_type, owner_id, path, description or "",
                                           self._ctx.user.username)
        messages.attempt(self, _add)
        self.refresh()

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not row.path.exists():
            messages.error(self, "附件库中找不到这个文件，可能需要从备份恢复附件。")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(row.path)))

    def remove_selected(self) -> None:
        row = self.selected()
        if row is None or not messages.confirm(self, f"删除附件“{row.description}”？删除会记入操作日志。"):
            return

        def _remove():
            with self._ctx.session() as s:
                attachments.remove_attachment(s, row.id)
        messages.attempt(self, _remove)
        self.refresh()
