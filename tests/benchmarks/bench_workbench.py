"""Benchmark (run by hand, never asserts time): 工作台's tiles and 12-month trends at full size.

    .venv/bin/python tests/benchmarks/bench_workbench.py [--db PATH]

Uses (or builds, as bench_report.py does) a demo database of 100,000 residents topped up to 1,000,000
visits and 200,000 window registrations, then times ``trends.tiles`` and ``trends.recent_trends`` (each
series one query grouped by month), the first call cold in a fresh process and then the median of 5, and
each series alone and its query plan (each month a range count on the index of its date column).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import as_admin, build  # noqa: E402


def _time(fn) -> tuple[float, list[float]]:
    started = time.perf_counter()
    fn()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(5):
        started = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - started)
    return cold, warm


def _plans(s, today: date) -> None:
    """The plan of each series' statement for one month: index searches, no table scan."""
    from sqlalchemy import literal, select, text

    from shuanbai_desktop.services import trends
    first, last = trends._bounds(today.year, today.month)
    for name, figures in (("窗口登记", trends._registrations), ("入户走访", trends._visits), ("个案", trends._cases)):
        sql = str(select(literal(0), *figures(first, last)).compile(compile_kwargs={"literal_binds": True}))
        plan = " | ".join(row[-1] for row in s.execute(text("EXPLAIN QUERY PLAN " + sql)) if "SEARCH" in row[-1]
                          or "SCAN" in row[-1])
        print(f"  {name}：{plan}")


def _series(s, today: date) -> None:
    from shuanbai_desktop.services import trends
    months = trends.month_list(today.year, today.month)
    for name, figures in (("窗口登记", trends._registrations), ("入户走访", trends._visits), ("个案", trends._cases)):
        _cold, warm = _time(lambda f=figures: trends._per_month(s, months, f))
        print(f"  {name}：中位数 {statistics.median(warm) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description="工作台数字与趋势图的性能基准")
    parser.add_argument("--db", help="已有的满规模演示数据库（没有则新建）")
    args = parser.parse_args()
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="bench-workbench-")) / "bench.db"
    if not path.exists():
        build(path)
    from sqlalchemy import func, select

    from shuanbai_desktop.data.db import Database
    from shuanbai_desktop.data.models import Person
    from shuanbai_desktop.data.models.targets import Visit
    from shuanbai_desktop.data.models.window import WindowRegistration
    from shuanbai_desktop.services import trends
    db = as_admin(Database(path))
    today = date.today()
    with db.session() as s:
        sizes = [s.execute(select(func.count()).select_from(m)).scalar_one() for m in (Person, Visit, WindowRegistration)]
        print(f"数据库：居民 {sizes[0]}，走访 {sizes[1]}，窗口登记 {sizes[2]}（{path}）")
        for label, fn in (("工作台数字（5 块）", lambda: trends.tiles(s, today)),
                          ("12 个月趋势（3 个图）", lambda: trends.recent_trends(s, today))):
            cold, warm = _time(fn)
            print(f"{label}：首次 {cold * 1000:.0f} ms，再次中位数 {statistics.median(warm) * 1000:.0f} ms "
                  f"（最慢 {max(warm) * 1000:.0f} ms）")
        result = trends.recent_trends(s, today)
        print(f"  走访每月：{result.visits}")
        _series(s, today)
        _plans(s, today)
    db.close()


if __name__ == "__main__":
    main()
