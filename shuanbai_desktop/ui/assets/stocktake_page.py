"""资产盘点: the counts (one open at a time), the lines of the chosen count, marking, the report."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
)

from ...domain.asset_rules import CountResult
from ...exports import assets_pdf, assets_xlsx
from ...services.assets import stocktake
from ...services.assets.stocktake import LineRow, StockTakeRow
from ...services.permissions import Permission
from .. import messages
from ..context import AppContext
from ..forms import run_write
from ..output import export_xlsx, output_pdf
from ..record_list import RecordListPage
from ..table_model import Column, RowsTableModel
from ..widgets import (
    AMBER,
    RED,
    button_row,
    fit_columns,
    make_table,
    note,
    push_button,
    selected_rows,
)
from .stocktake_dialogs import CloseDialog, QuantityDialog, StartDialog

TAKE_COLUMNS = (Column("盘点名称", lambda t: t.title), Column("开始日期", lambda t: f"{t.started_on:%Y-%m-%d}"),
                Column("状态", lambda t: t.state_text), Column("盘点人", lambda t: t.counted_by),
                Column("进度", lambda t: f"已盘 {t.total - t.pending} / {t.total}"),
                Column("差异", lambda t: f"{t.differences} 项"))
LINE_COLUMNS = (Column("资产编号", lambda r: r.code), Column("名称", lambda r: r.name),
                Column("规格型号", lambda r: r.model_spec), Column("存放地点", lambda r: r.book_place),
                Column("保管/使用人", lambda r: r.book_custodian),
                Column("账面数量", lambda r: f"{r.book_quantity} {r.unit}", align_right=True),
                Column("实盘数量", lambda r: "" if r.counted_quantity is None else r.counted_quantity, align_right=True),
                Column("盘点结果", lambda r: r.result_text), Column("说明", lambda r: r.note))
RESULT_FILTERS = (("全部结果", None), ("未盘", CountResult.PENDING), ("相符", CountResult.FOUND),
                  ("未找到", CountResult.MISSING), ("损坏", CountResult.DAMAGED), ("只看差异", "diff"))


def _line_color(r: LineRow) -> str | None:
    if r.result is CountResult.DAMAGED:
        return AMBER
    return RED if r.is_difference else None


class StockTakePage(RecordListPage):
    """The list is of the counts (the latest chosen); the chosen count's lines below, marked there."""

    select_first = True

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, TAKE_COLUMNS, parent)
        self._edit = ctx.can(Permission.ASSET_EDIT)
        self._lines: list[LineRow] = []
        self.take_model = self.model
        self.take_table = self.table
        self.line_model = RowsTableModel(LINE_COLUMNS, row_color=_line_color)
        self.line_table = make_table(self.line_model)
        self.line_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.line_table.activated.connect(self._line_activated)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._takes_box())
        splitter.addWidget(self._lines_box())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh()

    def _takes_box(self) -> QGroupBox:
        box = QGroupBox("盘点记录")
        self.start_button = push_button("开始盘点…", self.start)
        self.close_button = push_button("结束盘点…", self.close_take)
        self.cancel_button = push_button("撤销盘点", self.cancel)
        self.print_button = self.row_button("打印盘点报告…", self.print_report)
        self.pdf_button = self.row_button("保存报告 PDF…", self.save_report)
        self.xlsx_button = self.row_button("导出报告 Excel…", self.report_xlsx)
        for button in (self.start_button, self.close_button, self.cancel_button):
            button.setVisible(self._edit)
        self.empty_note = note("还没有盘点记录。点击“开始盘点…”，对全部在账资产（含各社工点）逐项核对。")
        inner = QVBoxLayout(box)
        inner.addLayout(button_row(self.start_button, self.close_button, self.cancel_button, self.print_button,
                                   self.pdf_button, self.xlsx_button))
        inner.addWidget(self.empty_note)
        inner.addWidget(self.take_table)
        return box

    def _lines_box(self) -> QGroupBox:
        box = QGroupBox("盘点明细")
        self.place_filter = QComboBox()
        self.result_filter = QComboBox()
        for text, value in RESULT_FILTERS:
            self.result_filter.addItem(text, value)
        self.search_edit = QLineEdit(placeholderText="搜索编号或名称")
        for signal in (self.place_filter.currentIndexChanged, self.result_filter.currentIndexChanged,
                       self.search_edit.textChanged):
            signal.connect(self._show_lines)
        self.progress = QLabel()
        self.found_button = push_button("标为相符", partial(self.mark, CountResult.FOUND))
        self.missing_button = push_button("标为未找到", partial(self.mark, CountResult.MISSING))
        self.damaged_button = push_button("标为损坏…", partial(self.mark, CountResult.DAMAGED))
        self.quantity_button = push_button("实盘数量…", self.count_quantity)
        self.pending_button = push_button("改回未盘", partial(self.mark, CountResult.PENDING))
        filters = QHBoxLayout()
        for widget in (self.search_edit, self.place_filter, self.result_filter):
            filters.addWidget(widget)
        filters.addWidget(self.progress, 1, Qt.AlignmentFlag.AlignRight)
        self.mark_buttons = (self.found_button, self.missing_button, self.damaged_button, self.quantity_button,
                             self.pending_button)
        inner = QVBoxLayout(box)
        inner.addLayout(filters)
        if self._edit:
            inner.addLayout(button_row(*self.mark_buttons))
            inner.addWidget(note("可按住 Ctrl 或 Shift 选中多项后一起标记；数量不全（如 10 把椅子只找到 8 把）用“实盘数量…”。"))
        inner.addWidget(self.line_table, 1)
        return box

    # --- data --------------------------------------------------------------------------------
    def load(self, session) -> list[StockTakeRow]:
        return stocktake.list_stocktakes(session)

    def show_rows(self, rows) -> None:
        super().show_rows(rows)
        self.empty_note.setVisible(not rows)

    def update_buttons(self, take: StockTakeRow | None) -> None:
        """The count's state decides the buttons; its lines are shown below."""
        with self._ctx.session() as s:
            self._lines = stocktake.lines(s, take.id) if take else []
        places = sorted({r.book_place for r in self._lines})
        self.place_filter.blockSignals(True)
        current = self.place_filter.currentText()
        self.place_filter.clear()
        self.place_filter.addItem("全部地点", None)
        for place in places:
            self.place_filter.addItem(place, place)
        self.place_filter.setCurrentIndex(max(0, self.place_filter.findText(current)))
        self.place_filter.blockSignals(False)
        open_ = bool(take and take.is_open)
        self.start_button.setEnabled(not any(t.is_open for t in self.take_model.rows))
        for button in (self.close_button, self.cancel_button, *self.mark_buttons):
            button.setEnabled(open_)
        self.progress.setText(f"已盘 {take.total - take.pending} / {take.total}，差异 {take.differences} 项" if take else "")
        self._show_lines()

    def _show_lines(self, *_args) -> None:
        place, result = self.place_filter.currentData(), self.result_filter.currentData()
        result = result if result in (None, "diff") else CountResult(result)
        text = self.search_edit.text().strip().lower()
        rows = [r for r in self._lines if (place is None or r.book_place == place)
                and (result is None or (r.is_difference if result == "diff" else r.result is result))
                and (not text or text in r.code.lower() or text in r.name)]
        self.line_model.set_rows(rows)
        fit_columns(self.line_table, 220)

    def selected_lines(self) -> list[LineRow]:
        return selected_rows(self.line_table)

    # --- actions -----------------------------------------------------------------------------
    def _line_activated(self, *_args) -> None:
        if self._edit:
            self.count_quantity()

    def start(self) -> None:
        dialog = StartDialog(self._ctx, self._ctx.user.display_name, self)
        self.open_dialog(dialog, self.refresh)

    def ask_note(self, result: CountResult) -> str | None:
        text, ok = QInputDialog.getText(self, f"标为{result.label}", "盘点说明（如损坏情况，可不填）：")
        return text if ok else None

    def mark(self, result: CountResult) -> None:
        take = self.selected()
        lines = self.selected_lines()
        if take is None or not lines:
            messages.error(self, "请先在盘点明细中选中要标记的资产（可多选）。", "未选择资产")
            return
        note_text = self.ask_note(result) if result is CountResult.DAMAGED else None
        if result is CountResult.DAMAGED and note_text is None:
            return
        ids = [r.id for r in lines]
        if run_write(self._ctx, self, lambda s: stocktake.mark_lines(s, take.id, ids, result, note=note_text)):
            self.refresh()

    def count_quantity(self) -> None:
        take = self.selected()
        lines = self.selected_lines()
        if take and take.is_open and lines:
            self.open_dialog(QuantityDialog(self._ctx, take.id, lines[0], self), self.refresh)

    def close_take(self) -> None:
        take = self.selected()
        if take is None:
            return
        if take.pending:
            messages.error(self, f"还有 {take.pending} 项资产没有标记盘点结果，全部标记后才能结束盘点。"
                                 "可在“结果”中选“未盘”查看它们。")
            return
        self.open_dialog(CloseDialog(self._ctx, take, self), self.refresh)

    def cancel(self) -> None:
        take = self.selected()
        if take and messages.confirm(self, f"确定撤销“{take.title}”吗？只有尚未标记任何结果的盘点可以撤销。"):
            if run_write(self._ctx, self, lambda s: stocktake.cancel_stocktake(s, take.id)):
                self.refresh()

    def _report(self):
        with self._ctx.session() as s:
            return stocktake.report(s, self.selected().id)

    def print_report(self) -> None:
        self.report_pdf(to_printer=True)

    def save_report(self) -> None:
        self.report_pdf(to_printer=False)

    def report_pdf(self, to_printer: bool) -> None:
        report = self._report()
        output_pdf(self, self._ctx, lambda path: assets_pdf.stocktake_report_pdf(report, path),
                   f"资产盘点报告_{report.take.started_on:%Y%m%d}.pdf", to_printer, "asset_stocktake",
                   f"资产盘点报告“{report.take.title}”")

    def report_xlsx(self) -> None:
        report = self._report()
        export_xlsx(self, self._ctx, f"资产盘点报告_{report.take.started_on:%Y%m%d}.xlsx",
                    lambda path: assets_xlsx.stocktake_report_xlsx(report, path), "asset_stocktake",
                    f"导出资产盘点报告“{report.take.title}”")
