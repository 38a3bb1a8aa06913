"""到期鉴定: files past their retention period; extend or record a destruction; the destruction lists."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QGroupBox, QSplitter, QVBoxLayout

from ...exports import archives_pdf
from ...services.archives import retention
from ...services.archives.catalogue import ArchiveRow
from ...services.archives.retention import DestructionRow
from ...services.permissions import Permission
from .. import messages
from ..context import AppContext
from ..output import output_pdf
from ..record_list import RecordListPage
from ..table_model import Column, RowsTableModel
from ..widgets import button_row, fit_columns, make_table, note, push_button, selected_row, selected_rows
from .dialogs import DestroyDialog, ExtendDialog

DUE_COLUMNS = (Column("档号", lambda r: r.number), Column("题名", lambda r: r.title), Column("年度", lambda r: r.year),
               Column("保管期限", lambda r: r.retention.label), Column("保管至", lambda r: f"{r.expiry:%Y-%m-%d}"),
               Column("存放位置", lambda r: r.place_text), Column("上次鉴定意见", lambda r: r.review_note))
DONE_COLUMNS = (Column("销毁日期", lambda d: f"{d.destroyed_on:%Y-%m-%d}"), Column("件数", lambda d: d.files),
                Column("批准人", lambda d: d.approved_by), Column("批准文号", lambda d: d.approval_ref),
                Column("监销人", lambda d: d.supervisor), Column("方式", lambda d: d.method),
                Column("原因", lambda d: d.reason))


class ReviewPage(RecordListPage):
    """The list is of the files due for review (several may be chosen); the destructions below."""

    max_column_width = 280

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, DUE_COLUMNS, parent)
        self._admin = ctx.can(Permission.ARCHIVE_DESTROY)
        self.due_model = self.model
        self.due_table = self.table
        self.due_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.done_model = RowsTableModel(DONE_COLUMNS)
        self.done_table = make_table(self.done_model)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._due_box())
        splitter.addWidget(self._done_box())
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh()

    def _due_box(self) -> QGroupBox:
        box = QGroupBox("已过保管期限、待鉴定的档案")
        self.extend_button = push_button("延长保管…", self.extend_retention)
        self.destroy_button = push_button("登记销毁…", self.destroy_files)
        self.due_note = note()
        inner = QVBoxLayout(box)
        if self._admin:
            inner.addLayout(button_row(self.extend_button, self.destroy_button))
        inner.addWidget(self.due_note)
        inner.addWidget(self.due_table, 1)
        return box

    def _done_box(self) -> QGroupBox:
        box = QGroupBox("销毁记录")
        self.print_button = push_button("打印销毁清册…", self.print_destruction_list)
        self.pdf_button = push_button("销毁清册 PDF…", self.save_destruction_list)
        inner = QVBoxLayout(box)
        inner.addLayout(button_row(self.print_button, self.pdf_button))
        inner.addWidget(self.done_table, 1)
        return box

    def refresh(self) -> None:
        with self._ctx.session() as s:
            due = retention.due_for_review(s)
            done = retention.list_destructions(s)
        self.show_rows(due)
        self.done_model.set_rows(done)
        self.due_note.setText(
            (f"共 {len(due)} 件。" if due else "目前没有到期的档案。")
            + "保管期限（永久、30年、10年）从文件形成的次年 1 月 1 日起算。到期档案须经鉴定：仍有价值的延长保管；"
            "无保存价值的，经批准后销毁，并登记批准人、监销人，目录中的记录永久保留。"
            + ("" if self._admin else "鉴定处理由管理员（站长/副站长）办理。"))
        fit_columns(self.done_table, 280)
        for button in (self.extend_button, self.destroy_button):
            button.setEnabled(bool(due))
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(bool(done))
        if done:
            self.done_table.selectRow(0)

    def selected_due(self) -> list[ArchiveRow]:
        return selected_rows(self.due_table)

    def extend_retention(self) -> None:
        self._decide(ExtendDialog)

    def destroy_files(self) -> None:
        self._decide(DestroyDialog)

    def _decide(self, dialog_class) -> None:
        files = self.selected_due()
        if not files:
            messages.error(self, "请先选中要处理的档案（可按住 Ctrl 多选）。", "未选择档案")
            return
        self.open_dialog(dialog_class(self._ctx, files, self), self.refresh)

    def selected_destruction(self) -> DestructionRow | None:
        row = selected_row(self.done_table)
        return self.done_model.row(row) if row is not None else None

    def print_destruction_list(self) -> None:
        self.destruction_list(to_printer=True)

    def save_destruction_list(self) -> None:
        self.destruction_list(to_printer=False)

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
