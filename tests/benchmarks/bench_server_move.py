"""Benchmark (run by hand, never asserts time): 迁移到服务器 of the full demo station (issue 19).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_server_move.py [--station PATH]

The encrypted full station of bench_encryption.py (default /tmp/shuanbai-bench-encryption/encrypted/station.db,
administrator ``admin`` with that benchmark's password; only read) is copied with its key file into a scratch
folder (the copy is the one marked as moved), a throwaway PostgreSQL cluster is started (tests/pgcluster.py)
with an empty database, and ``server_move.move_to_server`` runs as the administrator. Printed: the time of each
step (from the progress), the whole move, rows per second, and then ``verify`` on the server through the
program's own open (the audit chain with its head file), with its time. The cluster and the folder are removed
at the end.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_encryption import PASSWORD, WORK  # noqa: E402

STATION = WORK / "encrypted" / "station.db"


class Steps:
    """The progress callback: the time at which each kind of step began (the text before its numbers)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: list[tuple[str, float]] = []

    def __call__(self, _percent: int, text: str = "") -> None:
        kind = text.split("（")[0].split("：")[0]
        if kind.startswith("正在复制 "):
            kind = "正在复制数据表"
        if not self.marks or self.marks[-1][0] != kind:
            self.marks.append((kind, time.perf_counter()))

    def report(self, end: float) -> None:
        for (kind, began), (_next, ended) in zip(self.marks, [*self.marks[1:], ("", end)], strict=True):
            print(f"  {ended - began:8.1f} s  {kind}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--station", type=Path, default=STATION)
    args = parser.parse_args()
    from shuanbai_desktop.data import backend, keyring
    from shuanbai_desktop.services import database_ops, encryption, server_move
    from shuanbai_desktop.services.opening import open_app_database
    from tests import pgcluster
    from tests.benchmarks import bench_report
    scratch = Path(tempfile.mkdtemp(prefix="shuanbai-bench-move-"))
    cluster = None
    try:
        copy = scratch / "station" / "station.db"
        copy.parent.mkdir()
        began = time.perf_counter()
        shutil.copy2(args.station, copy)
        shutil.copy2(keyring.keyring_path(args.station), keyring.keyring_path(copy))
        if (args.station.parent / "attachments").is_dir():
            shutil.copytree(args.station.parent / "attachments", copy.parent / "attachments")
        print(f"copy of the station: {copy.stat().st_size / 1048576:.0f} MB in {time.perf_counter() - began:.1f} s")
        db = encryption.open_with_password(copy, "admin", PASSWORD, datetime.now(), check_in_background=False)
        bench_report.as_admin(db)
        cluster = pgcluster.Cluster().start()
        cluster.create_database("station")
        target = backend.parse_server_url(cluster.url("station"), scratch / "shared")
        steps = Steps()
        began = time.perf_counter()
        result = server_move.move_to_server(db, target, db.acting_for, datetime.now(), steps)
        spent = time.perf_counter() - began
        db.close()
        print(f"move: {spent:.1f} s for {result.rows:,} rows in {len(result.tables)} tables "
              f"({result.rows / spent:,.0f} rows/s overall); {result.attachments} attachment files")
        steps.report(began + spent)
        biggest = sorted(result.tables, key=lambda t: t.rows, reverse=True)[:6]
        print("  largest tables: " + ", ".join(f"{t.table} {t.rows:,}" for t in biggest))
        began = time.perf_counter()
        server = open_app_database(target)
        try:
            check = database_ops.verify(server)
        finally:
            server.close()
        print(f"verify on the server: {'passed' if check.ok else 'FAILED'} in {time.perf_counter() - began:.1f} s "
              f"({check.chain.message})")
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
