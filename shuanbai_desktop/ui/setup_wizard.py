"""设立向导: the first start, before any log-in. 完成 makes the station: a new encrypted database with
its key file (``encryption.create_station``), or, given a database without a station (one left by an
earlier version's set-up), the station in it in one transaction.

Given ``shared_path`` (``paths.shared_choice``: the PC has a folder every account can use), the
administrator page asks 本站数据给谁用; the station is made there (the default) or at the given path.

With ``offer_server`` (a first start without ``--db``) the first page asks 数据放在哪里: 本机数据库 (the pages
above) or 连接站内服务器 (issue 19): the connection page, then either the log-in of the station already on
that server (the wizard ends there, ``existing`` True) or the station pages, the station being made on the
server at 完成 (``opening.create_server_station``, as ``init`` does on a URL), with its recovery code
(shown as a file's is). ``server_hint`` (改用其他服务器…
at a start whose server could not be used) starts on the connection page, filled in from it."""

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
from .setup_pages import AdminPage, ServerPage, StationPage, SummaryPage, TownPage, WherePage
from .widgets import busy_cursor

if TYPE_CHECKING:  # loaded behind the first window (app_flow._prepare), not before it
    from ..data.backend import ServerTarget
    from ..services import server_prepare, station

WHERE_PAGE, SERVER_PAGE, TOWN_PAGE, STATION_PAGE, ADMIN_PAGE, SUMMARY_PAGE = range(6)

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
    was made, and ``recovery_code`` the code to show (None when the database is a plain file; a server
station has one, ``services/server_recovery.py``). A station
    made in the PC's shared folder comes with ``lock``, that database's instance lock, held. On a server
    (``server``, its URL ``server_url``): ``existing`` when the station was there already (no ``station``)."""

    def __init__(self, target: Database | Path | None, parent: QWidget | None = None,
                 clock: Callable[[], datetime] | None = None, shared_path: Path | None = None,
                 offer_server: bool = False, server_hint: ServerTarget | None = None):
        super().__init__(parent)
        self.db: Database | None = target if isinstance(target, Database) else None
        self._path = target.path if isinstance(target, Database) else Path(target) if target is not None else None
        self._shared_path = shared_path if self.db is None else None
        self.server: ServerTarget | None = None
        self.server_url = ""
        self.existing = False
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
        self.where_page: WherePage | None = None
        self.server_page: ServerPage | None = None
        if self.db is None and (offer_server or server_hint is not None):
            if server_hint is None:
                self.where_page = WherePage()
                self.setPage(WHERE_PAGE, self.where_page)
            self.server_page = ServerPage()
            self.setPage(SERVER_PAGE, self.server_page)
            if server_hint is not None:
                self.server_page.prefill(server_hint)
        self.town_page = TownPage()
        self.station_page = StationPage(self.town_page)
        self.admin_page = AdminPage(self._shared_path.parent if self._shared_path is not None else None)
        self.summary_page = SummaryPage()
        for page_id, page in ((TOWN_PAGE, self.town_page), (STATION_PAGE, self.station_page),
                              (ADMIN_PAGE, self.admin_page), (SUMMARY_PAGE, self.summary_page)):
            self.setPage(page_id, page)
        self.resize(760, 560)

    @property
    def on_server(self) -> bool:
        """The station goes to (or is on) a server: the connection page was chosen and passed, or the wizard
        was given a server database without a station (a start on ``--db URL`` or the remembered server)."""
        if self.server is None:
            return self.db is not None and self.db.server is not None
        return self.where_page is None or self.where_page.wants_server

    @property
    def server_target(self) -> ServerTarget | None:
        """Where the station goes when ``on_server``."""
        if self.server is not None:
            return self.server
        return self.db.server if self.db is not None else None

    def server_chosen(self, target: ServerTarget, found: server_prepare.Probe) -> bool:
        """The connection page passed (``ServerPage.validatePage``). A station there: its database opened
        (migrated when this version's schema is newer) and the wizard ends; else the station pages follow."""
        from ..services.opening import open_app_database
        self.server = target
        self.server_url = self.server_page.url() if self.server_page is not None else ""
        if found.station_name is None:
            self._drop_server_db()  # one opened for another server's station before 上一步
            self.admin_page.ask_scope(False)
            return True
        if self.db is None or self.db.server != target:
            try:
                with busy_cursor():
                    db = open_app_database(target)
            except UserError as exc:
                self.server_page.errors.show(exc)
                return False
            if self.db is not None:
                self.db.close()
            self.db = db
        self.existing = True
        QTimer.singleShot(0, self._finish_existing)  # 下一步 on a page that turned out to be the last
        return True

    def _finish_existing(self) -> None:
        if self.existing and self.isVisible():
            self.accept()

    def _drop_server_db(self) -> None:
        """The database opened for a station found on a server (only the connection page opens one)."""
        self.existing = False
        if self.db is not None and self.db.server is not None:
            self.db.close()
            self.db = None

    def initializePage(self, page_id: int) -> None:
        super().initializePage(page_id)
        if page_id == TOWN_PAGE and self.where_page is not None and not self.where_page.wants_server:
            self.server = None  # 本机数据库 chosen after going back from the connection page
            self._drop_server_db()
            self.admin_page.ask_scope(True)
        if self.page(page_id) is self.summary_page:
            self.summary_page.on_server(self.on_server)
            self.summary_page.show_rows(self.summary_rows())

    def summary_rows(self) -> list[tuple[str, str]]:
        s, a = self.station_page, self.admin_page
        rows = [("所在乡镇(街道)", self.town_page.area_text),
                ("所辖村(居)", f"{self.town_page.villages.count()} 个"),
                ("社工站名称", s.name.text().strip()), ("地址", s.address.text().strip()),
                ("联系电话", s.phone.text().strip()),
                ("管理员", f"{a.display_name.text().strip()}（用户名：{a.username.text().strip()}）")]
        target = self.server_target
        if self.on_server and target is not None:
            rows.append(("数据库", f"站内服务器 {target.display()}"))
            rows.append(("共用文件夹", str(target.shared_dir)))
        elif self._shared_path is not None:
            rows.append(("本站数据", f"{a.scope_text}（{self.target_path().parent}）"))
        return rows

    def target_path(self) -> Path:
        """Where a new station goes: the PC's shared folder when chosen, else the path given."""
        if self._shared_path is not None and self.admin_page.for_every_account:
            return self._shared_path
        assert self._path is not None  # no path: only a server (改用其他服务器…)
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
        from ..services import encryption, opening, station
        s, a = self.station_page, self.admin_page
        at = self._clock() if self._clock else wall_clock()
        try:
            with busy_cursor():
                if self.db is None and self.on_server and self.server is not None:
                    self.db, self.recovery_code = opening.create_server_station(
                        self.server, self.town_page.town_code, s.name.text(), s.address.text(), s.phone.text(),
                        a.username.text(), a.display_name.text(), a.password.text(), at)
                    with self.db.session() as session:
                        self.station = station.get_station(session)
                elif self.db is None:
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
        if self.currentId() == self.startId() or messages.confirm(
                self, "退出设立向导后，社工站尚未设立，下次启动时需要重新填写。确定退出吗？"):
            self._drop_server_db()
            super().reject()
