"""工作台: the home screen. Who is working, the station in one line, and what is due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..data.base import now
from ..services import station, workbench
from ..services.workbench import DueItem, Level, WorkbenchContext
from .context import AppContext
from .table_model import Column, RowsTableModel
from .widgets import AMBER, NOTE_GREY, RED

WEEKDAYS = "一二三四五六日"
TITLE_MAX_WIDTH = 320
LEVEL_COLORS = {Level.OVERDUE: RED, Level.SOON: AMBER}  # todo/info: the normal text colour
COLUMNS = (Column("状态", lambda i: i.level.label), Column("事项", lambda i: i.title),
           Column("说明", lambda i: i.detail))


def date_text(day: datetime) -> str:
    return f"{day:%Y-%m-%d} 星期{WEEKDAYS[day.weekday()]}"


class WorkbenchView(QWidget):
    """Emits ``navigate_requested(key)`` when the user opens a due item's screen."""

    navigate_requested = Signal(str)
    refreshed = Signal()

    def __init__(self, ctx: AppContext, clock: Callable[[], datetime] = now, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._clock = ctx, clock
        self.greeting = _label(16, bold=True)
        self.date_label = _label(11)
        self.station_line = _label(11)
        self.station_line.setWordWrap(True)
        self.model = RowsTableModel(COLUMNS, row_color=lambda i: LEVEL_COLORS.get(i.level))
        self.table = self._make_table()
        self.empty_label = QLabel("目前没有需要处理的事项。")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setStyleSheet(f"color: {NOTE_GREY}; padding: 32px; font-size: 12pt;")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_label)
        self.open_button = QPushButton("去处理")
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        self._build()

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setStyleSheet("QTableView::item { padding: 6px 8px; }")
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.doubleClicked.connect(self._double_clicked)
        return table

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        for widget in (self.greeting, self.date_label, self.station_line):
            layout.addWidget(widget)
        layout.addSpacing(12)
        title_row = QHBoxLayout()
        title_row.addWidget(_label(12, bold=True, text="待办与提醒"))
        title_row.addStretch(1)
        title_row.addWidget(self.open_button)
        title_row.addWidget(self.refresh_button)
        layout.addLayout(title_row)
        layout.addWidget(self.list_stack, 1)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Later, from the event loop: the window appears at once, and an error in a feature's
        # provider reaches the crash dialog from a slot, not from inside Qt's show().
        QTimer.singleShot(0, self.refresh)

    def refresh(self) -> None:
        at = self._clock()
        with self._ctx.session() as session:
            info = station.get_station(session) or self._ctx.station
            cover = station.coverage(session)
            points = len(station.list_service_points(session))
            items = workbench.due_items(WorkbenchContext(session, at, self._ctx.db.path, self._ctx.user.role))
        self.greeting.setText(f"您好，{self._ctx.user.display_name}！")
        self.date_label.setText(f"今天是 {date_text(at)}")
        self.station_line.setText(f"{info.name}：{info.area_text}，共 {cover.total_villages} 个村(居)，"
                                  f"社工点 {points} 个，村(居)覆盖率 {cover.percent_text}")
        self.model.set_rows(items)
        self._fit_columns()
        self.list_stack.setCurrentWidget(self.table if items else self.empty_label)
        self.open_button.setEnabled(bool(items))
        self.refreshed.emit()

    def _fit_columns(self) -> None:
        """事项 as wide as its text up to a limit; long titles wrap rather than squeeze 说明."""
        self.table.resizeColumnToContents(1)
        self.table.setColumnWidth(1, min(self.table.columnWidth(1), TITLE_MAX_WIDTH))
        self.table.resizeRowsToContents()

    def _double_clicked(self, index) -> None:
        self.open_item(self.model.row(index.row()))

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_item(self.model.row(rows[0].row()))
        elif self.model.rowCount():
            self.open_item(self.model.row(0))

    def open_item(self, item: DueItem) -> None:
        self.navigate_requested.emit(item.area)

    @property
    def items(self) -> list[DueItem]:
        return self.model.rows


def _label(points: int, bold: bool = False, text: str = "") -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setPointSize(points)
    font.setBold(bold)
    label.setFont(font)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
