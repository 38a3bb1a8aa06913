"""年度数据: the year's totals for the October assessment and the December evaluation (R6.3)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from ...services.report import annual
from ...services.report.layout import Sheet
from .. import messages
from ..context import AppContext
from ..output import REPORTS, save_path, show_saved
from .preview_widgets import PreviewTree
from .worker import Job, ProgressLine, reading_db, show_failure


class AnnualPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.job = Job(self)
        self.figures: annual.AnnualFigures | None = None
        self._on_done = None
        self.year = QSpinBox()
        self.year.setRange(2020, date.today().year)
        self.year.setValue(date.today().year)
        self.year.setSuffix(" 年")
        self.preview_button, self.export_button = QPushButton("生成预览"), QPushButton("导出 Excel…")
        self.note = QLabel("全年一栏：本月发生的数为各月相加，月末存量取最后一个月，比率按全年的分子、分母重新计算。")
        self.note.setWordWrap(True)
        self.period = QLabel()
        self.preview = PreviewTree()
        self.preview.setHeaderLabels(["项目", "全年", "单位"])
        self.progress = ProgressLine()
        top = QHBoxLayout()
        for widget in (QLabel("年度："), self.year, self.preview_button, self.export_button):
            top.addWidget(widget)
        top.addSpacing(16)
        top.addWidget(self.period, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.progress)
        self.preview_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(lambda: self.export())
        self.job.progressed.connect(lambda p, t: self.progress.show_progress(p, t))
        self.job.finished.connect(lambda result: self._on_done(result))
        self.job.failed.connect(self._failed)

    def _start(self, work, done) -> None:
        self._on_done = lambda result: (self._idle(), done(result))
        self.preview_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.progress.show_progress(0, "正在统计…")
        self.job.start(work)

    def _idle(self) -> None:
        self.progress.done()
        self.preview_button.setEnabled(True)
        self.export_button.setEnabled(True)

    def refresh(self) -> None:
        if self.job.running:
            return
        year, db, today = self.year.value(), reading_db(self._ctx), date.today()

        def work(progress):
            with db.session() as s:
                return annual.annual(s, year, progress, today)
        self._start(work, self._previewed)

    def _previewed(self, figures: annual.AnnualFigures) -> None:
        self.figures = figures
        sheets = figures.sheets + ((Sheet("annual", "年度考核与评估", figures.year_only),) if figures.year_only else ())
        own = {r.key: r.value for g in figures.year_only for r in g.rows}
        self.preview.show_sheets(sheets, lambda row: own[row.key] if row.key in own else figures.total.get(row.key),
                                 lambda row: row.label.replace("本月", "全年"))
        self.period.setText(f"统计期间：{figures.year}-01-01 至 {figures.until:%Y-%m-%d}")

    def export(self, target: Path | None = None) -> None:
        if self.job.running:
            return
        year = self.year.value()
        if target is None:
            name = f"{self._ctx.station.town_code}_{year}年度数据.xlsx"
            target = save_path(self, "导出年度数据", name, "xlsx", REPORTS)
            if target is None:
                return
        ctx, db, today = self._ctx, reading_db(self._ctx), date.today()

        def work(progress):
            with db.session() as s:
                figures = annual.annual(s, year, progress, today)
            progress(95, "正在写 Excel 工作簿")
            with ctx.session() as s:
                return annual.export_annual(s, year, target, figures=figures)
        self._start(work, lambda path: self._exported(year, path))

    def _exported(self, year: int, path: Path) -> None:
        messages.info(self, f"已导出 {year} 年度数据：\n{path}", "导出完成")
        show_saved(self, path)

    def _failed(self, exc: Exception) -> None:
        self._idle()
        show_failure(self, exc)
