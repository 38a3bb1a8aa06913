"""Where the month's report goes: a folder (a USB stick, typically), as a folder or one zip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ..forms import FormErrors
from ..output import REPORTS, ask_folder
from ..widgets import dialog_buttons


class ExportDialog(QDialog):
    def __init__(self, month_text: str, package_hint: str, reported: bool, errors: int, template_text: str,
                 parent: QWidget | None = None, folder: str = ""):
        super().__init__(parent)
        self.setWindowTitle(f"导出报送 — {month_text}")
        self.setMinimumWidth(560)
        self.folder = QLineEdit(folder)
        self.folder.setPlaceholderText("选择U盘或其他文件夹")
        browse = QPushButton("选择…")
        browse.clicked.connect(self._browse)
        place = QHBoxLayout()
        place.addWidget(self.folder, 1)
        place.addWidget(browse)
        self.as_folder, self.as_zip = QRadioButton("文件夹（工作簿、PDF、清单三个文件）"), QRadioButton("一个 zip 压缩包")
        self.as_folder.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.as_folder)
        group.addButton(self.as_zip)
        self.reason = QLineEdit()
        self.reason.setMaxLength(150)
        self.reason.setPlaceholderText("例如：补录遗漏的走访记录后重新报送")
        form = QFormLayout()
        form.addRow("报表月份：", QLabel(month_text))
        form.addRow("名称：", QLabel(package_hint))
        form.addRow("保存位置：", place)
        form.addRow("保存方式：", self.as_folder)
        form.addRow("", self.as_zip)
        form.addRow("县级报表模板：", QLabel(template_text))
        if reported:
            form.addRow("重新报送原因：", self.reason)
        self._reported = reported
        notes = [f"导出后，{month_text}标为“已报送”；此后修改该月的记录需要管理员填写原因。"]
        if reported:
            notes = [f"{month_text}已报送过。本次导出为新的一版，工作簿和 PDF 中会列出与上一版相比变化的数字。"]
        if errors:
            notes.append(f"注意：检查发现 {errors} 项须更正的问题尚未处理。")
        note = QLabel("\n".join(notes))
        note.setWordWrap(True)
        error = QLabel()
        self.errors = FormErrors(error, {"保存位置": self.folder, "重新报送原因": self.reason})
        buttons, ok = dialog_buttons(self, "导出")
        ok.clicked.connect(self._accept)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(error)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        chosen = ask_folder(self, "选择保存位置", REPORTS, self.folder.text())
        if chosen is not None:
            self.folder.setText(str(chosen))

    def _accept(self) -> None:
        try:
            self.validate()
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()

    def validate(self) -> None:
        folder = self.folder.text().strip()
        if not folder or not Path(folder).is_dir():
            raise UserError("请选择一个存在的文件夹作为保存位置（例如U盘）。", field="保存位置")
        if self._reported and len(self.reason.text().strip()) < 4:
            raise UserError("该月已报送过，重新导出需要填写原因（至少 4 个字）。", field="重新报送原因")

    @property
    def values(self) -> tuple[Path, bool, str]:
        """(folder, as zip, reason)."""
        return Path(self.folder.text().strip()), self.as_zip.isChecked(), self.reason.text().strip()
