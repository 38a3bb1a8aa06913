"""The fields of a registration: channel, matter, description, contact, agent, handling, due date."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QStackedWidget, QWidget

from ...domain.counter_labels import Channel, Handling
from ...domain.workdays import fallback_note, fallback_short
from ...services.window import catalogue, deadlines, departments
from ...services.window.catalogue import MatterType
from ...services.window.common import list_staff
from ...services.window.registration import RegistrationInput
from ..context import AppContext
from ..widgets import NOTE_STYLE, date_edit, date_value, fill_combo, fit_placeholder, select_data
from .common import ESTIMATE_STYLE, ChoiceCombo, numbered

NOTE_LABELS = {Handling.ON_SPOT: "办理结果：", Handling.ASSIGN: "分办说明：", Handling.TRANSFER: "转办说明："}


def _line(placeholder: str, limit: int) -> QLineEdit:
    edit = QLineEdit(placeholderText=placeholder)
    edit.setMaxLength(limit)
    return edit


class RegistrationForm(QWidget):
    """``matterChanged(MatterType | None)`` when another matter is chosen (the materials panel follows)."""

    matterChanged = Signal(object)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._matters: dict[int, MatterType] = {}
        self._build_fields()
        self._build_layout()
        self.reload()
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.matter.currentIndexChanged.connect(self._matter_changed)
        self.handling.currentIndexChanged.connect(self._handling_changed)
        self.reset()

    def _build_fields(self) -> None:
        self.channel = fill_combo(ChoiceCombo(), numbered((c.value, c.label) for c in Channel))
        self.matter = ChoiceCombo()
        self.matter.setMinimumContentsLength(16)
        self.description = _line("简要情况，例如：老人独居行动不便，申请居家养老服务", 500)
        self.phone = _line("不填则用居民登记的电话", 20)
        fit_placeholder(self.phone)
        self.phone_hint = QLabel()
        self.phone_hint.setStyleSheet(NOTE_STYLE)
        self.agent_name = _line("代办人姓名", 40)
        self.agent_relation = _line("与办事人关系，如：儿子", 20)
        self.agent_id = _line("代办人身份证号（可不填）", 20)
        self.agent_phone = _line("代办人电话", 20)
        self.handling = fill_combo(ChoiceCombo(), numbered((h.value, h.label) for h in Handling))
        self.handler = ChoiceCombo()
        self.department = ChoiceCombo()
        self.target = QStackedWidget()
        self.target.addWidget(self.handler)
        self.target.addWidget(self.department)
        self.target.addWidget(QLabel("由首问负责人当场办结"))
        self.target_label = QLabel()
        self.note_label = QLabel()
        self.note = _line("", 1000)
        self.due = date_edit()
        self.due_note = QLabel()
        self.due_note.setWordWrap(True)

    def _build_layout(self) -> None:
        self.agent_row = QWidget()
        agent = QGridLayout(self.agent_row)
        agent.setContentsMargins(0, 0, 0, 0)
        for i, (text, edit) in enumerate((("代办人：", self.agent_name), ("关系：", self.agent_relation),
                                          ("身份证号：", self.agent_id), ("电话：", self.agent_phone))):
            agent.addWidget(QLabel(text), i // 2, (i % 2) * 2)
            agent.addWidget(edit, i // 2, (i % 2) * 2 + 1)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        cells = ((QLabel("来源渠道："), 0, 0, 1), (self.channel, 0, 1, 1), (QLabel("事项："), 0, 2, 1),
                 (self.matter, 0, 3, 1), (QLabel("简要情况："), 1, 0, 1), (self.description, 1, 1, 3),
                 (QLabel("联系电话："), 2, 0, 1), (self.phone, 2, 1, 1), (self.phone_hint, 2, 2, 2),
                 (self.agent_row, 3, 0, 4), (QLabel("办理方式："), 4, 0, 1), (self.handling, 4, 1, 1),
                 (self.target_label, 4, 2, 1), (self.target, 4, 3, 1), (self.note_label, 5, 0, 1),
                 (self.note, 5, 1, 3), (QLabel("预计办结："), 6, 0, 1), (self.due, 6, 1, 1), (self.due_note, 6, 2, 2))
        for widget, row, column, span in cells:
            grid.addWidget(widget, row, column, 1, span)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(3, 3)

    def reload(self) -> None:
        """Matters, departments and colleagues from the database (they are edited in 设置)."""
        with self._ctx.session() as s:
            matters = catalogue.list_matters(s)
            depts = departments.list_departments(s)
            staff = list_staff(s)
        self._matters = {m.id: m for m in matters}
        keep = (self.matter.currentData(), self.department.currentData(), self.handler.currentData())
        for combo in (self.matter, self.department, self.handler):
            combo.blockSignals(True)
        fill_combo(self.matter, numbered((m.id, m.name) for m in matters), empty="（请选择事项）")
        fill_combo(self.department, ((d.id, d.name) for d in depts), empty="（请选择转办部门）")
        fill_combo(self.handler, staff)
        for combo, value in zip((self.matter, self.department, self.handler), keep, strict=True):
            select_data(combo, value if value is not None or combo is not self.handler else self._ctx.user.id)
            combo.blockSignals(False)
        if self.matter.currentData() != keep[0]:
            self._matter_changed()

    def fields(self) -> dict[str, QWidget]:
        return {"来源渠道": self.channel, "事项": self.matter, "简要情况": self.description, "联系电话": self.phone,
                "代办人姓名": self.agent_name, "与办事人关系": self.agent_relation, "代办人身份证号": self.agent_id,
                "代办人电话": self.agent_phone, "办理方式": self.handling, "承办人": self.handler,
                "转办部门": self.department, "办理结果": self.note, "分办说明": self.note, "转办说明": self.note,
                "预计办结日期": self.due}

    def focus_order(self) -> list[QWidget]:
        return [self.channel, self.matter, self.description, self.phone, self.agent_name, self.agent_relation,
                self.agent_id, self.agent_phone, self.handling, self.handler, self.department, self.note, self.due]

    def reset(self) -> None:
        select_data(self.handler, self._ctx.user.id)
        for edit in (self.description, self.phone, self.agent_name, self.agent_relation, self.agent_id,
                     self.agent_phone, self.note):
            edit.clear()
        self.channel.setCurrentIndex(0)
        select_data(self.handling, Handling.ASSIGN.value)  # until a matter brings its own default
        self.matter.setCurrentIndex(0)
        self.phone_hint.clear()
        self._channel_changed()
        self._matter_changed()

    def set_person_phone(self, masked: str) -> None:
        self.phone_hint.setText(f"居民登记电话：{masked}" if masked else "居民未登记电话，请填写")

    @property
    def current_matter(self) -> MatterType | None:
        return self._matters.get(self.matter.currentData())

    @property
    def current_handling(self) -> Handling:
        return Handling(self.handling.currentData())

    def _channel_changed(self, *_args) -> None:
        self.agent_row.setVisible(self.channel.currentData() == Channel.PROXY.value)

    def _matter_changed(self, *_args) -> None:
        matter = self.current_matter
        if matter is not None:
            select_data(self.handling, matter.default_handling.value)
            if matter.department_id:
                select_data(self.department, matter.department_id)
        self._handling_changed()
        self.matterChanged.emit(matter)

    def _handling_changed(self, *_args) -> None:
        handling = self.current_handling
        self.target.setCurrentIndex({Handling.ASSIGN: 0, Handling.TRANSFER: 1}.get(handling, 2))
        self.target_label.setText({Handling.ASSIGN: "承办人：", Handling.TRANSFER: "转办部门："}.get(handling, ""))
        self.note_label.setText(NOTE_LABELS[handling])
        self.note.setPlaceholderText("必填：已答复的要点或办理情况" if handling is Handling.ON_SPOT else "可不填")
        self.handler.setEnabled(handling is Handling.ASSIGN)
        self.department.setEnabled(handling is Handling.TRANSFER)
        self.update_due()

    def update_due(self, today: date | None = None) -> None:
        """The due date the time limit gives (editable), with a note when it is only estimated."""
        today, matter = today or date.today(), self.current_matter
        on_spot = self.current_handling is Handling.ON_SPOT
        self.due.setEnabled(matter is not None and not on_spot)
        if matter is None or on_spot:
            self.due.setDate(today)
            self.due_note.setText("当场办结" if on_spot else "选择事项后自动计算")
            self.due_note.setStyleSheet(NOTE_STYLE)
            return
        with self._ctx.session() as s:
            result = deadlines.compute_due(s, today, matter.time_limit_days)
        self.due.setDate(result.due)
        note = fallback_note(result.fallback_years)
        self.due_note.setText(fallback_short(result.fallback_years) or f"{matter.limit_text}，按国家法定工作日计算")
        self.due_note.setToolTip(note)
        self.due_note.setStyleSheet(ESTIMATE_STYLE if note else NOTE_STYLE)

    def input(self, person_id: int | None, received: tuple[str, ...]) -> RegistrationInput:
        handling = self.current_handling
        on_spot = handling is Handling.ON_SPOT
        proxy = self.channel.currentData() == Channel.PROXY.value
        return RegistrationInput(
            channel=self.channel.currentData(), person_id=person_id, matter_type_id=self.matter.currentData(),
            description=self.description.text(), contact_phone=self.phone.text(),
            agent_name=self.agent_name.text() if proxy else "", agent_id_number=self.agent_id.text() if proxy else "",
            agent_phone=self.agent_phone.text() if proxy else "",
            agent_relation=self.agent_relation.text() if proxy else "", materials_received=received,
            handling=handling, handler_id=self.handler.currentData() if handling is Handling.ASSIGN else None,
            department_id=self.department.currentData() if handling is Handling.TRANSFER else None,
            transfer_note="" if on_spot else self.note.text(), result=self.note.text() if on_spot else "",
            due_date=None if on_spot else date_value(self.due))
