"""工作台: the home screen. Who is working, the station in one line, the month at a glance (tiles and
12-month trends), a 快速上手 panel for the user's role, and what is due."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
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
from ..domain.labels import Role
from ..services import station, trends, workbench
from ..services.permissions import Permission
from ..services.trends import Tiles, Trends
from ..services.workbench import DueItem, Level, WorkbenchContext
from . import widgets
from .charts import Series, TrendChart
from .context import AppContext
from .forms import run_write
from .table_model import Column, RowsTableModel
from .widgets import AMBER, NOTE_GREY, RED

WEEKDAYS = "一二三四五六日"
TITLE_MAX_WIDTH = 320
LEVEL_COLORS = {Level.OVERDUE: RED, Level.SOON: AMBER}  # todo/info: the normal text colour
COLUMNS = (Column("状态", lambda i: i.level.label), Column("事项", lambda i: i.title),
           Column("说明", lambda i: i.detail))
TILE_STYLE = (f"QFrame#tile {{ background: {widgets.PANEL_BACKGROUND}; border: 1px solid {widgets.PANEL_BORDER};"
              " border-radius: 6px; }"
              f"QFrame#tile[link=\"true\"]:hover {{ border-color: {widgets.BLUE}; background: {widgets.PANEL_HOVER}; }}"
              f"QFrame#tile[link=\"true\"]:focus {{ border: 2px solid {widgets.BLUE}; }}")
QUICKSTART_STYLE = (f"QFrame#quickstart {{ background: {widgets.NOTICE_BACKGROUND}; border: 1px solid {widgets.NOTICE_BORDER};"
                    " border-radius: 6px; }")

# What to do first, by role; the links open the screen named (navigation keys).
QUICKSTART: dict[Role, tuple[str, ...]] = {
    Role.WINDOW: (
        "在<a href='window.register'>窗口登记</a>的搜索框输入居民姓名、拼音首字母、身份证号或电话查找；"
        "找不到时新建居民。",
        "选择事项，勾选已收的材料，按 Ctrl+S 登记，再按 Ctrl+P 打印一次性告知单交给居民。",
        "在<a href='window.matters'>事项办理</a>中跟进在办事项：转办、办结、回访；红色为已超期。",
        "下方“待办与提醒”列出您经手的超期和即将到期的事项，双击即可去处理。"),
    Role.SOCIAL_WORKER: (
        "在<a href='targets.persons'>居民与服务对象</a>中查找居民，登记其服务对象类别。",
        "在<a href='targets.households'>一户一档</a>中建立户档，在<a href='targets.visits'>入户走访</a>中"
        "记录每次走访；到期未访的户显示为红色。",
        "需要跟进的对象在<a href='targets.cases'>个案</a>中开案，按“识别对象 → 分析需求 → 制定计划 → "
        "协调资源 → 专业介入 → 跟踪问效”逐步记录。",
        "下方“待办与提醒”列出超期的走访和过了期限未评估的服务目标。"),
    Role.ADMIN: (
        "在<a href='settings.station'>设置 → 站点信息</a>中核对社工站信息，设立社工点并指定覆盖的村(居)。",
        "在<a href='settings.users'>设置 → 用户</a>中为每位同事建立账户（窗口、社工、督导），"
        "首次登录时须改密码。",
        "在<a href='settings.backup'>设置 → 备份与恢复</a>中立即备份一次，并设好第二备份位置（如U盘）。",
        "每月初在<a href='report'>报表</a>中预览上月数字，核对后导出报送；上方的数字和趋势图是全站的概况。"),
    Role.SUPERVISOR: (
        "在<a href='targets.cases'>个案</a>中查看社工的个案记录（只读）。",
        "在<a href='staff.supervision'>人员 → 督导</a>中查看督导记录。",
        "上方的数字和趋势图是全站本月的概况；各区域的内容均只能查看，不能修改。"),
}


def date_text(day: datetime) -> str:
    return f"{day:%Y-%m-%d} 星期{WEEKDAYS[day.weekday()]}"


class Tile(QFrame):
    """One figure with its caption; a tile with a navigation key opens that list (click, Enter, Space)."""

    clicked = Signal(str)

    def __init__(self, caption: str, key: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setObjectName("tile")
        self.setProperty("link", key is not None)
        self.number = _label(20, bold=True)
        self.caption = QLabel(caption)
        self.note = QLabel()
        self.note.setStyleSheet(f"color: {NOTE_GREY};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(0)
        for widget in (self.caption, self.number, self.note):
            widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(widget)
        if key is not None:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setToolTip(f"打开“{caption}”的列表")
        self.setAccessibleName(caption)

    def show_figure(self, value: int, note: str = "", colour: str | None = None) -> None:
        self.number.setText(str(value))
        self.number.setStyleSheet(f"color: {colour};" if colour else "")
        self.note.setText(note)
        self.setAccessibleDescription(f"{value} {note}".strip())

    def mouseReleaseEvent(self, event) -> None:
        if self.key is not None and event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.clicked.emit(self.key)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if self.key is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit(self.key)
            return
        super().keyPressEvent(event)


class QuickStart(QFrame):
    """快速上手 for the user's role: numbered first steps with links; “不再显示” hides it for this account."""

    def __init__(self, role: Role, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("quickstart")
        self.setStyleSheet(QUICKSTART_STYLE)
        steps = QUICKSTART[role]
        self.title = _label(12, bold=True, text=f"快速上手（{role.short}）")
        self.text = QLabel("".join(f"<p style='margin: 2px 0'>{n}. {s}</p>" for n, s in enumerate(steps, 1)))
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.hide_button = QPushButton("不再显示")
        self.hide_button.setToolTip("以后登录也不再显示；可点右上角的“快速上手”再次打开")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.hide_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.text)


