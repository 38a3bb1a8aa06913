"""Benchmark (run by hand, never asserts time): the search box on a station server, one client (issue 19).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_server_search.py [--skip-ctype-c]

The full demo station moved onto PostgreSQL (100,000 residents) as bench_multiseat.py keeps it in its cache
(/tmp/shuanbai-bench-multiseat; run that benchmark once to make it) is started on a COPY in a throwaway
cluster (tests/pgcluster.py: loopback, 32 MB shared buffers). The cached database was made with the test
cluster's LC_CTYPE C.UTF-8; a second database with LC_CTYPE 'C' — as ``server-prepare`` makes a station's
— gets the same station (pg_dump of everything but the visits' and window registrations' rows). The server is
then restarted (its buffers empty; the computer's file cache stays warm) and each database is searched, one
client, one search after another, as the picker searches (``persons.search``, 31 rows), with the texts of
bench_multiseat.py's 查找 (the same 400 residents): an ID-number tail (4 digits), a part of a phone (4
digits), two characters of a name, two pinyin initials — and three characters of a name.

Printed per class: median and p95 (ms) of the whole search and of its statements' time in the database,
for the first search of each text after the restart (冷) and for the same texts again (热); and the server's
own execution time of the picker's query (EXPLAIN ANALYZE, after both: median / p95 / longest), which the
client's CPU and the machine's load do not touch.
Goal: p95 ≤ 10 ms for every class (the SQLite goal of issue 16), so that 8 clients at once stay ≤ 20 ms
(bench_multiseat.py).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

GOAL_MS = 10.0
CLASSES = ("身份证尾号", "电话片段", "姓名两字", "拼音首字母", "姓名三字")
BIG_TABLES = ("visit_person", "visit_worker", "visit", "window_event", "window_registration")


def texts_by_class(db) -> dict[str, list[str]]:
    """bench_multiseat.py's search texts (the same residents, the same seed), by class; and three characters
    of the names of the name class's residents (of those with three or more)."""
    from sqlalchemy import select

    from shuanbai_desktop.data.models import Person
    rng = random.Random(19)
    with db.session() as s:
        rows = s.execute(select(Person.name, Person.name_initials, Person.id_number, Person.phone)
                         .where(Person.id_number.is_not(None)).order_by(Person.id).limit(2000)).all()
    rows = rng.sample(rows, 400)
    return {"身份证尾号": [r.id_number[-4:] for r in rows[:100]],
            "电话片段": [r.phone[3:7] for r in rows[100:200] if r.phone],
            "姓名两字": [r.name[:2] for r in rows[200:300]],
            "拼音首字母": [r.name_initials[:2] for r in rows[300:]],
            "姓名三字": [r.name[-3:] for r in rows[200:300] if len(r.name) >= 3]}


def measure(db, texts: list[str]) -> tuple[list[float], list[float]]:
    """Each text searched once as the picker does: (whole search ms, its statements' ms) per text."""
    from sqlalchemy import event

    from shuanbai_desktop.services import persons
    spent = {"db": 0.0}

    def before(conn, cursor, statement, params, context, executemany) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def after(conn, cursor, statement, params, context, executemany) -> None:
        spent["db"] += time.perf_counter() - conn.info["bench_t0"]

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    whole, in_db = [], []
    try:
        for text in texts:
            spent["db"] = 0.0
            began = time.perf_counter()
            with db.session() as s:
                persons.search(s, persons.PersonFilter(text=text), limit=31)
            whole.append((time.perf_counter() - began) * 1000)
            in_db.append(spent["db"] * 1000)
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)
    return whole, in_db


def executed(db, texts: list[str]) -> list[float]:
    """The server's own time (EXPLAIN ANALYZE: execution, ms) of the picker's query of each text: the search's
    SQL apart from the client, the round trips and the machine's load."""
    from shuanbai_desktop.services import persons
    times = []
    with db.engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        for text in texts:
            compiled = persons.ids_query(persons.PersonFilter(text=text), 31).compile(conn)
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled), compiled.params)
            times.append(float(cursor.fetchone()[0][0]["Execution Time"]))
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def copy_with_ctype_c(cluster, source: str, name: str) -> None:
    """``name``: UTF8, LC_COLLATE and LC_CTYPE 'C' as server-prepare makes it, holding ``source``'s station
    without the rows of BIG_TABLES (the search reads none of them)."""
    cluster.psql(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    from tests.pgcluster import ADMIN
    where = ["-h", str(cluster.socket_dir), "-p", str(cluster.port), "-U", ADMIN]
    dump = [str(cluster.bindir / "pg_dump"), *where, *[f"--exclude-table-data={t}" for t in BIG_TABLES], source]
    load = [str(cluster.bindir / "psql"), *where, "-q", "-v", "ON_ERROR_STOP=1", "-d", name]
    dumping = subprocess.Popen(dump, stdout=subprocess.PIPE)
    loaded = subprocess.run(load, stdin=dumping.stdout, capture_output=True, text=True, timeout=1800)
    dumping.stdout.close()
    if dumping.wait(timeout=60) != 0 or loaded.returncode != 0:
        raise RuntimeError(f"copy to {name} failed: {loaded.stderr.strip()[-500:]}")
    cluster.psql("ANALYZE", name)  # as server_move's move ends


def restart(cluster) -> None:
    """Stop and start the server with its options (pg_ctl keeps them): its shared buffers are empty."""
    cluster._run([str(cluster.bindir / "pg_ctl"), "-D", str(cluster.data), "-l", str(cluster.folder / "server.log"),
                  "-m", "fast", "-w", "-t", "120", "restart"], timeout=180)


def autovacuum_workers(db) -> int:
    from sqlalchemy import text
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity "
                                 "WHERE backend_type = 'autovacuum worker'")).scalar_one()


