"""县级汇总: the county bureau reads many stations' exports, verifies them and writes one summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...data.month_lock import month_text
from ...errors import UserError
from ...services.report import county
from ...services.report.collect import parse_month
from .. import messages
from ..forms import FormErrors
from ..output import REPORTS, ask_folder, ask_open_many, save_path
from ..table_model import Column, RowsTableModel
from ..widgets import AMBER, RED
from .worker import Job, ProgressLine, show_failure

RESULT_COLUMNS = [
    Column("文件", lambda o: o.source), Column("乡镇(街道)", lambda o: o.town), Column("月份", lambda o: month_text(o.month) if o.month else ""),
    Column("版本", lambda o: "" if o.version is None else f"第 {o.version} 版"), Column("结果", lambda o: o.result),
    Column("原因", lambda o: o.reason)]
COLORS = {"已拒收": RED, "未采用": AMBER}


class CountyMergeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("县级汇总 — 汇总各乡镇(街道)社工站的月度报表")
        self.resize(980, 620)
        self.job = Job(self)
        self.result: county.MergeResult | None = None
        self.inputs = QListWidget()
        self.inputs.setMaximumHeight(120)
        self.add_dir, self.add_zip, self.remove = QPushButton("添加文件夹…"), QPushButton("添加 zip…"), QPushButton("移除")
        self.month = QLineEdit()
        self.month.setPlaceholderText("留空：按多数报表的月份，例如 2024-05")
        self.target = QLineEdit()
        browse = QPushButton("选择…")
        self.run_button, close = QPushButton("开始汇总"), QPushButton("关闭")
        self.results = RowsTableModel(RESULT_COLUMNS, row_color=lambda o: COLORS.get(o.result))
        self.table = QTableView()
        self.table.setModel(self.results)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((240, 90, 80, 60, 60)):
            self.table.setColumnWidth(column, width)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.progress = ProgressLine()
        error = QLabel()
        self.errors = FormErrors(error, {"月份": self.month, "汇总表": self.target, "报表": self.inputs})
        self._layout(browse, close, error)
        self.add_dir.clicked.connect(self._add_dir)
        self.add_zip.clicked.connect(self._add_zip)
        self.remove.clicked.connect(lambda: [self.inputs.takeItem(self.inputs.row(i)) for i in self.inputs.selectedItems()])
        browse.clicked.connect(self._browse)
        self.run_button.clicked.connect(self.run)
        close.clicked.connect(self.reject)
        self.job.progressed.connect(lambda p, t: self.progress.show_progress(p, t))
        self.job.finished.connect(self._merged)
        self.job.failed.connect(self._failed)

    def _layout(self, browse, close, error) -> None:
        side = QVBoxLayout()
        for button in (self.add_dir, self.add_zip, self.remove):
            side.addWidget(button)
        side.addStretch(1)
        inputs = QHBoxLayout()
        inputs.addWidget(self.inputs, 1)
        inputs.addLayout(side)
        target = QHBoxLayout()
        target.addWidget(self.target, 1)
        target.addWidget(browse)
        form = QFormLayout()
        form.addRow("各站报表：", inputs)
        form.addRow("汇总月份：", self.month)
        form.addRow("汇总表保存为：", target)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        intro = QLabel("添加各站导出的报表文件夹或 zip（也可以添加存放它们的整个文件夹，如U盘）。"
                       "每份报表都会核对清单和 SHA-256 校验值，被改动或格式版本不符的会被拒收并注明原因。")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        for item in (intro, form, error, buttons, self.progress, self.summary):
            layout.addLayout(item) if isinstance(item, QHBoxLayout | QFormLayout) else layout.addWidget(item)
        layout.addWidget(self.table, 1)

    def add_paths(self, paths) -> None:
        known = {self.inputs.item(i).text() for i in range(self.inputs.count())}
        for path in map(str, paths):
            if path not in known:
                self.inputs.addItem(path)

    def _add_dir(self) -> None:
        chosen = ask_folder(self, "选择报表文件夹", REPORTS)
        if chosen is not None:
            self.add_paths([str(chosen)])

    def _add_zip(self) -> None:
        chosen = ask_open_many(self, "选择报表压缩包", "zip 压缩包 (*.zip)", REPORTS)
        self.add_paths([str(path) for path in chosen])

    def _browse(self) -> None:
        chosen = save_path(self, "汇总表保存为", self.target.text() or "县级汇总.xlsx", "xlsx", REPORTS)
        if chosen is not None:
            self.target.setText(str(chosen))

    def _request(self) -> tuple[list[Path], Path, str | None]:
        paths = [Path(self.inputs.item(i).text()) for i in range(self.inputs.count())]
        if not paths:
            raise UserError("请先添加各站的报表文件夹或 zip。", field="报表")
        if not self.target.text().strip():
            raise UserError("请选择汇总表的保存位置。", field="汇总表")
        month = None
        if self.month.text().strip():
            year, m = parse_month(self.month.text())
            month = f"{year:04d}-{m:02d}"
        return paths, Path(self.target.text().strip()), month

    def run(self) -> None:
        if self.job.running:
            return
        try:
            paths, target, month = self._request()
        except UserError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        self.run_button.setEnabled(False)
        self.job.start(lambda progress: county.merge(paths, target, month, progress))

    def _merged(self, result: county.MergeResult) -> None:
        self.result = result
        self.progress.done()
        self.run_button.setEnabled(True)
        self.results.set_rows(result.outcomes)
        missing = "、".join(name for _, name in result.missing[:10]) + ("等" if len(result.missing) > 10 else "")
        self.summary.setText(f"{result.county_name}{month_text(result.month)}：已汇总 {len(result.accepted)} 个乡镇(街道)，"
                             f"拒收 {len(result.rejected)} 份；未报送 {len(result.missing)} 个"
                             + (f"（{missing}）" if missing else "") + f"。汇总表：{result.target}")

    def _failed(self, exc: Exception) -> None:
        self.progress.done()
        self.run_button.setEnabled(True)
        if isinstance(exc, county.NothingToMerge):
            self.results.set_rows(exc.outcomes)
            self.summary.setText(exc.message)
            messages.error(self, exc.message + "\n各文件的原因见列表。")
        else:
            show_failure(self, exc, "汇总表")
