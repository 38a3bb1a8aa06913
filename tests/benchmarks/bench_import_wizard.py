"""Benchmark (run by hand, never asserts time): the import wizard on a 100,000-row residents workbook.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_import_wizard.py [--rows N] [--dir DIR] [--reuse]

The workbook and the station are bench_import.py's. The wizard is driven as a user would (下一步 … 导入), offscreen;
printed per step: the time until the next page is shown, and the longest the GUI thread was busy without
handling events (a 20 ms timer's worst lateness) — the background steps must leave the window responsive, the
page builds on the GUI thread (preview, mapping, the dry run's lists) must stay short.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks import bench_import  # noqa: E402

TICK_MS = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=bench_import.ROWS)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/shuanbai-bench-import-wizard"))
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    # every row must pass so that the import is timed too: bench_import's 特殊困难老年人 rows of any age fail the
    # age rule (they time the dry run's problem path there), so this roster has none
    bench_import.GROUPS = tuple(g for g in bench_import.GROUPS if g[0] != "特殊困难老年人")
    book, db_path = args.dir / "roster.xlsx", args.dir / "station.db"
    if not (args.reuse and book.exists()):
        book, db_path = bench_import.build(args.dir, args.rows)
    else:
        bench_import.new_station(db_path)

    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication, QWizard

    from shuanbai_desktop.data.db import Database
    from shuanbai_desktop.services import auth, station
    from shuanbai_desktop.services.importing.base import ImportKind
    from shuanbai_desktop.ui import fonts
    from shuanbai_desktop.ui.context import AppContext
    from shuanbai_desktop.ui.importing.wizard import ImportWizard
    from shuanbai_desktop.ui.threads import install_gui_collector

    app = QApplication.instance() or QApplication([])
    install_gui_collector(app)
    fonts.install_fonts(app)
    db = Database(db_path)
    user = auth.log_in(db, "admin", "Zhan2024abc")
    with db.session() as s:
        info = station.get_station(s)
    ctx = AppContext(db=db, user=user, station=info)
    wizard = ImportWizard(ctx, today=bench_import.TODAY)
    wizard.show()
    wizard.file_page.set_file(book, ImportKind.RESIDENTS)

    clock, worst = QElapsedTimer(), [0]

    def tick() -> None:
        late = clock.restart() - TICK_MS
        worst[0] = max(worst[0], late)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(TICK_MS)
    steps = ("读取文件", "识别表头与建议对应", "核对", "（第 5 步页面）", "导入")
    for name in steps:
        page = wizard.currentPage()
        commit = page.isCommitPage()
        worst[0] = 0
        started = time.perf_counter()
        clock.start()
        wizard.button(QWizard.WizardButton.CommitButton if commit else QWizard.WizardButton.NextButton).click()
        while wizard.busy or wizard.currentPage() is page:
            app.processEvents()
            if page.error_label.text() and not wizard.busy:
                raise SystemExit(f"{name}：{page.error_label.text()}")
            time.sleep(0.005)
        app.processEvents()
        print(f"{name}：{time.perf_counter() - started:6.1f} s；界面最长无响应 {max(worst[0], 0) / 1000:.2f} s")
        dry = wizard.state.dry
        if dry is not None and not dry.ok:
            shown = "\n".join(f"  第 {p.row} 行 {p.column} {p.title}：{p.reason}" for p in dry.problems[:5])
            raise SystemExit(f"核对有 {dry.problem_rows:,} 行问题：\n{shown}")
    batch = wizard.state.batch
    print(f"导入：{batch.count_text}（{batch.counts['rows']:,} 行）；进程内存峰值 {bench_import._peak_mb():.0f} MB")
    wizard.close()
    db.close()


if __name__ == "__main__":
    main()
