"""资产登记: the register with filters, the selected asset's history, events, labels and the ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.asset_rules import AssetCategory, AssetStatus, EventKind
from ...exports import assets_xlsx
from ...services.assets import events, register
from ...services.assets.common import active_places
from ...services.assets.register import OWNER_TYPE, AssetFilter, AssetRow
from ...services.permissions import Permission
from .. import messages
from ..attachments_dialog import AttachmentsDialog
from ..context import AppContext
from ..settings.widgets import button_row, fit_columns, make_table, note
from ..table_model import Column, RowsTableModel
from .asset_dialog import AssetDialog
from .common import AMBER, GREY, data_as, export_xlsx, money, run
from .event_dialog import EventDialog
from .labels_dialog import LabelsDialog

COLUMNS = (
    Column("资产编号", lambda a: a.code), Column("名称", lambda a: a.name), Column("类别", lambda a: a.category.label),
    Column("规格型号", lambda a: a.model_spec), Column("数量", lambda a: a.quantity_text, align_right=True),
    Column("原值（元）", lambda a: money(a.value), align_right=True), Column("存放地点", lambda a: a.place),
    Column("保管人", lambda a: a.custodian_name), Column("领用人", lambda a: a.holder_name),
    Column("状态", lambda a: a.status.label), Column("购置日期", lambda a: f"{a.purchase_date:%Y-%m-%d}"),
)
HISTORY = (Column("日期", lambda e: f"{e.on_date:%Y-%m-%d}"), Column("变动", lambda e: e.kind.label),
           Column("内容", lambda e: e.summary), Column("经办", lambda e: e.created_by))


def _color(a: AssetRow) -> str | None:
    return {AssetStatus.SCRAPPED: GREY, AssetStatus.REPAIR: AMBER}.get(a.status)


class RegisterPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx, self._edit = ctx, ctx.can(Permission.ASSET_EDIT)
        self._dispose = ctx.can(Permission.ASSET_DISPOSE)  # disposal and deleting a mistaken entry
        self.dialog = None
        self.model = RowsTableModel(COLUMNS, row_color=_color)
        self.table = make_table(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # labels for several
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda *_: self.edit_asset() if self._edit else None)
        self.history_model = RowsTableModel(HISTORY)
        self.history_table = make_table(self.history_model)
        self.summary = QLabel()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self._history_box())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        layout.addLayout(self._buttons())
        layout.addWidget(splitter, 1)
        self.refresh()

    # --- layout ------------------------------------------------------------------------------
    def _filters(self) -> QHBoxLayout:
        self.search_edit = QLineEdit(placeholderText="搜索编号、名称、型号、保管人或领用人")
        self.search_edit.textChanged.connect(self.refresh)
        self.category_filter, self.place_filter, self.status_filter = QComboBox(), QComboBox(), QComboBox()
        self.category_filter.addItem("全部类别", None)
        for category in AssetCategory:
            self.category_filter.addItem(category.label, category)
        self.status_filter.addItem("全部（不含报废）", "live")
        self.status_filter.addItem("全部（含报废）", "all")
        for status in AssetStatus:
            self.status_filter.addItem(status.label, status)
        for combo in (self.category_filter, self.place_filter, self.status_filter):
            combo.currentIndexChanged.connect(self.refresh)
        row = QHBoxLayout()
        row.addWidget(self.search_edit, 2)
        for combo in (self.category_filter, self.place_filter, self.status_filter):
            row.addWidget(combo)
        row.addWidget(self.summary, 1, Qt.AlignmentFlag.AlignRight)
        return row

    def _buttons(self) -> QHBoxLayout:
        self.add_button, self.edit_button = QPushButton("登记资产…"), QPushButton("修改…")
        self.issue_button, self.move_button = QPushButton("领用…"), QPushButton("调拨…")
        self.repair_button, self.dispose_button = QPushButton("送修…"), QPushButton("报废…")
        self.files_button, self.delete_button = QPushButton("附件…"), QPushButton("删除")
        self.labels_button, self.ledger_button = QPushButton("打印标签…"), QPushButton("导出台账…")
        actions = ((self.add_button, self.add_asset), (self.edit_button, self.edit_asset),
                   (self.issue_button, self.issue_or_return), (self.move_button, lambda: self.record(EventKind.MOVE)),
                   (self.repair_button, self.repair), (self.dispose_button, lambda: self.record(EventKind.DISPOSE)),
                   (self.files_button, self.show_files), (self.delete_button, self.delete_asset),
                   (self.labels_button, self.print_labels), (self.ledger_button, self.export_ledger))
        for button, slot in actions:
            button.clicked.connect(lambda *_, s=slot: s())
        editing = (self.add_button, self.edit_button, self.issue_button, self.move_button, self.repair_button)
        for button in editing:
            button.setVisible(self._edit)
        self.dispose_button.setVisible(self._dispose)
        self.delete_button.setVisible(self._dispose)
        row = button_row(*editing, self.dispose_button, self.files_button, self.delete_button)
        row.addWidget(self.labels_button)
        row.addWidget(self.ledger_button)
        return row

    def _history_box(self) -> QGroupBox:
        box = QGroupBox("变动记录")
        self.history_note = note("选中一项资产，这里显示它的登记、领用、调拨、维修、盘点和报废记录。")
        inner = QVBoxLayout(box)
        inner.addWidget(self.history_note)
        inner.addWidget(self.history_table)
        return box

    # --- data --------------------------------------------------------------------------------
    def _filter(self) -> AssetFilter:
        status = self.status_filter.currentData()
        return AssetFilter(self.search_edit.text(), data_as(self.category_filter, AssetCategory),
                           self.place_filter.currentData(),
                           None if status in ("live", "all") else AssetStatus(status), include_scrapped=status != "live")

    def _fill_places(self, places: list[tuple[int | None, str]]) -> None:
        current = self.place_filter.currentText()
        self.place_filter.blockSignals(True)
        self.place_filter.clear()
        self.place_filter.addItem("全部地点", "all")
        for point_id, name in places:
            self.place_filter.addItem(name, point_id)
        self.place_filter.setCurrentIndex(max(0, self.place_filter.findText(current)))
        self.place_filter.blockSignals(False)

    def refresh(self, *_args) -> None:
        chosen = self.selected_asset()
        with self._ctx.session() as s:
            self._fill_places(active_places(s))
            rows = register.list_assets(s, self._filter())
        self.model.set_rows(rows)
        count, value = register.totals(rows)
        self.summary.setText(f"共 {len(rows)} 项（在账 {count} 项，原值 {money(value)} 元）")
        fit_columns(self.table, 190)
        if chosen:
            self.select(chosen.id)
        self._selection_changed()

    def select(self, asset_id: int) -> None:
        for row, asset in enumerate(self.model.rows):
            if asset.id == asset_id:
                self.table.selectRow(row)

    def selected_asset(self) -> AssetRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def selected_assets(self) -> list[AssetRow]:
        return [self.model.row(i.row()) for i in sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row())]

    def _selection_changed(self, *_args) -> None:
        asset = self.selected_asset()
        live = bool(asset) and asset.status is not AssetStatus.SCRAPPED
        for button in (self.edit_button, self.files_button, self.delete_button):
            button.setEnabled(asset is not None)
        for button in (self.issue_button, self.move_button, self.repair_button, self.dispose_button):
            button.setEnabled(live)
        self.issue_button.setText("归还…" if asset and asset.issued else "领用…")
        self.repair_button.setText("修复登记…" if asset and asset.status is AssetStatus.REPAIR else "送修…")
        with self._ctx.session() as s:
            history = events.history(s, asset.id) if asset else []
        self.history_model.set_rows(history)
        self.history_note.setVisible(asset is None)
        fit_columns(self.history_table, 420)

    # --- actions -----------------------------------------------------------------------------
    def _open(self, dialog, done: Callable[[], None]) -> None:
        dialog.accepted.connect(done)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def _require(self) -> AssetRow | None:
        asset = self.selected_asset()
        if asset is None:
            messages.error(self, "请先在列表中选中一项资产。", "未选择资产")
        return asset

    def add_asset(self) -> None:
        dialog = AssetDialog(self._ctx, None, self)
        self._open(dialog, lambda: (self.refresh(), self.select(dialog.saved_id)))

    def edit_asset(self) -> None:
        asset = self._require()
        if asset:
            self._open(AssetDialog(self._ctx, asset, self), self.refresh)

    def record(self, kind: EventKind) -> None:
        asset = self._require()
        if asset:
            self._open(EventDialog(self._ctx, asset, kind, self), self.refresh)

    def issue_or_return(self) -> None:
        asset = self.selected_asset()
        self.record(EventKind.RETURN if asset and asset.issued else EventKind.ISSUE)

    def repair(self) -> None:
        asset = self.selected_asset()
        self.record(EventKind.REPAIRED if asset and asset.status is AssetStatus.REPAIR else EventKind.REPAIR)

    def show_files(self) -> None:
        asset = self._require()
        if asset:
            self._open(AttachmentsDialog(self._ctx, OWNER_TYPE, asset.id, f"附件：{asset.code} {asset.name}",
                                         "可添加购置发票、验收单、实物照片等。", self._edit, self), lambda: None)

    def delete_asset(self) -> None:
        asset = self._require()
        if asset and messages.confirm(self, f"确定删除“{asset.code} {asset.name}”吗？\n只有误登记、尚无任何变动记录的资产可以删除；"
                                            "不再使用的资产请办理报废。"):
            if run(self, self._ctx, lambda s: register.delete_asset(s, asset.id)):
                self.refresh()

    def print_labels(self) -> None:
        chosen = self.selected_assets() or [a for a in self.model.rows if a.status is not AssetStatus.SCRAPPED]
        if not chosen:
            messages.error(self, "列表中没有可以打印标签的资产。")
            return
        self._open(LabelsDialog(self._ctx, chosen, self), lambda: None)

    def export_ledger(self) -> None:
        rows = self.model.rows
        today = f"{date.today():%Y-%m-%d}"
        export_xlsx(self, self._ctx, f"资产台账_{date.today():%Y%m%d}.xlsx",
                    lambda path: assets_xlsx.asset_ledger_xlsx(rows, self._ctx.station.name, today, path),
                    "asset", f"导出资产台账（{len(rows)} 项）")
