"""Benchmark (run by hand, never in the test suite): 全局搜索 (Ctrl+F) at 100,000 residents.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_global_search.py [--db PATH] [--keep]

Builds (or reuses, with --keep) a demo station of 100,000 residents with every area's demo data
(households, visits, cases, staff, assets, archives) and 200,000 window registrations, then types
queries one key at a time, as the search box does, and times each key press's whole search
(``services/global_search.search`` in its own transaction, as the screen runs it): residents' names,
pinyin initials and full pinyin, ID-number tails, phone digits, 受理编号, 个案编号, 资产编号 and 档号, as the
administrator and as the supervisor (督导, fewer kinds). Prints median and p95 per kind of query and
over all key presses, and the slowest kind of record inside one search.
Goal (issue 14): p95 ≤ 100 ms per key press.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select  # noqa: E402

from shuanbai_desktop import demo  # noqa: E402
from shuanbai_desktop.data.engine import connect_readonly  # noqa: E402
from shuanbai_desktop.data.models.window import WindowRegistration  # noqa: E402
from shuanbai_desktop.demo import window as demo_window  # noqa: E402
from shuanbai_desktop.services import auth, global_search, station  # noqa: E402
from shuanbai_desktop.services.database_ops import open_app_database  # noqa: E402

RESIDENTS, REGISTRATIONS, RUNS = 100_000, 200_000, 30
PASSWORD = "Zhan2024abc"


def build(path: Path) -> None:
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    db = open_app_database(path)
    with db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "桥东路1号", "0752-2808727", "admin",
                              "管理员", PASSWORD)
    started = time.perf_counter()
    demo.generate_demo(db, residents=RESIDENTS)  # every area's demo data
    print(f"演示数据：{RESIDENTS:,} 位居民及各区域数据，{time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with db.session() as s:
        have = s.scalar(select(func.count(WindowRegistration.id))) or 0
        made = demo_window.add_registrations(s, random.Random(11), date.today(), REGISTRATIONS - have, (40, 70))
    print(f"窗口登记补足 {made:,} 条，{time.perf_counter() - started:.1f} s")
    db.close()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _sample(conn: sqlite3.Connection, sql: str, runs: int = RUNS) -> list[str]:
    return [r[0] for r in conn.execute(sql + " ORDER BY random() LIMIT ?", (runs,)) if r[0]]


def queries(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """What a user types, by kind; each is typed key by key (so a 4-digit tail is 4 searches)."""
    return {
        "姓名（2–3 字）": _sample(conn, "SELECT name FROM person"),
        "拼音首字母": _sample(conn, "SELECT name_initials FROM person WHERE length(name_initials) >= 3"),
        "全拼（前 6 个字母）": [p[:6] for p in _sample(conn, "SELECT name_pinyin FROM person")],
        "身份证后 4 位": [n[-4:] for n in _sample(conn, "SELECT id_number FROM person WHERE id_number IS NOT NULL")],
        "电话后 8 位": [n[-8:] for n in _sample(conn, "SELECT phone FROM person WHERE phone != ''")],
        "受理编号": _sample(conn, "SELECT ticket_no FROM window_registration"),
        "个案编号": _sample(conn, "SELECT case_no FROM case_record"),
        "资产编号": _sample(conn, "SELECT code FROM asset"),
        "档号": _sample(conn, "SELECT number FROM archive_file"),
    }


def keypresses(text: str) -> list[str]:
    return [text[:i] for i in range(1, len(text) + 1)]


def bench_user(db, user, typed: dict[str, list[str]]) -> tuple[list[float], list[float]]:
    print(f"\n{user.display_name}（{user.role.short}）：每次按键的整次搜索，单位毫秒")
    print("（耗时：墙钟；CPU：本进程的处理器时间，不受同机其他程序抢占的影响）")
    print(f"{'查询':<16}{'按键数':>6}{'中位数':>8}{'p95':>8}{'最慢':>8}{'CPU中位':>9}{'CPU p95':>9}{'结果(中位)':>10}")
    everything: list[float] = []
    cpu_all: list[float] = []
    for label, texts in typed.items():
        samples, cpu, hits = [], [], []
        for text in texts:
            for prefix in keypresses(text):
                started, cpu_started = time.perf_counter(), time.process_time()
                with db.session(user.actor) as s:
                    result = global_search.search(s, prefix, date.today())
                samples.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                hits.append(len(result.hits))
        median, p95 = stats(samples)
        cpu_median, cpu_p95 = stats(cpu)
        print(f"{label:<16}{len(samples):>6}{ms(median)}{ms(p95)}{ms(max(samples))}{ms(cpu_median)} {ms(cpu_p95)}"
              f"{statistics.median(hits):>10.0f}")
        everything += samples
        cpu_all += cpu
    median, p95 = stats(everything)
    cpu_median, cpu_p95 = stats(cpu_all)
    print(f"{'全部按键':<16}{len(everything):>6}{ms(median)}{ms(p95)}{ms(max(everything))}{ms(cpu_median)} {ms(cpu_p95)}")
    return everything, cpu_all


def bench_parts(db, user, typed: dict[str, list[str]]) -> None:
    """Which kind of record costs most inside one search (the same key presses, each part timed)."""
    from shuanbai_desktop.services.global_search import _rights
    gs, today = global_search, date.today()
    parts = {"居民": lambda s, t, r, ids: gs._persons(s, ids, r),
             "户档": lambda s, t, r, ids: gs._households(s, t, ids),
             "窗口事项": lambda s, t, r, ids: gs._window(s, t, ids, today),
             "个案": lambda s, t, r, ids: gs._cases(s, t),
             "人员": lambda s, t, r, ids: gs._staff(s, t, today),
             "资产": lambda s, t, r, ids: gs._assets(s, t),
             "档案": lambda s, t, r, ids: gs._archives(s, t)}
    times: dict[str, list[float]] = {"找居民 id": []} | {k: [] for k in parts}
    with db.session(user.actor) as s:
        rights = _rights(s)
        for texts in typed.values():
            for text in texts[:10]:
                for prefix in keypresses(gs.clean_query(text)):
                    started = time.perf_counter()
                    ids = gs._person_ids(s, prefix, rights)
                    times["找居民 id"].append(time.perf_counter() - started)
                    for label, part in parts.items():
                        started = time.perf_counter()
                        part(s, prefix, rights, ids)
                        times[label].append(time.perf_counter() - started)
    print("\n一次搜索中各部分的耗时（管理员），单位毫秒：")
    for label, samples in times.items():
        median, p95 = stats(samples)
        print(f"  {label:<8}中位 {median * 1000:6.1f}   p95 {p95 * 1000:6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "shuanbai-bench-search.db")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it exists")
    args = parser.parse_args()
    if not (args.keep and args.db.exists()):
        build(args.db)
    db = open_app_database(args.db)
    conn = connect_readonly(args.db)
    counts = conn.execute("SELECT (SELECT count(*) FROM person), (SELECT count(*) FROM household), "
                          "(SELECT count(*) FROM window_registration), (SELECT count(*) FROM case_record), "
                          "(SELECT count(*) FROM staff_member), (SELECT count(*) FROM asset), "
                          "(SELECT count(*) FROM archive_file)").fetchone()
    print(f"数据库：{args.db}：居民 {counts[0]:,}，户档 {counts[1]:,}，窗口登记 {counts[2]:,}，个案 {counts[3]:,}，"
          f"人员 {counts[4]}，资产 {counts[5]}，档案 {counts[6]}；机器负载（1 分钟）{os.getloadavg()[0]:.1f}，"
          f"CPU {os.cpu_count()} 核")
    typed = queries(conn)
    admin = auth.log_in(db, "admin", PASSWORD)
    samples, cpu = bench_user(db, admin, typed)
    supervisor = auth.log_in(db, "dudao", demo.DEMO_PASSWORD)
    bench_user(db, supervisor, typed)
    bench_parts(db, admin, typed)
    median, p95 = stats(samples)
    cpu_median, cpu_p95 = stats(cpu)
    print(f"\n管理员全部按键：中位 {median * 1000:.1f} ms，p95 {p95 * 1000:.1f} ms（目标 ≤ 100 ms）；"
          f"CPU 时间中位 {cpu_median * 1000:.1f} ms，p95 {cpu_p95 * 1000:.1f} ms；结束时机器负载 {os.getloadavg()[0]:.1f}")
    conn.close()
    db.close()


if __name__ == "__main__":
    main()
