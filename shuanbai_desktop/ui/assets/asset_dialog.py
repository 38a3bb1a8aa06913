"""登记资产 / 修改资产: one form; the place and status of an existing asset change only through events."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from ...domain.asset_rules import MAX_QUANTITY, AssetCategory, AssetStatus, RequiredItem
from ...services.assets import register
from ...services.assets.common import active_places
from ...services.assets.register import AssetInput, AssetRow
from ..context import AppContext
from ..forms import FormErrors, save_and_accept
from ..widgets import data_as, date_edit, date_value, dialog_buttons, form_label, money, name_combo, note


class AssetDialog(QDialog):
    """Saves in one transaction on 保存; a rule not met is shown at its field and nothing is saved."""

    def __init__(self, ctx: AppContext, asset: AssetRow | None = None, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._asset = asset
        self.saved_id: int | None = None
        self.setWindowTitle(f"修改资产 {asset.code}" if asset else "登记资产")
        self.setMinimumWidth(760)
        with ctx.session() as s:
            self._places = active_places(s)
            people, funding = register.people_names(s), register.funding_sources(s)
        self._build(people, funding)
        self._fill(asset)
        self._category_changed()

    def _build(self, people: list[str], funding: list[str]) -> None:
        self.name_edit = QLineEdit(placeholderText="例如：笔记本电脑、社工站牌匾")
        self.name_edit.setMaxLength(60)
        self.category_combo = QComboBox()
        for category in AssetCategory:
            self.category_combo.addItem(category.label, category)
        self.category_combo.currentIndexChanged.connect(self._category_changed)
        self.required_combo = QComboBox()
        self.model_edit = QLineEdit(placeholderText="品牌、型号或尺寸")
        self.model_edit.setMaxLength(80)
        self.quantity_spin = QSpinBox(minimum=1, maximum=MAX_QUANTITY)
        self.unit_edit = QLineEdit()
        self.unit_edit.setMaxLength(10)
        self.unit_edit.setFixedWidth(60)
        self.date_edit = date_edit()
        self.value_edit = QLineEdit(placeholderText="本行物品合计，例如 4599.00；配发或捐赠填 0")
        self.code_edit = QLineEdit(placeholderText="留空则自动编号，如 SB-2024-001")
        self.code_edit.setMaxLength(30)
        self.funding_combo = name_combo(funding, placeholder="选择或输入经费来源")
        self.place_combo = QComboBox()
        for point_id, name in self._places:
            self.place_combo.addItem(name, point_id)
        self.custodian_combo = name_combo(people)
        self.status_combo = QComboBox()
        for status in (AssetStatus.IN_USE, AssetStatus.IDLE):
            self.status_combo.addItem(status.label, status)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setFixedHeight(52)
        self._layout()

    def _layout(self) -> None:
        grid = QGridLayout()
        quantity = QGridLayout()
        quantity.addWidget(self.quantity_spin, 0, 0)
        quantity.addWidget(self.unit_edit, 0, 1)
        left = (("名称：", self.name_edit), ("类别：", self.category_combo), ("规定配置：", self.required_combo),
                ("规格型号：", self.model_edit), ("数量：", quantity), ("购置日期：", self.date_edit),
                ("原值（元）：", self.value_edit))
        right = (("资产编号：", self.code_edit), ("经费来源：", self.funding_combo), ("存放地点：", self.place_combo),
                 ("保管人：", self.custodian_combo), ("状态：", self.status_combo))
        for column, rows in ((0, left), (2, right)):
            for row, (text, widget) in enumerate(rows):
                grid.addWidget(form_label(text), row, column)
                (grid.addLayout if isinstance(widget, QGridLayout) else grid.addWidget)(widget, row, column + 1)
        grid.addWidget(form_label("备注："), len(left), 0)
        grid.addWidget(self.notes_edit, len(left), 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "名称": self.name_edit, "规定配置": self.required_combo, "规格型号": self.model_edit,
            "数量": self.quantity_spin, "单位": self.unit_edit, "购置日期": self.date_edit, "原值": self.value_edit,
            "资产编号": self.code_edit, "经费来源": self.funding_combo, "存放地点": self.place_combo,
            "保管人": self.custodian_combo, "状态": self.status_combo, "备注": self.notes_edit})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(lambda: self.save())
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(note("“规定配置”：这件物品是否就是“双百工程”要求的牌匾、电脑或打印机；选上后，配置检查和工作台据此判断各地点是否配齐。"
                              "存放地点和状态登记后只能通过调拨、领用、送修、报废等办理变更，以便留下记录。"))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _fill(self, asset: AssetRow | None) -> None:
        if asset is None:
            self.unit_edit.setPlaceholderText("台")
            return
        self.name_edit.setText(asset.name)
        self.category_combo.setCurrentIndex(self.category_combo.findData(asset.category))
        self._category_changed()
        self.required_combo.setCurrentIndex(max(0, self.required_combo.findData(asset.required_item)))
        self.model_edit.setText(asset.model_spec)
        self.quantity_spin.setValue(asset.quantity)
        self.unit_edit.setText(asset.unit)
        self.date_edit.setDate(asset.purchase_date)
        self.value_edit.setText(money(asset.value).replace(",", ""))
        self.code_edit.setText(asset.code)
        self.funding_combo.setCurrentText(asset.funding_source)
        self.place_combo.clear()
        self.place_combo.addItem(asset.place, asset.point_id)
        self.place_combo.setEnabled(False)
        self.custodian_combo.setCurrentText(asset.custodian_name)
        self.status_combo.clear()
        self.status_combo.addItem(asset.status.label, asset.status)
        self.status_combo.setEnabled(False)
        self.notes_edit.setPlainText(asset.notes)

    def _category_changed(self, *_args) -> None:
        category = AssetCategory(self.category_combo.currentData())
        current = data_as(self.required_combo, RequiredItem)
        self.required_combo.clear()
        self.required_combo.addItem("（不是规定配置）", None)
        for item in RequiredItem:
            if item.category is category:
                self.required_combo.addItem(item.label, item)
        self.required_combo.setCurrentIndex(max(0, self.required_combo.findData(current)))
        self.required_combo.setEnabled(self.required_combo.count() > 1)
        self.unit_edit.setPlaceholderText(category.default_unit)

    def input(self) -> AssetInput:
        return AssetInput(
            name=self.name_edit.text(), category=AssetCategory(self.category_combo.currentData()),
            purchase_date=date_value(self.date_edit), value=self.value_edit.text(), code=self.code_edit.text(),
            required_item=data_as(self.required_combo, RequiredItem), model_spec=self.model_edit.text(),
            quantity=self.quantity_spin.value(), unit=self.unit_edit.text(), funding_source=self.funding_combo.currentText(),
            point_id=self.place_combo.currentData(), custodian_name=self.custodian_combo.currentText(),
            status=AssetStatus(self.status_combo.currentData()), notes=self.notes_edit.toPlainText())

    def save(self, today: date | None = None) -> None:
        asset_id = self._asset.id if self._asset else None
        save_and_accept(self, self._ctx, self.errors,
                        lambda s: register.save_asset(s, self.input(), asset_id, today=today,
                                                      version=self._asset.version if self._asset else None))
