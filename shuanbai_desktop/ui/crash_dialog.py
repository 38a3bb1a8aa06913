"""The dialog for our bugs: a plain Chinese apology, the log file, details to copy for support."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..domain.redact import redact_text
from ..errors import DiskFull, UserError, is_disk_full
from . import messages

log = logging.getLogger(__name__)

INTRO = ("程序遇到了一个意外错误。您刚才的操作可能没有完成，已经保存的数据不受影响。\n"
         "如果问题反复出现，请把下面的日志文件或“详细信息”发给技术支持人员。")


class CrashDialog(QDialog):
    def __init__(self, details: str, log_file: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("程序出错")
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setVisible(False)
        self.toggle_button = QPushButton("显示详细信息")
        self.toggle_button.clicked.connect(self._toggle)
        self.copy_button = QPushButton("复制详细信息")
        self.copy_button.clicked.connect(self.copy_details)
        close = QPushButton("关闭")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        self._build(log_file, close)
        self.resize(620, 0)

    def _build(self, log_file: Path | None, close: QPushButton) -> None:
        title = QLabel("很抱歉，程序出错了")
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        where = QLabel(f"日志文件：{log_file}" if log_file else "日志文件：未能建立")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for button in (self.toggle_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        for widget in (title, intro, where, self.details):
            layout.addWidget(widget)
        layout.addLayout(buttons)

    def _toggle(self) -> None:
        shown = not self.details.isVisible()
        self.details.setVisible(shown)
        self.toggle_button.setText("隐藏详细信息" if shown else "显示详细信息")
        self.resize(self.width(), 460 if shown else self.minimumSizeHint().height())

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("已复制")


def details_text(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The traceback, with anything shaped like an ID or phone number masked (it may be copied and sent)."""
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    text = redact_text(text)
    return f"社工站工作平台 {__version__}，Python {sys.version.split()[0]}\n\n{text}"


class CrashHandler:
    """``sys.excepthook``: a UserError that escaped is shown plainly; anything else is a bug."""

    def __init__(self, log_file: Path | None):
        self.log_file = log_file
        self._showing = False

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, UserError):
            messages.error(QApplication.activeWindow(), exc.message)
            return
        if is_disk_full(exc):  # ENOSPC writing a file, SQLITE_FULL outside a session: not a bug
            log.warning("disk full: %s", exc_type.__name__)
            messages.error(QApplication.activeWindow(), DiskFull.MESSAGE, "磁盘空间不足")
            return
        log.critical("未预料的错误", exc_info=(exc_type, exc, tb))
        if self._showing or QApplication.instance() is None:
            return  # an error inside the dialog itself: logged, not shown again
        self._showing = True
        try:
            CrashDialog(details_text(exc_type, exc, tb), self.log_file, QApplication.activeWindow()).exec()
        finally:
            self._showing = False


def install_excepthook(log_file: Path | None) -> CrashHandler:
    handler = CrashHandler(log_file)
    sys.excepthook = handler
    return handler
