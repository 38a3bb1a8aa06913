"""Restoring a backup over the open database, then back to the log-in on the new one."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ...errors import UserError
from ...services import backup, database_ops
from .. import messages
from ..context import AppContext

log = logging.getLogger(__name__)


def confirm_text(description: str) -> str:
    return (f"将用{description}替换现在的全部数据。\n\n"
            "恢复前，程序会先把现在的数据另存为一份“恢复前安全副本”（在备份列表中可以找到），"
            "万一选错了备份，仍可再从这份安全副本恢复回来。\n\n"
            "恢复完成后，程序会回到登录界面，请用备份中的账户和密码重新登录。\n\n确定要恢复吗？")


def restore_database(parent: QWidget, ctx: AppContext, file: Path, description: str) -> bool:
    """Check the file, ask, restore (with a safety copy), then ask the app to log in again."""
    try:
        backup.verify_backup_file(file)
    except UserError as exc:
        messages.error(parent, exc.message)
        return False
    if not messages.confirm(parent, confirm_text(description), "从备份恢复"):
        return False
    error: UserError | None = None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        new_db, safety = database_ops.restore_into(ctx.db, file, ctx.user.actor)
    except UserError as exc:
        error = exc
    finally:
        QApplication.restoreOverrideCursor()
    if error is not None:
        messages.error(parent, error.message)
        return False
    log.info("restored %s; safety copy %s", file.name, safety.name if safety else "-")
    messages.info(parent, f"恢复完成。{_safety_text(safety)}\n\n现在回到登录界面。", "恢复完成")
    ctx.request_relogin(new_db)
    return True


def _safety_text(safety: Path | None) -> str:
    if safety is None:
        return ""
    info = next((b for b in backup.list_backups(safety.parent) if b.path == safety), None)
    when = f"（{info.created_at:%Y-%m-%d %H:%M}）" if info else ""
    return f"恢复前的数据已另存为“恢复前安全副本”{when}，在备份列表中可以找到。"
