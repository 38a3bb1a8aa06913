"""新增/修改档案: the 档号 is built from 类别-年度-保管期限-件号 and shown as it will be saved."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from ...domain.archive_rules import (
    MAX_ITEM,
    MAX_PAGES,
    MIN_YEAR,
    ArchiveCategory,
    Confidentiality,
    Retention,
    format_number,
)
from ...services.archives import catalogue
from ...services.archives.catalogue import ArchiveInput, ArchiveRow
from ...services.records import active_user_names
from ..context import AppContext
from ..forms import FormErrors, save_and_accept
from ..widgets import date_edit, date_value, dialog_buttons, form_label, name_combo, note
from .owner_field import OwnerField


def _combo(enum, current=None) -> QComboBox:
    combo = QComboBox()
    for member in enum:
        combo.addItem(member.label, member)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current))
    return combo


class FileDialog(QDialog):
    def __init__(self, ctx: AppContext, record: ArchiveRow | None = None, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._record = record
        self.saved_id: int | None = None
        self._item_touched = record is not None
        self.setWindowTitle(f"修改档案 {record.number}" if record else "新增档案")
        self.setMinimumWidth(820)
        with ctx.session() as s:
            cabinets, boxes = catalogue.places(s)
            people = active_user_names(s)
        self._build(cabinets, boxes, people)
        self._fill(record)
        self._classification_changed()

    def _build(self, cabinets: list[str], boxes: list[str], people: list[str]) -> None:
        self.title_edit = QLineEdit(placeholderText="例如：2024年度社工考核材料")
        self.title_edit.setMaxLength(200)
        self.category_combo = _combo(ArchiveCategory)
        self.retention_combo = _combo(Retention, Retention.Y10)
        self.year_spin = QSpinBox(minimum=MIN_YEAR, maximum=date.today().year)
        self.year_spin.setValue(date.today().year)
        self.item_spin = QSpinBox(minimum=1, maximum=MAX_ITEM)
        self.item_spin.valueChanged.connect(self._item_edited)
        self.number_label = QLabel()
        self.number_label.setStyleSheet("font-weight: bold;")
        self.ref_edit = QLineEdit(placeholderText="如 桥东社工〔2024〕5号")
        self.responsible_edit = QLineEdit()
        self.ref_edit.setMaxLength(60)
        self.responsible_edit.setMaxLength(60)
        self.responsible_edit.setText(self._ctx.station.name[:60])
        self.doc_date = date_edit()
        self.filed_date = date_edit()
        self.doc_date.dateChanged.connect(self._date_changed)
        self.no_date = QCheckBox("日期不详")
        self.no_date.toggled.connect(lambda on: self.doc_date.setEnabled(not on))
        self.secret_combo = _combo(Confidentiality, Confidentiality.INTERNAL)
        self.cabinet_combo = name_combo(cabinets, "", "如 1")
        self.box_combo = name_combo(boxes, "", "如 3")
        self.pages_spin = QSpinBox(minimum=1, maximum=MAX_PAGES)
        self.owner_field = OwnerField(self._ctx, people)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(56)
        for combo in (self.category_combo, self.retention_combo):
            combo.currentIndexChanged.connect(self._classification_changed)
        self.year_spin.valueChanged.connect(self._classification_changed)
        self._layout()

    def _layout(self) -> None:
        grid = QGridLayout()
        date_row = QHBoxLayout()
        date_row.addWidget(self.doc_date, 1)
        date_row.addWidget(self.no_date)
        cells = ((0, 0, "题名：", self.title_edit, 3), (1, 0, "类别：", self.category_combo, 1),
                 (1, 2, "文号：", self.ref_edit, 1), (2, 0, "年度：", self.year_spin, 1),
                 (2, 2, "责任者：", self.responsible_edit, 1), (3, 0, "保管期限：", self.retention_combo, 1),
                 (3, 2, "文件日期：", date_row, 1), (4, 0, "件号：", self.item_spin, 1),
                 (4, 2, "归档日期：", self.filed_date, 1), (5, 0, "档号：", self.number_label, 1),
                 (5, 2, "密级：", self.secret_combo, 1), (6, 0, "柜号：", self.cabinet_combo, 1),
                 (6, 2, "盒号：", self.box_combo, 1), (7, 0, "页数：", self.pages_spin, 1),
                 (8, 0, "所属：", self.owner_field, 3), (9, 0, "备注：", self.notes_edit, 3))
        for row, col, text, widget, span in cells:
            grid.addWidget(form_label(text), row, col)
            if isinstance(widget, QHBoxLayout):
                grid.addLayout(widget, row, col + 1, 1, span)
            else:
                grid.addWidget(widget, row, col + 1, 1, span)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "题名": self.title_edit, "年度": self.year_spin, "件号": self.item_spin, "文号": self.ref_edit,
            "责任者": self.responsible_edit, "文件日期": self.doc_date, "归档日期": self.filed_date,
            "柜号": self.cabinet_combo, "盒号": self.box_combo, "页数": self.pages_spin, "所属": self.owner_field.kind_combo,
            "备注": self.notes_edit})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(lambda: self.save())
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(note("档号按 DA/T 22 编制：类别代码-年度-保管期限（Y 永久、D30、D10）-件号，"
                              "件号在同一类别、年度和保管期限内顺序编排，自动取下一个号，也可以改。"
                              "保管期限从文件形成的次年 1 月 1 日起算。"))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _fill(self, r: ArchiveRow | None) -> None:
        if r is None:
            return
        self.title_edit.setText(r.title)
        for combo, value in ((self.category_combo, r.category), (self.retention_combo, r.retention),
                             (self.secret_combo, r.confidentiality)):
            combo.setCurrentIndex(combo.findData(value))
        self.year_spin.setValue(r.year)
        self.item_spin.setValue(r.item_no)
        self.ref_edit.setText(r.doc_ref)
        self.responsible_edit.setText(r.responsible)
        self.no_date.setChecked(r.doc_date is None)
        if r.doc_date:
            self.doc_date.setDate(r.doc_date)
        self.filed_date.setDate(r.filed_on)
        self.cabinet_combo.setCurrentText(r.cabinet)
        self.box_combo.setCurrentText(r.box)
        self.pages_spin.setValue(r.pages)
        self.notes_edit.setPlainText(r.notes)
        self.owner_field.set_owner(r.owner)

    # --- live updates ------------------------------------------------------------------------
    def _date_changed(self, *_args) -> None:
        if self.doc_date.date().year() != self.year_spin.value():
            self.year_spin.setValue(self.doc_date.date().year())

    def _item_edited(self, *_args) -> None:
        if not self._updating:
            self._item_touched = True
        self._show_number()

    _updating = False

    def _classification_changed(self, *_args) -> None:
        r = self._record
        same = r is not None and (r.category, r.year, r.retention) == self._classification()
        if not self._item_touched or (r is not None and not same):
            with self._ctx.session() as s:
                value = r.item_no if same else catalogue.next_item_no(s, *self._classification())
            self._updating = True
            self.item_spin.setValue(value)
            self._updating = False
        self._show_number()

    def _classification(self) -> tuple[ArchiveCategory, int, Retention]:
        return (ArchiveCategory(self.category_combo.currentData()), self.year_spin.value(),
                Retention(self.retention_combo.currentData()))

    def _show_number(self) -> None:
        self.number_label.setText(format_number(*self._classification(), self.item_spin.value()))

    def input(self) -> ArchiveInput:
        category, year, retention = self._classification()
        return ArchiveInput(
            title=self.title_edit.text(), category=category, year=year, retention=retention,
            pages=self.pages_spin.value(), confidentiality=Confidentiality(self.secret_combo.currentData()),
            item_no=self._item_no(), doc_ref=self.ref_edit.text(), responsible=self.responsible_edit.text(),
            doc_date=None if self.no_date.isChecked() else date_value(self.doc_date), filed_on=date_value(self.filed_date),
            cabinet=self.cabinet_combo.currentText(), box=self.box_combo.currentText(), owner=self.owner_field.owner(),
            notes=self.notes_edit.toPlainText())

    def _item_no(self) -> int | None:
        """The 件号 typed, or kept from the record; None for a new file's suggested one: the next free
        number when it is saved (a colleague may have taken the one shown meanwhile)."""
        if self._record is None and not self._item_touched:
            return None
        return self.item_spin.value()

    def save(self, today: date | None = None) -> None:
        file_id = self._record.id if self._record else None
        version = self._record.version if self._record else None
        save_and_accept(self, self._ctx, self.errors,
                        lambda s: catalogue.save_file(s, self.input(), file_id, today=today, version=version))
