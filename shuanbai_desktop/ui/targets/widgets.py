"""Pieces shared by the 服务对象与个案 screens."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from ...services import auth
from ...services.permissions import Permission, allowed
from ..context import AppContext


def workers(ctx: AppContext) -> list[tuple[int, str]]:
    """Active accounts that do case work (roles that may open cases: 社工 and 管理员), as (id, name)."""
    with ctx.session() as s:
        users = auth.list_users(s)
    return [(u.id, u.display_name) for u in users if not u.disabled and allowed(u.role, Permission.CASE_OPEN)]


def worker_combo(ctx: AppContext, empty: str | None = "（未指定）") -> QComboBox:
    combo = QComboBox()
    if empty is not None:
        combo.addItem(empty, None)
    for uid, name in workers(ctx):
        combo.addItem(name, uid)
    return combo


def section(title: str, widget: QWidget) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 6, 0, 0)
    label = QLabel(title)
    label.setStyleSheet("font-weight: bold;")
    layout.addWidget(label)
    layout.addWidget(widget)
    return box
