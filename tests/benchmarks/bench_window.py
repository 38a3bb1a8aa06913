"""Benchmark (run by hand, never in the test suite): the service window at scale.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_window.py [--db PATH] [--keep]

Builds (or reuses, with --db) a demo database of 100,000 residents and 200,000 past
registrations, then times, over 40 different residents:
  1. finding the resident by pinyin initials (the picker's query, each key press),
  2. saving a registration and rendering its 一次性告知单 PDF (Ctrl+S, then the PDF),
both through the services and through the real registration screen (keys sent with QTest),
and prints median and p95 with the raw SQLite time of the same search beside them.
Goal (issue 3): p95 under 300 ms from key press to saved.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select  # noqa: E402

from shuanbai_desktop import demo  # noqa: E402
from shuanbai_desktop.data.engine import connect_readonly  # noqa: E402
from shuanbai_desktop.data.models import Person  # noqa: E402
from shuanbai_desktop.data.models.window import WindowRegistration  # noqa: E402
from shuanbai_desktop.demo import window as demo_window  # noqa: E402
from shuanbai_desktop.domain.counter_labels import Channel, Handling  # noqa: E402
from shuanbai_desktop.exports.window_pdf import render_notice  # noqa: E402
from shuanbai_desktop.services import auth, persons, station  # noqa: E402
from shuanbai_desktop.services.database_ops import open_app_database  # noqa: E402
from shuanbai_desktop.services.persons import PersonFilter  # noqa: E402
from shuanbai_desktop.services.targets.person_query import filtered  # noqa: E402
from shuanbai_desktop.services.window import catalogue, documents, registration  # noqa: E402

RESIDENTS, REGISTRATIONS, RUNS = 100_000, 200_000, 40
PASSWORD = "Zhan2024abc"


def build(path: Path) -> None:
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    db = open_app_database(path)
    with db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "桥东路1号", "0752-2808727", "admin",
                              "管理员", PASSWORD)
    demo._feature_generators = lambda: iter([])  # residents and accounts only; registrations below
    started = time.perf_counter()
    demo.generate_demo(db, residents=RESIDENTS)
    print(f"demo: {RESIDENTS:,} residents in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with db.session() as s:
        made = demo_window.add_registrations(s, random.Random(11), __import__("datetime").date.today(),
                                             REGISTRATIONS, (40, 70))
    print(f"demo: {made:,} past registrations in {time.perf_counter() - started:.1f} s")
    db.close()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def line(label: str, samples: list[float]) -> None:
    median, p95 = stats(samples)
    print(f"{label:<28}{ms(median)}{ms(p95)}")


def initials(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name_initials FROM person WHERE length(name_initials) >= 3 "
                        "ORDER BY random() LIMIT ?", (RUNS,)).fetchall()
    return [r[0] for r in rows]


def raw_sql(session, text: str) -> str:
    """The very SQL the picker runs, with the search text inlined."""
    query = filtered(select(Person.id), PersonFilter(text=text)).order_by(Person.name_pinyin, Person.id).limit(31)
    return str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))


def bench_services(db, conn, user, keys: list[str], matter_id: int, folder: Path) -> None:
    find, save, raw = [], [], []
    for key in keys:
        started = time.perf_counter()
        with db.session(user.actor) as s:
            found = persons.search(s, PersonFilter(text=key), limit=31)
            find.append(time.perf_counter() - started)
            sql = raw_sql(s, key)
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        raw.append(time.perf_counter() - started)
        started = time.perf_counter()
        with db.session(user.actor) as s:
            saved = registration.register(s, registration.RegistrationInput(
                Channel.VISIT, found[0].id, matter_id, "基准测试登记", handling=Handling.ASSIGN))
            data = documents.notice_data(s, saved.id)
        render_notice(data, folder / f"{saved.ticket_no}.pdf")
        save.append(time.perf_counter() - started)
    print(f"\n服务层（{len(keys)} 次），单位毫秒{'':<6}{'中位数':>8}{'p95':>8}")
    line("按拼音首字母查找（一次按键）", find)
    line("  同一查询的 SQLite 原始耗时", raw)
    line("保存登记并生成告知单 PDF", save)
    line("合计（查找 + 保存 + PDF）", [a + b for a, b in zip(find, save, strict=True)])


def bench_screen(db, user, keys: list[str]) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from shuanbai_desktop.ui import fonts
    from shuanbai_desktop.ui.context import AppContext
    from shuanbai_desktop.ui.counter.register_page import RegistrationPage

    app = QApplication.instance() or QApplication([])
    fonts.install_fonts(app)
    with db.session() as s:
        info = station.get_station(s)
    page = RegistrationPage(AppContext(db=db, user=user, station=info))
    page.resize(1198, 690)
    page.show()
    page.printer = lambda parent, pdf, title: pdf.stat().st_size > 0  # render the PDF, no dialog
    typing, saving, failed = [], [], []
    for key in keys:
        page.focus_search()
        started = time.perf_counter()
        QTest.keyClicks(page.picker.search_edit, key)          # one search per key press
        QTest.keyClick(page.picker.search_edit, Qt.Key.Key_Return)
        typing.append((time.perf_counter() - started) / len(key))
        page.form.matter.setCurrentIndex(8)                     # 居家养老服务 (typing "8" twice within 0.4 s would search "88")
        started = time.perf_counter()
        QTest.keyClick(page.form.matter, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(page.picker.search_edit, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        saving.append(time.perf_counter() - started)
        if page.errors.text:
            failed.append(page.errors.text)
            page.new_registration()
        app.processEvents()
    page.close()
    page.deleteLater()
    app.processEvents()
    if failed:
        print(f"\n未保存 {len(failed)} 次：{failed[0]}")
    print(f"\n登记界面（真实控件，{len(keys)} 次），单位毫秒{'':<0}{'中位数':>8}{'p95':>8}")
    line("每次按键：查找并刷新列表", typing)
    line("Ctrl+S 保存 + Ctrl+P 告知单", saving)
    line("合计（按键查找 + 保存 + 告知单）", [t * len(k) + v for t, k, v in zip(typing, keys, saving, strict=True)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "shuanbai-bench-window.db")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it exists")
    args = parser.parse_args()
    if not (args.keep and args.db.exists()):
        build(args.db)
    db = open_app_database(args.db)
    user = auth.log_in(db, "admin", PASSWORD)
    with db.session() as s:
        matter_id = next(m.id for m in catalogue.list_matters(s) if m.name == "居家养老服务")
        total = s.scalar(select(func.count(WindowRegistration.id)))
    print(f"数据库：{args.db}（窗口登记 {total:,} 条）")
    conn = connect_readonly(args.db)
    keys = initials(conn)
    with tempfile.TemporaryDirectory() as folder:
        bench_services(db, conn, user, keys, matter_id, Path(folder))
    bench_screen(db, user, keys)
    conn.close()
    db.close()


if __name__ == "__main__":
    main()
