"""设立向导: the first start, before any log-in. 完成 makes the station: a new encrypted database with
its key file (``encryption.create_station``), or, given a database without a station (one left by an
earlier version's set-up), the station in it in one transaction.

Given ``shared_path`` (``paths.shared_choice``: the PC has a folder every account can use), the
administrator page asks 本站数据给谁用; the station is made there (the default) or at the given path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from ..data.db import Database
from ..data.lock import InstanceLock
from ..errors import UserError
from . import messages
from .login_dialog import wall_clock
from .setup_pages import AdminPage, StationPage, SummaryPage, TownPage
from .widgets import busy_cursor

if TYPE_CHECKING:  # loaded behind the first window (app_flow._prepare), not before it
    from ..services import station

BUTTON_TEXTS = {
    QWizard.WizardButton.BackButton: "上一步",
    QWizard.WizardButton.NextButton: "下一步",
    QWizard.WizardButton.CommitButton: "下一步",
    QWizard.WizardButton.FinishButton: "完成",
    QWizard.WizardButton.CancelButton: "取消",
    QWizard.WizardButton.HelpButton: "帮助",
}


class SetupWizard(QWizard):
    """Accepted once the station exists; ``station``, ``admin_username`` and ``db`` (open) then say what
    was made, and ``recovery_code`` the code to show (None when the database is not encrypted). A station
    made in the PC's shared folder comes with ``lock``, that database's instance lock, held."""

    def __init__(self, target: Database | Path, parent: QWidget | None = None,
                 clock: Callable[[], datetime] | None = None, shared_path: Path | None = None):
        super().__init__(parent)
        self.db: Database | None = target if isinstance(target, Database) else None
        self._path = target.path if isinstance(target, Database) else Path(target)
        self._shared_path = shared_path if self.db is None else None
        self.lock: InstanceLock | None = None
        self._clock = clock
        self.station: station.StationInfo | None = None
        self.admin_username = ""
        self.recovery_code: str | None = None
        self.made_at: datetime | None = None
        self.setWindowTitle("社工站工作平台 — 设立社工站")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in BUTTON_TEXTS.items():
            self.setButtonText(button, text)
        self.town_page = TownPage()
        self.station_page = StationPage(self.town_page)
        self.admin_page = AdminPage(self._shared_path.parent if self._shared_path is not None else None)
        self.summary_page = SummaryPage()
        for page in (self.town_page, self.station_page, self.admin_page, self.summary_page):
            self.addPage(page)
        self.resize(760, 560)

    def initializePage(self, page_id: int) -> None:
        super().initializePage(page_id)
        if self.page(page_id) is self.summary_page:
            self.summary_page.show_rows(self.summary_rows())

    def summary_rows(self) -> list[tuple[str, str]]:
        s, a = self.station_page, self.admin_page
        rows = [("所在乡镇(街道)", self.town_page.area_text),
                ("所辖村(居)", f"{self.town_page.villages.count()} 个"),
                ("社工站名称", s.name.text().strip()), ("地址", s.address.text().strip()),
                ("联系电话", s.phone.text().strip()),
                ("管理员", f"{a.display_name.text().strip()}（用户名：{a.username.text().strip()}）")]
        if self._shared_path is not None:
            rows.append(("本站数据", f"{a.scope_text}（{self.target_path().parent}）"))
        return rows

    def target_path(self) -> Path:
        """Where a new station goes: the PC's shared folder when chosen, else the path given."""
        if self._shared_path is not None and self.admin_page.for_every_account:
            return self._shared_path
        return self._path

    def _take_shared_lock(self, path: Path) -> None:
        """The shared station's own instance lock (the start locked this account's own path), kept once
        the station is made; refused when another account is setting one up there just now."""
        if self.lock is None:
            self.lock = InstanceLock(path).acquire()
        if path.exists() and path.stat().st_size > 0:
            raise UserError("本机共用的社工站刚刚已由这台电脑的另一个账户设立。请点“取消”退出向导，"
                            "再启动程序：它会打开那个社工站，请用管理员为您建立的账户登录。")

    def _drop_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def save(self) -> bool:
        """Called by 完成: the station, its villages and the administrator, all or nothing."""
        from ..services import encryption, station
        s, a = self.station_page, self.admin_page
        at = self._clock() if self._clock else wall_clock()
        try:
            with busy_cursor():
                if self.db is None:
                    path = self.target_path()
                    if path != self._path:
                        self._take_shared_lock(path)
                    self.db, self.recovery_code = encryption.create_station(
                        path, self.town_page.town_code, s.name.text(), s.address.text(), s.phone.text(),
                        a.username.text(), a.display_name.text(), a.password.text(), at)
                    with self.db.session() as session:
                        self.station = station.get_station(session)
                else:
                    with self.db.session() as session:
                        self.station = station.setup_station(
                            session, self.town_page.town_code, s.name.text(), s.address.text(), s.phone.text(),
                            a.username.text(), a.display_name.text(), a.password.text())
                    self.recovery_code = encryption.first_keys(self.db, a.username.text(), a.password.text(), at)
        except UserError as exc:
            self._drop_lock()
            self._show_error(exc)
            return False
        except BaseException:
            self._drop_lock()
            raise
        self.admin_username = a.username.text().strip()
        self.made_at = at
        return True

    def _page_for(self, field: str | None) -> QWizardPage | None:
        for page in (self.station_page, self.admin_page):
            if field in page.FIELDS:
                return page
        return None

    def _show_error(self, exc: UserError) -> None:
        page = self._page_for(exc.field)
        if page is None:
            self.summary_page.errors.show(exc)
            return
        QTimer.singleShot(0, lambda: self._back_to(page, exc))

    def _back_to(self, page: QWizardPage, exc: UserError) -> None:
        while self.currentPage() is not page and self.currentId() != self.startId():
            self.back()
        page.errors.show(exc)

    def reject(self) -> None:
        if self.currentPage() is self.town_page or messages.confirm(
                self, "退出设立向导后，社工站尚未设立，下次启动时需要重新填写。确定退出吗？"):
            super().reject()
