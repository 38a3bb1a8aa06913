"""附件 of any record (asset, archive file, person, household, case, staff record): add, open, save a copy,
remove.

The one attachments dialog of the app, over services/attachments.py. An area may offer preset descriptions
(the staff records: 劳动合同扫描件, 结业证书 …): then a description box stands above the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QInputDialog, QLabel, QVBoxLayout

from ..errors import UserError
from ..services import attachments
from ..services.attachments import AttachmentRow
from . import messages
from .context import AppContext
from .forms import run_write
from .output import ATTACHMENTS, ask_folder, ask_open, show_saved
from .table_model import Column, RowsTableModel
from .widgets import button_row, fit_columns, make_table, note, push_button, selected_row

COLUMNS = (Column("说明", lambda a: a.description), Column("原文件名", lambda a: a.original_name),
           Column("大小", lambda a: a.size_text, align_right=True), Column("添加人", lambda a: a.added_by),
           Column("添加时间", lambda a: f"{a.added_at:%Y-%m-%d %H:%M}"))
FILTER = ("扫描件、照片和文档 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff *.gif *.webp *.doc *.docx *.xls *.xlsx "
          "*.wps *.et *.ofd *.txt *.zip)")


class AttachmentsDialog(QDialog):
    """``hint`` says what belongs here (发票、照片 / 扫描件). Adding and removing are offered when ``editable``
    and the user's role has the owner's permission (services/attachments.OWNER_PERMISSIONS). ``presets``:
    descriptions to choose from (or type over) before adding; without them the description is asked for."""

    def __init__(self, ctx: AppContext, owner_type: str, owner_id: int, title: str, hint: str = "",
                 editable: bool = True, parent=None, presets: Sequence[str] = ()):
        super().__init__(parent)
        self._ctx = ctx
        self._owner = (owner_type, owner_id)
        self.setWindowTitle(title)
        self.resize(760, 420 if presets else 400)
        self.model = RowsTableModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.activated.connect(self.open_selected)
        self.kind_combo = QComboBox()
        self.kind_combo.setEditable(True)
        self.kind_combo.addItems(list(presets))
        self.add_button = push_button("添加文件…", self.add_file)
        self.open_button = push_button("打开", self.open_selected)
        self.copy_button = push_button("另存一份…", self.save_copy)
        self.remove_button = push_button("移除", self.remove_selected)
        close = push_button("关闭", self.accept)
        editable = editable and ctx.can(attachments.owner_permission(owner_type))
        self.add_button.setVisible(editable)
        self.remove_button.setVisible(editable)
        self.empty = QLabel(f"还没有附件。{hint}")
        layout = QVBoxLayout(self)
        if presets and editable:
            layout.addLayout(self._preset_row())
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(note("附件存放在数据库所在文件夹的附件库中（文件按内容命名，不含姓名；数据库加密时附件也加密），"
                              "随备份一起备份；移除只删去这条记录，并记入操作日志。打开时解密到临时文件夹，程序关闭时删除。"))
        if presets:
            layout.addLayout(button_row(self.open_button, self.copy_button, self.remove_button))
        else:
            layout.addLayout(button_row(self.add_button, self.open_button, self.copy_button, self.remove_button))
        layout.addLayout(button_row(close, stretch_first=True))
        self.refresh()

    def _preset_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("附件说明："))
        row.addWidget(self.kind_combo, 1)
        row.addWidget(self.add_button)
        return row

    def refresh(self) -> None:
        with self._ctx.session() as s:
            rows = attachments.list_attachments(s, self._ctx.db.anchor, *self._owner)
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
        """Add ``path`` (asked for when None) with ``description``: the chosen preset, else asked for."""
        if path is None:
            chosen = ask_open(self, "选择附件", FILTER, ATTACHMENTS)
            if chosen is None:
                return
            path = chosen
        if description is None and self.kind_combo.count():
            description = self.kind_combo.currentText().strip() or path.stem
        if description is None:
            description, ok = QInputDialog.getText(self, "附件说明", "说明（如：购置发票、实物照片、扫描件）：",
                                                   text=path.stem[:100])
            if not ok:
                return
        owner_type, owner_id = self._owner
        run_write(self._ctx, self,
                  lambda s: attachments.add_attachment(s, self._ctx.db.anchor, owner_type, owner_id, path, description))
        self.refresh()

    def open_selected(self) -> None:
        """Opens a copy (decrypted, under its original name) in this program's private temporary folder
        with the system's viewer: never the stored file (services/attachments.viewing_copy)."""
        row = self.selected()
        if row is None:
            return
        if not row.path.exists():
            messages.error(self, "附件库中找不到这个文件，可能需要从备份中恢复。")
            return
        try:
            copy = attachments.viewing_copy(row, self._ctx.db.anchor)
        except UserError as exc:
            messages.error(self, exc.message)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))

    def save_copy(self) -> None:
        row = self.selected()
        if row is None:
            return
        folder = ask_folder(self, "选择保存位置", ATTACHMENTS)
        if folder is None:
            return
        try:
            saved = attachments.export_copy(row, folder, self._ctx.db.anchor)
        except UserError as exc:
            messages.error(self, exc.message)
            return
        except OSError:
            messages.error(self, f"无法保存到 {folder}（没有写入权限，或磁盘已满），请换一个位置。")
            return
        show_saved(self, saved)

    def remove_selected(self) -> None:
        row = self.selected()
        if row and messages.confirm(self, f"确定移除附件“{row.description}”吗？"):
            run_write(self._ctx, self, lambda s: attachments.remove_attachment(s, row.id))
            self.refresh()
