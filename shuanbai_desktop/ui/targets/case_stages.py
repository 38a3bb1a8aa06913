"""The six stages of a case (识别对象 → 评估需求 → 制定计划 → 协调资源 → 开展服务 → 跟踪问效) and its
timeline, each a tab of the case window: it shows the stage's record and adds to it."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...domain.target_labels import (
    CaseSource,
    GoalResult,
    NeedType,
    ReferralStatus,
    ResourceKind,
    SessionMethod,
)
from ...services.targets import case_records as rec
from ...services.targets import cases
from ...services.targets.case_detail import CaseDetail
from ...services.targets.cases import CaseInput
from ..table_model import Column
from ..widgets import date_edit, date_value, day_text, fill_enum, select_data, selected_row
from .case_stage_base import RecordsStage, Stage, Writer, text_box


class IdentifyStage(Stage):
    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.title_edit = QLineEdit()
        self.source_combo = fill_enum(QComboBox(), CaseSource)
        self.source_detail = QLineEdit()
        self.description = text_box(110)
        self.opened = date_edit()
        for label, w in (("个案事由：", self.title_edit), ("对象来源：", self.source_combo),
                         ("来源说明：", self.source_detail), ("基本情况：", self.description), ("开案日期：", self.opened)):
            self.form.addRow(label, w)
        self.finish({"个案事由": self.title_edit, "来源说明": self.source_detail, "基本情况": self.description,
                     "开案日期": self.opened})

    def show_detail(self, detail: CaseDetail) -> None:
        super().show_detail(detail)
        r = detail.row
        self.title_edit.setText(r.title)
        select_data(self.source_combo, r.source.value)
        self.source_detail.setText(detail.source_detail)
        self.description.setPlainText(detail.description)
        self.opened.setDate(r.opened_on)

    def action(self):
        r = self.detail.row
        data = CaseInput(r.person_id, self.title_edit.text(), CaseSource(self.source_combo.currentData()),
                         self.description.toPlainText(), date_value(self.opened), r.worker_id, self.source_detail.text())
        version = self.detail.version
        return lambda s: cases.update_identification(s, r.id, data, version=version)


class AssessStage(Stage):
    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.assessed = date_edit()
        self.need_boxes = {n: QCheckBox(n.label) for n in NeedType}
        needs = QWidget()
        grid = QGridLayout(needs)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.need_boxes.values()):
            grid.addWidget(box, i // 4, i % 4)
        self.assessment = text_box(150, "对象的困难、优势、支持网络和主要需求")
        for label, w in (("评估日期：", self.assessed), ("需求类型：", needs), ("评估内容：", self.assessment)):
            self.form.addRow(label, w)
        self.finish({"评估日期": self.assessed, "需求类型": needs, "评估内容": self.assessment})

    def show_detail(self, detail: CaseDetail) -> None:
        super().show_detail(detail)
        if detail.assessment:
            day, needs, text = detail.assessment
            self.assessed.setDate(day)
            for n, box in self.need_boxes.items():
                box.setChecked(n in needs)
            self.assessment.setPlainText(text)

    def action(self):
        data = rec.AssessmentInput(date_value(self.assessed), tuple(n for n, b in self.need_boxes.items() if b.isChecked()),
                                   self.assessment.toPlainText())
        cid = self.detail.row.id
        return lambda s: rec.save_assessment(s, cid, data)


class PlanStage(RecordsStage):
    button_text = "添加目标"
    columns = (Column("服务目标", lambda g: g.goal), Column("行动措施", lambda g: g.actions),
               Column("开始", lambda g: day_text(g.start_on)), Column("期限", lambda g: day_text(g.due_on)),
               Column("达成情况", lambda g: g.result.label))

    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.goal = QLineEdit(placeholderText="例如：三个月内能自行按时服药")
        self.actions = text_box(50)
        self.start = date_edit()
        self.due = date_edit(date.today() + timedelta(days=30))
        dates = QHBoxLayout()
        for label, w in (("开始：", self.start), ("期限：", self.due)):
            dates.addWidget(QLabel(label))
            dates.addWidget(w)
        dates.addStretch(1)
        for label, w in (("服务目标：", self.goal), ("行动措施：", self.actions), ("起止日期：", dates)):
            self.form.addRow(label, w)
        self.finish({"服务目标": self.goal, "行动措施": self.actions, "开始日期": self.start, "完成期限": self.due})

    def set_editable(self, on: bool) -> None:
        super().set_editable(on)
        self.start.setEnabled(on)
        self.due.setEnabled(on)

    def rows(self, detail):
        return detail.goals

    def action(self):
        data = rec.GoalInput(self.goal.text(), self.actions.toPlainText(), date_value(self.start), date_value(self.due))
        cid = self.detail.row.id
        return lambda s: rec.save_goal(s, cid, data)


ENTRY = (Column("日期", lambda e: day_text(e[0])), Column("类别", lambda e: e[1]), Column("对方", lambda e: e[2]),
         Column("内容", lambda e: e[3]), Column("状态/金额", lambda e: e[4]))


class ResourcesStage(RecordsStage):
    """协调资源: referrals and linked resources, or a note that none is needed. A referral of the list is
    changed in the same form (修改…, or Enter / double-click on it): it fills the form, 添加 becomes 保存修改."""

    button_text = "添加"
    columns = ENTRY

    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.editing: int | None = None  # the referral being changed in the form
        self.editing_version = 0  # its version when the form was filled (save_referral refuses a stale save)
        self.edit_button = QPushButton("修改…")
        self.edit_button.setToolTip("修改选中的转介（状态、结果等）；也可在列表中双击或按回车")
        self.edit_button.clicked.connect(self.edit_selected)
        self.cancel_button = QPushButton("取消修改")
        self.cancel_button.clicked.connect(self.cancel_edit)
        self.editing_label = QLabel()
        list_row = QHBoxLayout()
        list_row.addWidget(self.edit_button)
        list_row.addWidget(self.cancel_button)
        list_row.addWidget(self.editing_label, 1)
        self.layout_.addLayout(list_row)
        self.table.activated.connect(self.edit_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.kind = QComboBox()
        self.kind.addItem("转介", "referral")
        fill_enum(self.kind, ResourceKind)
        self.day = date_edit()
        self.counterpart = QLineEdit(placeholderText="转介单位，或资源提供方（如：县慈善会；写登记在册的社区组织全称即计入该组织）")
        self.content = QLineEdit(placeholderText="转介事项，或资源内容（如：大米两袋、助学金）")
        self.status = fill_enum(QComboBox(), ReferralStatus)
        self.value = QLineEdit(placeholderText="折合金额（元），转介可不填")
        extra = QHBoxLayout()
        extra.addWidget(QLabel("转介状态："))
        extra.addWidget(self.status)
        extra.addWidget(QLabel("金额："))
        extra.addWidget(self.value, 1)
        self.result = QLineEdit(placeholderText="转介的结果（对方是否受理、办得怎样），可在修改时补写")
        self.note = QLineEdit(placeholderText="本案确实不需要外部资源时，写明原因后点“保存说明”")
        self.note_button = QPushButton("保存说明")
        self.note_button.clicked.connect(self.save_note)
        notes = QHBoxLayout()
        notes.addWidget(self.note, 1)
        notes.addWidget(self.note_button)
        for label, w in (("类别：", self.kind), ("日期：", self.day), ("对方：", self.counterpart),
                         ("内容：", self.content), ("", extra), ("转介结果：", self.result), ("无需资源：", notes)):
            self.form.addRow(label, w)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.finish({"转介日期": self.day, "链接日期": self.day, "转介单位": self.counterpart,
                     "资源提供方": self.counterpart, "转介事项": self.content, "资源内容": self.content,
                     "折合金额": self.value, "转介结果": self.result, "无需外部资源的说明": self.note})
        self._editable = False
        self._kind_changed()
        self._show_mode()

    def _kind_changed(self, *_args) -> None:
        referral = self.kind.currentData() == "referral"
        self.status.setEnabled(referral)
        self.result.setEnabled(referral)
        self.value.setEnabled(not referral)

    def set_editable(self, on: bool) -> None:
        super().set_editable(on)
        self._editable = on
        for w in (self.status, self.value, self.note, self.note_button):
            w.setEnabled(on)
        if on:
            self._kind_changed()
        elif self.editing is not None:
            self.cancel_edit()
        self._show_mode()

    def rows(self, detail: CaseDetail):
        rows: list[tuple[date, str, str, str, str, int | None]]
        rows = [(r.referred_on, "转介", r.to_org, r.matter, r.status.label + (f"：{r.result}" if r.result else ""),
                 r.id) for r in detail.referrals]
        rows += [(r.linked_on, r.kind.label, r.provider, r.description, f"{r.value_yuan:.2f} 元", None)
                 for r in detail.resources]
        if detail.resource_note and not rows:
            self.note.setText(detail.resource_note)
        return sorted(rows, key=lambda r: r[0])

    def show_detail(self, detail: CaseDetail) -> None:
        super().show_detail(detail)
        if self.editing is not None and self._referral(self.editing) is None:
            self.cancel_edit()  # deleted or moved meanwhile
        self._show_mode()

    def _referral(self, referral_id: int):
        return next((r for r in self.detail.referrals if r.id == referral_id), None) if self.detail else None

    def _selected_referral(self):
        chosen = selected_row(self.table)
        if chosen is None:
            return None
        referral_id = self.model.row(chosen)[5]
        return self._referral(referral_id) if referral_id is not None else None

    def _selection_changed(self, *_args) -> None:
        self._show_mode()

    def _show_mode(self) -> None:
        editing = self.editing is not None
        self.edit_button.setEnabled(self._editable and self._selected_referral() is not None)
        self.cancel_button.setVisible(editing)
        self.kind.setEnabled(self._editable and not editing)
        self.note.setEnabled(self._editable and not editing)
        self.note_button.setEnabled(self._editable and not editing)
        self.button.setText("保存修改" if editing else self.button_text)
        referral = self._referral(self.editing) if self.editing is not None else None
        self.editing_label.setText(f"正在修改：{referral.referred_on:%Y-%m-%d} 转介至{referral.to_org}（{referral.matter}）"
                                   if referral else "")

    def edit_selected(self, *_args) -> None:
        """Fill the form with the chosen referral; 保存修改 writes it back (same rules as adding)."""
        referral = self._selected_referral()
        if referral is None or not self._editable:
            return
        self.errors.clear()
        self.editing = referral.id
        self.editing_version = referral.version  # the version the form was filled from
        select_data(self.kind, "referral")
        self.day.setDate(referral.referred_on)
        self.counterpart.setText(referral.to_org)
        self.content.setText(referral.matter)
        select_data(self.status, referral.status.value)
        self.result.setText(referral.result)
        self.value.clear()
        self._show_mode()
        self.counterpart.setFocus()

    def cancel_edit(self) -> None:
        self.editing = None
        for w in (self.counterpart, self.content, self.result, self.value):
            w.clear()
        select_data(self.status, ReferralStatus.SENT.value)
        self.errors.clear()
        self._show_mode()

    def after_save(self) -> None:
        super().after_save()
        self.cancel_edit()

    def action(self):
        cid, day = self.detail.row.id, date_value(self.day)
        if self.editing is not None or self.kind.currentData() == "referral":
            data = rec.ReferralInput(day, self.counterpart.text(), self.content.text(),
                                     ReferralStatus(self.status.currentData()), self.result.text())
            referral_id = self.editing
            version = self.editing_version if referral_id is not None else None
            return lambda s: rec.save_referral(s, cid, data, referral_id, version=version)
        res = rec.ResourceInput(day, ResourceKind(self.kind.currentData()), self.counterpart.text(),
                                self.content.text(), self.value.text())
        return lambda s: rec.save_resource(s, cid, res)

    def save_note(self) -> None:
        cid, text = self.detail.row.id, self.note.text()
        self._write(lambda s: rec.set_resource_note(s, cid, text), self.errors)


class InterventionStage(RecordsStage):
    button_text = "添加服务记录"
    columns = (Column("日期", lambda s: day_text(s.session_date)), Column("方式", lambda s: s.method.label),
               Column("时长", lambda s: f"{s.minutes} 分钟"), Column("内容", lambda s: s.content),
               Column("社工", lambda s: s.worker))

    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.day = date_edit()
        self.method = fill_enum(QComboBox(), SessionMethod)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 1440)
        self.minutes.setValue(60)
        self.minutes.setSuffix(" 分钟")
        self.content = text_box(70, "做了什么、对象的反应")
        row = QHBoxLayout()
        for label, w in (("", self.day), ("方式：", self.method), ("时长：", self.minutes)):
            if label:
                row.addWidget(QLabel(label))
            row.addWidget(w)
        row.addStretch(1)
        self.form.addRow("日期：", row)
        self.form.addRow("服务内容：", self.content)
        self.finish({"服务日期": self.day, "时长": self.minutes, "服务内容": self.content})

    def set_editable(self, on: bool) -> None:
        super().set_editable(on)
        for w in (self.day, self.method, self.minutes):
            w.setEnabled(on)

    def rows(self, detail):
        return detail.sessions

    def action(self):
        data = rec.SessionInput(date_value(self.day), SessionMethod(self.method.currentData()), self.minutes.value(),
                                self.content.toPlainText())
        cid = self.detail.row.id
        return lambda s: rec.add_session(s, cid, data)


class FollowUpStage(RecordsStage):
    """跟踪问效: follow-up contacts, and the evaluation of each goal."""

    button_text = "添加回访"
    columns = (Column("日期", lambda f: day_text(f.followup_date)), Column("回访情况", lambda f: f.content),
               Column("社工", lambda f: f.worker))

    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.day = date_edit()
        self.content = text_box(50, "回访了解到的变化")
        self.form.addRow("回访日期：", self.day)
        self.form.addRow("回访情况：", self.content)
        self.goal_combo = QComboBox()
        self.result = fill_enum(QComboBox(), GoalResult, skip=(GoalResult.PENDING,))
        self.evaluation = QLineEdit(placeholderText="目标达成的依据")
        self.eval_day = date_edit()
        self.eval_button = QPushButton("保存目标评估")
        self.eval_button.clicked.connect(self.save_evaluation)
        goal_row = QHBoxLayout()
        for w in (self.goal_combo, self.result, self.eval_day):
            goal_row.addWidget(w)
        eval_row = QHBoxLayout()
        eval_row.addWidget(self.evaluation, 1)
        eval_row.addWidget(self.eval_button)
        self.form.addRow("评估目标：", goal_row)
        self.form.addRow("评估说明：", eval_row)
        self.goal_state = QLabel()
        self.form.addRow("", self.goal_state)
        self.finish({"回访日期": self.day, "回访情况": self.content, "达成情况": self.result, "评估说明": self.evaluation,
                     "评估日期": self.eval_day})

    def set_editable(self, on: bool) -> None:
        super().set_editable(on)
        for w in (self.day, self.goal_combo, self.result, self.eval_day, self.evaluation, self.eval_button):
            w.setEnabled(on)

    def rows(self, detail):
        self.goal_combo.clear()
        for g in detail.goals:
            self.goal_combo.addItem(f"{g.goal}（{g.result.label}）", g.id)
        pending = [g.goal for g in detail.goals if g.result is GoalResult.PENDING]
        self.goal_state.setText(f"尚未评估的目标：{'、'.join(pending)}" if pending else "所有目标均已评估。")
        return detail.followups

    def action(self):
        cid, day, text = self.detail.row.id, date_value(self.day), self.content.toPlainText()
        return lambda s: rec.add_followup(s, cid, day, text)

    def save_evaluation(self) -> None:
        goal = self.goal_combo.currentData()
        if goal is None:
            return
        result, text, day = GoalResult(self.result.currentData()), self.evaluation.text(), date_value(self.eval_day)
        if self._write(lambda s: rec.evaluate_goal(s, goal, result, text, day), self.errors):
            self.evaluation.clear()


class TimelineTab(RecordsStage):
    columns = (Column("日期", lambda e: day_text(e.day)), Column("环节", lambda e: e.stage), Column("内容", lambda e: e.text))

    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.button.hide()
        self.finish({})

    def rows(self, detail):
        return detail.timeline


def stage_pages(write: Writer) -> list[QWidget]:
    """识别对象 → 评估需求 → 制定计划 → 协调资源 → 开展服务 → 跟踪问效, in the case window's tab order."""
    return [IdentifyStage(write), AssessStage(write), PlanStage(write), ResourcesStage(write), InterventionStage(write),
            FollowUpStage(write)]
