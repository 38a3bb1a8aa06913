"""设置 → 打印纸张: A5 or A4 for the 告知单 and 转办单, office hours and where residents come back."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
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
from ...services.window import print_settings
from ...services.window.print_settings import PrintSettings
from ..context import AppContext
from ..forms import FormErrors
from ..widgets import OK_STYLE, button_row, note

INTRO = ("一次性告知单和转办单的纸张。A5（半张 A4）适合窗口常用的小票式打印；打印机只有 A4 纸时选 A4。"
         "办公时间和领取或回复地点会印在告知单上。")


class PrintSettingsPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.a5 = QRadioButton("A5（148×210 毫米）")
        self.a4 = QRadioButton("A4（210×297 毫米）")
        self.paper_group = QButtonGroup(self)
        self.paper_group.addButton(self.a5)
        self.paper_group.addButton(self.a4)
        self.hours_edit = QLineEdit()
        self.hours_edit.setMaxLength(80)
        self.place_edit = QLineEdit(placeholderText=f"不填则为：{ctx.station.name}、{ctx.station.address}")
        self.place_edit.setMaxLength(120)
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(200)
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.saved_label = note(style=OK_STYLE)
        self.saved_label.setWordWrap(False)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"纸张": self.a5, "办公时间": self.hours_edit,
                                                    "领取或回复地点": self.place_edit, "告知单备注": self.note_edit})
        papers = QHBoxLayout()
        papers.addWidget(self.a5)
        papers.addWidget(self.a4)
        papers.addStretch(1)
        form = QFormLayout()
        for label, item in (("纸张：", papers), ("办公时间：", self.hours_edit), ("领取或回复地点：", self.place_edit),
                            ("告知单备注：", self.note_edit)):
            form.addRow(label, item)
        layout = QVBoxLayout(self)
        layout.addWidget(note(INTRO))
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(button_row(self.saved_label, self.save_button, stretch_first=True))
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        with self._ctx.session() as s:
            current = print_settings.get_print_settings(s)
        (self.a5 if current.paper == "A5" else self.a4).setChecked(True)
        self.hours_edit.setText(current.office_hours)
        self.place_edit.setText(current.return_place)
        self.note_edit.setText(current.note)

    def save(self) -> None:
        self.errors.clear()
        self.saved_label.clear()
        data = PrintSettings("A5" if self.a5.isChecked() else "A4", self.hours_edit.text(), self.place_edit.text(),
                             self.note_edit.text())
        try:
            with self._ctx.session() as s:
                print_settings.save_print_settings(s, data)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.saved_label.setText("已保存，之后打印的告知单和转办单按此设置。")
