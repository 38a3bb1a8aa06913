"""附件 of any record (asset, archive file, person, household, case): add, open, save a copy, remove.

The one attachments dialog of the app, over services/attachments.py.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLabel, QPushButton, QVBoxLayout

from ..errors import UserError
from ..services import attachments
from ..services.attachments import AttachmentRow
from . import messages
from .context import AppContext
from .settings.widgets import button_row, fit_columns, make_table, note, selected_row
from .table_model import Column, RowsTableModel

COLUMNS = (Column("说明", lambda a: a.description), Column("原文件名", lambda a: a.original_name),
           Column("大小", lambda a: a.size_text, align_right=True), Column("添加人", lambda a: a.added_by),
           Column("添加时间", lambda a: f"{a.added_at:%Y-%m-%d %H:%M}"))
FILTER = ("扫描件、照片和文档 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff *.gif *.webp *.doc *.docx *.xls *.xlsx "
          "*.wps *.et *.ofd *.txt *.zip)")


class AttachmentsDialog(QDialog):
    """``hint`` says what belongs here (发票、照片 / 扫描件). Adding and removing are offered when ``editable``
    and the user's role has the owner's permission (services/attachments.OWNER_PERMISSIONS)."""

    def __init__(self, ctx: AppContext, owner_type: str, owner_id: int, title: str, hint: str = "",
                 editable: bool = True, parent=None):
        super().__init__(parent)
        self._ctx, self._owner = ctx, (owner_type, owner_id)
        self.setWindowTitle(title)
        self.resize(760, 400)
        self.model = RowsTableModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda *_: self.open_selected())
        self.add_button, self.open_button = QPushButton("添加文件…"), QPushButton("打开")
        self.copy_button, self.remove_button = QPushButton("另存一份…"), QPushButton("移除")
        close = QPushButton("关闭")
        for button, slot in ((self.add_button, self.add_file), (self.open_button, self.open_selected),
                             (self.copy_button, self.save_copy), (self.remove_button, self.remove_selected),
                             (close, self.accept)):
            button.clicked.connect(lambda *_, s=slot: s())
        editable = editable and ctx.can(attachments.owner_permission(owner_type))
        self.add_button.setVisible(editable)
        self.remove_button.setVisible(editable)
        self.empty = QLabel(f"还没有附件。{hint}")
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(note("附件存放在数据库所在文件夹的附件库中，随备份一起备份；移除只删去这条记录，并记入操作日志。"))
        layout.addLayout(button_row(self.add_button, self.open_button, self.copy_button, self.remove_button))
        layout.addLayout(button_row(close, stretch_first=True))
        self.refresh()

    def refresh(self) -> None:
        with self._ctx.session() as s:
            rows = attachments.list_attachments(s, self._ctx.db.path, *self._owner)
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        fit_columns(self.table, 260)

    def selected(self) -> AttachmentRow | None:
        row = selected_row(self.table)
        if row is None:
            if self.model.rowCount():
                messages.error(self, "请先在列表中选中一个附件。")
            return None
        return self.model.row(row)

    def add_file(self, path: Path | None = None, description: str | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "选择附件", "", FILTER)
            if not chosen:
                return
            path = Path(chosen)
            description, ok = QInputDialog.getText(self, "附件说明", "说明（如：购置发票、实物照片、扫描件）：",
                                                   text=path.stem[:100])
            if not ok:
                return
        owner_type, owner_id = self._owner
        self._write(lambda s: attachments.add_attachment(
            s, self._ctx.db.path, owner_type, owner_id, path, description or ""))
        self.refresh()

    def _write(self, action) -> None:
        """One transaction; a rule not met is shown and nothing is saved."""
        try:
            with self._ctx.session() as s:
                action(s)
        except UserError as exc:
            messages.error(self, exc.message)

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not row.path.exists():
            messages.error(self, "附件库中找不到这个文件，可能需要从备份中恢复。")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(row.path)))

    def save_copy(self) -> None:
        row = self.selected()
        if row is None:
            return
        folder = QFileDialog.getExistingDirectory(self, "选择保存位置")
        if folder:
            saved = attachments.export_copy(row, Path(folder))
            messages.info(self, f"已保存到：{saved}")

    def remove_selected(self) -> None:
        row = self.selected()
        if row and messages.confirm(self, f"确定移除附件“{row.description}”吗？"):
            self._write(lambda s: attachments.remove_attachment(s, row.id))
            self.refresh()
