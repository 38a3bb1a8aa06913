"""Qt test set-up shared by every UI test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp):
    """As in the app: garbage collection never runs on a worker thread (see ui/threads.py)."""
    from shuanbai_desktop.ui.threads import install_gui_collector
    install_gui_collector(qapp)
