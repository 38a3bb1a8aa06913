"""安全设置: lock-out, idle lock and backup retention, from INT_SETTINGS; each setting is shown to
the roles that may change it (``SECURITY_SETTINGS``, ``BACKUP_SETTINGS``: the administrator)."""

from __future__ import annotations

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
from ...services.settings import INT_SETTINGS, IntSetting
from ..context import AppContext
from ..forms import FormErrors
from ..widgets import OK_STYLE, button_row, form_label, note

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

    def refresh(self) -> None:
        with self._ctx.session() as s:
            values = settings.all_ints(s)
        for key, spin in self.spins.items():
            spin.setValue(values[key])

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


def _with_hint(spin: QSpinBox, spec: IntSetting) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(spin)
    row.addWidget(note(f"（{spec.minimum}–{spec.maximum} {spec.unit}，默认 {spec.default}）"))
    row.addStretch(1)
    return holder
