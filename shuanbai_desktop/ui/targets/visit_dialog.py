"""录入走访: date, workers, household and persons met, form, findings, needs, risk and next visit."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.target_labels import Relation, Risk, VisitForm
from ...errors import UserError
from ...services import persons
from ...services.permissions import Permission
from ...services.targets import households, intervals, visits
from ...services.targets.households import HouseholdInput, MemberInput
from ...services.targets.visits import VisitInput
from ..context import AppContext
from ..forms import FormErrors
from ..persons.picker import PersonPicker
from ..widgets import (
    NOTE_STYLE,
    checked_keys,
    date_edit,
    date_value,
    dialog_buttons,
    fill_checklist,
    fill_enum,
    select_data,
)


def _checklist(items: list[tuple[int, str]], checked: set[int]) -> QListWidget:
    widget = QListWidget()
    widget.setMaximumHeight(88)
    fill_checklist(widget, items, checked)
    return widget


class NeedsBox(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, QLineEdit] = {}
        for row, (key, label, hint) in enumerate((("material", "物质", "如：缺少御寒衣物"),
                                                   ("spiritual", "精神", "如：独居孤独、情绪低落"),
                                                   ("social", "社会", "如：需要办理残疾证、社会融入"))):
            box, edit = QCheckBox(label), QLineEdit(placeholderText=hint)
            edit.setEnabled(False)
            box.toggled.connect(edit.setEnabled)
            grid.addWidget(box, row, 0)
            grid.addWidget(edit, row, 1)
            self.edits[key] = edit
            setattr(self, f"{key}_box", box)

    def text(self, key: str) -> str:
        edit = self.edits[key]
        return edit.text() if edit.isEnabled() else ""

    def set(self, key: str, text: str) -> None:
        getattr(self, f"{key}_box").setChecked(bool(text))
        self.edits[key].setText(text)

    @property
    def any(self) -> bool:
        return any(self.text(k).strip() for k in self.edits)


class VisitDialog(QDialog):
    """``household_id`` None: the user finds the household through one of its members."""

    def __init__(self, ctx: AppContext, household_id: int | None = None, visit_id: int | None = None, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.household_id = household_id
        self.visit_id = visit_id
        self._person_without_household: int | None = None
        self._due_edited = False
        self.setWindowTitle("修改走访记录" if visit_id else "录入走访")
        self.resize(720, 700)
        self._build()
        if visit_id:
            self._load(visit_id)
        elif household_id:
            self._set_household(household_id)
        self._update_due()
        if not ctx.can(Permission.VISIT_RECORD):
            self.save_button.setEnabled(False)
            self.setWindowTitle("走访记录（只读）")

    def _build(self) -> None:
        self.picker = PersonPicker(self._ctx)
        self.picker.setMaximumHeight(210)
        self.picker.personChosen.connect(self._person_chosen)
        self.household_label = QLabel("请先在上面查找这户的一位成员。")
        self.household_label.setWordWrap(True)
        self.date_edit = date_edit(not_after_today=True)
        self.form_combo = fill_enum(QComboBox(), VisitForm)
        self.workers_list = _checklist([], set())
        self.workers_list.setMaximumHeight(110)
        self.recorder_label = QLabel()
        self.recorder_label.setStyleSheet(NOTE_STYLE)
        self._fill_visitors(None)
        self.met_list = _checklist([], set())
        self.findings = QPlainTextEdit()
        self.findings.setPlaceholderText("本次走访看到、了解到的情况")
        self.findings.setMinimumHeight(70)
        self.needs = NeedsBox()
        self.risk_combo = fill_enum(QComboBox(), Risk)
        select_data(self.risk_combo, Risk.MEDIUM.value)
        self.due_edit = date_edit()
        self.due_hint = QLabel()
        self.due_hint.setStyleSheet(NOTE_STYLE)
        self.case_box = QCheckBox("保存后为发现的需求开立个案")
        self.risk_combo.currentIndexChanged.connect(lambda *_: self._update_due())
        self.date_edit.dateChanged.connect(lambda *_: self._update_due())
        self.due_edit.dateChanged.connect(self._due_changed)
        form = QFormLayout()
        for label, widget in (("户档：", self.household_label), ("走访日期：", self.date_edit),
                              ("走访形式：", self.form_combo), ("走访社工：", self.workers_list), ("", self.recorder_label),
                              ("见到的人：", self.met_list), ("走访情况：", self.findings), ("发现需求：", self.needs),
                              ("风险等级：", self.risk_combo), ("下次走访：", self.due_edit), ("", self.due_hint)):
            form.addRow(label, widget)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "走访日期": self.date_edit, "走访社工": self.workers_list, "见到的人": self.met_list,
            "走访情况": self.findings, "下次走访日期": self.due_edit, "物质需求": self.needs.edits["material"],
            "精神需求": self.needs.edits["spiritual"], "社会需求": self.needs.edits["social"]})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addLayout(form)
        layout.addWidget(self.case_box)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _person_chosen(self, person_id: int) -> None:
        with self._ctx.session() as s:
            detail = persons.get_person(s, person_id)
        if detail.household_id:
            self._set_household(detail.household_id)
            return
        self.household_id = None
        self._person_without_household = person_id
        self.household_label.setText(f"“{detail.name}”尚未建立户档：保存走访时将以其为户主建立单人户档，"
                                     "以后可在户档中添加家庭成员。")
        self._fill_members([(person_id, detail.name)], {person_id})

    def _set_household(self, household_id: int, met: set[int] | None = None) -> None:
        with self._ctx.session() as s:
            info = households.get_household(s, household_id)
        self.household_id = household_id
        self._person_without_household = None
        self.household_label.setText(f"<b>{info.name}</b>　{info.village_name}　{info.address}")
        self.picker.hide()
        members = [(m.person_id, f"{m.name}（{m.relation.label}）") for m in info.members]
        self._fill_members(members, met if met is not None else {m.person_id for m in info.members})

    def _fill_visitors(self, keep: VisitInput | None, recorded_by: str = "") -> None:
        """Workers on the roster (in post) and accounts not on it; a new visit ticks the logged-in user."""
        with self._ctx.session() as s:
            self._visitors = visits.visitor_choices(s, keep)
        if keep is None:
            me = self._ctx.user.id
            checked = {v.key for v in self._visitors if v.user_id == me}
            recorder = self._ctx.user.display_name
        else:
            checked = {v.key for v in self._visitors
                       if (v.user_id is not None and v.user_id in keep.worker_ids)
                       or (v.staff_id is not None and v.staff_id in keep.staff_ids)}
            recorder = recorded_by or "（未记录）"
        items = []
        for v in self._visitors:
            suffix = "" if v.on_staff or v.staff_id is None else "（已离职）"
            items.append((v.key, v.name + suffix))
        fill_checklist(self.workers_list, items, checked)
        self.recorder_label.setText(f"录入人：{recorder}。走访社工可选人员名册中的任何在岗人员，不限于有登录账户的。")

    def _fill_members(self, members, checked) -> None:
        fill_checklist(self.met_list, members, checked)

    def _load(self, visit_id: int) -> None:
        with self._ctx.session() as s:
            row, data = visits.get_visit(s, visit_id)
        self._set_household(data.household_id, set(data.person_ids))
        self.date_edit.setDate(data.visit_date)
        select_data(self.form_combo, data.form.value)
        self._fill_visitors(data, row.recorded_by)
        self.findings.setPlainText(data.findings)
        for key in ("material", "spiritual", "social"):
            self.needs.set(key, getattr(data, f"need_{key}"))
        select_data(self.risk_combo, data.risk.value)
        self.due_edit.setDate(data.next_due)
        self._due_edited = True

    def _update_due(self) -> None:
        risk = Risk(self.risk_combo.currentData())
        with self._ctx.session() as s:
            days = intervals.visit_days(s, risk)
            default = intervals.default_next_due(s, risk, date_value(self.date_edit))
        self.due_hint.setText(f"{risk.label}风险默认 {days} 天后再访（可在“设置 → 走访周期”调整），也可直接改日期。")
        if not self._due_edited:
            self.due_edit.blockSignals(True)
            self.due_edit.setDate(default)
            self.due_edit.blockSignals(False)

    def _due_changed(self, *_args) -> None:
        self._due_edited = True

    def input(self, household_id: int) -> VisitInput:
        keys = [str(key).split(":") for key in checked_keys(self.workers_list)]
        users = tuple(int(number) for kind, number in keys if kind == "user")
        roster = tuple(int(number) for kind, number in keys if kind == "staff")
        return VisitInput(household_id, date_value(self.date_edit), users,
                          checked_keys(self.met_list), VisitForm(self.form_combo.currentData()),
                          self.findings.toPlainText(), Risk(self.risk_combo.currentData()),
                          self.needs.text("material"), self.needs.text("spiritual"), self.needs.text("social"),
                          date_value(self.due_edit), roster)

    def save(self) -> None:
        self.errors.clear()
        if self.household_id is None and self._person_without_household is None:
            self.errors.show(UserError("请先查找并选择这户的一位成员。", field="户档"))
            return
        try:
            with self._ctx.session() as s:
                hid = self.household_id or households.save_household(
                    s, HouseholdInput((MemberInput(self._person_without_household, Relation.HEAD),)))
                self.visit_id = visits.save_visit(s, self.input(hid), visit_id=self.visit_id)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.household_id = hid
        self.accept()

    @property
    def wants_case(self) -> bool:
        return self.case_box.isChecked()