class WorkbenchView(QWidget):
    """Emits ``navigate_requested(key)`` when the user opens a due item's, a tile's or a link's screen."""

    navigate_requested = Signal(str)
    refreshed = Signal()

    def __init__(self, ctx: AppContext, clock: Callable[[], datetime] = now, parent: QWidget | None = None):
        super().__init__(parent)
        self._ctx, self._clock = ctx, clock
        self.greeting = _label(16, bold=True)
        self.date_label = _label(11)
        self.station_line = _label(10)
        self.station_line.setWordWrap(True)
        self.quickstart_button = QPushButton("快速上手")
        self.quickstart_button.setToolTip("显示或收起本角色的上手步骤")
        self.quickstart_button.clicked.connect(self.toggle_quickstart)
        self.quickstart = QuickStart(ctx.user.role)
        self.quickstart.hide_button.clicked.connect(self.dismiss_quickstart)
        self.quickstart.text.linkActivated.connect(self.navigate_requested)
        self.quickstart.hide()
        self.tiles = self._make_tiles()
        self.charts = {"registrations": TrendChart("窗口登记", "件"), "visits": TrendChart("入户走访", "户次"),
                       "cases": TrendChart("个案", "个")}
        self.trend_note = QLabel()
        self.trend_note.setStyleSheet(f"color: {NOTE_GREY};")
        self.model = RowsTableModel(COLUMNS, row_color=lambda i: LEVEL_COLORS.get(i.level))
        self.table = self._make_table()
        self.empty_label = QLabel("目前没有需要处理的事项。")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_label.setStyleSheet(f"color: {NOTE_GREY}; padding: 16px; font-size: 12pt;")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_label)
        self.open_button = QPushButton("去处理")
        self.open_button.clicked.connect(self.open_selected)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        self.figures: Tiles | None = None
        self.trends: Trends | None = None
        self._build()

    def _make_tiles(self) -> dict[str, Tile]:
        can_cases = self._ctx.can(Permission.CASE_READ)
        tiles = {"today": Tile("今日登记", "window.register"), "open": Tile("在办事项", "window.open"),
                 "overdue": Tile("超期事项", "window.overdue"), "visits": Tile("应走访", "targets.visits"),
                 "cases": Tile("在案个案", "targets.cases" if can_cases else None)}
        for tile in tiles.values():
            tile.setStyleSheet(TILE_STYLE)
            tile.clicked.connect(self.navigate_requested)
        return tiles

    def _make_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setStyleSheet("QTableView::item { padding: 4px 8px; }")
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.doubleClicked.connect(self._double_clicked)
        return table

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(6)
        head = QHBoxLayout()
        head.addWidget(self.greeting)
        head.addSpacing(16)
        head.addWidget(self.date_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(self.quickstart_button)
        layout.addLayout(head)
        layout.addWidget(self.station_line)
        layout.addWidget(self.quickstart)
        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        layout.addLayout(tiles)
        charts = QHBoxLayout()
        charts.setSpacing(16)
        for chart in self.charts.values():
            charts.addWidget(chart, 1)
        layout.addLayout(charts, 3)
        layout.addWidget(self.trend_note)
        title_row = QHBoxLayout()
        title_row.addWidget(_label(12, bold=True, text="待办与提醒"))
        title_row.addStretch(1)
        title_row.addWidget(self.open_button)
        title_row.addWidget(self.refresh_button)
        layout.addLayout(title_row)
        layout.addWidget(self.list_stack, 4)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Later, from the event loop: the window appears at once, and an error in a feature's
        # provider reaches the crash dialog from a slot, not from inside Qt's show().
        QTimer.singleShot(0, self.refresh)

    def refresh(self) -> None:
        at = self._clock()
        today = at.date()
        with self._ctx.session() as session:
            info = station.get_station(session) or self._ctx.station
            cover = station.coverage(session)
            points = len(station.list_service_points(session))
            items = workbench.due_items(WorkbenchContext(session, at, self._ctx.db.anchor, self._ctx.user.role))
            self.figures = trends.tiles(session, today)
            self.trends = trends.recent_trends(session, today)
            hidden = workbench.quickstart_hidden(session, self._ctx.user.id)
        self.greeting.setText(f"您好，{self._ctx.user.display_name}！")
        self.date_label.setText(f"今天是 {date_text(at)}")
        self.station_line.setText(f"{info.name}：{info.area_text}，共 {cover.total_villages} 个村(居)，"
                                  f"社工点 {points} 个，村(居)覆盖率 {cover.percent_text}")
        self.quickstart.setVisible(not hidden)
        self._show_tiles(self.figures)
        self._show_trends(self.trends)
        self.model.set_rows(items)
        self._fit_columns()
        self.list_stack.setCurrentWidget(self.table if items else self.empty_label)
        self.open_button.setEnabled(bool(items))
        self.refreshed.emit()

    def _show_tiles(self, figures: Tiles) -> None:
        t = self.tiles
        t["today"].show_figure(figures.registered_today, "件，与“今日登记”列表相同")
        t["open"].show_figure(figures.open_matters, "件在办或已转办")
        t["overdue"].show_figure(figures.overdue_matters, "件已过办结期限",
                                 RED if figures.overdue_matters else None)
        t["visits"].show_figure(figures.visits_due, f"户，7 天内到期或已超期；超期 {figures.visits_overdue} 户",
                                RED if figures.visits_overdue else None)
        t["cases"].show_figure(figures.active_cases, "个进行中")

    def _show_trends(self, data: Trends) -> None:
        labels = [f"{m}月" for _, m in data.months]
        names = [f"{y}年{m}月" for y, m in data.months]
        partial = data.partial_last
        self.charts["registrations"].set_data(labels, [Series("登记", data.registrations)], partial, names)
        self.charts["visits"].set_data(labels, [Series("走访", data.visits)], partial, names)
        self.charts["cases"].set_data(labels, [Series("新开", data.cases_opened),
                                               Series("月末在案", data.cases_active, line=True)], partial, names)
        note = "；浅色柱为本月至今" if partial else ""
        self.trend_note.setText(f"近 12 个月（{data.period_text}），与月度报表的口径相同：登记不含作废，"
                                f"走访按户次，在案个案为月末（本月为今天）未结案的个案{note}。鼠标停在柱上可看数字。")

    def toggle_quickstart(self) -> None:
        if self.quickstart.isVisible():
            self.quickstart.hide()
            return
        if run_write(self._ctx, self, lambda s: workbench.set_quickstart_hidden(s, False)):
            self.quickstart.show()

    def dismiss_quickstart(self) -> None:
        if run_write(self._ctx, self, lambda s: workbench.set_quickstart_hidden(s, True)):
            self.quickstart.hide()

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
