"""督导: the year's supervision visits; months without a visit and visits under 16 hours flagged."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...domain.staff_rules import SUPERVISION_VISIT_HOURS, hours_text
from ...services.permissions import Permission
from ...services.staff import ledgers, supervision
from ...services.staff.supervision import SupervisionRow
from .. import messages
from ..context import AppContext
from ..settings.widgets import OK_STYLE, TooltipRowsModel, fit_columns, make_table, note, selected_row
from ..table_model import Column
from .attachments_dialog import StaffAttachmentsDialog
from .export import export_file, today_name
from .supervision_dialog import SupervisionDialog
from .widgets import ORANGE, RED, run_write, year_spin

COLUMNS = (Column("督导日期", lambda r: r.date_text), Column("督导员", lambda r: r.supervisor),
           Column("督导机构", lambda r: r.organisation),
           Column("时长(小时)", lambda r: hours_text(r.hours) + ("（不足16）" if r.short else ""), align_right=True),
           Column("人数", lambda r: len(r.staff_ids), align_right=True),
           Column("督导内容", lambda r: r.topics.replace("\n", " ")))


class SupervisionPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx, self._edit = ctx, ctx.can(Permission.SUPERVISION_RECORD)
        self.dialog = None
        self.year_spin = year_spin()
        self.year_spin.valueChanged.connect(self.refresh)
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        self.model = TooltipRowsModel(COLUMNS, row_color=lambda r: ORANGE if r.short else None)
        self.table = make_table(self.model)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.notice = note(style=OK_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.check_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(note(f"原则上 1 名督导员负责 6 个社工站(点)，每月督导不少于 1 次，每次不少于 "
                              f"{SUPERVISION_VISIT_HOURS} 小时。"))
        layout.addWidget(self.notice)
        self.refresh()

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("年度："))
        row.addWidget(self.year_spin)
        row.addStretch(1)
        self.add_button, self.edit_button = QPushButton("新增督导记录…"), QPushButton("修改…")
        self.delete_button, self.files_button = QPushButton("删除"), QPushButton("附件…")
        self.export_button = QPushButton("导出督导记录…")
        actions = ((self.add_button, self.add), (self.edit_button, self.edit), (self.delete_button, self.delete),
                   (self.files_button, self.open_files), (self.export_button, self.export))
        for button, slot in actions:
            button.clicked.connect(lambda *_, f=slot: f())
            if self._edit or button in (self.files_button, self.export_button):
                row.addWidget(button)
        if self._edit:
            self.table.doubleClicked.connect(lambda *_: self.edit())
        return row

    def refresh(self, *_args) -> None:
        year = self.year_spin.value()
        with self._ctx.session() as s:
            rows = supervision.list_supervisions(s, date(year, 1, 1), date(year, 12, 31))
            check = supervision.supervision_check(s) if year == date.today().year else None
        self.model.set_rows(rows)
        fit_columns(self.table, 240)
        total = sum((r.hours for r in rows), 0)
        parts = [f"{year}年共督导 {len(rows)} 次，{hours_text(total)} 小时。"]
        if check and check.missing:
            parts.append(f'<span style="color:{RED}">没有督导记录的月份：{check.missing_text}。</span>')
        short = [r for r in rows if r.short]
        if short:
            parts.append(f'<span style="color:{ORANGE}">{len(short)} 次不足 {SUPERVISION_VISIT_HOURS} 小时。</span>')
        self.check_label.setText("　".join(parts))
        self._update_buttons()

    def selected(self) -> SupervisionRow | None:
        row = selected_row(self.table)
        return self.model.row(row) if row is not None else None

    def _update_buttons(self, *_args) -> None:
        chosen = self.selected() is not None
        for button in (self.edit_button, self.delete_button, self.files_button):
            button.setEnabled(chosen)

    def _open(self, dialog: SupervisionDialog, text: str) -> SupervisionDialog:
        dialog.accepted.connect(lambda: (self.refresh(), self.notice.setText(text)))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add(self) -> SupervisionDialog:
        return self._open(SupervisionDialog(self._ctx, None, self), "已新增督导记录。")

    def edit(self) -> SupervisionDialog | None:
        row = self.selected()
        return self._open(SupervisionDialog(self._ctx, row, self), "已保存督导记录。") if row else None

    def delete(self) -> None:
        row = self.selected()
        if row and messages.confirm(self, f"删除 {row.date_text} {row.supervisor} 的督导记录？"):
            if run_write(self._ctx, self, lambda s: supervision.delete_supervision(s, row.id) or True):
                self.refresh()
                self.notice.setText("已删除督导记录。")

    def open_files(self) -> None:
        row = self.selected()
        if row is not None:
            StaffAttachmentsDialog(self._ctx, "staff_supervision", row.id, f"督导附件 — {row.date_text}",
                                   self._edit, self).exec()

    def export(self, target=None):
        year = self.year_spin.value()
        return export_file(self._ctx, self, today_name(f"{year}年督导记录"),
                           lambda s, p: ledgers.export_supervision(s, p, year), target)
