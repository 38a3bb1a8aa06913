"""Qt test set-up shared by every UI test: the shipped fonts, a logged-in administrator's context."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontDatabase

from shuanbai_desktop.ui import fonts
from tests.ui.helpers import app_context


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp):
    """As in the app: garbage collection never runs on a worker thread (see ui/threads.py)."""
    from shuanbai_desktop.ui.threads import install_gui_collector
    install_gui_collector(qapp)


@pytest.fixture(autouse=True)
def _cjk_fonts(qapp):
    """The shipped Chinese fonts, as the app installs them (once per process: they stay installed)."""
    if "WenQuanYi Micro Hei" not in QFontDatabase.families():
        fonts.install_fonts(qapp)


@pytest.fixture(autouse=True)
def _own_screen_settings(tmp_path, monkeypatch):
    """Each test starts with nothing remembered on screen (window placement, file-dialog folders)."""
    from shuanbai_desktop.ui import local_settings
    monkeypatch.setattr(local_settings, "settings_file", lambda: tmp_path / "ui-state.ini")


@pytest.fixture(autouse=True)
def _background_jobs_end_with_their_test(qapp):
    """A background job a screen started (a preview, the 工作台 figures, a read) finishes inside its own test:
    one still running while the next test's widgets are made could touch objects already deleted (as the
    app waits for them at exit, ``background.wait_all``)."""
    yield
    from shuanbai_desktop.ui import background
    for thread in list(background._RUNNING):
        thread.wait(15_000)  # bounded: a job stuck for good fails its own test's later checks, not the run
    qapp.processEvents()


@pytest.fixture(autouse=True)
def _no_current_user_left_over():
    """A main window a test made must not lend its user's rights (the month override) nor its way of showing a
    refused save (a message box instead of the form's own error line) to the next test."""
    yield
    from shuanbai_desktop.ui import forms
    from shuanbai_desktop.ui.report import month_override
    month_override.CURRENT.clear()
    if month_override._offer_override in forms.SPECIAL_HANDLERS:  # installed by a main window, for the app's life
        forms.SPECIAL_HANDLERS.remove(month_override._offer_override)


@pytest.fixture
def ctx(station_db, admin):
    """The administrator's context on the 桥东街道 station (a test file overrides it for other data)."""
    return app_context(station_db, admin)
