"""新增/编辑社工点: name, host facility, address, liaison, and the villages it covers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from ...domain.coverage import POINT_VILLAGE_GUIDE
from ...domain.labels import FacilityType
from ...services import station
from ...services.station import ServicePointInput, ServicePointRow, VillageRow
from ..context import AppContext
from ..forms import FormErrors, save_and_accept
from ..widgets import (
    KEY_ROLE,
    NOTE_GREY,
    NOTE_STYLE,
    WARN_STYLE,
    check_item,
    checked_keys,
    dialog_buttons,
    list_items,
    note,
    set_checked,
)

NAME_ROLE = KEY_ROLE + 1


class PointDialog(QDialog):
    """Saves in one transaction on 保存; a rule not met is shown at its field and nothing is saved."""

    def __init__(self, ctx: AppContext, villages: list[VillageRow], points: list[ServicePointRow],
                 point: ServicePointRow | None = None, parent=None):
        super().__init__(parent)
        self._ctx, self._point = ctx, point
        self.saved_id: int | None = None
        self.setWindowTitle("编辑社工点" if point else "新增社工点")
        self.resize(600, 640)
        self._build_fields()
        self._build_villages(villages, points)
        self._build_layout()
        if point:
            self._fill(point)
        self._update_count()

    def _build_fields(self) -> None:
        self.name_edit = QLineEdit(placeholderText="例如：东湖社区社工点")
        self.name_edit.setMaxLength(40)
        self.facility_combo = QComboBox()
        for kind in FacilityType:
            self.facility_combo.addItem(kind.label, kind)
        self.address_edit = QLineEdit()
        self.liaison_edit = QLineEdit(placeholderText="负责本点的社工姓名")
        self.phone_edit = QLineEdit(placeholderText="手机或座机，例如 13800138000")

    def _build_villages(self, villages: list[VillageRow], points: list[ServicePointRow]) -> None:
        self.filter_edit = QLineEdit(placeholderText="输入村(居)名称中的字筛选")
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.village_list = QListWidget()
        others = {code: p.name for p in points if not self._point or p.id != self._point.id
                  for code in p.village_codes}
        for village in villages:
            self.village_list.addItem(_village_item(village, others.get(village.code)))
        self.village_list.itemChanged.connect(self._update_count)
        self.count_label = note()

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for label, widget in (("社工点名称：", self.name_edit), ("依托场所类型：", self.facility_combo),
                              ("地址：", self.address_edit), ("联络人：", self.liaison_edit),
                              ("联络人电话：", self.phone_edit), ("覆盖村(居)：", self.filter_edit)):
            form.addRow(label, widget)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "社工点名称": self.name_edit, "地址": self.address_edit, "联络人": self.liaison_edit,
            "联络人电话": self.phone_edit, "覆盖村(居)": self.village_list})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.village_list, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _fill(self, point: ServicePointRow) -> None:
        self.name_edit.setText(point.name)
        self.facility_combo.setCurrentIndex(self.facility_combo.findData(point.facility_type))
        self.address_edit.setText(point.address)
        self.liaison_edit.setText(point.liaison_name)
        self.phone_edit.setText(point.liaison_phone)
        self.set_checked(point.village_codes)

    def set_checked(self, codes) -> None:
        set_checked(self.village_list, codes)

    def checked_codes(self) -> tuple[str, ...]:
        return checked_keys(self.village_list)

    def _items(self) -> list[QListWidgetItem]:
        return list_items(self.village_list)

    def _apply_filter(self, text: str) -> None:
        text = text.strip()
        for item in self._items():
            item.setHidden(bool(text) and text not in item.data(NAME_ROLE))

    def _update_count(self, *_args) -> None:
        count = len(self.checked_codes())
        text = f"已选 {count} 个村(居)。"
        if count > POINT_VILLAGE_GUIDE:
            text += f"超过 {POINT_VILLAGE_GUIDE} 个也可以保存，覆盖情况中会列出作为提示。"
        self.count_label.setText(text)
        self.count_label.setStyleSheet(WARN_STYLE if count > POINT_VILLAGE_GUIDE else NOTE_STYLE)

    def input(self) -> ServicePointInput:
        return ServicePointInput(self.name_edit.text(), FacilityType(self.facility_combo.currentData()),
                                 self.address_edit.text(), self.liaison_edit.text(), self.phone_edit.text(),
                                 self.checked_codes())

    def save(self) -> None:
        point_id = self._point.id if self._point else None
        save_and_accept(self, self._ctx, self.errors,
                        lambda s: station.save_service_point(s, self.input(), point_id))


def _village_item(village: VillageRow, other_point: str | None) -> QListWidgetItem:
    text = village.name + (f"　（已由“{other_point}”覆盖）" if other_point else "")
    item = check_item(text, village.code)
    item.setData(NAME_ROLE, village.name)
    if other_point:
        item.setForeground(QBrush(QColor(NOTE_GREY)))
    return item
