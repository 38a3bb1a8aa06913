"""The six stage pages of the case window: each shows its record and adds to it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.targets import case_records as rec
from ...services.targets import cases
from ...services.targets.case_detail import CaseDetail
from ...services.targets.cases import CaseInput
from ...services.targets.labels import (
    CaseSource,
    NeedType,
)
from ..forms import FormErrors
from ..persons.common import date_edit, fill_enum, from_qdate, select_data, to_qdate
from ..settings.widgets import fit_columns, make_table
from ..table_model import Column, RowsTableModel
from .widgets import d

Writer = Callable[[Callable, FormErrors], bool]


def _text(height: int = 60, hint: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setFixedHeight(height)
    edit.setPlaceholderText(hint)
    return edit


class StagePage(QWidget):
    """A page with a form, an error line and a 保存/添加 button; ``write`` runs one transaction."""

    button_text = "保存"

    def __init__(self, write: Writer, parent=None):
        super().__init__(parent)
        self._write = write
        self.detail: CaseDetail | None = None
        self.layout_ = QVBoxLayout(self)
        self.error_label = QLabel()
        self.button = QPushButton(self.button_text)
        self.button.clicked.connect(self.submit)
        self.form = QFormLayout()

    def finish(self, fields: dict[str, QWidget]) -> None:
        self.errors = FormErrors(self.error_label, fields)
        self.layout_.addLayout(self.form)
        row = QHBoxLayout()
        row.addWidget(self.error_label, 1)
        row.addStretch(0)
        row.addWidget(self.button)
        self.layout_.addLayout(row)

    def set_editable(self, on: bool) -> None:
        for i in range(self.form.rowCount()):
            item = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            if item and item.widget():
                item.widget().setEnabled(on)
        self.button.setEnabled(on)

    def submit(self) -> None:
        if self._write(self.action(), self.errors):
            self.after_save()

    def after_save(self) -> None:
        pass

    def action(self) -> Callable:
        raise NotImplementedError

    def show_detail(self, detail: CaseDetail) -> None:
        self.detail = detail


class IdentifyPage(StagePage):
    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.title_edit, self.source_combo = QLineEdit(), fill_enum(QComboBox(), CaseSource)
        self.source_detail, self.description = QLineEdit(), _text(110)
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
        self.opened.setDate(to_qdate(r.opened_on))

    def action(self):
        r = self.detail.row
        data = CaseInput(r.person_id, self.title_edit.text(), CaseSource(self.source_combo.currentData()),
                         self.description.toPlainText(), from_qdate(self.opened), r.worker_id, self.source_detail.text())
        return lambda s: cases.update_identification(s, r.id, data)


class AssessPage(StagePage):
    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.assessed = date_edit()
        self.need_boxes = {n: QCheckBox(n.label) for n in NeedType}
        needs = QWidget()
        grid = QGridLayout(needs)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, box in enumerate(self.need_boxes.values()):
            grid.addWidget(box, i // 4, i % 4)
        self.assessment = _text(150, "对象的困难、优势、支持网络和主要需求")
        for label, w in (("评估日期：", self.assessed), ("需求类型：", needs), ("评估内容：", self.assessment)):
            self.form.addRow(label, w)
        self.finish({"评估日期": self.assessed, "需求类型": needs, "评估内容": self.assessment})

    def show_detail(self, detail: CaseDetail) -> None:
        super().show_detail(detail)
        if detail.assessment:
            day, needs, text = detail.assessment
            self.assessed.setDate(to_qdate(day))
            for n, box in self.need_boxes.items():
                box.setChecked(n in needs)
            self.assessment.setPlainText(text)

    def action(self):
        data = rec.AssessmentInput(from_qdate(self.assessed), tuple(n for n, b in self.need_boxes.items() if b.isChecked()),
                                   self.assessment.toPlainText())
        cid = self.detail.row.id
        return lambda s: rec.save_assessment(s, cid, data)


class ListPage(StagePage):
    """A record list above the form that adds to it."""

    button_text = "添加"
    columns: tuple[Column, ...] = ()

    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.model = RowsTableModel(self.columns)
        self.table = make_table(self.model)
        self.layout_.addWidget(self.table, 1)

    def rows(self, detail: CaseDetail):
        raise NotImplementedError

    def show_detail(self, detail: CaseDetail) -> None:
        super().show_detail(detail)
        self.model.set_rows(self.rows(detail))
        fit_columns(self.table, 300)

    def after_save(self) -> None:
        for i in range(self.form.rowCount()):
            item = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            w = item.widget() if item else None
            if isinstance(w, QLineEdit | QPlainTextEdit):
                w.clear()


class PlanPage(ListPage):
    button_text = "添加目标"
    columns = (Column("服务目标", lambda g: g.goal), Column("行动措施", lambda g: g.actions),
               Column("开始", lambda g: d(g.start_on)), Column("期限", lambda g: d(g.due_on)),
               Column("达成情况", lambda g: g.result.label))

    def __init__(self, write: Writer, parent=None):
        super().__init__(write, parent)
        self.goal, self.actions = QLineEdit(placeholderText="例如：三个月内能自行按时服药"), _text(50)
        self.start, self.due = date_edit(), date_edit(date.today() + timedelta(days=30))
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
        data = rec.GoalInput(self.goal.text(), self.actions.toPlainText(), from_qdate(self.start), from_qdate(self.due))
        cid = self.detail.row.id
        return lambda s: rec.save_goal(s, cid, data)
