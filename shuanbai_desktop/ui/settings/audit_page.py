"""操作日志 (administrator only): the audit trail filtered by user, date and record type, paged."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import audit_log
from ...services.audit_log import AuditPage, AuditQuery, AuditRow
from ..context import AppContext
from ..forms import FormErrors
from ..table_model import Column, RowsTableModel
from ..widgets import (
    ERROR_STYLE,
    OK_STYLE,
    button_row,
    date_edit,
    date_value,
    fit_columns,
    make_table,
    note,
    selected_row,
)

COLUMNS = (
    Column("时间", lambda r: f"{r.at:%Y-%m-%d %H:%M:%S}"),
    Column("用户", lambda r: r.username),
    Column("操作", lambda r: r.action),
    Column("对象", lambda r: r.object),
    Column("摘要", lambda r: r.summary),
)
DETAIL_HEADINGS = {"新增": "新增时填写的内容：", "修改": "修改的内容：", "删除": "删除前的内容：", "操作": "详细信息："}


def detail_text(row: AuditRow) -> str:
    head = f"{row.at:%Y-%m-%d %H:%M:%S}　{row.username}　{row.summary}"
    body = "\n".join(row.details) if row.details else "（没有更多内容）"
    return f"{head}\n\n{DETAIL_HEADINGS.get(row.action, '详细信息：')}\n{body}"


class AuditPageView(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._page = 0
        self._dates_set = False
        self.result: AuditPage | None = None
        self.model = RowsTableModel(COLUMNS)
        self.table = make_table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._show_detail)
        self.detail = QPlainTextEdit(readOnly=True, placeholderText="选中上面的一条记录，这里显示它改动的内容。")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_filters())
        layout.addWidget(splitter, 1)
        layout.addLayout(self._build_pager())
        self._load_choices()
        self._connect_filters()
        self.run_query()

    def _build_filters(self) -> QGroupBox:
        box = QGroupBox("筛选")
        self.user_combo, self.type_combo = QComboBox(), QComboBox()
        self.user_combo.setMinimumWidth(120)
        self.type_combo.setMinimumWidth(120)
        self.from_edit, self.to_edit = date_edit(), date_edit()
        self.refresh_button, self.chain_button = QPushButton("刷新"), QPushButton("校验日志链")
        self.refresh_button.clicked.connect(self.refresh)
        self.chain_button.clicked.connect(self.check_chain)
        grid = QGridLayout(box)
        for col, (text, widget) in enumerate((("用户：", self.user_combo), ("起始日期：", self.from_edit),
                                              ("截止日期：", self.to_edit), ("记录类型：", self.type_combo))):
            grid.addWidget(QLabel(text), 0, col * 2, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(widget, 0, col * 2 + 1)
        grid.setColumnStretch(8, 1)
        grid.addWidget(self.refresh_button, 0, 9)
        grid.addWidget(self.chain_button, 0, 10)
        self.error_label, self.chain_label = QLabel(), note()
        self.errors = FormErrors(self.error_label, {"起始日期": self.from_edit, "截止日期": self.to_edit})
        grid.addWidget(self.error_label, 1, 0, 1, 8)
        grid.addWidget(self.chain_label, 1, 8, 1, 3, Qt.AlignmentFlag.AlignRight)
        self.chain_label.hide()
        return box

    def _build_pager(self) -> QHBoxLayout:
        self.count_label = QLabel()
        self.prev_button, self.next_button = QPushButton("上一页"), QPushButton("下一页")
        self.prev_button.clicked.connect(lambda: self.go_to_page(self._page - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self._page + 1))
        row = button_row(self.count_label, self.prev_button, self.next_button, stretch_first=True)
        return row

    def _load_choices(self) -> None:
        """Fill the user and record-type lists (again), keeping what is chosen."""
        with self._ctx.session() as s:
            names, types, first = audit_log.usernames(s), audit_log.record_types(s), audit_log.first_date(s)
        _refill(self.user_combo, [("全部用户", None)] + [(audit_log.user_label(n), n) for n in names])
        _refill(self.type_combo, [("全部类型", None)] + [(t.label, t.key) for t in types])
        if not self._dates_set:
            self._dates_set = True
            self.from_edit.setDate(QDate(first) if first else QDate(date.today()))
            self.to_edit.setDate(QDate(date.today()))

    def _connect_filters(self) -> None:
        for combo in (self.user_combo, self.type_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self.apply_filters)

    def query(self) -> AuditQuery:
        return AuditQuery(self.user_combo.currentData(), date_value(self.from_edit),
                          date_value(self.to_edit), self.type_combo.currentData(), self._page)

    def apply_filters(self, *_args) -> None:
        self._page = 0
        self.run_query()

    def go_to_page(self, page: int) -> None:
        self._page = page
        self.run_query()

    def refresh(self) -> None:
        """New entries since the page was built: refresh the choices and the current page."""
        self._load_choices()
        self.run_query()

    def run_query(self) -> None:
        self.errors.clear()
        try:
            with self._ctx.session() as s:
                result = audit_log.search(s, self.query())
        except UserError as exc:
            self.errors.show(exc)
            self._show_result(None)
            return
        self._page = result.page
        self._show_result(result)

    def _show_result(self, result: AuditPage | None) -> None:
        self.result = result
        self.model.set_rows(result.rows if result else ())
        fit_columns(self.table, 200)
        self.detail.clear()
        pages = result.pages if result else 1
        page = result.page if result else 0
        self.count_label.setText(f"共 {result.total if result else 0} 条，第 {page + 1} / {pages} 页")
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page + 1 < pages)

    def _show_detail(self, *_args) -> None:
        row = selected_row(self.table)
        self.detail.setPlainText(detail_text(self.model.row(row)) if row is not None else "")

    def check_chain(self) -> None:
        with self._ctx.session() as s:
            check = audit_log.check_chain(s)
        self.chain_label.setStyleSheet(OK_STYLE if check.ok else ERROR_STYLE)
        self.chain_label.setText(check.message)
        self.chain_label.show()


def _refill(combo: QComboBox, items: list[tuple[str, str | None]]) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)
    combo.blockSignals(False)
