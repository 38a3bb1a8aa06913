"""The frame of the staff events with participants (培训, 督导): the dates (a second one for events over
several days), the event's own fields, who took part; 保存 writes in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...domain.staff_labels import StaffStatus
from ...services.staff import roster
from ..context import AppContext
from ..forms import FormErrors, save_and_accept
from ..widgets import date_edit, dialog_buttons, note
from .widgets import OptionalDate, StaffChecklist


class ParticipantsDialog(QDialog):
    """A subclass builds its fields, then calls ``finish``; it gives ``input()`` and ``save_record``."""

    def __init__(self, ctx: AppContext, row: Any | None, title: str, end_hint: str, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._row = row
        self.saved_id: int | None = None
        self.setWindowTitle(title)
        self.start_edit = date_edit()
        self.end_edit = OptionalDate("结束日期", end_hint)
        self.people = StaffChecklist()
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)

    def date_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.start_edit)
        row.addWidget(QLabel("至"))
        row.addWidget(self.end_edit, 1)
        return row

    def fill_people(self, chosen: Sequence[int] | None) -> None:
        """Active workers (and former ones already chosen); ``None`` ticks every active worker."""
        with self._ctx.session() as s:
            staff = roster.list_staff(s, None)
        if chosen is None:
            chosen = tuple(r.id for r in staff if r.status is StaffStatus.ACTIVE)
        people = [(r.id, f"{r.name}（{r.role_text}）") for r in staff
                  if r.status is StaffStatus.ACTIVE or r.id in chosen]
        self.people.set_people(people, chosen)

    def finish(self, fields: dict[str, QWidget], rule: str) -> None:
        """参加人员 as the last row; the rule note, the error line and 保存/取消 below the form."""
        self.form.addRow("参加人员：", self.people)
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {**fields, "结束日期": self.end_edit,
                                                    "参加人员": self.people.list})
        buttons, self.save_button = dialog_buttons(self)
        self.save_button.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form, 1)
        layout.addWidget(note(rule))
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def end_value(self, start, end) -> None:
        """The end date as shown: empty for an event of one day."""
        self.end_edit.set_value(end if end != start else None)

    def input(self):
        raise NotImplementedError

    def save_record(self, session, data, record_id: int | None) -> int:
        raise NotImplementedError

    def save(self) -> None:
        record_id = self._row.id if self._row else None
        # input() inside the transaction: a date typed wrong is shown at its field like any rule
        save_and_accept(self, self._ctx, self.errors, lambda s: self.save_record(s, self.input(), record_id))
