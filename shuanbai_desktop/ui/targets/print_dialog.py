"""打印户档 / 个案摘要: masked ID numbers unless the user ticks the box (that choice is audited)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QDialog, QPushButton, QVBoxLayout

from ...data import audit
from .. import printing
from ..context import AppContext
from ..settings.widgets import WARN_STYLE, button_row, note


class PrintDialog(QDialog):
    """``make_pdf(session, target, full_ids)`` writes the PDF; this dialog prints or saves it."""

    def __init__(self, ctx: AppContext, title: str, file_name: str, table: str, record_id: int,
                 make_pdf: Callable, parent=None):
        super().__init__(parent)
        self._ctx, self._title, self._file_name = ctx, title, file_name
        self._table, self._record_id, self._make_pdf = table, record_id, make_pdf
        self.last_pdf: Path | None = None
        self.setWindowTitle(f"打印 — {title}")
        self.full_box = QCheckBox("显示完整身份证号（默认遮蔽；勾选将记入操作日志）")
        self.full_box.toggled.connect(lambda on: self.warning.setVisible(on))
        self.warning = note("打印件含完整身份证号，请妥善保管，用后按规定销毁。", WARN_STYLE)
        self.warning.hide()
        self.print_button, self.save_button = QPushButton("打印…"), QPushButton("另存为 PDF…")
        cancel = QPushButton("取消")
        self.print_button.clicked.connect(lambda: self.run("print"))
        self.save_button.clicked.connect(lambda: self.run("save"))
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note(f"将生成“{title}”的 PDF，可直接打印或另存。"))
        layout.addWidget(self.full_box)
        layout.addWidget(self.warning)
        layout.addLayout(button_row(self.print_button, self.save_button, cancel, stretch_first=True))
        self.setMinimumWidth(520)
        self.adjustSize()

    def build(self) -> Path:
        full = self.full_box.isChecked()
        folder = Path(tempfile.mkdtemp(prefix="shuanbai-print-"))
        with self._ctx.session() as s:
            pdf = self._make_pdf(s, folder / self._file_name, full)
            how = "含完整身份证号" if full else "身份证号遮蔽"
            audit.record_event(s, self._table, str(self._record_id), f"打印/导出{self._title}（{how}）",
                               {"full_id_numbers": full})
        self.last_pdf = pdf
        return pdf

    def run(self, action: str) -> None:
        pdf = self.build()
        if action == "print":
            done = printing.print_pdf(self, pdf, self._title)
        else:
            done = printing.save_pdf_as(self, pdf, self._file_name) is not None
        if done:
            self.accept()
