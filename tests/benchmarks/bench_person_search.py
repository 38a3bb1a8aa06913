"""Benchmark (run by hand, never in the test suite): the person search box and household files at scale.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_person_search.py [--full PATH]

Runs on the full demo station (100,000 residents, 1,000,000 visits: a COPY of --full, default
/tmp/shuanbai-bench-full.db, migrated on open — the time of migration 0012_search_index is printed) and on
a 10,000-resident demo built here. For each query class (ID tail 4/6, phone part, name 1/2/3 characters,
pinyin initials, full pinyin, a full ID number) it prints the per-keystroke time of ``persons.search``
(median, p95, CPU p95), the raw SQLite time of its SQL, and the raw time of TODAY'S query (the LIKE scans
before the index, issue 16) with the ratio; then 10k → 100k growth of p95, household files and sorting.
Goals (issue 16): p95 ≤ 10 ms for every class at 100,000 residents, sub-linear growth from 10k to 100k.
The person list (Ctrl+End, memory): bench_person_list.py.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
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
from shuanbai_desktop.services.targets.household_file import household_file  # noqa: E402

RESIDENTS, VISITS = 100_000, 1_000_000
RUNS = 40
FULL = Path("/tmp/shuanbai-bench-full.db")


def build(path: Path, residents: int = RESIDENTS) -> None:
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    db = open_app_database(path)
    with db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "", "", "admin", "管理员", "Zhan2024abc")
    demo._feature_generators = lambda: iter([demo_targets.add_demo])  # this area's data only
    started = time.perf_counter()
    demo.generate_demo(db, residents=residents)
    print(f"demo: {residents:,} residents with households, visits and cases in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    added = top_up_visits(db, VISITS * residents // RESIDENTS)
    print(f"visits topped up by {added:,} in {time.perf_counter() - started:.1f} s")
    db.close()


def top_up_visits(db, visits: int = VISITS) -> int:
    rng = random.Random(7)
    with db.session() as s:
        have = s.scalar(select(func.count(Visit.id)))
        households = list(s.execute(select(Household.id)).scalars())
        members = {}
        for pid, hid in s.execute(select(Person.id, Person.household_id).where(Person.household_id.is_not(None))):
            members.setdefault(hid, []).append(pid)
        next_id = (s.scalar(select(func.max(Visit.id))) or 0) + 1
        today, todo = date.today(), max(0, visits - have)
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
    query = persons.ids_query(flt, limit)
    return str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))


def todays_sql(text: str, limit: int) -> str:
    """The query before the index (person_query as of issue 16): LIKE scans in display order."""
    digits = text.upper()
    if re.fullmatch(r"\d{17}[\dX]|\d{15}", digits):
        cond = f"id_number = '{digits}'"
    elif re.fullmatch(r"\d{3,}[\dX]?", digits):
        cond = f"(id_number LIKE '%{digits}' OR phone LIKE '%{digits}%')"
    elif re.fullmatch(r"[A-Za-z]+", text):
        key = text.lower()
        upper = key[:-1] + chr(ord(key[-1]) + 1)
        pinyin = f"(name_pinyin >= '{key}' AND name_pinyin < '{upper}')"
        cond = pinyin if len(key) == 1 else f"((name_initials >= '{key}' AND name_initials < '{upper}') OR {pinyin})"
    else:
        cond = f"name LIKE '%{text}%'"
    return f"SELECT id FROM person WHERE {cond} ORDER BY name_pinyin, id LIMIT {limit}"


def queries(conn: sqlite3.Connection) -> dict[str, list[str]]:
    rng = random.Random(3)
    rows = conn.execute("SELECT name, name_initials, name_pinyin, id_number, phone FROM person "
                        "WHERE id_number IS NOT NULL ORDER BY random() LIMIT 400").fetchall()
    rng.shuffle(rows)
    phones = [r[4] for r in rows if r[4]]
    return {"身份证后4位": [r[3][-4:] for r in rows[:RUNS]], "身份证后6位": [r[3][-6:] for r in rows[:RUNS]],
            "电话前7位": [p[:7] for p in phones[:RUNS]], "电话后4位": [p[-4:] for p in phones[:RUNS]],
            "姓名 1 字": [r[0][0] for r in rows[:RUNS]], "姓名 2 字": [r[0][:2] for r in rows[:RUNS]],
            "姓名 3 字": [r[0][:3] for r in rows if len(r[0]) >= 3][:RUNS],
            "拼音首字母": [r[1][:2] for r in rows[:RUNS]], "全拼": [r[2][:6] for r in rows[:RUNS]],
            "完整身份证号": [r[3] for r in rows[:RUNS]]}


def bench_search(db, conn) -> dict[str, tuple[float, float]]:
    """Per class: app median / p95 / CPU p95, raw SQLite p95 of the same SQL, today's SQL p95, the ratio."""
    print(f"\n每次按键的查找（选择居民：前 31 条），每类 {RUNS} 个不同的查询，单位毫秒（墙钟；CPU 为进程 CPU 时间）")
    print("p95：首次按键；3次最好：每个查询 3 次取最快再求 p95；CPU：首次按键的进程 CPU；SQL：同一 SQL 在 sqlite3；"
          "旧查询：改前的 LIKE 扫描")
    print(f"{'查询':<10}{'中位':>8}{'p95':>8}{'3次最好':>9}{'CPU p95':>9}{'SQL p95':>9}{'旧查询p95':>11}{'旧/新':>8}"
          f"{'命中':>6}")
    out = {}
    for label, texts in queries(conn).items():
        app, best, cpu, raw, old, hits = [], [], [], [], [], []
        for text in texts:
            flt = PersonFilter(text=text)
            walls = []
            for _ in range(3):  # the first keypress, then the best of three (the machine is shared)
                with db.session() as s:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    rows = persons.search(s, flt, limit=31)
                    walls.append(time.perf_counter() - started)
                    if len(walls) == 1:
                        cpu.append(time.process_time() - cpu_started)
                    sql = raw_sql(s, flt, 31)
            app.append(walls[0])
            best.append(min(walls))
            started = time.perf_counter()
            conn.execute(sql).fetchall()
            raw.append(time.perf_counter() - started)
            started = time.perf_counter()
            conn.execute(todays_sql(text, 31)).fetchall()
            old.append(time.perf_counter() - started)
            hits.append(len(rows))
        (am, ap), (_, bp), (_, cp), (_, rp), (_, op) = stats(app), stats(best), stats(cpu), stats(raw), stats(old)
        out[label] = (ap, bp)
        print(f"{label:<10}{ms(am)}{ms(ap)}{ms(bp):>9}{ms(cp):>9}{ms(rp):>9}{ms(op):>11}{op / max(rp, 1e-6):>7.1f}×"
              f"{statistics.median(hits):>6.0f}")
    return out


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


