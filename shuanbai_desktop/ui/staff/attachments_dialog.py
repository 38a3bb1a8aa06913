"""附件 of a staff record: photos, certificate scans, contract scans, evaluation reports.

The files go into the shared store (services/attachments.py); adding and removing are audited.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ...services import attachments
from ...services.attachments import AttachmentRow
from .. import messages
from ..context import AppContext
from ..settings.widgets import button_row, fit_columns, make_table, note
from ..table_model import Column, RowsTableModel
from .widgets import run_write

COLUMNS = (Column("说明", lambda a: a.description), Column("原文件名", lambda a: a.original_name),
           Column("大小", lambda a: a.size_text, align_right=True), Column("添加人", lambda a: a.added_by),
           Column("添加时间", lambda a: f"{a.added_at:%Y-%m-%d %H:%M}"))
FILTER = ("扫描件、照片和文档 (*.pdf *.jpg *.jpeg *.png *.bmp *.tif *.tiff *.gif *.webp *.doc *.docx *.xls *.xlsx "
          "*.wps *.et *.ofd *.txt *.zip)")
KINDS = {"staff_member": ("证件照", "身份证复印件", "学历证书", "职业资格证书", "督导证", "其他材料"),
         "staff_contract": ("劳动合同扫描件", "续签审批表", "解除合同证明", "其他材料"),
         "staff_training": ("结业证书", "签到表", "培训通知", "其他材料"),
         "staff_supervision": ("签到表", "督导记录表", "其他材料"),
         "staff_evaluation": ("评估报告", "评估反馈意见", "其他材料")}


class StaffAttachmentsDialog(QDialog):
    def __init__(self, ctx: AppContext, owner_type: str, owner_id: int, title: str, can_edit: bool, parent=None):
        super().__init__(parent)
        self._ctx, self._owner = ctx, (owner_type, owner_id)
        self.setWindowTitle(title)
        self.resize(760, 420)
        self.model = RowsTableModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.doubleClicked.connect(lambda *_: self.open_selected())
        self.kind_combo = QComboBox()
        self.kind_combo.setEditable(True)
        self.kind_combo.addItems(KINDS.get(owner_type, ("其他材料",)))
        self.add_button, self.open_button = QPushButton("添加附件…"), QPushButton("打开")
        self.remove_button, close = QPushButton("删除"), QPushButton("关闭")
        self.add_button.clicked.connect(lambda: self.add_file())
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        close.clicked.connect(self.accept)
        kind_row = QHBoxLayout()
        kind_row.addWidget(QLabel("附件说明："))
        kind_row.addWidget(self.kind_combo, 1)
        kind_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        if can_edit:
            layout.addLayout(kind_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(note("附件保存在数据库所在文件夹的附件库中（文件按内容命名，不含姓名），随备份一起备份。"
                              "添加和删除都记入操作日志。"))
        layout.addLayout(button_row(self.open_button, *((self.remove_button,) if can_edit else ())))
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

    def add_file(self, path: Path | None = None) -> None:
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(self, "选择附件", "", FILTER)
            if not chosen:
                return
            path = Path(chosen)
        owner_type, owner_id = self._owner
        description = self.kind_combo.currentText().strip() or path.stem
        run_write(self._ctx, self, lambda s: attachments.add_attachment(
            s, self._ctx.db.path, owner_type, owner_id, path, description))
        self.refresh()

    def open_selected(self) -> None:
        row = self.selected()
        if row is None:
            messages.error(self, "请先在表格中选中一个附件。", "未选择附件")
            return
        if not row.path.exists():
            messages.error(self, "附件库中找不到这个文件，可能需要从备份恢复附件。")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(row.path)))

    def remove_selected(self) -> None:
        row = self.selected()
        if row is None or not messages.confirm(self, f"删除附件“{row.description}”？删除会记入操作日志。"):
            return
        run_write(self._ctx, self, lambda s: attachments.remove_attachment(s, row.id))
        self.refresh()
