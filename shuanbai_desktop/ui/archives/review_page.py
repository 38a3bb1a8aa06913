"""到期鉴定: files past their retention period; extend or record a destruction; the destruction lists."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QPushButton, QSplitter, QVBoxLayout, QWidget

from ...exports import archives_pdf
from ...services.archives import retention
from ...services.archives.catalogue import ArchiveRow
from ...services.archives.retention import DestructionRow
from ...services.permissions import Permission
from .. import messages
from ..assets.common import output_pdf
from ..context import AppContext
from ..settings.widgets import button_row, fit_columns, make_table, note, selected_row
from ..table_model import Column, RowsTableModel
from .dialogs import DestroyDialog, ExtendDialog

DUE_COLUMNS = (Column("档号", lambda r: r.number), Column("题名", lambda r: r.title), Column("年度", lambda r: r.year),
               Column("保管期限", lambda r: r.retention.label), Column("保管至", lambda r: f"{r.expiry:%Y-%m-%d}"),
               Column("存放位置", lambda r: r.place_text), Column("上次鉴定意见", lambda r: r.review_note))
DONE_COLUMNS = (Column("销毁日期", lambda d: f"{d.destroyed_on:%Y-%m-%d}"), Column("件数", lambda d: d.files),
                Column("批准人", lambda d: d.approved_by), Column("批准文号", lambda d: d.approval_ref),
                Column("监销人", lambda d: d.supervisor), Column("方式", lambda d: d.method),
                Column("原因", lambda d: d.reason))


class ReviewPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx, self._admin = ctx, ctx.can(Permission.ARCHIVE_DESTROY)
        self.dialog = None
        self.due_model, self.done_model = RowsTableModel(DUE_COLUMNS), RowsTableModel(DONE_COLUMNS)
        self.due_table, self.done_table = make_table(self.due_model), make_table(self.done_model)
        self.due_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._due_box())
        splitter.addWidget(self._done_box())
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh()

    def _due_box(self) -> QGroupBox:
        box = QGroupBox("已过保管期限、待鉴定的档案")
        self.extend_button, self.destroy_button = QPushButton("延长保管…"), QPushButton("登记销毁…")
        self.extend_button.clicked.connect(lambda: self._decide(ExtendDialog))
        self.destroy_button.clicked.connect(lambda: self._decide(DestroyDialog))
        self.due_note = note()
        inner = QVBoxLayout(box)
        if self._admin:
            inner.addLayout(button_row(self.extend_button, self.destroy_button))
        inner.addWidget(self.due_note)
        inner.addWidget(self.due_table, 1)
        return box

    def _done_box(self) -> QGroupBox:
        box = QGroupBox("销毁记录")
        self.print_button, self.pdf_button = QPushButton("打印销毁清册…"), QPushButton("销毁清册 PDF…")
        self.print_button.clicked.connect(lambda: self.destruction_list(True))
        self.pdf_button.clicked.connect(lambda: self.destruction_list(False))
        inner = QVBoxLayout(box)
        inner.addLayout(button_row(self.print_button, self.pdf_button))
        inner.addWidget(self.done_table, 1)
        return box

    def refresh(self) -> None:
        with self._ctx.session() as s:
            due, done = retention.due_for_review(s), retention.list_destructions(s)
        self.due_model.set_rows(due)
        self.done_model.set_rows(done)
        self.due_note.setText(
            (f"共 {len(due)} 件。" if due else "目前没有到期的档案。")
            + "保管期限（永久、30年、10年）从文件形成的次年 1 月 1 日起算。到期档案须经鉴定：仍有价值的延长保管；"
            "无保存价值的，经批准后销毁，并登记批准人、监销人，目录中的记录永久保留。"
            + ("" if self._admin else "鉴定处理由管理员（站长/副站长）办理。"))
        for table in (self.due_table, self.done_table):
            fit_columns(table, 280)
        for button in (self.extend_button, self.destroy_button):
            button.setEnabled(bool(due))
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(bool(done))
        if done:
            self.done_table.selectRow(0)

    def selected_due(self) -> list[ArchiveRow]:
        return [self.due_model.row(i.row()) for i in self.due_table.selectionModel().selectedRows()]

    def _decide(self, dialog_class) -> None:
        files = self.selected_due()
        if not files:
            messages.error(self, "请先选中要处理的档案（可按住 Ctrl 多选）。", "未选择档案")
            return
        dialog = dialog_class(self._ctx, files, self)
        dialog.accepted.connect(self.refresh)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def selected_destruction(self) -> DestructionRow | None:
        row = selected_row(self.done_table)
        return self.done_model.row(row) if row is not None else None

    def destruction_list(self, to_printer: bool) -> None:
        record = self.selected_destruction()
        if record is None:
            return
        with self._ctx.session() as s:
            files = retention.destroyed_files(s, record.id)
        output_pdf(self, self._ctx, lambda path: archives_pdf.destruction_list_pdf(record, files, self._ctx.station.name,
                                                                                   path),
                   f"档案销毁清册_{record.destroyed_on:%Y%m%d}.pdf", to_printer, "archive_destruction",
                   f"档案销毁清册（{record.destroyed_on:%Y-%m-%d}，{record.files} 件）")
