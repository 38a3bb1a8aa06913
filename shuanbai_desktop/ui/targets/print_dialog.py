"""打印户档 / 个案摘要: ID numbers masked. Roles with PERSON_REVEAL_ID may tick “显示完整身份证号” and
give a reason: the service audits every number unmasked; the print itself is audited with that choice."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout

from ...data import audit
from ...errors import UserError
from ...services.permissions import Permission
from .. import printing
from ..context import AppContext
from ..forms import FormErrors
from ..widgets import WARN_STYLE, button_row, note


class PrintDialog(QDialog):
    """``make_pdf(session, target, reveal_reason)`` writes the PDF (full ID numbers when the reason is
    not None); this dialog prints or saves it."""

    def __init__(self, ctx: AppContext, title: str, file_name: str, table: str, record_id: int,
                 make_pdf: Callable, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._title = title
        self._file_name = file_name
        self._table = table
        self._record_id = record_id
        self._make_pdf = make_pdf
        self.last_pdf: Path | None = None
        self.setWindowTitle(f"打印 — {title}")
        self.full_box = QCheckBox("显示完整身份证号（默认遮蔽；须填写原因，记入操作日志）")
        self.full_box.setVisible(ctx.can(Permission.PERSON_REVEAL_ID))
        self.reason_edit = QLineEdit(placeholderText="查看原因，例如：报送县民政局核对材料")
        self.reason_edit.setMaxLength(150)
        self.warning = note("打印件含完整身份证号，请妥善保管，用后按规定销毁。", WARN_STYLE)
        self.full_box.toggled.connect(self._full_toggled)
        self._full_toggled(False)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"查看原因": self.reason_edit})
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("另存为 PDF…")
        cancel = QPushButton("取消")
        self.print_button.clicked.connect(lambda: self.run("print"))
        self.save_button.clicked.connect(lambda: self.run("save"))
        cancel.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note(f"将生成“{title}”的 PDF，可直接打印或另存。"))
        for widget in (self.full_box, self.reason_edit, self.warning, self.error_label):
            layout.addWidget(widget)
        layout.addLayout(button_row(self.print_button, self.save_button, cancel, stretch_first=True))
        self.setMinimumWidth(520)
        self.adjustSize()

    def _full_toggled(self, on: bool) -> None:
        self.reason_edit.setVisible(on)
        self.warning.setVisible(on)

    def build(self) -> Path:
        """Write the PDF; a missing reason or a refused role raises ``UserError`` (nothing written)."""
        full = self.full_box.isChecked()
        reason = self.reason_edit.text() if full else None
        folder = Path(tempfile.mkdtemp(prefix="shuanbai-print-"))
        try:
            with self._ctx.session() as s:
                pdf = self._make_pdf(s, folder / self._file_name, reason)
                how = "含完整身份证号" if full else "身份证号遮蔽"
                audit.record_event(s, self._table, str(self._record_id), f"打印/导出{self._title}（{how}）",
                                   {"full_id_numbers": full})
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self.last_pdf = pdf
        return pdf

    def run(self, action: str) -> None:
        self.errors.clear()
        try:
            pdf = self.build()
        except UserError as exc:
            self.errors.show(exc)
            return
        if action == "print":
            done = printing.print_pdf(self, pdf, self._title)
        else:
            done = printing.save_pdf_as(self, pdf, self._file_name) is not None
        if done:
            self.accept()
