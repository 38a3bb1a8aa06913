"""资产登记: the register with filters, the selected asset's history, events, labels and the ledger."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
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
from ..forms import run_write
from ..output import export_xlsx
from ..record_list import RecordListPage
from ..table_model import Column, RowsTableModel
from ..widgets import (
    AMBER,
    GREY,
    button_row,
    data_as,
    fit_columns,
    make_table,
    money,
    note,
    push_button,
    selected_rows,
)
from .asset_dialog import AssetDialog
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


class AssetRegisterPage(RecordListPage):
    """资产登记: the asset list (several may be chosen, for labels) and the chosen asset's history."""

    max_column_width = 190

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_color)
        self._edit = ctx.can(Permission.ASSET_EDIT)
        self._dispose = ctx.can(Permission.ASSET_DISPOSE)  # disposal and deleting a mistaken entry
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)  # labels for several
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
        self.category_filter = QComboBox()
        self.place_filter = QComboBox()
        self.status_filter = QComboBox()
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
        self.add_button = push_button("登记资产…", self.add_asset)
        self.edit_button = self.row_button("修改…", self.edit_asset)
        self.issue_button = push_button("领用…", self.issue_or_return)
        self.move_button = push_button("调拨…", self.move_asset)
        self.repair_button = push_button("送修…", self.repair)
        self.dispose_button = push_button("报废…", self.dispose_asset)
        self.files_button = self.row_button("附件…", self.show_files)
        self.delete_button = self.row_button("删除", self.delete_asset)
        self.labels_button = push_button("打印标签…", self.print_labels)
        self.ledger_button = push_button("导出台账…", self.export_ledger)
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
        with self._ctx.session() as s:
            self._fill_places(active_places(s))
            rows = register.list_assets(s, self._filter())
        self.show_rows(rows)
        count, value = register.totals(rows)
        self.summary.setText(f"共 {len(rows)} 项（在账 {count} 项，原值 {money(value)} 元）")

    def selected_assets(self) -> list[AssetRow]:
        return selected_rows(self.table)

    def open_selected(self) -> None:
        if self._edit:
            self.edit_asset()

    def update_buttons(self, asset: AssetRow | None) -> None:
        """The event buttons for a live asset, their texts by its state; the chosen asset's history below."""
        live = asset is not None and asset.status is not AssetStatus.SCRAPPED
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
    def _require(self) -> AssetRow | None:
        return self.selected_or_say("请先在列表中选中一项资产。", "未选择资产")

    def add_asset(self) -> None:
        dialog = AssetDialog(self._ctx, None, self)
        self.open_dialog(dialog, lambda: self._saved(dialog.saved_id))

    def _saved(self, asset_id: int | None) -> None:
        self.refresh()
        self.select(asset_id)

    def edit_asset(self) -> None:
        asset = self._require()
        if asset:
            self.open_dialog(AssetDialog(self._ctx, asset, self), self.refresh)

    def record(self, kind: EventKind) -> None:
        asset = self._require()
        if asset:
            self.open_dialog(EventDialog(self._ctx, asset, kind, self), self.refresh)

    def move_asset(self) -> None:
        self.record(EventKind.MOVE)

    def dispose_asset(self) -> None:
        self.record(EventKind.DISPOSE)

    def issue_or_return(self) -> None:
        asset = self.selected()
        self.record(EventKind.RETURN if asset and asset.issued else EventKind.ISSUE)

    def repair(self) -> None:
        asset = self.selected()
        self.record(EventKind.REPAIRED if asset and asset.status is AssetStatus.REPAIR else EventKind.REPAIR)

    def show_files(self) -> None:
        asset = self._require()
        if asset:
            self.open_dialog(AttachmentsDialog(self._ctx, OWNER_TYPE, asset.id, f"附件：{asset.code} {asset.name}",
                                               "可添加购置发票、验收单、实物照片等。", self._edit, self))

    def delete_asset(self) -> None:
        asset = self._require()
        if asset and messages.confirm(self, f"确定删除“{asset.code} {asset.name}”吗？\n只有误登记、尚无任何变动记录的资产可以删除；"
                                            "不再使用的资产请办理报废。"):
            if run_write(self._ctx, self, lambda s: register.delete_asset(s, asset.id)):
                self.refresh()

    def print_labels(self) -> None:
        chosen = self.selected_assets() or [a for a in self.model.rows if a.status is not AssetStatus.SCRAPPED]
        if not chosen:
            messages.error(self, "列表中没有可以打印标签的资产。")
            return
        self.open_dialog(LabelsDialog(self._ctx, chosen, self))

    def export_ledger(self) -> None:
        rows = self.model.rows
        today = f"{date.today():%Y-%m-%d}"
        export_xlsx(self, self._ctx, f"资产台账_{date.today():%Y%m%d}.xlsx",
                    lambda path: assets_xlsx.asset_ledger_xlsx(rows, self._ctx.station.name, today, path),
                    "asset", f"导出资产台账（{len(rows)} 项）")
