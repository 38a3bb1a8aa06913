"""Benchmark (run by hand, never in the test suite): the person list over 100,000 residents.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_person_list.py [--db PATH]

Opens the list's model and view (ui/persons/paged_model.PagedModel in the view the page makes, 1366×768)
on a copy of the full demo station (bench_person_search.py makes and migrates it), then prints:
- opening the list: all ids in display order + the first screen painted;
- Ctrl+End from the first row to the last, painted, the blocks cache emptied before each of 5 runs
  (issue 16: ≤ 200 ms; before: 6.9 s, the view fetched 500 rows at a time);
- scrolling the whole list top to bottom a screen at a time, every screen painted: time and the
  process's peak memory (issue 16: ≤ 400 MB).
Wall and CPU time side by side; the machine's load is printed (shared cores: figures are pessimistic).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from shuanbai_desktop.services import persons  # noqa: E402
from shuanbai_desktop.services.database_ops import open_app_database  # noqa: E402
from shuanbai_desktop.services.persons import PersonFilter  # noqa: E402
from shuanbai_desktop.ui.persons.list_page import COLUMNS, WIDTHS, _gray  # noqa: E402
from shuanbai_desktop.ui.persons.paged_model import BLOCK, MAX_BLOCKS, PagedModel  # noqa: E402
from shuanbai_desktop.ui.widgets import make_table  # noqa: E402

DB = Path("/tmp/shuanbai-bench-search-k1/search-100k.db")
BEFORE_CTRL_END = 6.9  # seconds, issue 16's table


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = clocks()
    return wall - start[0], cpu - start[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=DB, help="a migrated copy of the full demo station")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: run tests/benchmarks/bench_person_search.py first (it makes the copy)")
    app = QApplication.instance() or QApplication([])
    db = open_app_database(args.db)
    print(f"机器负载（1 分钟平均）{os.getloadavg()[0]:.1f}，CPU {os.cpu_count()} 核；开始时内存峰值 {peak_mb():.0f} MB")

    def load(ids):
        with db.session() as s:
            return persons.rows_for(s, ids)
    model = PagedModel(COLUMNS, load, _gray)
    view = make_table(model)
    for column, width in enumerate(WIDTHS):
        view.setColumnWidth(column, width)
    view.resize(1366, 768)
    view.show()
    app.processEvents()

    start = clocks()
    with db.session() as s:
        ids = persons.search_ids(s, PersonFilter())
    model.set_ids(ids)
    view.setCurrentIndex(model.index(0, 0))
    view.viewport().repaint()
    wall, cpu = since(start)
    print(f"\n打开居民列表（{len(ids):,} 个 id，数据库排序 + 第一屏）：{wall * 1000:.0f} ms（CPU {cpu * 1000:.0f} ms）")

    walls, cpus = [], []
    for _ in range(5):
        model.reload()  # nothing cached: the last rows are read from the database
        QTest.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
        app.processEvents()
        start = clocks()
        QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        view.viewport().repaint()
        app.processEvents()
        wall, cpu = since(start)
        walls.append(wall)
        cpus.append(cpu)
        assert view.currentIndex().row() == len(ids) - 1, view.currentIndex().row()
    last = model.index(len(ids) - 1, 0).data()
    median = statistics.median(walls)
    print(f"Ctrl+End 到第 {len(ids):,} 行（{last}），已绘制：中位 {median * 1000:.0f} ms，最长 {max(walls) * 1000:.0f} ms"
          f"（CPU 中位 {statistics.median(cpus) * 1000:.0f} ms）；目标 ≤ 200 ms；改前 {BEFORE_CTRL_END:.1f} s"
          f"（{BEFORE_CTRL_END / median:.0f} 倍）")

    QTest.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    app.processEvents()
    bar = view.verticalScrollBar()
    model.reload()
    loads, screens = model.loads, 0
    start = clocks()
    value = 0
    while True:
        bar.setValue(value)
        view.viewport().repaint()
        screens += 1
        if value >= bar.maximum():
            break
        value = min(bar.maximum(), value + bar.pageStep())
    app.processEvents()
    wall, cpu = since(start)
    print(f"逐屏滚动整个列表（{screens:,} 屏，每屏绘制）：{wall:.1f} s（CPU {cpu:.1f} s），读取 {model.loads - loads} 块"
          f"（每块 {BLOCK} 行，内存中最多 {MAX_BLOCKS} 块）")
    peak = peak_mb()
    print(f"进程内存峰值：{peak:.0f} MB（目标 ≤ 400 MB：{'达标' if peak <= 400 else '未达标'}）；"
          f"结束时机器负载 {os.getloadavg()[0]:.1f}")
    view.close()
    db.close()


if __name__ == "__main__":
    main()
