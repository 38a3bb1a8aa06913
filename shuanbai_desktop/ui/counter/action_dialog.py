"""One small dialog for every step on a matter: 分办, 转办, 办结, 回访, 调整办结日期, 重新办理, 作废.

Each step declares its fields; 确定 runs the service in one transaction, and a rule not met is
shown at its field with nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from ...domain.counter_labels import FollowUpMethod, Satisfaction
from ...errors import UserError
from ...services.window import departments, handling
from ...services.window.common import list_staff
from ...services.window.details import RegistrationDetail
from ..context import AppContext
from ..forms import FormErrors
from ..widgets import NOTE_STYLE, date_edit, date_value, dialog_buttons, fill_combo


@dataclass(frozen=True)
class Field:
    label: str  # also the field name the service names in its messages
    kind: str  # "staff" | "department" | "date" | "text" | "line" | "satisfaction" | "method"


@dataclass(frozen=True)
class Step:
    title: str
    ok_text: str
    fields: tuple[Field, ...]
    run: Callable  # (session, detail, values: dict) -> None; the acting user is the session's
    hint: str = ""


def _v(values, label):
    return values[label]


STEPS = {
    "assign": Step("分办", "分办", (Field("承办人", "staff"), Field("分办说明", "line")),
                   lambda s, d, v: handling.assign(s, d.id, _v(v, "承办人"), _v(v, "分办说明")),
                   "交给站内同事办理，对方会在“事项办理”和工作台中看到。首问负责人不变。"),
    "transfer": Step("转办", "转办", (Field("转办部门", "department"), Field("转办说明", "line")),
                     lambda s, d, v: handling.transfer(s, d.id, _v(v, "转办部门"), _v(v, "转办说明")),
                     "转到其他部门办理，本站继续跟踪，收到结果后请登记办结。转办后可打印转办单。"),
    "close": Step("办结", "办结", (Field("办结日期", "date"), Field("办理结果", "text")),
                  lambda s, d, v: handling.close(s, d.id, _v(v, "办理结果"), _v(v, "办结日期"))),
    "follow_up": Step("回访", "保存回访", (Field("回访日期", "date"), Field("回访方式", "method"),
                                         Field("满意度", "satisfaction"), Field("回访情况", "text")),
                      lambda s, d, v: handling.follow_up(s, d.id, _v(v, "回访日期"), _v(v, "回访方式"),
                                                         _v(v, "满意度"), _v(v, "回访情况"))),
    "due": Step("调整预计办结日期", "保存", (Field("预计办结日期", "date"), Field("调整原因", "line")),
                lambda s, d, v: handling.change_due(s, d.id, _v(v, "预计办结日期"), _v(v, "调整原因"))),
    "reopen": Step("重新办理", "重新办理", (Field("重新办理原因", "text"), Field("预计办结日期", "date")),
                   lambda s, d, v: handling.reopen(s, d.id, _v(v, "重新办理原因"), _v(v, "预计办结日期")),
                   "原办理结果和回访保留在办理记录中。"),
    "void": Step("作废", "作废", (Field("作废原因", "line"),),
                 lambda s, d, v: handling.void(s, d.id, _v(v, "作废原因")),
                 "只用于登记错误或重复登记。作废后受理编号不再使用，也不计入统计。"),
}


class ActionDialog(QDialog):
    """After ``accept()`` the step has been saved."""

    def __init__(self, ctx: AppContext, key: str, detail: RegistrationDetail, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._step = STEPS[key]
        self._detail = detail
        self.setWindowTitle(f"{self._step.title} — {detail.ticket_no}")
        self.resize(520, 0)
        self.widgets: dict[str, object] = {}
        form = QFormLayout()
        for field in self._step.fields:
            self.widgets[field.label] = self._widget(field.kind, key)
            form.addRow(f"{field.label}：", self.widgets[field.label])
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, dict(self.widgets))
        buttons, self.ok_button = dialog_buttons(self, self._step.ok_text)
        self.ok_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        heading = QLabel(f"{detail.ticket_no}　{detail.person_name}　{detail.matter_name}")
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        if self._step.hint:
            hint = QLabel(self._step.hint)
            hint.setWordWrap(True)
            hint.setStyleSheet(NOTE_STYLE)
            layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _widget(self, kind: str, key: str):
        if kind in ("staff", "department", "satisfaction", "method"):
            return fill_combo(QComboBox(), self._choices(kind), empty=None if kind == "method" else "（请选择）")
        if kind == "date":
            day = self._detail.due_date if key in ("due", "reopen") else date.today()
            return date_edit(max(day, date.today()) if key == "reopen" else day)
        if kind == "text":
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(84)
            return edit
        return QLineEdit()

    def _choices(self, kind: str):
        if kind == "satisfaction":
            return [(s.value, s.label) for s in Satisfaction]
        if kind == "method":
            return [(m.value, m.label) for m in FollowUpMethod]
        with self._ctx.session() as s:
            if kind == "staff":
                return [(uid, name) for uid, name in list_staff(s) if uid != self._detail.handler_id]
            return [(d.id, d.name) for d in departments.list_departments(s)]

    def values(self) -> dict:
        out = {}
        for label, widget in self.widgets.items():
            if isinstance(widget, QComboBox):
                out[label] = widget.currentData()
            elif isinstance(widget, QPlainTextEdit):
                out[label] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                out[label] = widget.text()
            else:
                out[label] = date_value(widget)
        return out

    def save(self) -> None:
        self.errors.clear()
        try:
            with self._ctx.session() as s:
                self._step.run(s, self._detail, self.values())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()
