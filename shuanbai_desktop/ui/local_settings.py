"""What this user on this machine last chose on screen, outside the database: the main window's size,
position and maximised state, and the folder each kind of file dialog last used.

One INI file in ``paths.config_dir()`` (per user, per machine, not roaming): the database may move
between PCs or be restored from a backup; the screen and the folders belong to the PC.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from .. import paths

FILE_NAME = "ui-state.ini"


def settings_file() -> Path:
    return paths.config_dir() / FILE_NAME


def local_settings() -> QSettings:
    path = settings_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only profile: nothing is remembered, nothing fails
        pass
    return QSettings(str(path), QSettings.Format.IniFormat)
