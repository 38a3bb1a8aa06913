"""The program's own main window (``MainWindow``, a ``QMainWindow``): the navigation column of the areas on
the left (from ``AREAS``: 工作台, 窗口登记 … 设置), the chosen area on the right, the menus, the status bar
(user, station, database) and the idle lock. Not a Qt module despite the name.

A later feature adds its area with one line in ``AREAS``. An area widget may offer
``show_page(key)`` for sub-pages ("settings.backup"), a ``navigate_requested(str)``
signal to send the user elsewhere and a ``station_changed`` signal; the window wires them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from .. import APP_NAME
from ..services import station
from ..services.auth import UserInfo
from . import main_menu
from .context import AppContext
from .idle_lock import IdleLock
from .local_settings import local_settings

GEOMETRY_KEY = "main_window/geometry"
LARGE_SCREEN = QSize(1440, 900)  # smaller screens: the window opens maximised the first time
NORMAL_SIZE = QSize(1360, 860)
NAV_STYLE = ("QListWidget { outline: 0; border: none; border-right: 1px solid #c8ccd2; background: #f4f6f8; }"
             "QListWidget::item { padding: 9px 14px; }")


def _workbench(ctx: AppContext) -> QWidget:
    from .workbench_view import WorkbenchView
    return WorkbenchView(ctx)


def _lazy(module: str, name: str) -> Callable[[AppContext], QWidget]:
    """Import an area's view only when it is first opened (keeps start-up fast)."""
    def factory(ctx: AppContext) -> QWidget:
        import importlib
        return getattr(importlib.import_module(module, __package__), name)(ctx)
    return factory


def _settings(ctx: AppContext) -> QWidget:
    from .settings.view import SettingsView  # built alongside; imported when first opened
    return SettingsView(ctx)


def first_placement(screen: QRect) -> QRect | None:
    """None (maximised) on a screen smaller than 1440×900, such as the station's 1366×768 PCs; else a
    normal size in the middle of the screen."""
    if screen.width() < LARGE_SCREEN.width() or screen.height() < LARGE_SCREEN.height():
        return None
    size = NORMAL_SIZE.boundedTo(screen.size())
    place = QRect(QPoint(0, 0), size)
    place.moveCenter(screen.center())
    return place


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    factory: Callable[[AppContext], QWidget]
    allowed: Callable[[UserInfo], bool] = lambda user: True


# In this order: 工作台, 窗口登记, 服务对象与个案, 人员, 资产, 档案, 报表, 设置 (as each is built).
AREAS: list[Area] = [
    Area("workbench", "工作台", _workbench),
    Area("window", "窗口登记", _lazy(".counter.view", "CounterView")),
    Area("targets", "服务对象与个案", _lazy(".targets.view", "TargetsView")),
    Area("staff", "人员", _lazy(".staff.view", "StaffView")),
    Area("assets", "资产", _lazy(".assets.view", "AssetsView")),
    Area("archives", "档案", _lazy(".archives.view", "ArchivesView")),
    Area("report", "报表", _lazy(".report.view", "ReportView")),
    Area("settings", "设置", _settings),
]


