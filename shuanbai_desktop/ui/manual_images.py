"""The user manual's pictures (``resources/manual/img/*.png``), made from demo data, offscreen:

    python -m shuanbai_desktop.ui.screenshots --manual [FOLDER]     (default: resources/manual/img)

The main window at 1366×768 (the usual station PC), scaled to ``WIDTH`` pixels for the page. A temporary
database with the demo station (generated names, ID numbers and phones: no real person), never the user's
own data. ``IMAGES`` names each picture and what it shows; the manual's pages refer to these names (a test
checks that every picture a page names exists).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from .. import paths

WIDTH = 900  # as the pages show them (width="900"): no second scaling in the help window
SCREEN = (1366, 768)


def manual_img_dir() -> Path:
    return paths.resources_dir() / "manual" / "img"


def _save(picture: QPixmap, path: Path) -> Path:
    """Scaled to the page's width, 256 colours (half the size; screens have few colours): the installer grows
    by about 1.5 MB for all of them."""
    scaled = picture.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation).toImage()
    scaled.convertToFormat(QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.AvoidDither).save(str(path), "PNG")
    return path


def _over(window, dialog) -> QPixmap:
    """The dialog drawn centred over its window with a plain title bar, as the user sees it."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QPainter

    from .screenshots import TITLE_BAR
    picture, top = window.grab(), dialog.grab()
    x, y = (picture.width() - top.width()) // 2, (picture.height() - top.height() - TITLE_BAR) // 2
    painter = QPainter(picture)
    painter.fillRect(picture.rect(), QColor(0, 0, 0, 40))
    painter.fillRect(x, y, top.width(), TITLE_BAR, QColor("#d5d9df"))
    painter.drawText(QRect(x + 10, y, top.width() - 20, TITLE_BAR), Qt.AlignmentFlag.AlignVCenter, dialog.windowTitle())
    painter.drawPixmap(x, y + TITLE_BAR, top)
    painter.setPen(QColor("#7d838c"))
    painter.drawRect(x - 1, y - 1, top.width() + 1, top.height() + TITLE_BAR + 1)
    painter.end()
    return picture


def _search_demo(window) -> None:
    """全局搜索 with a surname of the demo residents typed and the results shown."""
    from .global_search import show_search
    dialog = show_search(window)
    dialog.search_edit.setText("陈")
    dialog.run_search()


# (file name, navigation key to show, what to do before the picture: None for nothing)
IMAGES: tuple[tuple[str, str, Callable | None], ...] = (
    ("workbench.png", "workbench", None),
    ("window-register.png", "window.register", None),
    ("window-matters.png", "window.matters", None),
    ("targets-persons.png", "targets.persons", None),
    ("targets-households.png", "targets.households", None),
    ("targets-visits.png", "targets.visits", None),
    ("targets-cases.png", "targets.cases", None),
    ("targets-resources.png", "targets.resources", None),
    ("staff-roster.png", "staff.roster", None),
    ("assets-register.png", "assets.register", None),
    ("archives-catalogue.png", "archives.catalogue", None),
    ("report-monthly.png", "report.monthly", None),
    ("settings-users.png", "settings.users", None),
    ("settings-backup.png", "settings.backup", None),
    ("global-search.png", "workbench", _search_demo),
)


def take(out_dir: Path | None = None, residents: int = 300) -> list[Path]:
    """Write every picture of ``IMAGES`` into ``out_dir``; returns their paths."""
    from ..app import make_app
    from ..demo import generate_demo
    from ..services import database_ops, station
    from .screenshots import ADMIN, PASSWORD, TOWN, _main_window, _settle
    make_app()
    out_dir = out_dir or manual_img_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        db = database_ops.open_app_database(Path(folder) / "station.db")
        try:
            with db.session() as s:
                station.setup_station(s, TOWN, "桥东街道社会工作服务站", "惠州市惠城区桥东路1号", "0752-2808727",
                                      ADMIN, "李副站长", PASSWORD)
            generate_demo(db, residents=residents)
            database_ops.maybe_backup(db, on_exit=False)
            window = _main_window(db)
            window.setWindowState(Qt.WindowState.WindowNoState)  # not maximised to whatever screen this is
            window.resize(*SCREEN)
            window.db_label.setText("数据库：演示数据")  # not the temporary file's path
            window.show()
            for name, key, before in IMAGES:
                window.navigate(key)
                _settle()
                if before is None:
                    saved.append(_save(window.grab(), out_dir / name))
                    continue
                before(window)
                _settle()
                dialog = window.search_dialog
                saved.append(_save(_over(window, dialog), out_dir / name))
                dialog.hide()
            window.idle_lock.stop()
            window.close()
        finally:
            db.close()
    return saved
