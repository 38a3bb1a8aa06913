"""Backups and copies off the GUI thread, through the app's one background job (ui/background.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..background import Job


class BackgroundCall(Job):
    """``start(fn)`` runs ``fn()`` in a thread; ``finished(result)`` or ``failed(exc)`` follow on the GUI thread."""

    def start(self, fn: Callable[[], Any]) -> None:
        super().start(lambda _progress: fn())