def report(db, label: str, texts: dict[str, list[str]]) -> None:
    from sqlalchemy import text
    with db.engine.connect() as conn:
        ctype = conn.execute(text("SELECT datctype FROM pg_database WHERE datname = current_database()")).scalar()
    print(f"\n数据库 {label}（LC_CTYPE {ctype}）；自动清理进程 {autovacuum_workers(db)} 个；"
          f"机器负载 {os.getloadavg()[0]:.1f}")
    print(f"{'类别':<8}{'次数':>6}  {'冷 中位':>8}{'冷 p95':>8}{'(库内 p95)':>11}  {'热 中位':>8}{'热 p95':>8}"
          f"{'(库内 p95)':>11}  {'服务器执行 中位/p95/最长':>16}  目标 p95")
    for name in CLASSES:
        cold, cold_db = measure(db, texts[name])
        warm, warm_db = measure(db, texts[name])
        server = executed(db, texts[name])
        worst = max(pct(cold, 0.95), pct(warm, 0.95))
        print(f"{name:<8}{len(cold):>6}  {statistics.median(cold):>8.1f}{pct(cold, 0.95):>8.1f}"
              f"{pct(cold_db, 0.95):>11.1f}  {statistics.median(warm):>8.1f}{pct(warm, 0.95):>8.1f}"
              f"{pct(warm_db, 0.95):>11.1f}  {statistics.median(server):>8.2f} / {pct(server, 0.95):.2f} / "
              f"{max(server):.2f}  ≤ {GOAL_MS:.0f}{'' if worst <= GOAL_MS else '  未达到'}")


def main() -> None:
    from tests.benchmarks import bench_multiseat
    parser = argparse.ArgumentParser(description="站内服务器上的查找（单个客户端）")
    parser.add_argument("--cache", type=Path, default=bench_multiseat.CACHE,
                        help="the moved station bench_multiseat.py keeps (its data and shared folders)")
    parser.add_argument("--skip-ctype-c", action="store_true", help="only the cached database (C.UTF-8)")
    args = parser.parse_args()
    if not (args.cache / "data").is_dir() or not (args.cache / "shared").is_dir():
        sys.exit(f"{args.cache} 里没有迁移好的社工站：先运行一次 tests/benchmarks/bench_multiseat.py")
    from shuanbai_desktop.data import backend, shared_marker
    from shuanbai_desktop.data.migrate import open_server_database
    from tests import pgcluster

    load = os.getloadavg()
    print(f"机器负载（1/5/15 分钟）：{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}，CPU {os.cpu_count()} 核")
    scratch = Path(tempfile.mkdtemp(prefix="shuanbai-bench-server-search-"))
    cluster = pgcluster.Cluster()
    try:
        shutil.copytree(args.cache / "shared", scratch / "shared")
        cluster.start(data_from=args.cache / "data")
        names = [("station", "station", scratch / "shared")]
        if not args.skip_ctype_c:
            began = time.perf_counter()
            copy_with_ctype_c(cluster, "station", "station_c")
            # a shared folder of its own (a folder belongs to one database): the key, no marker (marked at open)
            shutil.copytree(args.cache / "shared", scratch / "shared_c")
            shared_marker.marker_path(scratch / "shared_c").unlink(missing_ok=True)
            print(f"LC_CTYPE 'C' 的副本 station_c：{time.perf_counter() - began:.0f} s")
            names.append(("station_c", "station_c（如 server-prepare 所建）", scratch / "shared_c"))
        db = open_server_database(backend.parse_server_url(cluster.url("station"), scratch / "shared"))
        try:
            texts = texts_by_class(db)
        finally:
            db.close()
        restart(cluster)
        for name, label, shared in names:
            db = open_server_database(backend.parse_server_url(cluster.url(name), shared))
            try:
                report(db, label, texts)
            finally:
                db.close()
    finally:
        cluster.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
