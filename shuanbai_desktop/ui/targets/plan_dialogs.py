"""一人一案 dialogs: a service plan (new, change, read with its reviews), a review (复核), escalation to a case."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)
from sqlalchemy.orm import Session

from ...domain.target_labels import PlanFrequency, PlanReviewOutcome, PlanStatus
from ...errors import UserError
from ...services import persons
from ...services.permissions import Permission
from ...services.targets import plans
from ...services.targets.plans import PlanDetail, PlanInput, ReviewInput
from ..context import AppContext
from ..form_dialog import FormDialog
from ..forms import FormErrors, save_and_accept
from ..persons.picker import PersonPicker
from ..table_model import Column
from ..widgets import (
    TooltipRowsModel,
    data_as,
    date_edit,
    date_value,
    day_text,
    dialog_buttons,
    fill_combo,
    fill_enum,
    fit_columns,
    make_table,
    note,
    select_data,
)
from .widgets import section, worker_combo

REVIEW_COLUMNS = (Column("复核日期", lambda r: day_text(r.reviewed_on)), Column("结果", lambda r: r.outcome.label),
                  Column("复核情况", lambda r: r.note), Column("下次复核", lambda r: day_text(r.next_review)),
                  Column("复核人", lambda r: r.by))


def _text(value: str = "", placeholder: str = "", height: int = 60) -> QPlainTextEdit:
    edit = QPlainTextEdit(value)
    edit.setPlaceholderText(placeholder)
    edit.setMaximumHeight(height)
    return edit


class PlanDialog(QDialog):
    """A new plan (``plan_id`` None, optionally for ``person_id``), or an existing one: editable while it is
    执行中 and the user may write plans, else read only. After 保存 ``saved_id`` is the plan's id."""

    def __init__(self, ctx: AppContext, plan_id: int | None = None, person_id: int | None = None, parent=None,
                 today: date | None = None):
        super().__init__(parent)
        self._ctx = ctx
        self.plan_id = plan_id
        self.saved_id: int | None = None
        today = today or date.today()
        detail: PlanDetail | None = None
        with ctx.session() as s:
            if plan_id is not None:
                detail = plans.get_plan(s, plan_id)
            workers = plans.plan_workers(s)
            person_name = persons.get_person(s, person_id).name if person_id else ""
        self.detail = detail
        self.editable = ctx.can(Permission.CASE_OPEN) and (detail is None or detail.row.status is PlanStatus.ACTIVE)
        self.setWindowTitle("新建服务计划（一人一案）" if detail is None else f"服务计划 {detail.row.plan_no}")
        self.resize(720, 640 if detail is None else 700)
        layout = QVBoxLayout(self)
        self.picker: PersonPicker | None = None
        if detail is None:
            self.picker = PersonPicker(ctx)
            self.picker.setMaximumHeight(200)
            layout.addWidget(QLabel("服务对象："))
            layout.addWidget(self.picker)
            if person_id:
                self.picker.search_edit.setText(person_name)
                self.picker.set_person(person_id)
        else:
            row = detail.row
            status = row.status.label + (f"（个案 {row.case_no}）" if row.case_no else "") + (
                f"，{day_text(row.ended_on)}" if row.ended_on else "")
            layout.addWidget(note(f"服务对象：{row.person_name}　{row.village_name}　　状态：{status}"))
        self.need_material = _text(detail.need_material if detail else "", "如：缺少冬衣被褥、医疗费用负担重")
        self.need_spiritual = _text(detail.need_spiritual if detail else "", "如：独居、情绪低落、少与人交流")
        self.need_social = _text(detail.need_social if detail else "", "如：照料者缺位、社会支持不足")
        self.services = _text(detail.services if detail else "", "商定的服务：内容、由谁提供（社工、村(居)、志愿者、部门）",
                              90)
        self.frequency = fill_enum(QComboBox(), PlanFrequency)
        self.worker = fill_combo(QComboBox(), workers, "（未指定）")
        self.start = date_edit(detail.row.start_on if detail else today, not_after_today=True)
        self.review_due = date_edit(detail.row.review_due if detail else today + timedelta(days=90))
        if detail is not None:
            select_data(self.frequency, detail.row.frequency.value)
            select_data(self.worker, detail.row.staff_id)
        else:
            select_data(self.frequency, PlanFrequency.MONTHLY.value)
        form = QFormLayout()
        for label, widget in (("物质需求：", self.need_material), ("精神需求：", self.need_spiritual),
                              ("社会需求：", self.need_social), ("服务内容：", self.services),
                              ("服务频次：", self.frequency), ("负责社工：", self.worker),
                              ("开始日期：", self.start), ("下次复核日期：", self.review_due)):
            form.addRow(label, widget)
            widget.setEnabled(self.editable)
        layout.addLayout(form)
        self.reviews = make_table(TooltipRowsModel(REVIEW_COLUMNS))
        if detail is not None:
            self.reviews.model().set_rows(list(detail.reviews))
            fit_columns(self.reviews, 300)
            self.reviews.setMinimumHeight(110)
            layout.addWidget(section(f"复核记录（{len(detail.reviews)} 次）", self.reviews), 1)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {
            "服务对象": self.picker.search_edit if self.picker else self.need_material,
            "物质需求": self.need_material, "精神需求": self.need_spiritual, "社会需求": self.need_social,
            "服务内容": self.services, "开始日期": self.start, "下次复核日期": self.review_due})
        layout.addWidget(self.error_label)
        buttons, self.save_button = dialog_buttons(self, "保存")
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(self.editable)
        layout.addWidget(buttons)

    def data(self) -> PlanInput | None:
        if self.detail is not None:
            person = self.detail.row.person_id
        else:
            person = self.picker.chosen_id() if self.picker else None
        if person is None:
            self.errors.show(UserError("请先查找并选择服务对象（回车或双击选中）。", field="服务对象"))
            return None
        return PlanInput(person, self.worker.currentData(), self.need_material.toPlainText(),
                         self.need_spiritual.toPlainText(), self.need_social.toPlainText(),
                         self.services.toPlainText(), data_as(self.frequency, PlanFrequency),
                         date_value(self.start), date_value(self.review_due))

    def save(self, today: date | None = None) -> None:
        data = self.data()
        if data is None:
            return
        version = self.detail.version if self.detail is not None else None
        save_and_accept(self, self._ctx, self.errors,
                        lambda s: plans.save_plan(s, self.plan_id, data, today, version=version))


