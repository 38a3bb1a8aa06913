"""打印标签: A4 label paper or a label printer; a preview of the first page, then print or save the PDF."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from ...exports import assets_pdf
from ...services.assets.register import AssetRow
from ..context import AppContext
from ..output import output_pdf
from ..widgets import button_row, note

PREVIEW_HEIGHT = 360


def preview(pdf: Path, height: int = PREVIEW_HEIGHT) -> QPixmap:
    """The first page of ``pdf`` as a picture ``height`` pixels high."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        page = document[0]
        image = page.render(scale=height / page.get_height(), rev_byteorder=True).to_pil().convert("RGB")
    finally:
        document.close()
    data = image.tobytes("raw", "RGB")
    return QPixmap.fromImage(QImage(data, image.width, image.height, image.width * 3,
                                    QImage.Format.Format_RGB888).copy())


class LabelsDialog(QDialog):
    def __init__(self, ctx: AppContext, assets: list[AssetRow], parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._assets = assets
        self.setWindowTitle("打印资产标签")
        self.choices = QButtonGroup(self)
        layouts = QVBoxLayout()
        for index, (key, layout) in enumerate(assets_pdf.LABEL_LAYOUTS.items()):
            button = QRadioButton(layout.label)
            button.setProperty("layout_key", key)
            button.setChecked(index == 0)
            self.choices.addButton(button)
            layouts.addWidget(button)
        self.choices.buttonToggled.connect(lambda *_: self.update_preview())
        self.preview_label = QLabel()
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview_label.setMinimumSize(280, PREVIEW_HEIGHT)
        self.print_button = QPushButton("打印…")
        self.save_button = QPushButton("保存 PDF…")
        close = QPushButton("关闭")
        self.print_button.clicked.connect(lambda: self.output(True))
        self.save_button.clicked.connect(lambda: self.output(False))
        close.clicked.connect(self.accept)
        side = QVBoxLayout()
        side.addWidget(QLabel(f"共 {len(assets)} 张标签（每项资产一张）。"))
        side.addLayout(layouts)
        side.addWidget(note("标签上有站名、名称、资产编号、存放地点、购置日期和资产编号的二维码。\n"
                            "打印 A4 标签纸时，请在打印对话框中选择“实际大小”（不缩放）。\n"
                            "只打印部分资产：先在列表中按住 Ctrl 选中它们，再点“打印标签”。"))
        side.addStretch(1)
        side.addLayout(button_row(self.print_button, self.save_button, close))
        row = QHBoxLayout(self)
        row.addLayout(side, 1)
        row.addWidget(self.preview_label)
        self.update_preview()

    @property
    def layout_key(self) -> str:
        return self.choices.checkedButton().property("layout_key")

    def _make(self, target: Path) -> Path:
        return assets_pdf.labels_pdf(self._assets, self._ctx.station.name, self.layout_key, target)

    def update_preview(self) -> None:
        with tempfile.TemporaryDirectory(prefix="shuanbai-") as folder:
            self.preview_label.setPixmap(preview(self._make(Path(folder) / "preview.pdf")))

    def output(self, to_printer: bool) -> None:
        output_pdf(self, self._ctx, self._make, f"资产标签_{date.today():%Y%m%d}.pdf", to_printer, "asset",
                   f"资产标签 {len(self._assets)} 张")
