"""Benchmark (run by hand, never asserts time): the monthly report and a 100,000-row ledger at full size.

    .venv/bin/python tests/benchmarks/bench_report.py [--db PATH] [--keep]

Builds (or reuses) a demo database of 100,000 residents, tops it up to 1,000,000 visits and
200,000 window registrations with bulk inserts, then times, each in a fresh process so that
peak memory is its own:

- the month's figures (``collect``), the checks, and the whole export (xlsx + PDF + manifest);
- the residents ledger (100,000 rows) through ``export_ledger``;
- openpyxl alone writing the same report cells and the same ledger rows, and reportlab alone
  writing the same report table, for comparison.

Goals (issue 7): the monthly report under 5 s; the ledger within 1.5× of openpyxl's own time.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

RESIDENTS, VISITS, REGISTRATIONS = 100_000, 1_000_000, 200_000
BATCH = 20_000


def _open(path: Path):
    """Create/migrate the database (building it)."""
    from shuanbai_desktop.services.database_ops import open_app_database
    return open_app_database(path)


def _handle(path: Path):
    """The built database, opened as the app's session factory without the start-up checks; its
    sessions act for the station's administrator (``admin``), as the GUI's after the log-in."""
    from shuanbai_desktop.data.db import Database
    return as_admin(Database(path))


def as_admin(db):
    from sqlalchemy import select

    from shuanbai_desktop.data import audit
    from shuanbai_desktop.data.models import User
    with db.session() as s:
        user_id = s.scalar(select(User.id).where(User.username == "admin"))
    db.acting_for = audit.Actor(user_id, "admin")
    return db


def _top_up_visits(s, rng: random.Random, today: date) -> int:
    from sqlalchemy import func, insert, select

    from shuanbai_desktop.data.models import Person
    from shuanbai_desktop.data.models.targets import Household, Visit, VisitPerson, VisitWorker
    have = s.scalar(select(func.count(Visit.id)))
    households = [h for (h,) in s.execute(select(Household.id))]
    members: dict[int, list[int]] = {}
    for pid, hid in s.execute(select(Person.id, Person.household_id).where(Person.household_id.is_not(None))):
        members.setdefault(hid, []).append(pid)
    next_id = (s.scalar(select(func.max(Visit.id))) or 0) + 1
    todo = VISITS - have
    while todo > 0:
        visits, workers, seen = [], [], []
        for _ in range(min(BATCH, todo)):
            hid, day = rng.choice(households), today - timedelta(days=rng.randrange(1, 3 * 365))
            visits.append({"id": next_id, "household_id": hid, "visit_date": day, "form": "home", "risk": "low",
                           "next_due": day + timedelta(days=30), "findings": "", "recorded_by": "", "created_at":
                           datetime.now()})
            workers.append({"visit_id": next_id, "user_id": 1})
            seen += [{"visit_id": next_id, "person_id": p} for p in members.get(hid, [])[:2]]
            next_id, todo = next_id + 1, todo - 1
        for model, rows in ((Visit, visits), (VisitWorker, workers), (VisitPerson, seen)):
            s.execute(insert(model), rows)
    return VISITS - have


def _top_up_window(s, rng: random.Random, today: date) -> int:
    from sqlalchemy import func, insert, select

    from shuanbai_desktop.data.models import Person
    from shuanbai_desktop.data.models.window import WindowMatterType, WindowRegistration
    have = s.scalar(select(func.count(WindowRegistration.id)))
    matters = s.execute(select(WindowMatterType.id, WindowMatterType.name)).all()
    people = [p for (p,) in s.execute(select(Person.id).limit(50_000))]
    n, todo = have + 1, REGISTRATIONS - have
    while todo > 0:
        rows = []
        for _ in range(min(BATCH, todo)):
            day = today - timedelta(days=rng.randrange(1, 3 * 365))
            matter = rng.choice(matters)
            done = rng.random() < 0.9
            rows.append({"ticket_no": f"B{n:09d}", "registered_at": datetime.combine(day, datetime.min.time()),
                         "registered_on": day, "channel": rng.choice(("visit", "phone", "proxy", "other")),
                         "person_id": rng.choice(people), "matter_type_id": matter[0], "matter_name": matter[1],
                         "time_limit_days": 5, "first_responder_id": 1, "handling": rng.choice(("on_spot", "assign")),
                         "status": "done" if done else "in_progress", "due_date": day + timedelta(days=7),
                         "result_date": day + timedelta(days=rng.randrange(0, 10)) if done else None,
                         "result": "已办结" if done else "", "updated_at": datetime.now()})
            n, todo = n + 1, todo - 1
        s.execute(insert(WindowRegistration), rows)
    return REGISTRATIONS - have


def build(path: Path) -> None:
    from shuanbai_desktop.demo import generate_demo
    from shuanbai_desktop.services import station
    db = _open(path)
    started = time.perf_counter()
    with db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "", "", "admin", "副站长", "Bench2024pass")
    generate_demo(db, residents=RESIDENTS)
    print(f"演示数据（{RESIDENTS} 位居民）：{time.perf_counter() - started:.1f} s")
    rng, today = random.Random(7), date.today()
    with db.session() as s:
        added = _top_up_visits(s, rng, today), _top_up_window(s, rng, today)
    print(f"补足走访 {added[0]} 条、窗口登记 {added[1]} 条：{time.perf_counter() - started:.1f} s（累计）")
    db.close()


def _last_month() -> tuple[int, int]:
    today = date.today()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _export_once(db, year: int, month: int, out: str) -> float:
    from shuanbai_desktop.services.report import package
    with db.session() as s:
        again = package.versions.latest(s, f"{year:04d}-{month:02d}") is not None
        started = time.perf_counter()
        package.export_month(s, year, month, Path(out),
                             reason="基准测试重复导出" if again else "")
        return time.perf_counter() - started


def run_report(path: str, out: str) -> dict:
    """The export from a fresh process (cold: the CJK font is loaded too), then once more (warm)."""
    from shuanbai_desktop.services.report.collect import collect, run_checks
    db, (year, month) = _handle(Path(path)), _last_month()
    cold = _export_once(db, year, month, out)
    warm = _export_once(db, year, month, out)
    with db.session() as s:
        t0 = time.perf_counter()
        collect(s, year, month)
        t1 = time.perf_counter()
        run_checks(s, year, month)
        t2 = time.perf_counter()
    db.close()
    return {"collect": t1 - t0, "checks": t2 - t1, "cold": cold, "warm": warm, "peak_mb": _peak_mb()}


def run_report_baseline(path: str, out: str) -> dict:
    """openpyxl and reportlab alone, writing the same cells as the report (figures gathered beforehand)."""
    from openpyxl import Workbook
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    from shuanbai_desktop.exports.pdf_fonts import MAIN, register_fonts
    from shuanbai_desktop.services.report.collect import collect
    db = _handle(Path(path))
    with db.session() as s:
        figures = collect(s, *_last_month())
    db.close()
    rows = [[i, r.label, r.value if r.value is not None else "—", r.unit, r.source]
            for i, r in enumerate(figures.rows(), 1)]
    t0 = time.perf_counter()
    wb = Workbook()
    for sheet in figures.sheets:
        ws = wb.create_sheet(sheet.title)
        for i, r in enumerate(sheet.rows(), 1):
            ws.append([i, r.label, r.value if r.value is not None else "—", r.unit, r.source])
    wb.save(Path(out) / "baseline.xlsx")
    t1 = time.perf_counter()
    register_fonts()
    table = Table([[str(c) for c in row] for row in rows], repeatRows=0)
    table.setStyle([("FONT", (0, 0), (-1, -1), MAIN, 8)])
    SimpleDocTemplate(str(Path(out) / "baseline.pdf"), pagesize=A4).build([table])
    t2 = time.perf_counter()
    return {"openpyxl": t1 - t0, "reportlab": t2 - t1, "peak_mb": _peak_mb()}


def run_ledger(path: str, out: str) -> dict:
    from shuanbai_desktop.services.report import ledgers
    db = _handle(Path(path))
    with db.session() as s:
        t0 = time.perf_counter()
        result = ledgers.export_ledger(s, "residents", date(1900, 1, 1), date.today(), Path(out) / "居民台账.xlsx")
        t1 = time.perf_counter()
    db.close()
    return {"rows": result.rows, "seconds": t1 - t0, "peak_mb": _peak_mb()}


def run_ledger_baseline(path: str, out: str) -> dict:
    """openpyxl alone (write-only) writing the same rows, fetched beforehand."""
    from openpyxl import Workbook

    from shuanbai_desktop.services.report import ledgers
    db = _handle(Path(path))
    ledger = ledgers.find("residents")
    with db.session() as s:
        t0 = time.perf_counter()
        rows = list(ledger.rows(s, date(1900, 1, 1), date.today()))
        t1 = time.perf_counter()
    db.close()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民台账")
    ws.append([c.header for c in ledger.columns])
    for row in rows:
        ws.append(row)
    wb.save(Path(out) / "baseline-ledger.xlsx")
    t2 = time.perf_counter()
    return {"rows": len(rows), "query": t1 - t0, "openpyxl": t2 - t1, "peak_mb": _peak_mb()}


def _in_child(fn, *args) -> dict:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def main() -> None:
    parser = argparse.ArgumentParser(description="月度报表与台账的性能基准")
    parser.add_argument("--db", help="已有的满规模演示数据库（没有则新建）")
    parser.add_argument("--keep", action="store_true", help="保留新建的数据库")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    path = Path(args.db) if args.db else work / "bench.db"
    if not path.exists():
        build(path)
    out = work / "out"
    out.mkdir()
    report = _in_child(run_report, str(path), str(out))
    base = _in_child(run_report_baseline, str(path), str(out))
    ledger = _in_child(run_ledger, str(path), str(out))
    ledger_base = _in_child(run_ledger_baseline, str(path), str(out))
    print(f"月度报表导出（统计+检查+xlsx+PDF+清单）：新进程首次 {report['cold']:.2f} s（含载入中文字体），"
          f"再次 {report['warm']:.2f} s；其中统计 {report['collect']:.2f} s、检查 {report['checks']:.2f} s；"
          f"峰值内存 {report['peak_mb']:.0f} MB")
    print(f"  对照：openpyxl 单独写同样的单元格 {base['openpyxl']:.3f} s，reportlab 单独写同样的表 {base['reportlab']:.3f} s")
    print(f"台账：{ledger['rows']} 行 {ledger['seconds']:.2f} s，峰值内存 {ledger['peak_mb']:.0f} MB")
    print(f"  对照：查询 {ledger_base['query']:.2f} s + openpyxl 单独写同样的行 {ledger_base['openpyxl']:.2f} s "
          f"= {ledger_base['query'] + ledger_base['openpyxl']:.2f} s（峰值内存 {ledger_base['peak_mb']:.0f} MB）；"
          f"台账 / openpyxl 写入 = {ledger['seconds'] / ledger_base['openpyxl']:.2f}，"
          f"台账 / (查询 + openpyxl) = {ledger['seconds'] / (ledger_base['query'] + ledger_base['openpyxl']):.2f}")
    print(f"数据库：{path}" + ("（已保留）" if args.keep or args.db else ""))
    if not (args.keep or args.db):
        path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