class MainWindow(QMainWindow):
    """The app's main window after login: the navigation of the areas the user's role may open, each area's
    widget made when it is first chosen (``area_widget``), ``navigate("settings.backup")`` to open an area or
    one of its pages. ``closed(reason)`` tells the app what comes next: "exit", "logout" or "relogin"."""

    closed = Signal(str)

    def __init__(self, ctx: AppContext, idle_timeout_ms: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.reason = "exit"
        from .report import month_override
        month_override.install(ctx)
        self.areas = [a for a in AREAS if a.allowed(ctx.user)]
        self._widgets: dict[str, QWidget] = {}
        self.nav = self._make_nav()
        self.stack = QStackedWidget()
        self._build()
        self.idle_lock = IdleLock(ctx, self, self.log_out, idle_timeout_ms)
        main_menu.build_menus(self)
        self.refresh_station()
        self.nav.setCurrentRow(0)
        self.place_window()

    def _make_nav(self) -> QListWidget:
        nav = QListWidget()
        font = QFont(nav.font())
        font.setPointSize(12)
        nav.setFont(font)
        nav.setStyleSheet(NAV_STYLE)
        nav.setFixedWidth(168)
        for row, area in enumerate(self.areas):
            nav.addItem(area.label)
            nav.item(row).setToolTip(main_menu.area_tooltip(area.label, row))  # Ctrl+1…8 (转到 menu)
        nav.currentRowChanged.connect(self._show_row)
        return nav

    def _build(self) -> None:
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.user_label, self.station_label, self.db_label = QLabel(), QLabel(), QLabel()
        user = self.ctx.user
        self.user_label.setText(f"用户：{user.display_name}（{user.role.short}）")
        self.db_label.setText(f"数据库：{self.ctx.db.where()}")  # a file's path, or the station server (no secret)
        for label in (self.user_label, self.station_label):
            label.setContentsMargins(8, 0, 16, 0)
            self.statusBar().addWidget(label)
        self.statusBar().addPermanentWidget(self.db_label)

    def place_window(self) -> None:
        """Where the user left the window on this PC (``local_settings``); the first time as
        ``first_placement`` says for the screen it opens on."""
        saved = local_settings().value(GEOMETRY_KEY)
        if isinstance(saved, QByteArray) and not saved.isEmpty() and self.restoreGeometry(saved):
            return
        # Never ``self.screen()``: PySide makes the QScreen's wrapper a child of the window that asked, and
        # when that window is later collected in a reference cycle the wrapper can be freed with it and
        # delete the screen itself — Qt then crashes in the next widget it makes (docs/decisions.md,
        # “一个偶发的崩溃”). A new window opens on the screen under its default place, the primary one.
        screen = QGuiApplication.screenAt(self.geometry().center()) or QGuiApplication.primaryScreen()
        place = first_placement(screen.availableGeometry())
        if place is None:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        else:
            self.setGeometry(place)

    def save_placement(self) -> None:
        """Size, position and maximised state for next time (Qt's own record: it copes with a screen
        that is gone or smaller by then)."""
        settings = local_settings()
        settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        settings.sync()

    def refresh_station(self) -> None:
        """Title and status bar from the stored station (its name may have been edited)."""
        with self.ctx.session() as session:
            info = station.get_station(session) or self.ctx.station
        self.setWindowTitle(f"{APP_NAME} — {info.name}")
        self.station_label.setText(f"站点：{info.name}")

    def _station_changed(self, *_args) -> None:
        self.refresh_station()

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentWidget(self.area_widget(self.areas[row].key))
        self.refresh_station()

    def area_widget(self, key: str) -> QWidget:
        """The area's widget, made the first time it is opened."""
        if key not in self._widgets:
            area = next(a for a in self.areas if a.key == key)
            widget = area.factory(self.ctx)
            if hasattr(widget, "navigate_requested"):
                widget.navigate_requested.connect(self.navigate)
            if hasattr(widget, "station_changed"):
                widget.station_changed.connect(self._station_changed)
            self._widgets[key] = widget
            self.stack.addWidget(widget)
        return self._widgets[key]

    def navigate(self, key: str) -> bool:
        """Open an area ("settings") or one of its pages ("settings.backup"); False if not available."""
        area_key = key.split(".", 1)[0]
        row = next((i for i, a in enumerate(self.areas) if a.key == area_key), None)
        if row is None:  # an area this role may not open, or not in this version
            self.statusBar().showMessage("当前账户不能打开这一项的处理页面，请联系管理员。", 8000)
            return False
        self.nav.setCurrentRow(row)
        widget = self.area_widget(area_key)
        if key != area_key and hasattr(widget, "show_page"):
            widget.show_page(key)
        return True

    @property
    def current_area(self) -> str:
        return self.areas[self.nav.currentRow()].key

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.idle_lock.timer.isActive() and not self.idle_lock.is_locked:
            self.idle_lock.start()

    def lock_screen(self) -> None:
        self.idle_lock.lock()

    def change_password(self) -> None:
        main_menu.change_password(self)

    def show_about(self) -> None:
        main_menu.about_box(self).exec()

    def open_global_search(self) -> None:
        from .global_search import show_search  # Ctrl+F
        show_search(self)

    def refresh_page(self) -> None:
        """F5: reload what the area in front shows (its visible tab): work saved meanwhile on another PC of a
        station server, or by the command line. Forms keep what is typed in them; only lists are read again."""
        widget = self.area_widget(self.current_area)
        if hasattr(widget, "refresh"):
            widget.refresh()
            self.statusBar().showMessage("已刷新。", 3000)

    def go_to_action(self, action) -> None:
        """转到 → an area (Ctrl+1…8): the action's data is its row in the navigation column."""
        row = action.data()
        if isinstance(row, int) and 0 <= row < len(self.areas):
            self.nav.setCurrentRow(row)

    def show_help(self) -> None:
        from .help import show_help, topic_for  # F1: the manual at the area in front and its visible tab
        show_help(self, topic_for(self))

    def show_manual(self) -> None:
        from .help import show_help
        show_help(self)

    def log_out(self) -> None:
        self.finish("logout")

    def quit_app(self) -> None:
        self.finish("exit")

    def finish(self, reason: str) -> None:
        """Close every dialog still open (ending their ``exec()``), then this window."""
        self.reason = reason
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.done(QDialog.DialogCode.Rejected)
        self.close()

    def closeEvent(self, event) -> None:
        if self.isVisible():
            self.save_placement()
        self.idle_lock.stop()
        from .report import month_override
        month_override.uninstall(self.ctx)
        super().closeEvent(event)
        self.closed.emit(self.reason)
        self.reason = "exit"

