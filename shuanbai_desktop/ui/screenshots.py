"""Save every main screen as PNG, offscreen: ``python -m shuanbai_desktop.ui.screenshots OUTDIR``;
``--manual [FOLDER]`` writes the user manual's pictures instead (``ui/manual_images.py``).

Works on a temporary database (with demo data when ``shuanbai_desktop.demo`` exists); the
user's own data folder is never touched.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from ..data.db import Database
from ..services import auth, database_ops, station
from .context import AppContext

ADMIN, PASSWORD = "admin", "Zhan2024abc"
LOCK_DEMO = "window1"  # the demo's counter clerk: locked in the log-in picture (the two-line message)
TOWN = "441302001"  # 惠州市惠城区桥东街道
TITLE_BAR = 28
SCREEN = (1366, 768)  # the station's usual PC
STATION_CLIENT = (1366, 768 - 40 - 30)  # a maximised window there: the task bar and the title bar take their share


def _settle(limit_s: float = 30) -> None:
    """Let background work started by a screen (report preview, backup) finish, so the picture shows its result."""
    import time

    from .background import busy
    deadline = time.monotonic() + limit_s
    QApplication.processEvents()
    while busy() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    QApplication.processEvents()


class Shots:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.saved: list[Path] = []
        out_dir.mkdir(parents=True, exist_ok=True)

    def widget(self, widget: QWidget, name: str) -> None:
        widget.show()
        _settle()
        self.pixmap(widget.grab(), name)

    def over(self, base: QWidget, top: QWidget, name: str) -> None:
        """A dialog drawn centred over its window with a plain title bar, as the user sees it."""
        top.adjustSize()
        QApplication.processEvents()
        picture, dialog = base.grab(), top.grab()
        x, y = (picture.width() - dialog.width()) // 2, (picture.height() - dialog.height() - TITLE_BAR) // 2
        painter = QPainter(picture)
        painter.fillRect(picture.rect(), QColor(0, 0, 0, 40))
        painter.fillRect(x, y, dialog.width(), TITLE_BAR, QColor("#d5d9df"))
        painter.drawText(QRect(x + 10, y, dialog.width() - 20, TITLE_BAR), Qt.AlignmentFlag.AlignVCenter,
                         top.windowTitle())
        painter.drawPixmap(x, y + TITLE_BAR, dialog)
        painter.setPen(QColor("#7d838c"))
        painter.drawRect(x - 1, y - 1, dialog.width() + 1, dialog.height() + TITLE_BAR + 1)
        painter.end()
        self.pixmap(picture, name)

    def pixmap(self, picture: QPixmap, name: str) -> None:
        path = self.out_dir / f"{len(self.saved) + 1:02d}-{name}.png"
        picture.save(str(path))
        self.saved.append(path)


def wizard_shots(shots: Shots, db: Database) -> None:
    from .setup_wizard import SetupWizard
    wizard = SetupWizard(db)
    shots.widget(wizard, "wizard-town-empty")
    wizard.town_page.select_town(TOWN)
    shots.widget(wizard, "wizard-town")
    wizard.next()
    shots.widget(wizard, "wizard-station")
    page = wizard.station_page
    page.address.setText("惠州市惠城区桥东路1号")
    page.phone.setText("0752-2808727x")
    wizard.next()
    shots.widget(wizard, "wizard-station-error")
    page.phone.setText("0752-2808727")
    wizard.next()
    admin = wizard.admin_page
    admin.username.setText(ADMIN)
    admin.display_name.setText("李副站长")
    admin.password.setText(PASSWORD)
    admin.confirm.setText(PASSWORD)
    shots.widget(wizard, "wizard-admin")
    wizard.next()
    wizard.summary_page.understood.setChecked(True)  # 我已了解
    shots.widget(wizard, "wizard-summary")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    wizard.close()


def login_shots(shots: Shots, db: Database) -> None:
    from .login_dialog import LoginDialog
    from .password_dialog import ChangePasswordDialog
    dialog = LoginDialog(db, _station(db).name, ADMIN)
    shots.widget(dialog, "login")
    dialog.password.setText("wrong-password1")
    dialog.try_login()
    shots.widget(dialog, "login-wrong-password")
    dialog.close()
    with db.session() as session:
        usernames = {u.username for u in auth.list_users(session)}
    if LOCK_DEMO in usernames:
        locked = LoginDialog(db, _station(db).name, LOCK_DEMO)  # a demo account, locked by wrong passwords
        for _ in range(5):
            locked.password.setText("wrong-password1")
            locked.try_login()
        from ..demo import DEMO_PASSWORD
        locked.password.setText(DEMO_PASSWORD)  # the right one now: “账户已锁定……”, two lines
        locked.try_login()
        shots.widget(locked, "login-locked")
        locked.close()
    user = auth.log_in(db, ADMIN, PASSWORD)
    change = ChangePasswordDialog(db, user, forced=True)
    shots.widget(change, "change-password")
    change.close()


def _station(db: Database) -> station.StationInfo:
    with db.session() as session:
        return station.get_station(session)


def _main_window(db: Database):
    """The main window as on a 1366×768 station PC: maximised, what is left by the task bar and title bar."""
    from .main_window import MainWindow
    window = MainWindow(AppContext(db, auth.log_in(db, ADMIN, PASSWORD), _station(db)))
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(*STATION_CLIENT)
    return window


def offscreen_platform() -> str:
    """Qt's offscreen platform with one 1366×768 screen (its default screen is 800×800)."""
    config = Path(tempfile.gettempdir()) / "shuanbai-screen-1366x768.json"
    config.write_text(json.dumps({"screens": [{"name": "station", "x": 0, "y": 0, "width": SCREEN[0],
                                               "height": SCREEN[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}), encoding="utf-8")
    return f"offscreen:configfile={config}"


def new_station_shot(shots: Shots, db: Database) -> None:
    window = _main_window(db)
    shots.widget(window, "main-workbench-new-station")
    window.idle_lock.stop()
    window.close()


def main_window_shots(shots: Shots, db: Database) -> None:
    from .main_menu import about_box
    window = _main_window(db)
    shots.widget(window, "main-workbench")
    for area in window.areas[1:]:
        window.navigate(area.key)
        pages = getattr(window.area_widget(area.key), "pages", {})
        for key in pages:  # an area with pages (设置): one picture per page
            window.navigate(key)
            shots.widget(window, f"main-{key.replace('.', '-')}")
        if not pages:
            shots.widget(window, f"main-{area.key}")
    window.navigate("workbench")
    shots.over(window, about_box(window), "about")
    window.lock_screen()
    shots.over(window, window.idle_lock.dialog, "lock")
    window.idle_lock.stop()
    window.close()


def crash_shot(shots: Shots) -> None:
    from .crash_dialog import CrashDialog, details_text
    try:
        raise RuntimeError("示例：这是截图用的模拟错误")
    except RuntimeError as exc:
        details = details_text(type(exc), exc, exc.__traceback__)
    dialog = CrashDialog(details, Path(tempfile.gettempdir()) / "shuanbai.log")
    dialog.toggle_button.click()
    shots.widget(dialog, "crash-dialog")
    dialog.close()


def add_demo(db: Database) -> bool:
    if importlib.util.find_spec("shuanbai_desktop.demo") is None:
        return False
    from ..demo import generate_demo
    generate_demo(db, residents=200)
    return True


def take_all(out_dir: Path, with_demo: bool = True) -> list[Path]:
    from ..app import make_app
    make_app()
    shots = Shots(out_dir)
    with tempfile.TemporaryDirectory() as folder:
        db = database_ops.open_app_database(Path(folder) / "station.db")
        try:
            wizard_shots(shots, db)
            new_station_shot(shots, db)
            if with_demo:
                add_demo(db)
            database_ops.maybe_backup(db, on_exit=False)  # the program's own (automatic) backup: no user needed
            login_shots(shots, db)
            main_window_shots(shots, db)
            crash_shot(shots)
        finally:
            db.close()
    return shots.saved


def main(argv: list[str]) -> int:
    """``OUTDIR``: every screen; ``--manual [FOLDER]``: the user manual's pictures (ui/manual_images.py)."""
    if argv[:1] == ["--manual"] and len(argv) <= 2:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from .manual_images import take
        for path in take(Path(argv[1]) if len(argv) == 2 else None):
            print(path)
        return 0
    if len(argv) != 1:
        print("用法：python -m shuanbai_desktop.ui.screenshots 输出文件夹\n"
              "      python -m shuanbai_desktop.ui.screenshots --manual [文件夹]（使用手册的插图，默认 resources/manual/img）",
              file=sys.stderr)
        return 2
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = offscreen_platform()
    for path in take_all(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
