"""Benchmark (run by hand, never asserts time): the backup at full size against SQLite's own copy.

    .venv/bin/python tests/benchmarks/bench_backup.py [--db PATH] [--rounds 3]

Builds (or reuses, in ``<temp>/shuanbai-bench/backup.db``) a demo database of 100,000 residents
topped up to 1,000,000 visits (the same data as bench_report.py), then times side by side, medians
of ``--rounds``:

- the plain ``sqlite3`` backup API copy of the file (``source.backup(target)``), nothing else;
- ``database_ops.backup_now`` (audit event, copy, cheap checks, SHA-256, sidecar, rotation), which
  is what the exit backup runs;
- the background full check of that backup (``backup.run_pending_checks``), for information.

Goal (issue 11): the backup within 5× the plain copy.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_report import as_admin, build  # noqa: E402


def plain_copy(src: Path, dst: Path) -> float:
    dst.unlink(missing_ok=True)
    started = time.perf_counter()
    source = sqlite3.connect(src)
    target = sqlite3.connect(dst)
    try:
        source.backup(target, pages=-1)
    finally:
        target.close()
        source.close()
    return time.perf_counter() - started


def app_backup(db, folder: Path) -> tuple[float, float]:
    """(seconds for backup_now, seconds for the background full check of the same backup)."""
    from shuanbai_desktop.domain.labels import BackupKind
    from shuanbai_desktop.services import backup, database_ops
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    database_ops.backup_now(db, BackupKind.MANUAL, dest_dir=folder)
    middle = time.perf_counter()
    backup.run_pending_checks(folder)
    return middle - started, time.perf_counter() - middle


def main() -> None:
    parser = argparse.ArgumentParser(description="备份的性能基准（与 SQLite 备份接口单纯复制对比）")
    parser.add_argument("--db", help="已有的满规模演示数据库（没有则新建于临时文件夹并保留以便再用）")
    parser.add_argument("--rounds", type=int, default=3, help="每项重复次数（取中位数）")
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "shuanbai-bench"
    cache.mkdir(exist_ok=True)
    path = Path(args.db) if args.db else cache / "backup.db"
    if not path.exists():
        build(path)
    from shuanbai_desktop.services.database_ops import open_app_database
    db = as_admin(open_app_database(path))  # 复制到其他位置 is the administrator's
    work = Path(tempfile.mkdtemp(prefix="bench-backup-"))
    plain, ours, checks = [], [], []
    try:
        for _ in range(args.rounds):  # alternate, so that the page cache favours neither
            plain.append(plain_copy(path, work / "plain.sqlite3"))
            seconds, check = app_backup(db, work / "backups")
            ours.append(seconds)
            checks.append(check)
    finally:
        db.close()
        shutil.rmtree(work, ignore_errors=True)
    size = path.stat().st_size / 1024 / 1024
    p, o, c = statistics.median(plain), statistics.median(ours), statistics.median(checks)
    print(f"数据库：{path}（{size:.0f} MB），各 {args.rounds} 次取中位数")
    print(f"SQLite 备份接口单纯复制：{p:.2f} s   （各次：{', '.join(f'{x:.2f}' for x in plain)}）")
    print(f"backup_now（退出时备份所做的全部）：{o:.2f} s   （各次：{', '.join(f'{x:.2f}' for x in ours)}）")
    print(f"比值 backup_now / 单纯复制 = {o / p:.2f}（目标 ≤ 5）")
    print(f"后台完整检查（不阻塞关闭窗口）：{c:.2f} s")


if __name__ == "__main__":
    main()
