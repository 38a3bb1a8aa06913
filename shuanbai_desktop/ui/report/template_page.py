"""设置 → 县级报表模板: load the county's own form with {{占位符}}, see which placeholders exist."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services.permissions import Permission
from ...services.report import template
from ...services.report.collect import collect
from .. import messages
from ..context import AppContext
from ..output import REPORTS, ask_open, save_path, show_saved
from ..table_model import Column, RowsTableModel
from .worker import Job, ProgressLine, reading_db

KEY_COLUMNS = [Column("占位符", lambda r: r[0]), Column("项目", lambda r: r[1]), Column("单位", lambda r: r[2]),
               Column("所在表", lambda r: r[3]), Column("分组", lambda r: r[4])]
INTRO = ("县(区)民政局可下发自己的 Excel 报表格式。在表格中要填数字的单元格写上占位符，例如 {{visits.households}}"
         "（本月入户走访户次），载入后每次导出月度报表时，程序会按同样的数字填好这份表，和标准工作簿一起放进报送文件夹。"
         "表中出现本程序不认识的占位符时，会列出单元格位置，不会导出。")


def last_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


class TemplatePage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.job = Job(self)
        self.figures = None
        self.current = QLabel()
        self.current.setWordWrap(True)
        self.load_button, self.stop_button = QPushButton("载入模板…"), QPushButton("停用模板")
        self.save_button, self.list_button = QPushButton("另存模板副本…"), QPushButton("导出占位符清单…")
        for button in (self.load_button, self.stop_button):
            button.setVisible(ctx.can(Permission.REPORT_EXPORT))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("查找占位符或项目，例如 走访")
        self.keys = RowsTableModel(KEY_COLUMNS)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.keys)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 280)
        self.table.setColumnWidth(1, 240)
        self.progress = ProgressLine()
        self._build()
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.load_button.clicked.connect(lambda: self.load())
        self.stop_button.clicked.connect(self.stop)
        self.save_button.clicked.connect(self.save_copy)
        self.list_button.clicked.connect(lambda: self.export_list())
        self.job.progressed.connect(lambda p, t: self.progress.show_progress(p, t))
        self.job.finished.connect(self._keys_ready)
        self.job.failed.connect(lambda exc: (self.progress.done(), messages.error(self, getattr(exc, "message", str(exc)))))

    def _build(self) -> None:
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.load_button, self.stop_button, self.save_button, self.list_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.current)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("可用的占位符（按上月的数据列出；各村(居)、各事项的行随本站数据而定）："))
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)

    def refresh(self) -> None:
        with self._ctx.session() as s:
            info = template.active_info(s)
        if info:
            self.current.setText(f"当前模板：{info.file_name}（{info.placeholders} 个占位符，{info.loaded_at:%Y-%m-%d %H:%M} "
                                 f"由 {info.loaded_by} 载入）")
        else:
            self.current.setText("当前没有载入县级报表模板：导出时只生成标准格式的工作簿和 PDF。")
        self.stop_button.setEnabled(info is not None)
        self.save_button.setEnabled(info is not None)
        if self.figures is None and not self.job.running:
            today = date.today()
            year, month = last_month(today)
            db = reading_db(self._ctx)

            def work(progress):
                with db.session() as s:
                    return collect(s, year, month, progress, today)
            self.job.start(work)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def _keys_ready(self, figures) -> None:
        self.progress.done()
        self.figures = figures
        self.keys.set_rows(template.placeholder_rows(figures))

    def load(self, path: Path | None = None) -> None:
        if self.figures is None:
            messages.error(self, "正在准备占位符清单，请稍候再载入。")
            return
        if path is None:
            path = ask_open(self, "选择县级报表模板", "Excel 工作簿 (*.xlsx)", REPORTS)
            if path is None:
                return
        try:
            with self._ctx.session() as s:
                info = template.load(s, path, self.figures)
        except UserError as exc:
            messages.error(self, exc.message)
            return
        self.refresh()
        messages.info(self, f"已载入“{info.file_name}”，共 {info.placeholders} 个占位符。以后导出月度报表时会一并填好这份表。")

    def stop(self) -> None:
        if not messages.confirm(self, "停用后导出只生成标准格式。模板仍保存在数据库中，可随时重新载入。确定停用？"):
            return
        with self._ctx.session() as s:
            template.deactivate(s)
        self.refresh()

    def save_copy(self) -> None:
        with self._ctx.session() as s:
            found = template.content_of(s)
        if found is None:
            return
        name, content = found
        chosen = save_path(self, "另存模板副本", name, "xlsx", REPORTS)
        if chosen is not None:
            chosen.write_bytes(content)
            show_saved(self, chosen)

    def export_list(self, target: Path | None = None) -> Path | None:
        if self.figures is None:
            return None
        if target is None:
            target = save_path(self, "导出占位符清单", "月度报表占位符清单.xlsx", "xlsx")
            if target is None:
                return None
        return template.export_placeholders(self.figures, target)