class ReviewDialog(FormDialog):
    """复核 of a plan: the outcome, what was found, the next review date (none when the plan ends)."""

    def __init__(self, ctx: AppContext, plan: plans.PlanRow, parent=None, today: date | None = None):
        super().__init__(ctx, f"复核服务计划 {plan.plan_no}（{plan.person_name}）",
                         "复核后计划按新的复核日期继续；需求已解决时选择“结束计划”。需要完整个案流程时请用“转为个案”。",
                         parent, "保存复核")
        self._plan = plan
        today = today or date.today()
        self.day = self.add("复核日期", date_edit(today, not_after_today=True))
        self.outcome = self.add("复核结果", fill_enum(QComboBox(), PlanReviewOutcome))
        self.note_edit = self.add("复核情况", _text("", "服务落实情况、对象的变化、计划如何调整", 90))
        self.next_review = self.add("下次复核日期", date_edit(today + timedelta(days=90)))
        self.outcome.currentIndexChanged.connect(self._outcome_changed)

    def _outcome_changed(self, *_args) -> None:
        self.next_review.setEnabled(data_as(self.outcome, PlanReviewOutcome) is not PlanReviewOutcome.END)

    def write(self, session: Session, today: date | None) -> None:
        outcome = data_as(self.outcome, PlanReviewOutcome)
        next_review = None if outcome is PlanReviewOutcome.END else date_value(self.next_review)
        plans.review_plan(session, self._plan.id, ReviewInput(date_value(self.day), outcome,
                                                              self.note_edit.toPlainText(), next_review), today)


class EscalateDialog(FormDialog):
    """转为个案: a case opened today for the plan's person, starting from the plan; ``case_id`` after 确定."""

    def __init__(self, ctx: AppContext, plan_id: int, parent=None):
        super().__init__(ctx, "服务计划转为个案", "个案接管这份服务计划：计划标为“已转个案”，需求、服务和复核记录写入个案的基本情况，"
                         "之后按个案六个步骤推进。", parent, "开案")
        self._plan_id = plan_id
        self.case_id: int | None = None
        with ctx.session() as s:
            detail = plans.get_plan(s, plan_id)
            account = plans.worker_account(s, detail.row.staff_id)
        self.add("服务对象", QLabel(f"{detail.row.person_name}（服务计划 {detail.row.plan_no}）"))
        self.title_edit = self.add("个案事由", QLineEdit(placeholderText="一句话说明要帮助解决的事"))
        self.worker = self.add("负责社工", worker_combo(ctx))
        select_data(self.worker, account if account is not None else ctx.user.id)
        self.description = self.add("基本情况", _text(plans.case_description(detail), "", 200))
        self.setMinimumWidth(620)

    def write(self, session: Session, today: date | None) -> None:
        self.case_id = plans.escalate_plan(session, self._plan_id, self.title_edit.text(),
                                           self.description.toPlainText(), self.worker.currentData(), today)
