"""备份与恢复: the backup list, back up now, copy to a USB stick, the second backup folder,
restore. Each button is shown to the roles the permission table allows (立即备份 BACKUP_MAKE,
复制到U盘 BACKUP_COPY_OUT, 第二备份位置 BACKUP_SETTINGS, 恢复 BACKUP_RESTORE).

Backing up runs in a background thread (a large database takes seconds to copy and hash). A new
backup shows “已核对” until the background check (after log-in) has run the full check. Restoring
copies and checks the backup under a progress dialog, then replaces the database on the GUI
thread under a wait cursor: the database is closed meanwhile, so nothing else may run.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from ... import paths
from ...data.base import now
from ...domain.labels import BackupKind
from ...errors import UserError
from ...services import backup, backup_offsite, database_ops, server_backup
from ...services.backup import BackupInfo
from ...services.permissions import Permission
from .. import messages
from ..context import AppContext
from ..output import BACKUPS, ask_folder, ask_open
from ..record_list import RecordListPage
from ..table_model import Column
from ..widgets import OK_STYLE, RED, WARN_STYLE, button_row, note
from .restore import restore_database
from .worker import BackgroundCall

log = logging.getLogger(__name__)


def size_text(size: int) -> str:
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


check_text = backup.check_label  # 'ok' → 完好, pending → 已核对…, findings summarised


class BackupPage(RecordListPage):
    """The backup files in the folder (not in the database): buttons stay enabled and ask for a chosen backup;
    they are disabled while one job runs."""

    max_column_width = 320

    def __init__(self, ctx: AppContext, parent=None):
        columns = (
            Column("备份时间", lambda b: f"{b.created_at:%Y-%m-%d %H:%M:%S}"),
            Column("类型", lambda b: b.kind.label),
            Column("大小", lambda b: size_text(b.size), align_right=True),
            Column("检查结果", lambda b: self._check_cell(b)))
        super().__init__(ctx, columns, parent, row_color=lambda b: None if self._ok(b) else RED)
        self._rechecked: dict[Path, tuple[str, str]] = {}  # path → (result, time checked)
        self._describe = str  # how the running job's result is reported
        self.worker = BackgroundCall(self)
        self.worker.finished.connect(self._work_done)
        self.worker.failed.connect(self._work_failed)
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_folder())
        layout.addWidget(self._build_list(), 1)
        if ctx.can(Permission.BACKUP_RESTORE):
            layout.addWidget(self._build_restore())
        from .server_move_dialog import MoveBox  # 迁移到服务器: a station file, the administrator
        self.move_box = MoveBox(ctx)
        layout.addWidget(self.move_box)
        self.refresh()

    @property
    def folder(self) -> Path:
        return paths.backups_dir(self._ctx.db.anchor)  # a server station's: in its shared folder

    @property
    def on_server(self) -> bool:
        return self._ctx.db.server is not None

    def _build_folder(self) -> QGroupBox:
        box = QGroupBox("备份位置")
        self.folder_label = QLabel(str(self.folder))
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("打开备份文件夹")
        self.open_button.clicked.connect(self.open_folder)
        row = QHBoxLayout()
        row.addWidget(QLabel("共用文件夹中的备份：" if self.on_server else "本机备份文件夹："))
        row.addWidget(self.folder_label, 1)
        row.addWidget(self.open_button)
        self.second_label = QLabel()
        self.second_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.second_button = QPushButton("设置第二备份位置…")
        self.second_clear_button = QPushButton("不再使用")
        self.second_button.clicked.connect(self.choose_second_folder)
        self.second_clear_button.clicked.connect(self.clear_second_folder)
        second = QHBoxLayout()
        second.addWidget(QLabel("第二备份位置："))
        second.addWidget(self.second_label, 1)
        second.addWidget(self.second_button)
        second.addWidget(self.second_clear_button)
        self.second_button.setVisible(self._ctx.can(Permission.BACKUP_SETTINGS))  # the administrator sets it
        self.second_clear_button.setVisible(self._ctx.can(Permission.BACKUP_SETTINGS))
        self.offsite_label = note()
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addLayout(second)
        layout.addWidget(self.offsite_label)
        return box

    def _build_list(self) -> QGroupBox:
        box = QGroupBox("备份列表")
        self.backup_button = QPushButton("立即备份")
        self.copy_button = QPushButton("复制到U盘/其他位置…")
        self.recheck_button = QPushButton("重新检查所选备份")
        for button, slot in ((self.backup_button, self.back_up_now), (self.copy_button, self.copy_elsewhere),
                             (self.recheck_button, self.recheck_selected)):
            button.clicked.connect(slot)
        self.backup_button.setVisible(self._ctx.can(Permission.BACKUP_MAKE))
        # a full, unmasked copy of the database leaves the PC: the administrator only
        self.copy_button.setVisible(self._ctx.can(Permission.BACKUP_COPY_OUT))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_label = QLabel()
        layout = QVBoxLayout(box)
        row = button_row(self.backup_button, self.copy_button, self.recheck_button)
        row.addWidget(self.busy_label)
        row.addWidget(self.busy_bar)
        self.empty_note = note("还没有备份。" + ("请点击“立即备份”做第一份备份。" if self._ctx.can(Permission.BACKUP_MAKE)
                                                 else "程序会在登录后和退出时自动备份。"))
        layout.addLayout(row)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notice)
        if self.on_server:
            layout.addWidget(note("数据库在站内服务器上：备份是服务器数据库的导出文件（pg_dump），放在各电脑共用的文件夹中，"
                                  "由这台电脑上的 PostgreSQL 客户端工具制作；检查时在服务器上试恢复到一个临时数据库，"
                                  "核对后删除。设置了第二备份位置时，每次备份后同样复制一份过去。"))
        layout.addWidget(note("程序每天自动备份一次，退出时如数据有改动也会备份；本机只保留最近的若干份。"
                              "备份和电脑放在一起并不安全：设置了第二备份位置（U盘或另一块硬盘）后，每次备份都会"
                              "自动复制一份过去；管理员也可以随时用“复制到U盘/其他位置…”另存一份。新备份先核对"
                              "数据表、行数和操作日志，完整性检查在下次登录后于后台进行。"))
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
                              "“恢复前安全副本”；恢复完成后回到登录界面。"
                              + ("其他电脑还连着服务器上的数据库时不能恢复：请先让它们退出程序。" if self.on_server else "")))
        layout.addLayout(button_row(self.restore_button, self.restore_file_button))
        return box

    # --- list ----------------------------------------------------------------------
    def refresh(self, *_args) -> None:
        self.show_rows(backup.list_backups(self.folder))
        self.empty_note.setVisible(self.model.rowCount() == 0)
        self.refresh_second_folder()

    def row_key(self, row: BackupInfo) -> Path:
        return row.path

    def refresh_second_folder(self) -> None:
        with self._ctx.session() as s:
            state = backup_offsite.status(s, self._ctx.db.anchor)
        self.offsite = state
        if state.folder is None:
            self.second_label.setText("未设置（建议设为U盘或另一块硬盘上的文件夹）")
        elif not state.present:
            self.second_label.setText(f"{state.folder}（现在未连接或不可写，连接后备份时会自动复制）")
        elif state.same_disk:
            self.second_label.setText(f"{state.folder}（已连接；注意：与数据库在同一块磁盘上）")
        else:
            self.second_label.setText(f"{state.folder}（已连接）")
        self.second_clear_button.setEnabled(state.folder is not None)
        lines = [self._last_offsite_text(state)]
        if state.last_error:
            lines.append(f"上次复制到第二备份位置没有成功：{state.last_error}")
        warn = state.last is None or (now() - state.last.created_at).days >= state.warn_days \
            or bool(state.last_error) or state.same_disk
        self.offsite_label.setStyleSheet(WARN_STYLE if warn else OK_STYLE)
        self.offsite_label.setText("\n".join(lines))

    def _last_offsite_text(self, state: backup_offsite.OffsiteStatus) -> str:
        if state.last is None:
            if self.on_server:  # the backups are in the shared folder: one disk may hold them and the attachments
                return "共用文件夹以外还没有备份：共用文件夹所在的硬盘损坏时，备份会和附件一起丢失。"
            return "本机以外还没有备份：硬盘损坏时备份会和数据一起丢失。"
        days = (now() - state.last.created_at).days
        age = "今天" if days == 0 else f"{days} 天前"
        return (f"最近一份{'共用文件夹' if self.on_server else '本机'}以外的备份：{state.last.created_at:%Y-%m-%d %H:%M}（{age}），在 {state.last.folder}"
                f"（复制于 {state.last.copied_at:%Y-%m-%d %H:%M}）；超过 {state.warn_days} 天未更新时工作台会提醒。")

    def _check_cell(self, info: BackupInfo) -> str:
        if info.path in self._rechecked:
            result, at = self._rechecked[info.path]
            return f"{check_text(result)}（{at} 复查）"
        return check_text(info.check)

    def _ok(self, info: BackupInfo) -> bool:
        return self._rechecked.get(info.path, (info.check,))[0] in (backup.OK, backup.PENDING)

    def selected_backup(self) -> BackupInfo | None:
        return self.selected_or_say("请先在备份列表中选中一份备份。", "未选择备份")

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
        buttons = [self.backup_button, self.copy_button, self.recheck_button, self.second_button]
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
                  self._backed_up)

    def _backed_up(self, info: BackupInfo) -> str:
        text = f"备份完成（{info.created_at:%Y-%m-%d %H:%M}，{size_text(info.size)}，{check_text(info.check)}）。"
        state = self.offsite
        if state.present and state.last is not None and state.last.file == info.path.name:
            text += f"已复制到第二备份位置：{state.last.folder}。"
        elif state.folder is not None and not state.present:
            text += "第二备份位置现在未连接，这次没有复制过去。"
        return text

    # --- second backup folder ----------------------------------------------------------
    def choose_second_folder(self) -> None:
        folder = ask_folder(self, "选择第二备份位置（U盘或另一块硬盘上的文件夹）", BACKUPS, self.offsite.folder)
        if folder is None:
            return
        try:
            with self._ctx.session() as s:
                backup_offsite.set_folder(s, self._ctx.db.anchor, folder)
        except UserError as exc:
            messages.error(self, exc.message)
            return
        self.refresh_second_folder()
        self.notice.setText(f"已设置第二备份位置：{folder}。以后每次备份后都会自动复制一份过去"
                            "（该位置未连接时跳过）。现在可以点击“立即备份”复制第一份。")
        self.notice.show()

    def clear_second_folder(self) -> None:
        if not messages.confirm(self, "不再使用第二备份位置？已在那里的备份不会被删除。", "第二备份位置"):
            return
        with self._ctx.session() as s:
            backup_offsite.set_folder(s, self._ctx.db.anchor, None)
        self.refresh_second_folder()

    def copy_elsewhere(self) -> None:
        dest = ask_folder(self, "选择U盘或其他保存位置", BACKUPS)
        if dest is None:
            return
        db, actor = self._ctx.db, self._ctx.user.actor
        self._run("正在备份到所选位置，请稍候…",
                  lambda: database_ops.backup_now(db, BackupKind.MANUAL, actor, dest_dir=dest),
                  lambda info: f"已另存一份备份到：{info.path.parent}（{check_text(info.check)}）。请妥善保管。")

    def recheck_selected(self) -> None:
        info = self.selected_backup()
        if info is None:
            return
        if self.on_server:  # restored on trial into a scratch database on the server
            db = self._ctx.db
            self._run("正在服务器上试恢复，请稍候…",
                      lambda: (info, server_backup.verify_and_record(db, info).check), self._recheck_done)
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
        kinds = "备份文件 (*.pgdump)" if self.on_server else "备份文件 (*.sqlite3 *.db)"
        chosen = ask_open(self, "选择备份文件", f"{kinds};;所有文件 (*)", BACKUPS,
                         fallback=self.folder)
        if chosen is not None:
            restore_database(self, self._ctx, chosen, f"备份文件“{chosen.name}”")
