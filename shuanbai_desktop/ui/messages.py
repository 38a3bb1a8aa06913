"""One place for messages to the user: rule messages without tracebacks, confirmations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QMessageBox, QWidget

from ..errors import UserError

T = TypeVar("T")


def error(parent: QWidget | None, text: str, title: str = "无法完成") -> None:
    QMessageBox.warning(parent, title, text)


def info(parent: QWidget | None, text: str, title: str = "完成") -> None:
    QMessageBox.information(parent, title, text)


def confirm(parent: QWidget | None, text: str, title: str = "请确认") -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes


def attempt(parent: QWidget | None, action: Callable[[], T]) -> T | None:
    """Run ``action``; a UserError is shown to the user and None returned. Bugs propagate."""
    from .forms import handle_special
    try:
        return action()
    except UserError as exc:
        if not handle_special(exc, parent):
            error(parent, exc.message)
        return None
