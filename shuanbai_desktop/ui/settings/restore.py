"""Restoring a backup over the open database, then back to the log-in on the new one.

The backup is first copied beside the database and checked there (SHA-256 against its sidecar,
ours, intact), under a progress dialog: this is what lets a write-protected USB stick work. A
backup of another township is restored only after the administrator types that station's name.
The restore itself runs on the GUI thread under a wait cursor: the database is closed meanwhile,
so nothing else in the window may run.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import backup, database_ops
from .. import messages
from ..background import run_with_progress
from ..context import AppContext
from ..forms import FormErrors
from ..password_dialog import password_field
from ..widgets import busy_cursor, dialog_buttons, note

log = logging.getLogger(__name__)


def confirm_text(description: str) -> str:
    return (f"将用{description}替换现在的全部数据。\n\n"
            "恢复前，程序会先把现在的数据另存为一份“恢复前安全副本”（在备份列表中可以找到），"
            "万一选错了备份，仍可再从这份安全副本恢复回来。\n\n"
            "恢复完成后，程序会回到登录界面，请用备份中的账户和密码重新登录。\n\n确定要恢复吗？")


def other_station_text(source: backup.RestoreSource, current: tuple[str, str]) -> str:
    name = source.station_name or "（未设立社工站）"
    return (f"这份备份属于另一个社工站：\n    {name}（区划代码 {source.town_code}）\n"
            f"而现在的数据库属于：\n    {current[1]}（区划代码 {current[0]}）\n\n"
            "恢复会用对方站的数据替换本站的全部数据。一般只在换用别站交来的数据、或区划调整时才需要这样做。\n\n"
            f"确需恢复，请输入对方站名“{name}”：")


def ask_station_name(parent: QWidget, source: backup.RestoreSource, current: tuple[str, str]) -> str | None:
    """The typed name, or None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("恢复另一个社工站的备份")
    dialog.setLabelText(other_station_text(source, current))
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText("确认恢复")
    dialog.setCancelButtonText("取消")
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    text = dialog.textValue()
    dialog.deleteLater()
    return text if accepted else None


def confirm_other_station(parent: QWidget, source: backup.RestoreSource, current: tuple[str, str]) -> bool:
    typed = ask_station_name(parent, source, current)
    if typed is None:
        return False
    if typed.strip() != (source.station_name or "").strip() or not typed.strip():
        messages.error(parent, "输入的站名与备份中的站名不一致，没有恢复。", "没有恢复")
        return False
    return True


def restore_database(parent: QWidget, ctx: AppContext, file: Path, description: str) -> bool:
    """Copy and check the file, ask, restore (with a safety copy), then ask the app to log in again."""
    db, actor = ctx.db, ctx.user.actor
    while True:
        try:
            source = run_with_progress(parent, "正在复制并检查备份……",
                                       lambda _progress: database_ops.prepare_restore(db, file, actor), "检查备份")
            break
        except backup.BackupLocked as locked:  # another key: its account's password or its recovery code
            if UnlockBackupDialog(locked.backup_file, parent).exec() != QDialog.DialogCode.Accepted:
                return False
        except UserError as exc:
            messages.error(parent, exc.message)
            return False
    try:
        current = database_ops.other_station(ctx.db, source)
        if current is not None and not confirm_other_station(parent, source, current):
            return False
        if not messages.confirm(parent, confirm_text(description), "从备份恢复"):
            return False
        return _restore(parent, ctx, source, current is not None)
    finally:
        backup.discard(source)


class UnlockBackupDialog(QDialog):
    """An encrypted backup made under another key (another station, or a station set up anew): the user
    name and password of an account in that backup, or that station's recovery code, unlock it."""

    def __init__(self, backup_file: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self._file = backup_file
        self.setWindowTitle("解开加密的备份")
        self.username = QLineEdit()
        self.username.setMaxLength(40)
        self.password = password_field()
        self.code = QLineEdit()
        self.code.setMaxLength(80)
        self.code.setPlaceholderText("没有账户密码时填写：XXXXX-XXXXX-…")
        self.error_label = QLabel()
        self.errors = FormErrors(self.error_label, {"用户名": self.username, "密码": self.password,
                                                    "恢复码": self.code})
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.addWidget(note(f"备份“{backup_file.name}”是用另一把密钥加密的。请输入这份备份中某个账户的"
                              "用户名和密码，或该社工站的恢复码。", style=""))
        form = QFormLayout()
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        form.addRow("或恢复码：", self.code)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        buttons, ok = dialog_buttons(self, "解开")
        ok.clicked.connect(self.save)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def save(self) -> None:
        from ...services import encryption
        self.errors.clear()
        try:
            code = self.code.text().strip()
            if not code and not self.username.text().strip():
                raise UserError("请输入用户名和密码，或恢复码。", field="用户名")
            with busy_cursor():
                encryption.unlock_backup(self._file, self.username.text(), self.password.text(), code)
        except UserError as exc:
            self.errors.show(exc)
            return
        self.accept()


def _restore(parent: QWidget, ctx: AppContext, source: backup.RestoreSource, other_station: bool) -> bool:
    error: UserError | None = None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        new_db, safety = database_ops.restore_into(ctx.db, source, ctx.user.actor, allow_other_station=other_station)
    except UserError as exc:
        error = exc
    finally:
        QApplication.restoreOverrideCursor()
    if error is not None:
        messages.error(parent, error.message)
        return False
    log.info("restored %s; safety copy %s", source.original.name, safety.name if safety else "-")
    messages.info(parent, f"恢复完成。{_safety_text(safety)}\n\n现在回到登录界面。", "恢复完成")
    ctx.request_relogin(new_db)
    return True


def _safety_text(safety: Path | None) -> str:
    if safety is None:
        return ""
    info = next((b for b in backup.list_backups(safety.parent) if b.path == safety), None)
    when = f"（{info.created_at:%Y-%m-%d %H:%M}）" if info else ""
    return f"恢复前的数据已另存为“恢复前安全副本”{when}，在备份列表中可以找到。"
