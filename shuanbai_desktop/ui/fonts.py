"""The shipped CJK font for every widget, and Qt's own Chinese translations."""

from __future__ import annotations

import logging
from pathlib import Path

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


def translation_folders() -> list[Path]:
    """Where Qt's own .qm files are: Qt's translations path, else PySide6's folder (a frozen build may
    report a path that does not exist)."""
    folders = [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    import PySide6
    folders.append(Path(PySide6.__file__).parent / "Qt" / "translations")
    return folders


def install_translations(app: QApplication) -> list[QTranslator]:
    """Chinese texts for Qt's own buttons and dialogs (确定/取消, the file dialog's 查找范围 and 文件类型),
    loaded once at start for every standard dialog. Returns the translators installed."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    installed: list[QTranslator] = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if any(translator.load(name, str(folder)) for folder in translation_folders()):
            app.installTranslator(translator)
            installed.append(translator)
    if not installed:
        log.error("Qt's Chinese translations not found in %s", translation_folders())
    filler = MissingTexts(app)
    app.installTranslator(filler)  # asked first: installed last
    installed.append(filler)
    return installed


# Texts whose Chinese is missing from Qt's own files (they translate “Look in:”, Qt 6 asks for “&Look in:”).
MISSING_TEXTS = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QPrintSettingsOutput", "Page &Set:"): "页面组(&S)：",
}


class MissingTexts(QTranslator):
    """The few texts of Qt's standard dialogs that qtbase_zh_CN leaves in English."""

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return MISSING_TEXTS.get((context, source_text))  # None: not ours, Qt asks the next translator

    def isEmpty(self) -> bool:
        return False
