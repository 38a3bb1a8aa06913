"""锁屏: after a while without input the screen locks; the password unlocks it, nothing is lost.

The windows underneath are covered (not closed or hidden: hiding a dialog would end
its ``exec()`` and lose what was typed), so a passer-by cannot read a resident's file.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from ..services import settings
from .context import AppContext
from .lock_dialog import LockDialog

INPUT_EVENTS = frozenset({
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.InputMethod, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
})


def idle_minutes(ctx: AppContext) -> int:
    with ctx.db.session() as session:
        return settings.get_int(session, "session.idle_lock_minutes")


class _Cover(QWidget):
    """An opaque sheet over one window while the screen is locked."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("background: #dfe3e8;")
        label = QLabel("屏幕已锁定")
        label.setStyleSheet("background: transparent; color: #5f6b7a; font-size: 20pt;")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)  # above the lock dialog, which Qt centres on the window
        self.setGeometry(window.rect())
        window.installEventFilter(self)  # follow the window if it is resized or maximised while locked
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
        return False


class IdleLock(QObject):
    """An application-wide event filter: any input restarts the timer; its timeout locks."""

    locked = Signal()
    unlocked = Signal()

    def __init__(self, ctx: AppContext, window: QWidget, on_logout: Callable[[], None],
                 timeout_ms: int | None = None):
        super().__init__(window)
        self._ctx = ctx
        self._window = window
        self._on_logout = on_logout
        self.minutes = idle_minutes(ctx)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(timeout_ms if timeout_ms is not None else self.minutes * 60_000)
        self.timer.timeout.connect(self._idle_timeout)  # bound methods, not lambdas: no GC cycles
        self.dialog: LockDialog | None = None
        self._covers: list[_Cover] = []

    def start(self) -> None:
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def stop(self) -> None:
        QApplication.instance().removeEventFilter(self)
        self.timer.stop()
        self._remove_covers()
        if self.dialog is not None:
            self.dialog.allow_close()
            self.dialog = None

    @property
    def is_locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self.dialog is None:
            self.timer.start()
        return False

    def _idle_timeout(self) -> None:
        self.lock(idle=True)

    def lock(self, idle: bool = False) -> None:
        if self.dialog is not None:
            return
        self.timer.stop()
        self._covers = [_Cover(w) for w in _open_windows()]
        parent = QApplication.activeModalWidget() or self._window
        self.dialog = LockDialog(self._ctx, self.minutes if idle else None, parent)
        self.dialog.unlocked.connect(self._unlock)
        self.dialog.logout_requested.connect(self._logout)
        self.dialog.open()
        self.locked.emit()

    def _unlock(self) -> None:
        self.dialog = None
        self._remove_covers()
        self.timer.start()
        self.unlocked.emit()

    def _logout(self) -> None:
        self.stop()
        self._on_logout()

    def _remove_covers(self) -> None:
        for cover in self._covers:
            cover.deleteLater()
        self._covers = []


def _open_windows() -> list[QWidget]:
    kinds = (Qt.WindowType.Window, Qt.WindowType.Dialog)
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowType() in kinds]
