"""事项办理: open matters by due date (overdue red, near-due amber), filters, and the chosen matter.

Keyboard: the list takes ↑↓; the step buttons have Alt shortcuts (Alt+F 分办, Alt+Z 转办,
Alt+J 办结, Alt+H 回访, Alt+R 重新办理, Alt+V 作废, Alt+T 调整日期); Ctrl+P prints the 告知单.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.counter_labels import Channel, Status
from ...domain.dates import parse_date
from ...errors import UserError
from ...services.permissions import Permission
from ...services.report.layout import RecordRef
from ...services.window import catalogue, details, queries
from ...services.window.common import list_all_staff
from ...services.window.queries import RegistrationFilter, View
from ..attachments_dialog import AttachmentsDialog
from ..context import AppContext
from ..forms import FormErrors
from ..record_list import RecordListPage
from ..report.links import open_record
from ..table_model import Column
from ..targets.case_open_dialog import CaseOpenDialog
from ..widgets import NOTE_STYLE, fill_combo, fit_columns, select_data
from .action_dialog import ActionDialog
from .common import URGENCY_COLORS
from .detail_panel import DetailPanel
from .papers import NOTICE, TRANSFER, print_paper, save_paper

COLUMNS = (Column("受理编号", lambda r: r.ticket_no), Column("居民", lambda r: r.person_name),
           Column("事项", lambda r: r.matter_name), Column("预计办结", lambda r: r.due_text),
           Column("提醒", lambda r: r.urgency_text), Column("状态", lambda r: r.status_text),
           Column("登记时间", lambda r: f"{r.registered_at:%Y-%m-%d %H:%M}"),
           Column("首问负责人", lambda r: r.first_responder))


def _date_box(placeholder: str) -> QLineEdit:
    edit = QLineEdit(placeholderText=placeholder)
    edit.setMaximumWidth(110)
    return edit


def _urgency_color(row) -> str | None:
    return URGENCY_COLORS.get(row.urgency)


class MattersPage(RecordListPage):
    """The list of registrations (the filters above) and the chosen one's record and steps beside it."""

    max_column_width = 150

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, COLUMNS, parent, row_color=_urgency_color)
        self.printer = None  # tests replace the print dialog
        self.saver = None  # and the save dialog
        self._build_filters()
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.count_label = QLabel()
        self.count_label.setStyleSheet(NOTE_STYLE)
        self.filter_error = QLabel()
        self.filter_errors = FormErrors(self.filter_error, {"登记起始日期": self.date_from,
                                                            "登记截止日期": self.date_to})
        self.panel = DetailPanel(ctx.can(Permission.WINDOW_REGISTER), case_opener=ctx.can(Permission.CASE_OPEN),
                                 case_reader=ctx.can(Permission.CASE_READ))
        self.panel.action.connect(self.run_action)
        self._build_layout()
        shortcut = QShortcut(QKeySequence("Ctrl+P"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self.run_action("notice"))
        self.reload_choices()

    def _build_filters(self) -> None:
        self.view_combo = fill_combo(QComboBox(), ((v, v.label) for v in View))
        self.matter_combo = QComboBox()
        self.staff_combo = QComboBox()
        self.matter_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.matter_combo.setMinimumContentsLength(8)
        self.channel_combo = fill_combo(QComboBox(), ((c.value, c.label) for c in Channel), empty="全部渠道")
        self.date_from = _date_box("登记起始日期")
        self.date_to = _date_box("登记截止日期")
        self.text_edit = QLineEdit(placeholderText="受理编号、居民姓名或拼音首字母")
        self.text_edit.returnPressed.connect(self.refresh)
        self.search_button = QPushButton("查询")
        self.search_button.clicked.connect(self.refresh)
        for combo in (self.view_combo, self.matter_combo, self.staff_combo, self.channel_combo):
            combo.activated.connect(lambda *_: self.refresh())
        for edit in (self.date_from, self.date_to):
            edit.returnPressed.connect(self.refresh)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        for widget in (self.view_combo, self.matter_combo, self.staff_combo, self.channel_combo, self.date_from,
                       QLabel("至"), self.date_to):
            bar.addWidget(widget)
        bar.addWidget(self.text_edit, 1)
        bar.addWidget(self.search_button)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.filter_error)
        column.addWidget(self.table, 1)
        column.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([760, 420])  # at 1366×768 the list shows its columns up to 状态 in full
        self.panel.setMinimumWidth(400)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

    def reload_choices(self) -> None:
        with self._ctx.session() as s:
            matters = catalogue.list_matters(s, include_inactive=True)
            staff = list_all_staff(s)
        keep_matter, keep_staff = self.matter_combo.currentData(), self.staff_combo.currentData()
        fill_combo(self.matter_combo, ((m.id, m.name) for m in matters), empty="全部事项")
        fill_combo(self.staff_combo, [(self._ctx.user.id, "我的")] + [(uid, n) for uid, n in staff], empty="全部人员")
        select_data(self.matter_combo, keep_matter)
        select_data(self.staff_combo, keep_staff)

    def set_view(self, view: View, text: str = "") -> None:
        select_data(self.view_combo, view)
        self.text_edit.setText(text)
        self.refresh()

    def _filter(self) -> RegistrationFilter:
        dates = [parse_date(e.text(), label) if e.text().strip() else None
                 for e, label in ((self.date_from, "登记起始日期"), (self.date_to, "登记截止日期"))]
        return RegistrationFilter(self.view_combo.currentData(), self.matter_combo.currentData(),
                                  self.staff_combo.currentData(), self.channel_combo.currentData(), dates[0], dates[1],
                                  self.text_edit.text())

    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id or (self.panel.detail.id if self.panel.detail else None)
        self.filter_errors.clear()
        try:
            flt = self._filter()
        except UserError as exc:
            self.filter_errors.show(exc)
            return
        with self._ctx.session() as s:
            result = queries.list_registrations(s, flt, date.today())
        self.model.set_rows(result.rows)
        fit_columns(self.table, self.max_column_width)
        more = f"，只显示前 {len(result.rows)} 件，请缩小查询范围" if result.limited else ""
        self.count_label.setText(f"共 {result.total} 件{more}。红色为已超期，橙色为 2 个工作日内到期。")
        ids = [r.id for r in result.rows]
        self.select(keep if keep in ids else (ids[0] if ids else None))

    def select(self, registration_id: int | None) -> None:
        ids = [r.id for r in self.model.rows]
        if registration_id in ids:
            self.table.selectRow(ids.index(registration_id))
            self._show_row(ids.index(registration_id))
        else:
            self.panel.show_detail(None)

    def open_registration(self, registration_id: int) -> None:
        """Show one registration whatever the filters were (from 今日登记 or 工作台)."""
        with self._ctx.session() as s:
            row = queries.row_for(s, registration_id, date.today())
        if row is None:
            return
        select_data(self.view_combo, View.ALL)
        for combo in (self.matter_combo, self.staff_combo, self.channel_combo):
            combo.setCurrentIndex(0)
        self.date_from.clear()
        self.date_to.clear()
        self.text_edit.setText(row.ticket_no)
        self.refresh(select_id=registration_id)
        self.table.setFocus()

    def _current_changed(self, current, _previous) -> None:
        self._show_row(current.row())

    def _show_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        with self._ctx.session() as s:
            self.panel.show_detail(details.get_detail(s, self.model.row(row).id, date.today()))

    def _case(self, detail: details.RegistrationDetail) -> None:
        """窗口转介: open a case for the matter's resident, the matter linked (or show the case it became)."""
        if detail.case_id is not None:
            open_record(self._ctx, self, RecordRef("case_record", detail.case_id, detail.case_no, "targets"),
                        navigate=lambda _key: None)
            return
        description = detail.description or detail.matter_name
        self.dialog = CaseOpenDialog(self._ctx, detail.person_id, self, title=detail.matter_name,
                                     description=f"窗口登记 {detail.ticket_no}（{detail.matter_name}）：{description}",
                                     window_matter_id=detail.id)
        self.dialog.source_detail.setText(f"窗口事项 {detail.ticket_no}")
        self.dialog.accepted.connect(lambda: self.refresh(select_id=detail.id))
        self.dialog.finished.connect(self._back_to_list)
        self.dialog.open()

    def _back_to_list(self, *_args) -> None:
        """Keyboard focus returns to the list when a step dialog closes."""
        self.window().activateWindow()
        self.table.setFocus()

    def run_action(self, key: str) -> None:
        detail = self.panel.detail
        if detail is None:
            return
        if key in ("notice", "transfer_slip"):
            print_paper(self._ctx, self, detail.id, NOTICE if key == "notice" else TRANSFER, self.printer)
        elif key in ("save_notice", "save_transfer"):
            save_paper(self._ctx, self, detail.id, NOTICE if key == "save_notice" else TRANSFER, self.saver)
        elif key == "case":
            self._case(detail)
            return
        elif key == "attachments":
            editable = detail.status is not Status.VOID
            self.open_dialog(AttachmentsDialog(self._ctx, "window_registration", detail.id,
                                               f"附件：{detail.ticket_no} {detail.matter_name}",
                                               "可添加申请表、证件、证明材料等的扫描件或照片。", editable, self), None)
            return
        else:
            self.dialog = ActionDialog(self._ctx, key, detail, self)
            self.dialog.accepted.connect(lambda: self.refresh(select_id=detail.id))
            self.dialog.finished.connect(self._back_to_list)
            self.dialog.open()
            return
        self.refresh(select_id=detail.id)
