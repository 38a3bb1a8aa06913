"""Benchmark (run by hand, never in the test suite): the person registry and household files at scale.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_person_search.py [--db PATH] [--keep]

Builds (or reuses, with --db) a demo database of 100,000 residents, tops its visits up to
1,000,000, then prints per-keystroke search latency (median, p95) for 1-character and
2-character names, pinyin initials and full pinyin, ID last 4 and last 6, phone digits and a full
ID number — each beside the raw SQLite time of the same SQL — then opening household files,
opening the person list (model) and scrolling it to the end, and the peak memory of the process.
Goals (issue 4): search p95 < 50 ms, household file < 200 ms, peak memory < 400 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, insert, select  # noqa: E402

from shuanbai_desktop import demo  # noqa: E402
from shuanbai_desktop.data.models import Person  # noqa: E402
from shuanbai_desktop.data.models.targets import Household, Visit, VisitPerson, VisitWorker  # noqa: E402
from shuanbai_desktop.demo import targets as demo_targets  # noqa: E402
from shuanbai_desktop.services import persons, station  # noqa: E402
from shuanbai_desktop.services.database_ops import open_app_database  # noqa: E402
from shuanbai_desktop.services.persons import PersonFilter  # noqa: E402
from shuanbai_desktop.services.targets import person_query  # noqa: E402
from shuanbai_desktop.services.targets.household_file import household_file  # noqa: E402

RESIDENTS, VISITS = 100_000, 1_000_000
RUNS = 40


def build(path: Path) -> None:
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    db = open_app_database(path)
    with db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "", "", "admin", "管理员", "Zhan2024abc")
    demo._feature_generators = lambda: iter([demo_targets.add_demo])  # this area's data only
    started = time.perf_counter()
    demo.generate_demo(db, residents=RESIDENTS)
    print(f"demo: {RESIDENTS:,} residents with households, visits and cases in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    added = top_up_visits(db)
    print(f"visits topped up by {added:,} to {VISITS:,} in {time.perf_counter() - started:.1f} s")
    db.close()


def top_up_visits(db) -> int:
    rng = random.Random(7)
    with db.session() as s:
        have = s.scalar(select(func.count(Visit.id)))
        households = list(s.execute(select(Household.id)).scalars())
        members = {}
        for pid, hid in s.execute(select(Person.id, Person.household_id).where(Person.household_id.is_not(None))):
            members.setdefault(hid, []).append(pid)
        next_id = (s.scalar(select(func.max(Visit.id))) or 0) + 1
        today, todo = date.today(), VISITS - have
        for start in range(0, todo, 50_000):
            visits, workers, met = [], [], []
            for k in range(start, min(todo, start + 50_000)):
                hid, day = rng.choice(households), today - timedelta(days=rng.randint(366, 3650))
                vid = next_id + k
                visits.append({"id": vid, "household_id": hid, "visit_date": day, "form": "home",
                               "findings": "历史走访记录", "need_material": "", "need_spiritual": "", "need_social": "",
                               "risk": "low", "next_due": day + timedelta(days=90), "recorded_by": "",
                               "created_at": day})
                workers.append({"visit_id": vid, "user_id": 1})
                met.append({"visit_id": vid, "person_id": members[hid][0]})
            s.execute(insert(Visit), visits)
            s.execute(insert(VisitWorker), workers)
            s.execute(insert(VisitPerson), met)
    return todo


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def raw_sql(session, flt: PersonFilter, limit: int) -> str:
    query = person_query.filtered(select(Person.id), flt).order_by(Person.name_pinyin, Person.id).limit(limit)
    return str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))


def queries(conn: sqlite3.Connection) -> dict[str, list[str]]:
    rng = random.Random(3)
    rows = conn.execute("SELECT name, name_initials, name_pinyin, id_number, phone FROM person "
                        "WHERE id_number IS NOT NULL ORDER BY random() LIMIT 400").fetchall()
    rng.shuffle(rows)
    return {"姓名 1 字": [r[0][0] for r in rows[:RUNS]], "姓名 2 字": [r[0][:2] for r in rows[:RUNS]],
            "拼音首字母": [r[1][:2] for r in rows[:RUNS]], "全拼": [r[2][:6] for r in rows[:RUNS]],
            "身份证后4位": [r[3][-4:] for r in rows[:RUNS]], "身份证后6位": [r[3][-6:] for r in rows[:RUNS]],
            "电话(7位)": [r[4][:7] for r in rows if r[4]][:RUNS], "完整身份证号": [r[3] for r in rows[:RUNS]]}


def bench_search(db, conn) -> None:
    print(f"\n每次按键的查找（选择居民：前 31 条），{RUNS} 个不同的查询，单位毫秒")
    print(f"{'查询':<10}{'中位数':>8}{'p95':>8}{'SQLite中位':>12}{'SQLite p95':>12}{'命中(中位)':>10}")
    for label, texts in queries(conn).items():
        app, raw, hits = [], [], []
        for text in texts:
            flt = PersonFilter(text=text)
            with db.session() as s:
                started = time.perf_counter()
                rows = persons.search(s, flt, limit=31)
                app.append(time.perf_counter() - started)
                sql = raw_sql(s, flt, 31)
            started = time.perf_counter()
            conn.execute(sql).fetchall()
            raw.append(time.perf_counter() - started)
            hits.append(len(rows))
        (am, ap), (rm, rp) = stats(app), stats(raw)
        print(f"{label:<10}{ms(am)}{ms(ap)}{ms(rm):>12}{ms(rp):>12}{statistics.median(hits):>10.0f}")


def bench_households(db, conn) -> None:
    ids = [r[0] for r in conn.execute("SELECT id FROM household ORDER BY random() LIMIT 50")]
    samples = []
    for hid in ids:
        with db.session() as s:
            started = time.perf_counter()
            f = household_file(s, db.path, hid)
            samples.append(time.perf_counter() - started)
    raw = timed(lambda: [conn.execute(sql, (ids[0],)).fetchall() for sql in (
        "SELECT * FROM household WHERE id=?", "SELECT * FROM person WHERE household_id=?",
        "SELECT * FROM visit WHERE household_id=? ORDER BY visit_date DESC LIMIT 50")], 20)
    (m, p), (rm, _) = stats(samples), stats(raw)
    print(f"\n打开户档（成员、类别、待遇、最近 50 次走访、个案、附件）：中位 {ms(m)} ms，p95 {ms(p)} ms；"
          f"主要三条 SQL 原始耗时 {ms(rm)} ms（例：{f.info.name}，走访 {len(f.visits)} 条）")


def bench_list(db) -> None:
    from PySide6.QtWidgets import QApplication

    from shuanbai_desktop.ui.persons.list_page import COLUMNS
    from shuanbai_desktop.ui.persons.paged_model import PagedModel
    app = QApplication.instance() or QApplication([])

    def load(ids):
        with db.session() as s:
            return persons.rows_for(s, ids)
    model = PagedModel(COLUMNS, load)
    started = time.perf_counter()
    with db.session() as s:
        ids = persons.search_ids(s, PersonFilter())
    model.set_ids(ids)
    for column in range(model.columnCount()):
        model.index(0, column).data()
    opened = time.perf_counter() - started
    started = time.perf_counter()
    page = 30
    while model.canFetchMore():
        model.fetchMore()
    for first in range(0, model.rowCount(), page):  # what a view paints, page by page, to the last row
        for row in range(first, min(first + page, model.rowCount())):
            for column in range(model.columnCount()):
                model.index(row, column).data()
    scrolled = time.perf_counter() - started
    print(f"\n居民列表：打开（{len(ids):,} 个 id + 第一屏）{ms(opened)} ms；逐屏滚动到最后一行 {scrolled:.2f} s，"
          f"读取 {model.loads} 块（每块 200 行），内存中最多保留 30 块")
    del app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/shuanbai-bench-persons.db"))
    parser.add_argument("--reuse", action="store_true", help="use an existing benchmark database")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.db)
        return
    if not (args.reuse and args.db.exists()):  # built in a child process: the peak memory below is the app's
        subprocess.run([sys.executable, __file__, "--build-only", "--db", str(args.db)], check=True)
    db = open_app_database(args.db)
    conn = sqlite3.connect(args.db)
    counts = conn.execute("SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM visit), "
                          "(SELECT count(*) FROM household)").fetchone()
    print(f"数据库：居民 {counts[0]:,}，走访 {counts[1]:,}，户档 {counts[2]:,}；"
          f"机器负载（1 分钟平均）{os.getloadavg()[0]:.1f}，CPU {os.cpu_count()} 核")
    bench_search(db, conn)
    bench_households(db, conn)
    bench_list(db)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n进程内存峰值：{peak:.0f} MB（目标 < 400 MB）；结束时机器负载 {os.getloadavg()[0]:.1f}")
    conn.close()
    db.close()


if __name__ == "__main__":
    main()
