"""Dialogs of 资产盘点: start a count, record a counted quantity, close the count."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox
from sqlalchemy.orm import Session

from ...domain.asset_rules import MAX_QUANTITY, CountResult
from ...services.assets import stocktake
from ...services.assets.stocktake import LineRow, StockTakeRow
from ..context import AppContext
from ..form_dialog import FormDialog
from ..widgets import date_edit, date_value


class StartDialog(FormDialog):
    def __init__(self, ctx: AppContext, counted_by: str, parent=None):
        super().__init__(ctx, "开始盘点", "开始后，当时在账（未报废）的全部资产都列入本次盘点，包括各社工点的。"
                         "逐项核对实物后标记“相符”“未找到”或“损坏”；全部标记后结束盘点，生成盘点报告。", parent)
        self.started_id: int | None = None
        self.title_edit = self.add("盘点名称", QLineEdit(f"{date.today().year}年度资产盘点"))
        self.title_edit.setMaxLength(60)
        self.counter_edit = self.add("盘点人", QLineEdit(counted_by))
        self.counter_edit.setMaxLength(60)
        self.date_edit = self.add("开始日期", date_edit())
        self.note_edit = self.add("备注", QLineEdit())
        self.note_edit.setMaxLength(200)

    def write(self, session: Session, today: date | None) -> None:
        self.started_id = stocktake.start_stocktake(session, self.title_edit.text(), self.counter_edit.text(),
                                                    date_value(self.date_edit), self.note_edit.text(), today=today)


class QuantityDialog(FormDialog):
    def __init__(self, ctx: AppContext, take_id: int, line: LineRow, parent=None):
        super().__init__(ctx, f"实盘数量：{line.code} {line.name}", "数量少于账面时记为差异，列入盘点报告。"
                         "一件也找不到时请标记“未找到”。", parent)
        self._take = take_id
        self._line = line
        self.add("账面数量", QLabel(f"{line.book_quantity} {line.unit}"))
        self.count_spin = self.add("实盘数量", QSpinBox(minimum=0, maximum=MAX_QUANTITY))
        self.count_spin.setValue(line.counted_quantity if line.counted_quantity is not None else line.book_quantity)
        self.note_edit = self.add("盘点说明", QLineEdit(line.note))
        self.note_edit.setMaxLength(200)

    def write(self, session: Session, today: date | None) -> None:
        stocktake.mark_lines(session, self._take, [self._line.id], CountResult.FOUND, self.count_spin.value(),
                             self.note_edit.text())


class CloseDialog(FormDialog):
    def __init__(self, ctx: AppContext, take: StockTakeRow, parent=None):
        super().__init__(ctx, f"结束盘点：{take.title}", "结束后盘点结果不能再修改，每项资产的变动记录中会记上本次盘点结果。"
                         "盘亏的资产不会自动报废：请查明原因，经审批后再办理报废。", parent)
        self._take = take
        self.add("盘点结果", QLabel(f"共 {take.total} 项：相符 {take.found}，数量不符 {take.short}，"
                                    f"未找到 {take.missing}，损坏 {take.damaged}"))
        self.date_edit = self.add("结束日期", date_edit())

    def write(self, session: Session, today: date | None) -> None:
        stocktake.close_stocktake(session, self._take.id, date_value(self.date_edit), today=today)
