"""Issue 19's "Done when": two app instances on two URLs to the same station server register at once and see
each other's work.

Two PCs of one station, on this worker's throwaway cluster (tests/pgcluster.py): each an ``AppFlow`` started as
the program starts on a server (``app.run_gui_server``: the server's database opened, its log-in, the main
window), one through TCP on loopback (``postgresql+psycopg://…@127.0.0.1:PORT/DB``), the other through the
server's unix socket (``…@/DB?host=DIR&port=PORT``), both with the same shared folder. Two counter accounts log in,
one on each, and everything is done with the keyboard:

* both fill a 窗口登记 form, then both save: two consecutive 受理编号; each window lists the other's registration
  once its list is read again (F5, 转到 → 刷新本页; or Ctrl+Tab to 事项办理 and back: a tab reloads when it
  is chosen, ``TabbedArea``);
* a second real process, the command line's ``import residents``, adds a resident while both windows are open:
  the counter finds her and registers her matter, the other PC sees it; a walk-in made there with F2 after the
  import gets an id of its own (the server's sequence follows the import's explicit ids);
* a save on one PC while another PC's registration is still in its transaction (a writer process holding the
  day's number): the save waits for it and takes the next number.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from shuanbai_desktop.data import backend
from shuanbai_desktop.data.backend import ServerTarget
from shuanbai_desktop.data.migrate import open_server_database
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.services import auth
from shuanbai_desktop.ui.app_flow import AppFlow
from shuanbai_desktop.ui.main_window import MainWindow
from tests import pgcluster
from tests.db.test_cli import cli
from tests.db.test_window_helpers import PASSWORD, win_template  # noqa: F401  (fixture)
from tests.ui.helpers import focused, grab, ime, key, keys
from tests.ui.test_connect_server import flows, remembered  # noqa: F401  (fixtures)

BACKENDS = ("postgresql",)  # the window tests' station (win_template) built on the test server
CTRL = Qt.KeyboardModifier.ControlModifier
IMPORTED_ID = "441302194803120023"  # 周桂兰, added by the command line
NEW_ID = "441302195207150044"  # 吴秀英, a walk-in made at the counter (F2)
_NAMES = count(1)


@dataclass
class Station:
    name: str
    shared: Path
    ids: dict  # win_template's: users, residents (zhang, li), matters by name


@dataclass
class TwoPCs:
    station: Station
    tcp: str  # the counter PC's URL
    socket: str  # the laptop's URL
    pc1: MainWindow  # 陈晓红 (window1) through TCP
    pc2: MainWindow  # 王丽 (window2) through the socket


@pytest.fixture
def station(request, win_template, pg_server, tmp_path) -> Station:  # noqa: F811
    """A copy of the window tests' station on the server (counter account ``window1`` 陈晓红, residents 张三 and
    李四) with a second counter account ``window2`` 王丽 made by the administrator."""
    template, ids = win_template
    name = f"two_pcs_{os.getpid()}_{next(_NAMES)}"
    shared = tmp_path / "共用 文件夹"
    made = pgcluster.copy_station(*template, name, shared)
    request.addfinalizer(lambda: pg_server.drop_database(name))
    db = open_server_database(made)
    try:
        with db.session() as s:
            admin = auth.get_user(s, 1)
        with db.session(admin.actor) as s:
            auth.create_user(s, "window2", "王丽", Role.WINDOW, PASSWORD, must_change=False)
    finally:
        db.close()
    return Station(name, shared, ids)


@pytest.fixture
def pcs(qtbot, flows, station, pg_server) -> TwoPCs:  # noqa: F811
    """The two PCs started (TCP and unix socket, one shared folder), each logged in with the keyboard."""
    tcp, socket = pg_server.url(station.name), pg_server.socket_url(station.name)
    first = _start(flows, tcp, station.shared)
    second = _start(flows, socket, station.shared)
    assert first.db.server.host == "127.0.0.1" and second.db.server.host == str(pg_server.socket_dir)
    assert first.db.server.shared_dir == second.db.server.shared_dir
    pc1 = _log_in(qtbot, first, "window1")
    pc2 = _log_in(qtbot, second, "window2")
    assert pc1.user_label.text() == "用户：陈晓红（窗口）" and pc2.user_label.text() == "用户：王丽（窗口）"
    assert "127.0.0.1" in pc1.db_label.text() and "127.0.0.1" not in pc2.db_label.text()
    return TwoPCs(station, tcp, socket, pc1, pc2)


def _start(flows, url: str, shared: Path) -> AppFlow:  # noqa: F811
    """One PC: the program started with ``--db URL --shared-dir SHARED`` (``app.run_gui_server``'s flow)."""
    flow = AppFlow(None, idle_timeout_ms=600_000, server=backend.parse_server_url(url, shared))
    flows.append(flow)
    flow.start()
    assert flow.unreachable is None and flow.login is not None and flow.login.isVisible()
    return flow


def _sit_at(qtbot, window) -> None:
    """The keys go to this PC's window from now on (the other PC's window keeps its own focus)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _log_in(qtbot, flow: AppFlow, username: str) -> MainWindow:
    login = flow.login
    _sit_at(qtbot, login)
    assert focused() is login.username
    keys(qtbot, username)
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is login.password
    keys(qtbot, PASSWORD)
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.isVisible(), timeout=30_000)
    return flow.window


def _to_the_counter(qtbot, window: MainWindow):
    """转到 → 窗口登记 (Ctrl+digit): the keys land in the resident search box."""
    _sit_at(qtbot, window)
    row = [area.key for area in window.areas].index("window")
    key(qtbot, Qt.Key(Qt.Key.Key_1.value + row), CTRL)
    page = window.area_widget("window").register_page
    assert page.isVisible() and focused() is page.picker.search_edit
    return page


def _fill(qtbot, page, search: str, description: str) -> None:
    """Find the resident (one found: Enter takes them), keep 来访, 8 居家养老服务 by its number, 简要情况."""
    keys(qtbot, search)
    key(qtbot, Qt.Key.Key_Return)
    assert page.picker.chosen_id() is not None and focused() is page.form.channel
    _matter(qtbot, page, description)


def _matter(qtbot, page, description: str) -> None:
    key(qtbot, Qt.Key.Key_Return)  # keep 来访
    keys(qtbot, "8")
    assert page.form.current_matter.name == "居家养老服务" and focused() is page.materials.list
    key(qtbot, Qt.Key.Key_Return)
    assert focused() is page.form.description
    ime(description)


def _saved_ticket(page) -> str:
    text = page.saved_label.text()
    assert text.startswith("已登记：受理编号 "), (text, page.error_label.text())
    return text.removeprefix("已登记：受理编号 ").split("，", 1)[0]


def _seq(ticket: str) -> int:
    return int(ticket.rsplit("-", 1)[1])


def _today_list(page) -> dict[str, str]:
    """今日登记 as shown: 受理编号 → 居民."""
    return {row.ticket_no: row.person_name for row in page.today_model.rows}


def _matters_list(view) -> dict[str, str]:
    """事项办理's list as shown: 受理编号 → 居民."""
    return {row.ticket_no: row.person_name for row in view.matters_page.model.rows}


def _next_tab(qtbot, view, expected) -> None:
    """Ctrl+Tab: the area's next tab (it reloads when chosen)."""
    key(qtbot, Qt.Key.Key_Tab, CTRL)
    assert view.tabs.currentWidget() is expected


def _look_again(qtbot, window: MainWindow) -> None:
    """事项办理 and back to 窗口登记 (Ctrl+Tab twice): both lists read afresh."""
    view = window.area_widget("window")
    _sit_at(qtbot, window)
    _next_tab(qtbot, view, view.matters_page)
    _next_tab(qtbot, view, view.register_page)


def test_two_pcs_on_two_urls_register_at_once_and_see_each_others_work(qtbot, pcs):
    pc1, pc2 = pcs.pc1, pcs.pc2
    # Both forms filled, the first PC's still unsaved while the second fills hers ...
    page1 = _to_the_counter(qtbot, pc1)
    _fill(qtbot, page1, "zs", "独居，申请助餐服务")
    page2 = _to_the_counter(qtbot, pc2)
    _fill(qtbot, page2, "ls", "腿脚不便，申请上门助浴")
    assert page1.form.description.text() == "独居，申请助餐服务"  # the other PC's typing went to its own window

    # ... then both saved (Ctrl+S on each).
    _sit_at(qtbot, pc1)
    key(qtbot, Qt.Key.Key_S, CTRL)
    ticket1 = _saved_ticket(page1)
    _sit_at(qtbot, pc2)
    key(qtbot, Qt.Key.Key_S, CTRL)
    ticket2 = _saved_ticket(page2)
    assert ticket1 != ticket2 and _seq(ticket2) == _seq(ticket1) + 1  # consecutive: none taken twice, none skipped
    assert _today_list(page2) == {ticket1: "张三", ticket2: "李四"}  # saved after the first: its list shows both
    assert _today_list(page1) == {ticket1: "张三"}  # not live: the first PC's list is as it was when it saved

    # The first PC looks again: F5 reads its 今日登记 afresh; 事项办理 (Ctrl+Tab) reloads when chosen.
    view1 = pc1.area_widget("window")
    _sit_at(qtbot, pc1)
    key(qtbot, Qt.Key.Key_F5)
    assert _today_list(page1) == {ticket1: "张三", ticket2: "李四"}
    _next_tab(qtbot, view1, view1.matters_page)
    assert _matters_list(view1) == {ticket1: "张三", ticket2: "李四"}
    _next_tab(qtbot, view1, view1.register_page)
    pc1.resize(1366, 768)
    grab(pc1, "two-pcs-counter-pc-tcp")

    view2 = pc2.area_widget("window")
    _sit_at(qtbot, pc2)
    _next_tab(qtbot, view2, view2.matters_page)
    assert _matters_list(view2) == {ticket1: "张三", ticket2: "李四"}
    responders = {row.ticket_no: row.first_responder for row in view2.matters_page.model.rows}
    assert responders == {ticket1: "陈晓红", ticket2: "王丽"}  # who registered each: one station, two people
    pc2.resize(1366, 768)
    grab(pc2, "two-pcs-laptop-socket-matters")


def test_the_command_line_imports_a_resident_while_both_windows_are_open(qtbot, pcs, tmp_path):
    pc1, pc2 = pcs.pc1, pcs.pc2
    page1 = _to_the_counter(qtbot, pc1)
    page2 = _to_the_counter(qtbot, pc2)
    _sit_at(qtbot, pc1)
    keys(qtbot, "zgl")
    assert page1.picker.model.rowCount() == 0  # 周桂兰 is not in the station yet

    sheet = tmp_path / "新居民.csv"
    sheet.write_text(f"姓名,身份证号,联系电话,住址\n周桂兰,{IMPORTED_ID},13900139000,东湖社区5组2号\n",
                     encoding="utf-8")
    done = cli("--db", pcs.socket, "--shared-dir", pcs.station.shared, "import", "residents", sheet,
               login=("admin", PASSWORD))
    assert done.returncode == 0, done.stderr

    key(qtbot, Qt.Key.Key_N, CTRL)  # 新登记: the search box afresh
    _fill(qtbot, page1, "zgl", "女儿在外地，申请助餐")  # the counter finds her at once
    key(qtbot, Qt.Key.Key_S, CTRL)
    imported = _saved_ticket(page1)
    _look_again(qtbot, pc2)
    assert _today_list(page2) == {imported: "周桂兰"}
    pc2.resize(1366, 768)
    grab(pc2, "two-pcs-laptop-socket-after-import")

    # A walk-in at the other PC after the import: F2 新建居民; the server numbers her after the imported rows.
    assert focused() is page2.picker.search_edit
    keys(qtbot, NEW_ID)
    assert page2.picker.model.rowCount() == 0
    key(qtbot, Qt.Key.Key_F2)
    dialog = page2.picker.dialog
    assert dialog.isVisible() and focused() is dialog.basic.name_edit
    ime("吴秀英")
    key(qtbot, Qt.Key.Key_Return)  # Enter saves from any field
    assert not dialog.isVisible()
    _sit_at(qtbot, pc2)  # what the desktop does when a dialog closes
    assert focused() is page2.form.channel
    _matter(qtbot, page2, "子女不在身边，申请助餐")
    key(qtbot, Qt.Key.Key_S, CTRL)
    walk_in = _saved_ticket(page2)
    assert _seq(walk_in) == _seq(imported) + 1
    _look_again(qtbot, pc1)
    assert _today_list(page1) == {imported: "周桂兰", walk_in: "吴秀英"}


def _hold_the_days_number(where: ServerTarget, person_id: int, matter_id: int, said) -> None:
    """A third PC (a process of its own) registers a matter and keeps its transaction open, holding the day's
    number, until another session waits on a lock of this database (or 60 s pass); then commits."""
    import psycopg

    from shuanbai_desktop.domain.counter_labels import Channel
    from shuanbai_desktop.services.window.registration import RegistrationInput, register
    db = open_server_database(where)
    try:
        user = auth.log_in(db, "admin", PASSWORD)
        with db.session(user.actor) as s:
            saved = register(s, RegistrationInput(channel=Channel.PHONE, person_id=person_id, matter_type_id=matter_id))
            said.put(("holding", saved.ticket_no))
            seen = False
            with psycopg.connect(host=where.host, port=where.port, user=where.username, dbname=where.database,
                                 autocommit=True) as watch:
                for _ in range(3000):
                    seen = watch.execute("SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                                         "WHERE NOT l.granted AND a.datname = current_database()").fetchone()[0] > 0
                    if seen:
                        break
                    time.sleep(0.02)
        said.put(("committed", seen))
    except BaseException as exc:  # the test asserts on what the process says
        said.put(("failed", f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        db.close()


def test_a_save_waits_for_another_pcs_registration_in_progress_and_takes_the_next_number(qtbot, pcs):
    pc1, pc2 = pcs.pc1, pcs.pc2
    page1 = _to_the_counter(qtbot, pc1)
    _fill(qtbot, page1, "zs", "独居，申请助餐服务")

    ids = pcs.station.ids
    where = backend.parse_server_url(pcs.socket, pcs.station.shared)
    spawn = multiprocessing.get_context("spawn")
    said = spawn.Queue()
    third = spawn.Process(target=_hold_the_days_number, args=(where, ids["li"], ids["matters"]["居家养老服务"], said))
    third.start()
    try:
        state, held = said.get(timeout=120)
        assert state == "holding", held
        _sit_at(qtbot, pc1)
        key(qtbot, Qt.Key.Key_S, CTRL)  # waits on the third PC's open transaction, then goes on
        assert said.get(timeout=120) == ("committed", True)  # this save did wait on it
    finally:
        third.join(timeout=60)
        if third.is_alive():
            third.kill()
    ticket = _saved_ticket(page1)
    assert _seq(ticket) == _seq(held) + 1
    assert _today_list(page1) == {held: "李四", ticket: "张三"}
    _to_the_counter(qtbot, pc2)
    assert _today_list(pc2.area_widget("window").register_page) == {held: "李四", ticket: "张三"}
