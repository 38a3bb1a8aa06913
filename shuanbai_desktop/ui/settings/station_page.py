"""站点信息: the station profile, its service points (社工点) and their coverage."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import station
from ...services.permissions import Permission
from ...services.station import ServicePointRow
from .. import messages
from ..context import AppContext
from ..forms import FormErrors
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import OK_STYLE, button_row, form_label, note, push_button
from .coverage_panel import CoveragePanel
from .point_dialog import PointDialog

POINT_COLUMNS = (
    Column("社工点名称", lambda p: p.name),
    Column("依托场所", lambda p: p.facility_type.label),
    Column("地址", lambda p: p.address),
    Column("联络人", lambda p: p.liaison_name + (f"（{p.liaison_phone}）" if p.liaison_phone else "")),
    Column("覆盖村(居)", lambda p: f"{len(p.village_names)} 个：" + "、".join(p.village_names)),
)


class StationPage(RecordListPage):
    """The station's profile above; the list (``self.model``, ``self.table``) is of its service points."""

    station_changed = Signal(object)  # StationInfo, after the profile was saved
    max_column_width = 220

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(ctx, POINT_COLUMNS, parent)
        self._may_edit = ctx.can(Permission.STATION_EDIT)
        self.points_model = self.model
        self.points_table = self.table
        self.coverage_panel = CoveragePanel()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_points())
        splitter.addWidget(self._build_side())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_profile())
        layout.addWidget(splitter, 1)
        self._fill_profile()
        self.refresh()

    # --- profile -----------------------------------------------------------------
    def _build_profile(self) -> QGroupBox:
        box = QGroupBox("站点概况")
        self.area_label, self.code_label = QLabel(), QLabel()
        self.name_edit, self.phone_edit, self.address_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.name_edit.setMaxLength(60)
        self.address_edit.setMaxLength(120)
        # 站长 and 常务副站长 (R1.2): officials of the town, not station staff; printed on the monthly report.
        self.leader_edit, self.leader_post_edit = QLineEdit(), QLineEdit()
        self.deputy_edit, self.deputy_post_edit = QLineEdit(), QLineEdit()
        self.leader_post_edit.setPlaceholderText("如：镇党委委员、副镇长（分管民政）")
        self.deputy_post_edit.setPlaceholderText("如：镇公共服务办主任")
        for edit, length in ((self.leader_edit, 40), (self.leader_post_edit, 60), (self.deputy_edit, 40),
                             (self.deputy_post_edit, 60)):
            edit.setMaxLength(length)
        grid = QGridLayout(box)
        cells = (("所在地区：", self.area_label, 0, 0), ("区划代码：", self.code_label, 0, 2),
                 ("社工站名称：", self.name_edit, 1, 0), ("联系电话：", self.phone_edit, 1, 2),
                 ("地址：", self.address_edit, 2, 0),
                 ("站长：", self.leader_edit, 3, 0), ("站长职务：", self.leader_post_edit, 3, 2),
                 ("常务副站长：", self.deputy_edit, 4, 0), ("常务副站长职务：", self.deputy_post_edit, 4, 2))
        for text, widget, row, col in cells:
            grid.addWidget(form_label(text), row, col)
            grid.addWidget(widget, row, col + 1, 1, 3 if text == "地址：" else 1)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        self.profile_error = QLabel()
        self.profile_errors = FormErrors(self.profile_error, {
            "社工站名称": self.name_edit, "地址": self.address_edit, "联系电话": self.phone_edit,
            "站长姓名": self.leader_edit, "站长职务": self.leader_post_edit, "常务副站长姓名": self.deputy_edit,
            "常务副站长职务": self.deputy_post_edit})
        self.profile_saved = note(style=OK_STYLE)
        self.save_button = QPushButton("保存站点信息")
        self.save_button.clicked.connect(self.save_profile)
        grid.addWidget(self.profile_error, 5, 0, 1, 3)
        grid.addLayout(button_row(self.profile_saved, self.save_button, stretch_first=True), 5, 3)
        if not self._may_edit:
            grid.addWidget(note("站点信息和社工点由管理员（站长/副站长）维护，这里只能查看。"), 5, 0, 1, 4)
        self._set_profile_editable(self._may_edit)
        return box

    def _set_profile_editable(self, editable: bool) -> None:
        for edit in (self.name_edit, self.phone_edit, self.address_edit, self.leader_edit, self.leader_post_edit,
                     self.deputy_edit, self.deputy_post_edit):
            edit.setReadOnly(not editable)
            edit.setFrame(editable)  # read-only values look like text, not like a field to fill
        self.save_button.setVisible(editable)

    def _fill_profile(self) -> None:
        info = self._ctx.station
        self.area_label.setText(info.area_text)
        self.code_label.setText(info.town_code)
        self.name_edit.setText(info.name)
        self.phone_edit.setText(info.phone)
        self.address_edit.setText(info.address)
        self.leader_edit.setText(info.leader_name)
        self.leader_post_edit.setText(info.leader_post)
        self.deputy_edit.setText(info.deputy_name)
        self.deputy_post_edit.setText(info.deputy_post)

    def save_profile(self) -> None:
        self.profile_errors.clear()
        self.profile_saved.clear()
        try:
            with self._ctx.session() as s:
                station.update_station(s, self.name_edit.text(), self.address_edit.text(), self.phone_edit.text())
                info = station.update_leadership(s, self.leader_edit.text(), self.leader_post_edit.text(),
                                                 self.deputy_edit.text(), self.deputy_post_edit.text())
        except UserError as exc:
            self.profile_errors.show(exc)
            return
        self._ctx.station = info
        self._fill_profile()
        self.profile_saved.setText("已保存。")
        self.station_changed.emit(info)

    # --- service points ----------------------------------------------------------
    def _build_points(self) -> QGroupBox:
        box = QGroupBox("社工点")
        self.add_button = push_button("新增社工点…", self.add_point)
        self.edit_button = self.row_button("编辑…", self.edit_point)
        self.delete_button = self.row_button("删除", self.delete_point)
        self.empty_note = note("还没有设立社工点。" + ("请点击“新增社工点…”，填写依托场所、联络人并勾选它覆盖的村(居)。"
                                                     if self._may_edit else ""))
        layout = QVBoxLayout(box)
        if self._may_edit:
            layout.addLayout(button_row(self.add_button, self.edit_button, self.delete_button))
        layout.addWidget(self.empty_note)
        layout.addWidget(self.points_table, 1)
        return box

    def _build_side(self) -> QWidget:
        """Coverage of the villages, then the staffing checks (R1.4) of the staff roster."""
        from ..staff.staffing_panel import StaffingPanel
        self.staffing_panel = StaffingPanel(self._ctx)
        side = QWidget()
        box = QVBoxLayout(side)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.coverage_panel, 1)
        box.addWidget(self.staffing_panel)
        scroll = QScrollArea()  # the staffing checks run long: they scroll on a 1366×768 screen
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        return scroll

    def refresh(self) -> None:
        self.staffing_panel.refresh()
        with self._ctx.session() as s:
            points = station.list_service_points(s)
            cov = station.coverage(s)
        self.show_rows(points)
        self.empty_note.setVisible(not points)
        self.coverage_panel.show_coverage(cov)

    @property
    def point_dialog(self) -> PointDialog | None:
        return self.dialog

    def open_selected(self) -> None:
        if self._may_edit:
            self.edit_point()

    def _open_dialog(self, point: ServicePointRow | None) -> PointDialog:
        with self._ctx.session() as s:
            villages, points = station.list_villages(s), station.list_service_points(s)
        dialog = PointDialog(self._ctx, villages, points, point, self)
        self.open_dialog(dialog, self.refresh)
        return dialog

    def add_point(self) -> PointDialog:
        return self._open_dialog(None)

    def edit_point(self) -> PointDialog | None:
        point = self.selected()
        return self._open_dialog(point) if point else None

    def delete_point(self) -> None:
        point = self.selected()
        if point is None or not messages.confirm(
                self, f"确定删除社工点“{point.name}”吗？\n它覆盖的 {len(point.village_codes)} 个村(居)将变为未覆盖。"):
            return
        with self._ctx.session() as s:
            station.delete_service_point(s, point.id)
        self.refresh()
