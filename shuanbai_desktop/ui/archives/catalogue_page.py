"""档案目录: the catalogue with filters; add, correct, lend, return, scans; export and cabinet lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ...domain.archive_rules import ArchiveCategory, Retention
from ...exports import archives_pdf, archives_xlsx
from ...services.archives import catalogue, lending
from ...services.archives.catalogue import OWNER_TYPE, ArchiveFilter, ArchiveRow
from ...services.archives.lending import LoanFilter
from ...services.permissions import Permission
from .. import messages
from ..attachments_dialog import AttachmentsDialog
from ..context import AppContext
from ..output import export_xlsx, output_pdf
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import GREY, RED, button_row, data_as, push_button
from .dialogs import LendDialog, ReturnDialog
from .file_dialog import FileDialog


def state_text(r: ArchiveRow) -> str:
    if r.borrower:
        return f"借出（{r.borrower}，应还 {r.due_on:%Y-%m-%d}）"
    return r.state_text


COLUMNS = (Column("档号", lambda r: r.number), Column("题名", lambda r: r.title),
           Column("日期", lambda r: f"{r.doc_date:%Y-%m-%d}" if r.doc_date else ""),
           Column("页数", lambda r: r.pages, align_right=True), Column("密级", lambda r: r.confidentiality.label),
           Column("保管期限", lambda r: r.retention.label), Column("存放位置", lambda r: r.place_text),
           Column("所属", lambda r: r.owner.label if r.owner else ""), Column("状态", state_text))


def _color(r: ArchiveRow) -> str | None:
    if r.destroyed_on:
        return GREY
    if r.due_on and r.due_on < date.today():
        return RED
    return None


class CataloguePage(RecordListPage):
    max_column_width = 300

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_color)  # long titles: full text on hover
        self._edit = ctx.can(Permission.ARCHIVE_EDIT)
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addLayout(self._buttons())
        layout.addWidget(self.table, 1)
        self.refresh()

    def _filters(self) -> QHBoxLayout:
        self.search_edit = QLineEdit(placeholderText="搜索档号、题名、文号、责任者或所属")
        self.search_edit.textChanged.connect(self.refresh)
        self.category_filter = QComboBox()
        self.year_filter = QComboBox()
        self.retention_filter = QComboBox()
        self.cabinet_filter = QComboBox()
        self.category_filter.addItem("全部类别", None)
        for category in ArchiveCategory:
            self.category_filter.addItem(category.label, category)
        self.retention_filter.addItem("全部保管期限", None)
        for retention in Retention:
            self.retention_filter.addItem(retention.label, retention)
        self.destroyed_check = QCheckBox("含已销毁")
        self.destroyed_check.toggled.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.search_edit, 2)
        for combo in (self.category_filter, self.year_filter, self.retention_filter, self.cabinet_filter):
            combo.currentIndexChanged.connect(self.refresh)
            row.addWidget(combo)
        row.addWidget(self.destroyed_check)
        row.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignRight)
        return row

    def _buttons(self) -> QHBoxLayout:
        self.add_button = push_button("新增档案…", self.add_file)
        self.edit_button = push_button("修改…", self.edit_file)
        self.lend_button = push_button("借出…", self.lend_or_return)
        self.files_button = self.row_button("扫描件…", self.show_files)
        self.export_button = push_button("导出目录…", self.export_catalogue)
        self.print_button = push_button("打印存放清单…", self.print_cabinets)
        self.pdf_button = push_button("存放清单 PDF…", self.save_cabinets)
        for button in (self.add_button, self.edit_button, self.lend_button):
            button.setVisible(self._edit)
        row = button_row(self.add_button, self.edit_button, self.lend_button, self.files_button)
        for button in (self.export_button, self.print_button, self.pdf_button):
            row.addWidget(button)
        return row

    def _fill(self, combo: QComboBox, first: str, values: list, text: Callable) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(first, None)
        for value in values:
            combo.addItem(text(value), value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _filter(self) -> ArchiveFilter:
        return ArchiveFilter(self.search_edit.text(), data_as(self.category_filter, ArchiveCategory),
                             self.year_filter.currentData(), data_as(self.retention_filter, Retention),
                             self.destroyed_check.isChecked())

    def refresh(self, *_args) -> None:
        with self._ctx.session() as s:
            self._fill(self.year_filter, "全部年度", catalogue.years(s), lambda y: f"{y}年")
            self._fill(self.cabinet_filter, "全部柜", catalogue.places(s)[0], lambda c: f"{c}柜")
            rows = catalogue.list_files(s, self._filter())
        cabinet = self.cabinet_filter.currentData()
        rows = [r for r in rows if cabinet is None or r.cabinet == cabinet]
        self.show_rows(rows)
        self.summary.setText(f"共 {len(rows)} 件，{sum(r.pages for r in rows)} 页")

    def update_buttons(self, record: ArchiveRow | None) -> None:
        live = record is not None and not record.destroyed_on
        self.edit_button.setEnabled(live)
        self.lend_button.setEnabled(live)
        self.lend_button.setText("归还…" if record and record.borrower else "借出…")

    def open_selected(self) -> None:
        if self._edit:
            self.edit_file()

    def add_file(self) -> None:
        dialog = FileDialog(self._ctx, None, self)
        self.open_dialog(dialog, lambda: self._saved(dialog.saved_id))

    def _saved(self, file_id: int | None) -> None:
        self.refresh()
        self.select(file_id)

    def edit_file(self) -> None:
        record = self.selected()
        if record and not record.destroyed_on:
            self.open_dialog(FileDialog(self._ctx, record, self), self.refresh)

    def lend_or_return(self) -> None:
        record = self.selected()
        if record is None:
            return
        if not record.borrower:
            self.open_dialog(LendDialog(self._ctx, record, self), self.refresh)
            return
        with self._ctx.session() as s:
            loan = lending.list_loans(s, LoanFilter(open_only=True, file_id=record.id))[0]
        self.open_dialog(ReturnDialog(self._ctx, loan, self), self.refresh)

    def show_files(self) -> None:
        record = self.selected()
        if record:
            editable = self._edit and not record.destroyed_on
            self.open_dialog(AttachmentsDialog(self._ctx, OWNER_TYPE, record.id, f"扫描件：{record.number} {record.title}",
                                               "可添加这件档案的扫描件（PDF 或图片）。", editable, self))

    def export_catalogue(self) -> None:
        rows = self.model.rows
        with self._ctx.session() as s:
            loans = lending.list_loans(s)
        as_of = f"{date.today():%Y-%m-%d}"
        export_xlsx(self, self._ctx, f"档案目录_{date.today():%Y%m%d}.xlsx",
                    lambda path: archives_xlsx.catalogue_xlsx(rows, loans, self._ctx.station.name, as_of, path),
                    "archive_file", f"导出档案目录（{len(rows)} 件）")

    def print_cabinets(self) -> None:
        self.cabinets(to_printer=True)

    def save_cabinets(self) -> None:
        self.cabinets(to_printer=False)

    def cabinets(self, to_printer: bool) -> None:
        rows = [r for r in self.model.rows if not r.destroyed_on]
        if not rows:
            messages.error(self, "列表中没有在库的档案。")
            return
        output_pdf(self, self._ctx, lambda path: archives_pdf.cabinet_list_pdf(rows, self._ctx.station.name, path),
                   f"档案存放清单_{date.today():%Y%m%d}.pdf", to_printer, "archive_file", f"档案存放清单（{len(rows)} 件）")
