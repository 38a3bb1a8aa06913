"""个案: the six stages (识别对象 → … → 跟踪问效) with their records, the timeline, closing and reopening."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
)

from ...domain.target_labels import CaseOutcome, CaseStage, CaseStatus
from ...errors import UserError
from ...services.targets import access, cases
from ...services.targets.case_detail import CaseDetail, case_detail
from ...services.targets.printouts import case_summary_pdf
from .. import messages
from ..context import AppContext
from ..forms import FormErrors, run_write
from ..widgets import (
    BLUE,
    GREEN,
    GREY,
    WARN_STYLE,
    date_edit,
    date_value,
    day_text,
    dialog_buttons,
    fill_enum,
    note,
)
from .case_stages import TimelineTab, stage_pages

DONE = GREEN  # the stepper: stages done, the current one, the ones to come
CURRENT = BLUE
TODO = GREY


class ReasonDialog(QDialog):
    """结案 (outcome, date, reason) or 重新开案 (reason only)."""

    def __init__(self, ctx: AppContext, case_id: int, closing: bool, opened_on: date, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._case = case_id
        self._closing = closing
        self.setWindowTitle("结案" if closing else "重新开案")
        self.outcome = fill_enum(QComboBox(), CaseOutcome)
        self.day = date_edit(not_after_today=True)
        self.reason = QLineEdit(placeholderText="结案理由、服务成效" if closing else "为什么需要继续服务")
        form = QFormLayout()
        if closing:
            form.addRow("结案结果：", self.outcome)
            form.addRow("结案日期：", self.day)
        form.addRow("结案说明：" if closing else "重新开案原因：", self.reason)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"结案结果": self.outcome, "结案日期": self.day,
                                                    "结案说明": self.reason, "重新开案原因": self.reason})
        buttons, self.save_button = dialog_buttons(self, "结案" if closing else "重新开案")
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if closing:
            layout.addWidget(note(f"开案日期 {opened_on:%Y-%m-%d}。未完成“跟踪问效”的个案，只能以转介、迁出或去世、"
                                  "拒绝服务提前结案。"))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(520, 220)

    def save(self) -> None:
        self.errors.clear()
        try:
            with self._ctx.session() as s:
                if self._closing:
                    cases.close_case(s, self._case, CaseOutcome(self.outcome.currentData()), self.reason.text(),
                                     date_value(self.day))
                else:
                    cases.reopen_case(s, self._case, self.reason.text())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()


class CaseDialog(QDialog):
    """``navigate_requested(key)``: 查看窗口事项 of a case opened from a window matter asks the main window
    for ``window.matter.<id>`` (the dialog closes: it is modal over the window it would show)."""

    changed = Signal()
    attachmentsRequested = Signal(str, int, str)
    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext, case_id: int, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.case_id = case_id
        self.detail: CaseDetail | None = None
        self.sub_dialog = None
        self.resize(1000, 680)
        self.header = QLabel()
        self.stepper = QLabel()
        self.missing = note(style=WARN_STYLE)
        self.header.setWordWrap(True)
        self.pages = stage_pages(self.write)
        self.timeline = TimelineTab(self.write)
        self.tabs = QTabWidget()
        for stage, page in zip(CaseStage, self.pages, strict=True):
            self.tabs.addTab(page, f"{stage.number}. {stage.label}")
        self.tabs.addTab(self.timeline, "时间线")
        self.advance_button = QPushButton("进入下一步")
        self.close_button = QPushButton("结案…")
        self.reopen_button = QPushButton("重新开案…")
        self.files_button = QPushButton("附件…")
        self.print_button, done = QPushButton("打印摘要…"), QPushButton("关闭")
        self.matter_button = QPushButton("查看窗口事项")
        self.matter_button.setToolTip("本个案由窗口事项转介而来：到“窗口登记 → 事项办理”查看该事项")
        for button, slot in ((self.advance_button, self.advance), (self.close_button, lambda: self._reason(True)),
                             (self.reopen_button, lambda: self._reason(False)), (self.files_button, self._files),
                             (self.print_button, self.print_summary), (self.matter_button, self.show_matter),
                             (done, self.accept)):
            button.clicked.connect(slot)
        row = QHBoxLayout()
        for button in (self.advance_button, self.close_button, self.reopen_button, self.files_button, self.print_button,
                       self.matter_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(done)
        layout = QVBoxLayout(self)
        for widget in (self.header, self.stepper, self.missing):
            layout.addWidget(widget)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(row)
        self.refresh()
        self.tabs.setCurrentIndex(min(self.detail.row.stage.number - 1, 5))

    @property
    def may_change(self) -> bool:
        """The case's responsible worker or an administrator (services/targets/access.py)."""
        return access.can_edit_case(self._ctx.user.role, self._ctx.user.id, self.detail.row.worker_id)

    @property
    def editable(self) -> bool:
        return self.detail.row.status is CaseStatus.OPEN and self.may_change

    def refresh(self) -> None:
        with self._ctx.session() as s:
            self.detail = detail = case_detail(s, self.case_id)
        r = detail.row
        self.setWindowTitle(f"个案 {r.case_no} — {r.person_name}")
        closed = f"　结案 {day_text(r.closed_on)}（{detail.outcome.label}）" if detail.outcome else ""
        self.header.setText(f"<b style='font-size:13pt'>{r.case_no}　{r.title}</b><br>服务对象：{r.person_name}"
                            f"（{detail.id_masked or '无身份证号'}，{detail.person_village}）　负责社工：{r.worker_name}"
                            f"　开案 {day_text(r.opened_on)}　来源：{r.source.label}{closed}")
        self.stepper.setText(self._stepper(detail))
        self.missing.setText("；".join(detail.missing) + "。补齐后点“进入下一步”。" if detail.missing and
                             r.status is CaseStatus.OPEN else "")
        self.missing.setVisible(bool(self.missing.text()))
        current = r.stage.number
        for i, page in enumerate(self.pages):
            self.tabs.setTabEnabled(i, i < current)
            page.show_detail(detail)
            page.set_editable(self.editable and i < current)
        self.timeline.show_detail(detail)
        self.advance_button.setEnabled(self.editable and r.stage.next is not None)
        self.close_button.setEnabled(self.editable)
        self.reopen_button.setEnabled(self.may_change and r.status is CaseStatus.CLOSED)
        self.files_button.setEnabled(True)
        self.matter_button.setVisible(detail.window_matter_id is not None)
        self.matter_button.setText(f"查看窗口事项 {detail.window_ticket_no}".strip())

    def _stepper(self, detail: CaseDetail) -> str:
        parts = []
        for stage in CaseStage:
            current = stage is detail.row.stage and detail.row.status is CaseStatus.OPEN
            color = CURRENT if current else DONE if detail.done[stage] and stage.number <= detail.row.stage.number \
                else TODO
            mark = "✓ " if detail.done[stage] and stage.number <= detail.row.stage.number else ""
            text = f"<span style='color:{color}'>{mark}{stage.number}.{stage.label}</span>"
            parts.append(f"<b>{text}</b>" if current else text)
        end = f"<b style='color:{GREEN}'>已结案</b>" if detail.row.status is CaseStatus.CLOSED else "结案"
        return " → ".join(parts + [end])

    def write(self, action, errors: FormErrors) -> bool:
        """A stage's change in one transaction; the window and the lists behind it show it."""
        errors.clear()
        if not run_write(self._ctx, self, action, errors):
            return False
        self.refresh()
        self.changed.emit()
        return True

    def advance(self) -> None:
        def _go():
            with self._ctx.session() as s:
                return cases.advance(s, self.case_id)
        stage = messages.attempt(self, _go)
        if stage is not None:
            self.refresh()
            self.tabs.setCurrentIndex(stage.number - 1)
            self.changed.emit()

    def _reason(self, closing: bool) -> None:
        self.sub_dialog = ReasonDialog(self._ctx, self.case_id, closing, self.detail.row.opened_on, self)
        self.sub_dialog.accepted.connect(self._reason_given)
        self.sub_dialog.open()

    def _reason_given(self) -> None:
        self.refresh()
        self.changed.emit()

    def show_matter(self) -> None:
        """窗口转介: the matter this case came from, in 窗口登记 → 事项办理."""
        matter = self.detail.window_matter_id
        if matter is None:
            return
        self.accept()
        self.navigate_requested.emit(f"window.matter.{matter}")

    def _files(self) -> None:
        self.attachmentsRequested.emit("case_record", self.case_id, f"个案 {self.detail.row.case_no} 的附件")

    def print_summary(self) -> None:
        from .print_dialog import PrintDialog
        cid, station, no = self.case_id, self._ctx.station.name, self.detail.row.case_no

        def make(session, target, reveal_reason):
            return case_summary_pdf(session, cid, station, target, reveal_reason)
        self.sub_dialog = PrintDialog(self._ctx, f"个案摘要 {no}", f"个案摘要-{no}.pdf", "case_record", cid, make, self)
        self.sub_dialog.open()
