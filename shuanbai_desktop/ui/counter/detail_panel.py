"""One matter: what was registered, where it stands, its timeline, and the steps that can be taken."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...domain.counter_labels import Handling, Status
from ...domain.workdays import Urgency
from ...services.window.details import RegistrationDetail
from ..widgets import AMBER, RED
from .common import ESTIMATE_STYLE

BUTTONS = (("assign", "分办(&F)…"), ("transfer", "转办(&Z)…"), ("close", "办结(&J)…"), ("follow_up", "回访(&H)…"),
           ("due", "调整日期(&T)…"), ("reopen", "重新办理(&R)…"), ("void", "作废(&V)…"),
           ("notice", "打印告知单"), ("transfer_slip", "打印转办单"), ("save_pdf", "另存为 PDF…"),
           ("case", "转为个案(&G)…"), ("attachments", "附件(&A)…"))


def _status_text(d: RegistrationDetail) -> str:
    if d.status is Status.TRANSFERRED:
        return f"已转办（{d.department_name}），由{d.handler}跟踪"
    if d.status is Status.IN_PROGRESS:
        return f"办理中，承办人：{d.handler}"
    if d.status is Status.DONE:
        return f"已办结（{d.result_date:%Y-%m-%d}）" + (f"，回访：{d.satisfaction.label}" if d.satisfaction else "")
    return f"已作废：{d.void_reason}"


def _due_text(d: RegistrationDetail) -> str:
    text = f"{d.due_date:%Y-%m-%d}（{d.time_limit_days} 个工作日）" if d.time_limit_days else f"{d.due_date:%Y-%m-%d}"
    if d.due_manual:
        text += "，已手动调整"
    if d.due_estimated:
        text += "，按法定节日推算（未计调休）"
    if d.urgency is Urgency.OVERDUE:
        text += "　已超期"
    elif d.urgency is Urgency.SOON:
        text += "　即将到期"
    return text


class DetailPanel(QWidget):
    """``action(key)`` when a step button is pressed; the view opens the dialog."""

    action = Signal(str)

    def __init__(self, writer: bool, parent=None, case_opener: bool = False, case_reader: bool = False):
        """``writer``: the user may register and handle matters (``Permission.WINDOW_REGISTER``);
        ``case_opener`` may turn a matter into a case (``CASE_OPEN``), ``case_reader`` open that case."""
        super().__init__(parent)
        self._writer = writer
        self._case_opener = case_opener
        self._case_reader = case_reader
        self.detail: RegistrationDetail | None = None
        self.title = QLabel("请在左侧列表中选择一件事项。")
        self.title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        for row, key in enumerate(("居民", "代办人", "事项", "简要情况", "材料", "首问负责人", "状态", "预计办结",
                                   "办理结果", "转介个案")):
            label = QLabel(f"{key}：")
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(label, row, 0)
            grid.addWidget(value, row, 1)
            self.values[key] = value
        grid.setColumnStretch(1, 1)
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)
        self.timeline.setMinimumHeight(110)
        # Its size hint (about 190 px) would push the last row of buttons below a 768-pixel screen: it takes
        # what the panel leaves, never less than 110 px.
        self.timeline.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.buttons = {key: QPushButton(text) for key, text in BUTTONS}
        for key, button in self.buttons.items():
            if key != "save_pdf":
                button.clicked.connect(lambda _=False, k=key: self.action.emit(k))
        menu = QMenu(self.buttons["save_pdf"])
        self.save_notice_action = menu.addAction("一次性告知单", lambda: self.action.emit("save_notice"))
        self.save_transfer_action = menu.addAction("转办单", lambda: self.action.emit("save_transfer"))
        self.buttons["save_pdf"].setMenu(menu)
        self._build(grid)
        self.show_detail(None)

    def _build(self, grid: QGridLayout) -> None:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        timeline_label = QLabel("办理记录")
        timeline_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(timeline_label)
        layout.addWidget(self.timeline, 1)
        buttons = QGridLayout()
        columns = 3  # twelve buttons in four rows: the panel's share of a 1366-pixel screen holds three abreast
        for i, button in enumerate(self.buttons.values()):
            buttons.addWidget(button, i // columns, i % columns)
        layout.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def show_detail(self, d: RegistrationDetail | None) -> None:
        self.detail = d
        for value in self.values.values():
            value.clear()
        self.timeline.clear()
        if d is None:
            self.title.setText("请在左侧列表中选择一件事项。")
            self._enable()
            return
        self.title.setText(f"{d.ticket_no}　{d.matter_name}")
        person = d.person_name + (f"（{d.person_id_masked}）" if d.person_id_masked else "")
        texts = {"居民": person + (f"　电话 {d.phone_masked}" if d.phone_masked else ""),
                 "代办人": d.agent_text or "无", "事项": f"{d.matter_name}（{d.channel.label}，"
                 f"{d.registered_at:%Y-%m-%d %H:%M} 登记）", "简要情况": d.description or "（未填）",
                 "材料": self._materials(d), "首问负责人": d.first_responder, "状态": _status_text(d),
                 "预计办结": _due_text(d), "办理结果": d.result or "（尚未办结）",
                 "转介个案": f"已转为个案 {d.case_no}" if d.case_id else "未转介"}
        for key, text in texts.items():
            self.values[key].setText(text)
        color = {Urgency.OVERDUE: RED, Urgency.SOON: AMBER}.get(d.urgency)
        self.values["预计办结"].setStyleSheet(f"color: {color};" if color else
                                              (ESTIMATE_STYLE if d.due_estimated else ""))
        for entry in d.timeline:
            self.timeline.addItem(f"{entry.at:%Y-%m-%d %H:%M}　{entry.actor}　{entry.text}")
        self._enable()

    @staticmethod
    def _materials(d: RegistrationDetail) -> str:
        if not d.materials:
            return "无需材料"
        missing = d.missing
        return f"共 {len(d.materials)} 项，已收 {len(d.received)} 项" + (
            "；待补：" + "；".join(missing) if missing else "，已收齐")

    def _enable(self) -> None:
        d, writer = self.detail, self._writer
        open_ = d is not None and d.is_open and writer
        done = d is not None and d.status is Status.DONE and writer
        state = {"assign": open_, "transfer": open_, "close": open_, "due": open_, "void": open_,
                 "follow_up": done, "reopen": done,
                 "notice": writer and d is not None and d.status is not Status.VOID,
                 "save_pdf": writer and d is not None and d.status is not Status.VOID,
                 "transfer_slip": writer and d is not None and d.status is not Status.VOID and (
                     d.department_id is not None or d.handling is Handling.TRANSFER)}
        state["attachments"] = d is not None
        linked = d is not None and d.case_id is not None
        self.buttons["case"].setText(f"查看个案 {d.case_no}" if linked and d else "转为个案(&G)…")
        state["case"] = self._case_reader if linked else (
            self._case_opener and d is not None and d.person_id is not None and d.status is not Status.VOID)
        self.buttons["case"].setToolTip("" if d is None or d.person_id is not None or linked
                                        else "匿名登记的事项不能转为个案：请先在登记中填写居民。")
        for key, button in self.buttons.items():
            button.setEnabled(state[key])
        self.save_transfer_action.setEnabled(state["transfer_slip"])