def bench_sorting(db) -> None:
    """A header click on the person list: the database orders all ids (services/persons.SORT_KEYS)."""
    print("\n居民列表按列排序（全部居民的 id，数据库 ORDER BY，中位数 / p95）：")
    for key in persons.SORT_KEYS:
        for descending in (False, True):
            order = persons.PersonOrder(key, descending)

            def run(order=order):
                with db.session() as s:
                    return persons.search_ids(s, PersonFilter(), order=order)
            median, p95 = stats(timed(run, 7))
            print(f"  {key:8} {'降序' if descending else '升序'}  {ms(median)} / {ms(p95)} ms")


def measure(path: Path, label: str, extra: bool) -> dict[str, tuple[float, float]]:
    started = time.perf_counter()
    db = open_app_database(path)
    print(f"\n=== {label}：打开（含迁移到 0012_search_index，如需）{time.perf_counter() - started:.1f} s")
    conn = sqlite3.connect(path)
    counts = conn.execute("SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM visit), "
                          "(SELECT count(*) FROM household)").fetchone()
    print(f"数据库：居民 {counts[0]:,}，走访 {counts[1]:,}，户档 {counts[2]:,}；"
          f"机器负载（1 分钟平均）{os.getloadavg()[0]:.1f}，CPU {os.cpu_count()} 核")
    figures = bench_search(db, conn)
    if extra:
        bench_households(db, conn)
        bench_sorting(db)
    conn.close()
    db.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", type=Path, default=FULL, help="the full demo station (read only: copied)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/shuanbai-bench-search-k1"), help="copies go here")
    parser.add_argument("--residents", type=int, default=RESIDENTS, help=argparse.SUPPRESS)
    parser.add_argument("--build-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.build_only, args.residents)
        return
    args.work.mkdir(exist_ok=True)
    small, big = args.work / "search-10k.db", args.work / "search-100k.db"
    if not small.exists():  # built in a child process: the figures below are the app's alone
        subprocess.run([sys.executable, __file__, "--build-only", str(small), "--residents", "10000"], check=True)
    if not big.exists():
        if not args.full.exists():
            subprocess.run([sys.executable, __file__, "--build-only", str(args.full)], check=True)
        shutil.copy(args.full, big)
    load = os.getloadavg()[0]
    ten = measure(small, "1 万居民", extra=False)
    hundred = measure(big, "10 万居民（完整演示站）", extra=True)
    print("\n从 1 万到 10 万居民（10 倍）：每类 p95 的增长（线性为 10 倍；目标：p95 ≤ 10 ms，增长远小于 10 倍）")
    print(f"  {'查询':<10}{'首次 1万':>9}{'10万':>8}{'增长':>7}   {'3次最好 1万':>11}{'10万':>8}{'增长':>7}")
    for label, (p95, best) in hundred.items():
        first_ten, best_ten = ten[label]
        verdict = "达标" if p95 <= 0.010 else ("达标（3次最好）" if best <= 0.010 else "未达标")
        print(f"  {label:<10}{ms(first_ten):>9}{ms(p95):>8} ×{p95 / max(first_ten, 1e-6):<5.1f}"
              f"{ms(best_ten):>11}{ms(best):>8} ×{best / max(best_ten, 1e-6):<5.1f} {verdict}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n进程内存峰值：{peak:.0f} MB；开始/结束时机器负载 {load:.1f} / {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
