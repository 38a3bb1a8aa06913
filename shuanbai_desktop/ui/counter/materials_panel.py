"""所需材料（一次性告知）: the chosen matter's full material list; tick what the resident brought."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QListWidget, QVBoxLayout

from ...services.window.catalogue import MatterType
from ..widgets import check_item, note

HINT = "勾选已收到的材料（↑↓ 选择，空格勾选）。未勾选的在告知单上标为“请携带”。"


class MaterialsPanel(QGroupBox):
    def __init__(self, parent=None):
        super().__init__("所需材料（一次性告知）", parent)
        self.summary = QLabel("请先选择事项。")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setMinimumHeight(120)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.guidance = note()
        self.hint = note(HINT)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.list, self.hint, self.guidance):
            layout.addWidget(widget)
        layout.setStretch(1, 1)

    def show_matter(self, matter: MatterType | None) -> None:
        self.list.clear()
        if matter is None:
            self.summary.setText("请先选择事项。")
            self.guidance.clear()
            self.list.hide()
            self.hint.hide()
            return
        for material in matter.materials:
            self.list.addItem(check_item(material))
        count = f"共 {len(matter.materials)} 项" if matter.materials else "本事项无需提交材料"
        self.summary.setText(f"{matter.name}：{count}，办理时限 {matter.limit_text}。")
        self.guidance.setText(f"办理说明：{matter.guidance}" if matter.guidance else "")
        self.hint.setVisible(bool(matter.materials))
        self.list.setVisible(bool(matter.materials))
        if matter.materials:  # the first row current but not highlighted: only the focus frame says where the keys are
            self.list.setCurrentRow(0, QItemSelectionModel.SelectionFlag.NoUpdate)

    def received(self) -> tuple[str, ...]:
        return tuple(self.list.item(i).text() for i in range(self.list.count())
                     if self.list.item(i).checkState() == Qt.CheckState.Checked)

    def set_received(self, names: tuple[str, ...]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked)
