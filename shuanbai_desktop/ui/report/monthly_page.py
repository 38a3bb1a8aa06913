"""月度报表: pick the month, preview the figures and the checks, export, see the versions sent."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...data.month_lock import month_text
from ...exports.pdf_fonts import register_fonts
from ...services.permissions import Permission
from ...services.report import package, template, versions
from ...services.report.collect import collect, run_checks
from .. import messages
from ..context import AppContext
from ..table_model import RowsTableModel
from ..widgets import AMBER, GREEN
from .export_dialog import ExportDialog
from .links import open_record
from .preview_widgets import HISTORY_COLUMNS, ChecksTree, PreviewTree, changes_text
from .worker import Job, ProgressLine, reading_db, show_failure

MONTHS_BACK = 36


def recent_months(today: date) -> list[tuple[int, int]]:
    """This month and the 36 before it, newest first."""
    year, month, out = today.year, today.month, []
    for _ in range(MONTHS_BACK + 1):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


class MonthlyPage(QWidget):
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.job = Job(self)
        self.job.progressed.connect(lambda p, t: self.progress.show_progress(p, t))
        self.job.failed.connect(self._failed)
        self.figures, self.checks_found, self._on_done, self._pending = None, [], None, False
        self.job.finished.connect(lambda result: self._on_done(result))
        self.month = QComboBox()
        self.month.setMinimumWidth(170)
        self.preview_button, self.export_button = QPushButton("生成预览"), QPushButton("导出报送…")
        self.status = QLabel()
        self.status.setStyleSheet("font-weight: bold;")
        self.left_out = QLabel()
        self.left_out.setWordWrap(True)
        self.preview, self.checks = PreviewTree(), ChecksTree()
        self.history = RowsTableModel(HISTORY_COLUMNS)
        self.history_view = QTableView()
        self.changes_button = QPushButton("查看变化…")
        self.progress = ProgressLine()
        self._build()
        self._fill_months()
        self.month.currentIndexChanged.connect(lambda *_: self.refresh())
        self.preview_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.export_button.setVisible(ctx.can(Permission.REPORT_EXPORT))
        self.checks.open_record.connect(self._open)
        self.changes_button.clicked.connect(self.show_changes)

    def _build(self) -> None:
        top = QHBoxLayout()
        for widget in (QLabel("报表月份："), self.month, self.preview_button, self.export_button):
            top.addWidget(widget)
        top.addSpacing(16)
        top.addWidget(self.status, 1)
        checks_box = QGroupBox("导出前检查（双击记录可打开修改）")
        QVBoxLayout(checks_box).addWidget(self.checks)
        preview_box = QGroupBox("报表预览（与导出的工作簿相同）")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.preview)
        preview_layout.addWidget(self.left_out)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(preview_box)
        split.addWidget(checks_box)
        split.setSizes([560, 440])
        history_box = QGroupBox("报送记录")
        history_layout = QHBoxLayout(history_box)
        self.history_view.setModel(self.history)
        self.history_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.history_view.verticalHeader().hide()
        self.history_view.horizontalHeader().setStretchLastSection(True)
        self.history_view.setMaximumHeight(112)
        for column, width in enumerate((64, 130, 90, 320, 72)):
            self.history_view.setColumnWidth(column, width)
        history_layout.addWidget(self.history_view, 1)
        history_layout.addWidget(self.changes_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(history_box)
        layout.addWidget(self.progress)

    # --- months and status -----------------------------------------------------------
    def _fill_months(self) -> None:
        with self._ctx.session() as s:
            locked = set(versions.locked_months(s))
        today = date.today()
        current = self.month.currentData()
        self.month.blockSignals(True)
        self.month.clear()
        for y, m in recent_months(today):
            key = f"{y:04d}-{m:02d}"
            mark = "（已报送）" if key in locked else "（本月，未结束）" if (y, m) == (today.year, today.month) else ""
            self.month.addItem(f"{y}年{m}月{mark}", key)
        self.month.setCurrentIndex(self.month.findData(current) if current else 1)
        self.month.blockSignals(False)

    @property
    def selected(self) -> tuple[int, int] | None:
        key = self.month.currentData()
        return (int(key[:4]), int(key[5:])) if key else None

    def _show_status(self) -> None:
        y, m = self.selected
        key = f"{y:04d}-{m:02d}"
        with self._ctx.session() as s:
            st = versions.status(s, key)
            self.history.set_rows(versions.history(s, key))
        self.status.setText(f"{month_text(key)}：{st.text}")
        self.status.setStyleSheet(f"font-weight: bold; color: {GREEN if st.locked else AMBER};")
        self.changes_button.setEnabled(bool(self.history.rows))

    # --- preview -----------------------------------------------------------------------
    def refresh(self) -> None:
        if self.job.running:
            self._pending = True  # the month changed while counting: count again when done
            return
        if self.selected is None:
            return
        self._show_status()
        y, m = self.selected
        db, today = reading_db(self._ctx), date.today()

        def work(progress):
            with db.session() as s:
                figures = collect(s, y, m, progress, today)
                progress(90, "正在检查记录")
                checks = run_checks(s, y, m, today)
            register_fonts()  # loaded once, here in the background, so that the export is quicker
            return figures, checks
        self._run(work, self._previewed)

    def _previewed(self, result) -> None:
        self.figures, self.checks_found = result
        self.preview.show_sheets(self.figures.sheets)
        self.checks.show_checks(self.checks_found)
        left = self.figures.left_out
        self.left_out.setText(f"本程序尚未包含：{'、'.join(left)}，这些内容不列入报表（不是 0）。" if left else "")
        self.left_out.setVisible(bool(left))

    def _run(self, work, done) -> None:
        self._on_done = lambda result: self._finish(result, done)
        self.preview_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.progress.show_progress(0, "正在统计…")
        self.job.start(work)

    def _finish(self, result, done) -> None:
        self.progress.done()
        self.preview_button.setEnabled(True)
        self.export_button.setEnabled(True)
        done(result)
        if self._pending:
            self._pending = False
            self.refresh()

    def _failed(self, exc: Exception) -> None:
        self._finish(None, lambda _r: None)
        show_failure(self, exc, "所选位置", "请检查U盘是否已插好、是否写保护，或换一个位置。")

    def _open(self, ref) -> None:
        how = open_record(self._ctx, self, ref, self.navigate_requested.emit)
        if how == "dialog":
            self.refresh()

    # --- export ------------------------------------------------------------------------
    def export(self) -> None:
        y, m = self.selected
        key = f"{y:04d}-{m:02d}"
        with self._ctx.session() as s:
            st, info = versions.status(s, key), template.active_info(s)
        town = self._ctx.station.town_code
        errors = sum(c.level == "error" for c in self.checks_found) if self.figures else 0
        tpl = f"{info.file_name}（{info.placeholders} 个占位符）" if info else "未载入（只导出标准格式）"
        dialog = ExportDialog(month_text(key), package.package_name(town, key, st.versions + 1), st.locked, errors,
                              tpl, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        folder, as_zip, reason = dialog.values
        ctx = self._ctx

        def work(progress):
            with ctx.session() as s:
                return package.export_month(s, y, m, folder, as_zip=as_zip, reason=reason, progress=progress)
        self._run(work, self._exported)

    def _exported(self, result: package.ExportResult) -> None:
        self._fill_months()
        self._show_status()
        extra = f"\n与上一版相比有 {len(result.changes)} 个数字变化。" if result.version > 1 else ""
        messages.info(self, f"已导出{month_text(result.month)}月度报表第 {result.version} 版：\n{result.package}{extra}\n"
                            f"该月已标为“已报送”。请将工作簿、PDF 和清单一并报送县(区)民政局。", "导出完成")

    def show_changes(self) -> None:
        rows = self.history.rows
        index = self.history_view.currentIndex()
        info = rows[index.row()] if index.isValid() else rows[0]
        dialog = QDialog(self)
        dialog.setWindowTitle(f"{info.month_text} 第 {info.version} 版的变化")
        dialog.resize(560, 420)
        text = QPlainTextEdit(changes_text(info))
        text.setReadOnly(True)
        QVBoxLayout(dialog).addWidget(text)
        dialog.exec()
