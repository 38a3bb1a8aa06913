"""The shipped CJK font for every widget, and Qt's own Chinese translations."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from .. import paths

log = logging.getLogger(__name__)
UI_FONT_FILES = ("wqy-microhei.ttc", "DroidSansFallbackFull.ttf")
UI_POINT_SIZE = 10


def install_fonts(app: QApplication) -> str:
    """Register the shipped fonts; the first becomes the application font. Returns its family."""
    families: list[str] = []
    for name in UI_FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(paths.resources_dir() / "fonts" / name))
        if font_id < 0:
            log.error("font %s could not be loaded", name)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id)[:1])
    font = QFont(families[0] if families else "")
    font.setFamilies(families)  # Qt falls back glyph by glyph, e.g. to Droid for 䶮
    font.setPointSize(UI_POINT_SIZE)
    app.setFont(font)
    return families[0] if families else ""


def install_translations(app: QApplication) -> None:
    """Chinese texts for Qt's own buttons and dialogs (确定/取消, file dialogs)."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
