"""备份与恢复: the backup list, back up now, copy to a USB stick, restore (administrator).

Backing up runs in a background thread (a large database takes seconds to copy,
check and hash). Restoring runs on the GUI thread under a wait cursor: the
database is closed meanwhile, so nothing else in the window may run.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import paths
from ...data.base import now
from ...domain.labels import BackupKind
from ...errors import UserError
from ...services import backup, database_ops
from ...services.backup import BackupInfo
from .. import messages
from ..context import AppContext
from ..table_model import Column, RowsTableModel
from .restore import restore_database
from .widgets import OK_STYLE, button_row, fit_columns, make_table, note, selected_row
from .worker import BackgroundCall

log = logging.getLogger(__name__)


def size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def check_text(result: str) -> str:
    """'ok' → 完好; SQLite's own (English) findings are summarised, our Chinese ones shown."""
    if result == "ok":
        return "完好"
    if any("\u4e00" <= ch <= "\u9fff" for ch in result):
        return f"有问题：{result}"
    return "有问题：未通过完整性检查"


class BackupPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self._rechecked: dict[Path, tuple[str, str]] = {}  # path → (result, time checked)
        self._describe = str  # how the running job's result is reported
        self.worker = BackgroundCall(self)
        self.worker.finished.connect(self._work_done)
        self.worker.failed.connect(self._work_failed)
        self.model = RowsTableModel((
            Column("备份时间", lambda b: f"{b.created_at:%Y-%m-%d %H:%M:%S}"),
            Column("类型", lambda b: b.kind.label),
            Column("大小", lambda b: size_text(b.size), align_right=True),
            Column("检查结果", self._check_cell)), row_color=lambda b: None if self._ok(b) else "#b3261e")
        self.table = make_table(self.model)
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_folder())
        layout.addWidget(self._build_list(), 1)
        if ctx.user.is_admin:
            layout.addWidget(self._build_restore())
        self.refresh()

    @property
    def folder(self) -> Path:
        return paths.backups_dir(self._ctx.db.path)

    def _build_folder(self) -> QGroupBox:
        box = QGroupBox("备份位置")
        self.folder_label = QLabel(str(self.folder))
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("打开备份文件夹")
        self.open_button.clicked.connect(self.open_folder)
        row = QHBoxLayout(box)
        row.addWidget(QLabel("本机备份文件夹："))
        row.addWidget(self.folder_label, 1)
        row.addWidget(self.open_button)
        return box

    def _build_list(self) -> QGroupBox:
        box = QGroupBox("备份列表")
        self.backup_button = QPushButton("立即备份")
        self.copy_button = QPushButton("复制到U盘/其他位置…")
        self.recheck_button = QPushButton("重新检查所选备份")
        for button, slot in ((self.backup_button, self.back_up_now), (self.copy_button, self.copy_elsewhere),
                             (self.recheck_button, self.recheck_selected)):
            button.clicked.connect(slot)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_label = QLabel()
        self.notice = note(style=OK_STYLE)
        layout = QVBoxLayout(box)
        row = button_row(self.backup_button, self.copy_button, self.recheck_button)
        row.addWidget(self.busy_label)
        row.addWidget(self.busy_bar)
        self.empty_note = note("还没有备份。请点击“立即备份”做第一份备份。")
        layout.addLayout(row)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notice)
        layout.addWidget(note("程序每天自动备份一次，退出时如数据有改动也会备份；本机只保留最近的若干份。"
                              "备份和电脑放在一起并不安全，请每周用“复制到U盘/其他位置…”另存一份，妥善保管。"))
        self._set_busy("")
        self.notice.hide()
        return box

    def _build_restore(self) -> QGroupBox:
        box = QGroupBox("恢复（仅管理员）")
        self.restore_button = QPushButton("从所选备份恢复…")
        self.restore_file_button = QPushButton("从其他备份文件恢复…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        layout = QVBoxLayout(box)
        layout.addWidget(note("恢复会用备份中的数据替换现在的全部数据。恢复前，程序会先把现在的数据另存为"
                              "“恢复前安全副本”；恢复完成后回到登录界面。"))
        layout.addLayout(button_row(self.restore_button, self.restore_file_button))
        return box

    # --- list ----------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.set_rows(backup.list_backups(self.folder))
        self.empty_note.setVisible(self.model.rowCount() == 0)
        fit_columns(self.table)

    def _check_cell(self, info: BackupInfo) -> str:
        if info.path in self._rechecked:
            result, at = self._rechecked[info.path]
            return f"{check_text(result)}（{at} 复查）"
        return check_text(info.check)

    def _ok(self, info: BackupInfo) -> bool:
        return self._rechecked.get(info.path, (info.check,))[0] == "ok"

    def selected_backup(self) -> BackupInfo | None:
        row = selected_row(self.table)
        if row is None:
            messages.error(self, "请先在备份列表中选中一份备份。", "未选择备份")
            return None
        return self.model.row(row)

    def open_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder))):
            messages.error(self, f"无法打开文件夹，请在文件管理器中手动打开：\n{self.folder}")

    # --- background work -----------------------------------------------------------
    def _set_busy(self, text: str) -> None:
        self.busy_label.setText(text)
        self.busy_bar.setVisible(bool(text))
        self.busy_label.setVisible(bool(text))
        for button in self._action_buttons():
            button.setEnabled(not text)

    def _action_buttons(self) -> list[QPushButton]:
        buttons = [self.backup_button, self.copy_button, self.recheck_button]
        restore = [getattr(self, n) for n in ("restore_button", "restore_file_button") if hasattr(self, n)]
        return buttons + restore

    def _run(self, busy_text: str, fn, describe) -> None:
        self.notice.clear()
        self.notice.hide()
        self._set_busy(busy_text)
        self._describe = describe
        self.worker.start(fn)

    def _work_done(self, result) -> None:
        self._set_busy("")
        self.refresh()
        self.notice.setText(self._describe(result))
        self.notice.show()

    def _work_failed(self, exc: Exception) -> None:
        self._set_busy("")
        self.refresh()
        if not isinstance(exc, UserError):
            raise exc
        messages.error(self, exc.message)

    def back_up_now(self) -> None:
        db, actor = self._ctx.db, self._ctx.user.actor
        self._run("正在备份，请稍候…", lambda: database_ops.backup_now(db, BackupKind.MANUAL, actor),
                  lambda info: f"备份完成（{info.created_at:%Y-%m-%d %H:%M}，{size_text(info.size)}，"
                               f"{check_text(info.check)}）。")

    def copy_elsewhere(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择U盘或其他保存位置")
        if not folder:
            return
        db, actor, dest = self._ctx.db, self._ctx.user.actor, Path(folder)
        self._run("正在备份到所选位置，请稍候…",
                  lambda: database_ops.backup_now(db, BackupKind.MANUAL, actor, dest_dir=dest),
                  lambda info: f"已另存一份备份到：{info.path.parent}（{check_text(info.check)}）。请妥善保管。")

    def recheck_selected(self) -> None:
        info = self.selected_backup()
        if info is None:
            return
        self._run("正在检查，请稍候…", lambda: (info, backup.recheck(info)), self._recheck_done)

    def _recheck_done(self, result: tuple[BackupInfo, str]) -> str:
        info, check = result
        self._rechecked[info.path] = (check, f"{now():%H:%M}")
        self.model.set_rows(self.model.rows)
        return f"{info.created_at:%Y-%m-%d %H:%M} 的备份检查结果：{check_text(check)}。"

    # --- restore ---------------------------------------------------------------------
    def restore_selected(self) -> None:
        info = self.selected_backup()
        if info is not None:
            restore_database(self, self._ctx, info.path,
                             f"{info.created_at:%Y-%m-%d %H:%M} 的{info.kind.label}备份")

    def restore_from_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "选择备份文件", str(self.folder),
                                              "备份文件 (*.sqlite3 *.db);;所有文件 (*)")
        if name:
            restore_database(self, self._ctx, Path(name), f"备份文件“{Path(name).name}”")
