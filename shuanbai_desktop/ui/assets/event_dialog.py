"""领用 / 归还 / 调拨 / 送修 / 修复 / 报废: one dialog whose fields follow the kind of event."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ...domain.asset_rules import EventKind
from ...errors import UserError
from ...services.assets import events, register
from ...services.assets.common import active_places
from ...services.assets.events import DATE_FIELD, EventInput
from ...services.assets.register import AssetRow
from ..context import AppContext
from ..forms import FormErrors
from ..widgets import date_edit, date_value, dialog_buttons, name_combo, note

TITLES = {EventKind.ISSUE: "领用", EventKind.RETURN: "归还", EventKind.MOVE: "调拨", EventKind.REPAIR: "送修",
          EventKind.REPAIRED: "修复登记", EventKind.DISPOSE: "报废"}
HINTS = {
    EventKind.ISSUE: "领用后资产记在领用人名下，归还时再办理“归还”。",
    EventKind.RETURN: "归还后资产状态变为“闲置”，可再领用或调拨。",
    EventKind.MOVE: "在站本部和各社工点之间调拨；调拨后，配置检查按新地点计算。",
    EventKind.REPAIR: "送修期间状态为“维修”，修好后办理“修复登记”。",
    EventKind.REPAIRED: "修复后资产恢复“在用”。",
    EventKind.DISPOSE: "报废须经审批：请填写审批人和报废原因。报废后资产保留在台账中（状态“报废”），不再参与盘点。",
}
REASON_LABEL = {EventKind.REPAIR: "故障情况", EventKind.DISPOSE: "报废原因"}


class EventDialog(QDialog):
    def __init__(self, ctx: AppContext, asset: AssetRow, kind: EventKind, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._asset = asset
        self.kind = kind
        self.setWindowTitle(f"{TITLES[kind]}：{asset.code} {asset.name}")
        self.setMinimumWidth(520)
        with ctx.session() as s:
            people = register.people_names(s)
            places = [(pid, name) for pid, name in active_places(s) if pid != asset.point_id]
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        holder = f"，领用人：{asset.holder_name}" if asset.holder_name else ""
        self.form.addRow("资产：", QLabel(f"{asset.code}　{asset.name}（{asset.place}，{asset.status.label}{holder}）"))
        self.date_edit = date_edit()
        self.form.addRow(f"{DATE_FIELD[kind]}：", self.date_edit)
        self.fields: dict[str, QWidget] = {DATE_FIELD[kind]: self.date_edit}
        self._add_fields(people, places)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, self.fields)
        buttons, self.save_button = dialog_buttons(self, "确定")
        self.save_button.clicked.connect(lambda: self.save())
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(note(HINTS[kind]))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _field(self, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(f"{label}：", widget)
        self.fields[label] = widget
        return widget

    def _line(self, label: str, limit: int, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(placeholderText=placeholder)
        edit.setMaxLength(limit)
        return self._field(label, edit)

    def _add_fields(self, people: list[str], places: list[tuple[int | None, str]]) -> None:
        kind = self.kind
        self.person_combo = self.place_combo = self.approver_edit = self.ref_edit = self.cost_edit = None
        if kind is EventKind.ISSUE:
            self.person_combo = self._field("领用人", name_combo(people))
        elif kind is EventKind.RETURN:
            self.person_combo = self._field("归还人", name_combo(people, self._asset.holder_name))
        elif kind is EventKind.MOVE:
            self.place_combo = self._field("调入地点", QComboBox())
            for point_id, name in places:
                self.place_combo.addItem(name, point_id)
        elif kind is EventKind.REPAIRED:
            self.cost_edit = self._line("维修费用", 20, "元；保修期内免费可不填")
        elif kind is EventKind.DISPOSE:
            self.approver_edit = self._line("审批人", 40, "批准报废的负责人")
            self.ref_edit = self._line("审批单号", 60, "审批表或文件编号，没有可不填")
        self.reason_edit = self._line(REASON_LABEL.get(kind, "说明"), 200,
                                      "例如：入户走访使用" if kind is EventKind.ISSUE else "")

    def input(self) -> EventInput:
        return EventInput(
            kind=self.kind, on_date=date_value(self.date_edit),
            person_name=self.person_combo.currentText() if self.person_combo else "",
            to_point_id=self.place_combo.currentData() if self.place_combo else None,
            approver=self.approver_edit.text() if self.approver_edit else "",
            approval_ref=self.ref_edit.text() if self.ref_edit else "",
            reason=self.reason_edit.text(), cost=self.cost_edit.text() if self.cost_edit else "")

    def save(self, today: date | None = None) -> None:
        self.errors.clear()
        if self.place_combo is not None and self.place_combo.count() == 0:
            self.errors.show(UserError("没有可以调入的其他地点，请先在“设置 → 站点信息”中设立社工点。", field="调入地点"))
            return
        try:
            with self._ctx.session() as s:
                events.record_event(s, self._asset.id, self.input(), today=today)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()
