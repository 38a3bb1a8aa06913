"""人员名册: the station's workers (masked), staffing at a glance, add/edit, attachments, leaving,
export and print."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ...domain.dates import parse_date
from ...domain.staff_labels import StaffStatus
from ...errors import UserError
from ...services.permissions import Permission
from ...services.staff import leaving, ledgers, roster, staffing_checks
from ...services.staff.roster import StaffRow
from .. import messages
from ..context import AppContext
from ..forms import run_write
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import GREY, note, push_button, short_village
from .attachments import staff_attachments
from .export import ask_full_numbers, export_file, print_pdf, today_name
from .leave_dialog import LeaveDialog
from .staff_dialog import StaffDialog
from .staffing_panel import lines_html, titles_html

COLUMNS = (
    Column("姓名", lambda r: r.name), Column("性别", lambda r: r.sex), Column("年龄", lambda r: r.age),
    Column("身份证号", lambda r: r.id_masked), Column("联系电话", lambda r: r.phone_masked),
    Column("职业资格", lambda r: r.certificate.label + ("、督导证" if r.supervisor_cert else "")),
    Column("岗位角色", lambda r: r.role_text), Column("所在社工点", lambda r: r.point_name),
    Column("负责村(居)", lambda r: "、".join(short_village(v) for v in r.village_names)),
    Column("入职日期", lambda r: f"{r.hire_date:%Y-%m-%d}"),
    Column("合同到期", lambda r: f"{r.contract_end:%Y-%m-%d}" if r.contract_end and r.status is StaffStatus.ACTIVE
           else ""),
    Column("状态", lambda r: r.status.label + (f"（{r.leave_date:%Y-%m-%d}）" if r.leave_date else "")),
)
STATUS_CHOICES = (("在岗", StaffStatus.ACTIVE), ("离职", StaffStatus.LEFT), ("全部", None))


class RosterPage(RecordListPage):
    max_column_width = 170

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=lambda r: GREY if r.status is StaffStatus.LEFT else None)
        self._edit = ctx.can(Permission.STAFF_EDIT)
        self.checks_label = QLabel()
        self.checks_label.setWordWrap(True)
        self.status_combo = QComboBox()
        for text, status in STATUS_CHOICES:
            self.status_combo.addItem(text, status)
        self.status_combo.currentIndexChanged.connect(self.refresh)
        self.search_edit = QLineEdit(placeholderText="姓名或拼音首字母")
        self.search_edit.textChanged.connect(self.refresh)
        self.empty_note = note()
        layout = QVBoxLayout(self)
        layout.addWidget(self.checks_label)
        layout.addLayout(self._toolbar())
        layout.addWidget(self.empty_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notice)
        self.refresh()

    def _toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("显示："))
        row.addWidget(self.status_combo)
        row.addWidget(self.search_edit)
        self.add_button = push_button("新增人员…", self.add_staff)
        self.edit_button = self.row_button("编辑…", self.edit_staff)
        self.files_button = self.row_button("附件…", self.open_files)
        self.leave_button = self.row_button("办理离职…", self.leave)
        self.delete_button = self.row_button("删除", self.delete)
        self.export_button = push_button("导出名册…", self.export_roster)
        self.print_button = push_button("打印名册…", self.print_roster)
        row.addStretch(1)
        if self._edit:
            for button in (self.add_button, self.edit_button, self.files_button, self.leave_button, self.delete_button):
                row.addWidget(button)
        row.addWidget(self.export_button)
        row.addWidget(self.print_button)
        return row

    def refresh(self, *_args) -> None:
        with self._ctx.session() as s:
            rows = roster.list_staff(s, self.status_combo.currentData(), self.search_edit.text())
            checks = staffing_checks(s)
        self.show_rows(rows)
        self.checks_label.setText("<b>人员配备：</b>" + titles_html(checks))
        self.checks_label.setToolTip(lines_html(checks).replace("<p style='margin:2px'></p>", "<br/>"))
        if rows:
            self.empty_note.setText("")
        elif self._edit and not self.search_edit.text():
            self.empty_note.setText("还没有录入工作人员。请点击“新增人员…”录入副站长、事务性岗位社工、"
                                    "残疾人专职委员和各社工点的服务性岗位社工。")
        else:
            self.empty_note.setText("没有符合条件的人员。")
        self.empty_note.setVisible(not rows)

    def update_buttons(self, row: StaffRow | None) -> None:
        left = row is not None and row.status is StaffStatus.LEFT
        self.leave_button.setText("重新入职…" if left else "办理离职…")

    def open_selected(self) -> None:
        if self._edit:
            self.edit_staff()

    def add_staff(self) -> StaffDialog:
        dialog = StaffDialog(self._ctx, None, self)
        self.open_dialog(dialog, lambda: self._saved(dialog.saved_id, "已新增人员。"))
        return dialog

    def edit_staff(self) -> StaffDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = StaffDialog(self._ctx, row.id, self)
        self.open_dialog(dialog, lambda: self._saved(row.id, f"已保存“{row.name}”的档案。"))
        return dialog

    def _saved(self, staff_id: int | None, text: str) -> None:
        self.refresh()
        if staff_id:
            self.select(staff_id)
        self.notice.setText(text)

    def open_files(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_dialog(staff_attachments(self._ctx, "staff_member", row.id, f"人员附件 — {row.name}", self._edit,
                                               self))

    def leave(self) -> LeaveDialog | None:
        row = self.selected()
        if row is None:
            return None
        if row.status is StaffStatus.LEFT:
            self.rejoin(row)
            return None
        dialog = LeaveDialog(self._ctx, row, self)
        self.open_dialog(dialog, lambda: self._saved(None, f"“{row.name}”已办理离职，名下事项已移交。"))
        return dialog

    def rejoin(self, row: StaffRow, on: date | None = None) -> bool:
        """A former worker returns; asks for the date unless given."""
        if on is None:
            text, ok = QInputDialog.getText(self, "重新入职", f"“{row.name}”重新入职的日期（如 2024-03-05）：",
                                            text=f"{date.today():%Y-%m-%d}")
            if not ok:
                return False
            try:
                on = parse_date(text, "入职日期")
            except UserError as exc:
                messages.error(self, exc.message)
                return False
        if run_write(self._ctx, self, lambda s: leaving.rejoin(s, row.id, on)):
            self._saved(row.id, f"“{row.name}”已重新入职。请为其新签劳动合同。")
            return True
        return False

    def delete(self) -> None:
        row = self.selected()
        if row is None or not messages.confirm(
                self, f"删除“{row.name}”的档案？只有误录入、尚无任何合同、培训、工资或考核记录的档案才能删除；"
                      "离开本站的请使用“办理离职”。"):
            return
        if run_write(self._ctx, self, lambda s: roster.delete_staff(s, row.id)):
            self._saved(None, f"已删除“{row.name}”的档案。")

    def export_roster(self, target=None, full: bool | None = None):
        if full is None:
            full = ask_full_numbers(self) if self._ctx.can(Permission.STAFF_EXPORT_FULL) else False
            if full is None:
                return None
        status = self.status_combo.currentData()
        return export_file(self._ctx, self, today_name("人员名册"),
                           lambda s, p: ledgers.export_roster(s, p, status, full), target)

    def print_roster(self):
        status = self.status_combo.currentData()
        return print_pdf(self._ctx, self, "人员名册", lambda s, p: ledgers.roster_pdf(s, p, status))
