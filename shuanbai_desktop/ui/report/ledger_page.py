"""台账: pick a register and a date range, export it as xlsx (masked numbers unless the administrator asks)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.permissions import Permission
from ...services.report import ledgers
from .. import messages
from ..context import AppContext
from ..output import LEDGERS, save_path, show_saved
from ..widgets import date_edit, date_value
from .worker import Job, ProgressLine, show_failure


class LedgerPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.job = Job(self)
        self.list = QListWidget()
        for ledger in ledgers.available():
            item = QListWidgetItem(ledger.title)
            item.setData(Qt.ItemDataRole.UserRole, ledger.key)
            self.list.addItem(item)
        self.list.setMaximumWidth(220)
        self.list.setSpacing(3)
        today = date.today()
        self.date_from, self.date_to = date_edit(date(today.year, 1, 1)), date_edit(today)
        self.rule, self.columns = QLabel(), QLabel()
        self.rule.setWordWrap(True)
        self.columns.setWordWrap(True)
        for edit in (self.date_from, self.date_to):
            edit.setFixedWidth(150)
        self.full = QCheckBox("含完整身份证号和电话（报送上级确需时才选；此操作记入操作日志）")
        self.full.setVisible(ctx.can(Permission.LEDGER_EXPORT_FULL))
        self.export_button = QPushButton("导出台账…")
        self.progress = ProgressLine()
        self._build()
        self.list.currentRowChanged.connect(self._selected)
        self.export_button.clicked.connect(self.export)
        self.job.progressed.connect(lambda n, _t: self.progress.show_progress(min(99, n), f"已写入 {self._rows_text(n)}"))
        self.job.finished.connect(self._exported)
        self.job.failed.connect(self._failed)
        self.list.setCurrentRow(0)

    def _build(self) -> None:
        form = QFormLayout()
        form.addRow("起始日期：", self.date_from)
        form.addRow("截止日期：", self.date_to)
        form.addRow("统计口径：", self.rule)
        form.addRow("包含的列：", self.columns)
        right = QVBoxLayout()
        intro = QLabel("选择台账和日期范围，导出为 Excel 工作簿。表头为中文，身份证号和电话默认脱敏。")
        intro.setWordWrap(True)
        right.addWidget(intro)
        right.addLayout(form)
        right.addWidget(self.full)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        right.addWidget(self.progress)
        right.addStretch(1)
        panel = QWidget()
        panel.setMaximumWidth(760)
        panel.setLayout(right)
        layout = QHBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(panel, 1)
        layout.addStretch(0)

    def _rows_text(self, n: int) -> str:
        return f"{n} 行…"

    @property
    def ledger(self) -> ledgers.Ledger | None:
        item = self.list.currentItem()
        return ledgers.find(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _selected(self, *_args) -> None:
        ledger = self.ledger
        if ledger is not None:
            self.rule.setText(f"{ledger.date_rule}的记录")
            self.columns.setText("、".join(c.header for c in ledger.columns))
            self.full.setEnabled(ledger.has_personal_numbers)

    def export(self, target: Path | None = None) -> None:
        ledger, first, last = self.ledger, date_value(self.date_from), date_value(self.date_to)
        if ledger is None or self.job.running:
            return
        if first > last:
            messages.error(self, "起始日期不能晚于截止日期。")
            return
        full = self.full.isChecked() and self.full.isEnabled()
        if full and not messages.confirm(self, "导出的台账将含完整身份证号和电话，请妥善保管文件、用后删除。确定导出？"):
            return
        if target is None:
            name = f"{self._ctx.station.town_code}_{ledger.title}_{first:%Y%m%d}-{last:%Y%m%d}.xlsx"
            target = save_path(self, "导出台账", name, "xlsx", LEDGERS)
            if target is None:
                return
        ctx = self._ctx

        def work(progress):
            with ctx.session() as s:
                return ledgers.export_ledger(s, ledger.key, first, last, target, full_numbers=full,
                                             progress=lambda n: progress(n, ""))
        self.export_button.setEnabled(False)
        self.progress.show_progress(0, "正在导出…")
        self.progress.bar.setRange(0, 0)  # row count not known in advance: a busy bar
        self.job.start(work)

    def _done(self) -> None:
        self.progress.bar.setRange(0, 100)
        self.progress.done()
        self.export_button.setEnabled(True)

    def _exported(self, result: ledgers.LedgerResult) -> None:
        self._done()
        messages.info(self, f"已导出{result.ledger}（{result.rows} 行）：\n{result.path}", "导出完成")
        show_saved(self, result.path)

    def _failed(self, exc: Exception) -> None:
        self._done()
        show_failure(self, exc)
