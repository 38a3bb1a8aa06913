"""安全设置: lock-out, idle lock and backup retention, from INT_SETTINGS; each setting is shown to
the roles that may change it (``SECURITY_SETTINGS``, ``BACKUP_SETTINGS``: the administrator). Below them
数据加密: whether the data are encrypted, when the recovery code was made, and (``USERS_MANAGE``)
生成新的恢复码… (services/encryption.py, ui/recovery_dialog.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import settings
from ...services.permissions import Permission
from ...services.settings import INT_SETTINGS, IntSetting
from .. import messages
from ..context import AppContext
from ..forms import FormErrors
from ..recovery_dialog import RecoveryCodeDialog
from ..widgets import OK_STYLE, WARN_STYLE, button_row, form_label, note, push_button

if TYPE_CHECKING:  # the lead's module: imported where it is used
    from ...services.encryption import EncryptionStatus

RENEW_QUESTION = ("生成后，旧的恢复码立即失效，保险柜里原来那张恢复码将不能再使用。\n\n"
                  "新的恢复码只显示这一次：请准备好打印机，打印后锁进保险柜，并把旧的那张销毁。\n\n"
                  "确定生成新的恢复码吗？")

GROUPS = (("登录与锁屏", ("login.", "session.")), ("自动备份保留份数", ("backup.",)))


class SecurityPage(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.spins: dict[str, QSpinBox] = {}
        self._labels: list[QLabel] = []
        content = QWidget()
        content.setMaximumWidth(720)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        for title, prefixes in GROUPS:
            keys = [k for k, spec in INT_SETTINGS.items() if k.startswith(prefixes) and ctx.can(spec.permission)]
            if keys:
                layout.addWidget(self._group(title, keys))
        width = max(label.sizeHint().width() for label in self._labels)
        for label in self._labels:  # one label column across both groups
            label.setMinimumWidth(width)
        self.error_label, self.saved_label = QLabel(), note(style=OK_STYLE)
        self.errors = FormErrors(self.error_label, {INT_SETTINGS[k].label: s for k, s in self.spins.items()})
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        layout.addWidget(self.error_label)
        layout.addLayout(button_row(self.saved_label, self.save_button, stretch_first=True))
        layout.addWidget(note("保存后，新的设置最迟在下次登录时生效。"))
        layout.addWidget(self._encryption_group())
        outer = QVBoxLayout(self)
        outer.addWidget(content)
        outer.addStretch(1)
        self.refresh()

    def _group(self, title: str, keys: list[str]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for key in keys:
            spec = INT_SETTINGS[key]
            spin = QSpinBox()
            spin.setRange(spec.minimum, spec.maximum)
            spin.setSuffix(f" {spec.unit}")
            spin.setMinimumWidth(110)
            spin.setToolTip(f"可设为 {spec.minimum}–{spec.maximum} {spec.unit}，"
                            f"默认 {spec.default} {spec.unit}")
            self.spins[key] = spin
            label = form_label(f"{spec.label}：")
            self._labels.append(label)
            form.addRow(label, _with_hint(spin, spec))
        return box

    def _encryption_group(self) -> QGroupBox:
        box = QGroupBox("数据加密")
        column = QVBoxLayout(box)
        self.encryption_label = QLabel()
        self.encryption_label.setWordWrap(True)
        column.addWidget(self.encryption_label)
        column.addWidget(note("恢复码用于所有管理员都忘记密码时打开数据，打印件应锁在社工站的保险柜里。"
                              "生成新的恢复码后，旧的立即失效。"))
        self.renew_button = push_button("生成新的恢复码…", self.renew_recovery_code)
        self.renew_button.setVisible(self._ctx.can(Permission.USERS_MANAGE))
        column.addLayout(button_row(self.renew_button))
        self.recovery_dialog: RecoveryCodeDialog | None = None
        return box

    def refresh(self) -> None:
        with self._ctx.session() as s:
            values = settings.all_ints(s)
        for key, spin in self.spins.items():
            spin.setValue(values[key])
        self._show_encryption()

    def _show_encryption(self) -> None:
        from ...services import encryption
        status = encryption.status(self._ctx.db)
        self.encryption_label.setText(encryption_text(status))
        self.encryption_label.setStyleSheet("" if status.encrypted or status.by_server else WARN_STYLE)
        self.renew_button.setEnabled(status.has_recovery)

    def renew_recovery_code(self) -> None:
        """A new code replaces the old at once; it is shown (and printed) in RecoveryCodeDialog."""
        from ...services import encryption
        if not messages.confirm(self, RENEW_QUESTION, "生成新的恢复码"):
            return
        made = messages.attempt(self, lambda: encryption.renew_recovery_code(self._ctx.db, self._ctx.user.actor))
        self._show_encryption()
        if made is None:
            return
        code, made_at = made
        self.recovery_dialog = RecoveryCodeDialog(self._ctx.station.name, code, made_at, self,
                                                  on_server=self._ctx.db.server is not None)
        self.recovery_dialog.finished.connect(self._recovery_dialog_closed)
        self.recovery_dialog.open()

    def _recovery_dialog_closed(self) -> None:
        if self.recovery_dialog is not None:
            self.recovery_dialog.deleteLater()
            self.recovery_dialog = None

    def save(self) -> None:
        self.errors.clear()
        self.saved_label.clear()
        try:
            with self._ctx.session() as s:
                for key, spin in self.spins.items():
                    settings.set_int(s, key, spin.value())
        except UserError as exc:
            self.errors.show(exc)
            return
        self.saved_label.setText("已保存。")


def encryption_text(status: EncryptionStatus) -> str:
    """The 数据加密 line of 安全设置."""
    if status.recovery_made_at is None:
        made = "尚未生成恢复码"
    else:
        made = f"当前恢复码生成于 {status.recovery_made_at:%Y-%m-%d %H:%M}"
    if status.by_server:
        return ("本站数据存放在数据库服务器上，数据加密由服务器负责（服务器的磁盘加密与加密连接 TLS，见 docs/server.md）；"
                f"{made}。")
    if not status.encrypted:
        return "本站数据尚未加密保存。"
    return f"本站数据已加密保存；{status.accounts_with_key} 个账户可以用自己的密码打开数据，{made}。"


def _with_hint(spin: QSpinBox, spec: IntSetting) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(spin)
    row.addWidget(note(f"（{spec.minimum}–{spec.maximum} {spec.unit}，默认 {spec.default}）"))
    row.addStretch(1)
    return holder
