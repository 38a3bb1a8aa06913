"""Benchmark (run by hand, never asserts time): what the audit key and head file add to one save.

    .venv/bin/python tests/benchmarks/bench_audit_head.py [--saves 300]

A fresh station in a temporary folder (config folder too); each save is one transaction adding a
resident (as a screen's save does). Timed, medians per save:

- the head file alone (``audit_key.advance_head``: read the old head, write tmp, fsync, rename,
  fsync the folder), called directly;
- a whole save with the head file written after the commit;
- a whole save with the head-file write switched off (for comparison).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def _saves(db, count: int) -> list[float]:
    from shuanbai_desktop.data import audit
    from shuanbai_desktop.data.models import Person
    times = []
    for i in range(count):
        start = time.perf_counter()
        with db.session(audit.Actor(None, "bench")) as s:
            s.add(Person(name=f"测试{i}"))
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        from shuanbai_desktop.data import audit_key
        from shuanbai_desktop.services import station
        from shuanbai_desktop.services.database_ops import open_app_database
        db = open_app_database(Path(tmp) / "bench.db")
        with db.session() as s:
            station.setup_station(s, "441302001", "桥东街道社会工作服务站", "", "", "admin", "管理员", "Bench-2024-pass")
        key = audit_key.load_key(_chain(db))
        head = audit_key.read_head(db.path)
        direct = []
        for i in range(args.saves):
            start = time.perf_counter()
            audit_key.advance_head(db.path, key, False, head.id + 1 + i, head.id + 1 + i, head.hash,
                                   lambda _entry_id: None)
            direct.append(time.perf_counter() - start)
        audit_key.write_head(db.path, head)
        with_head = _saves(db, args.saves)
        real = audit_key.advance_head
        audit_key.advance_head = lambda *a, **k: None
        try:
            without = _saves(db, args.saves)
        finally:
            audit_key.advance_head = real
        db.close()
    ms = 1000
    print(f"head file alone:        median {statistics.median(direct) * ms:.2f} ms, "
          f"p90 {statistics.quantiles(direct, n=10)[-1] * ms:.2f} ms")
    print(f"save with head file:    median {statistics.median(with_head) * ms:.2f} ms")
    print(f"save without head file: median {statistics.median(without) * ms:.2f} ms")
    print(f"difference per save:    {(statistics.median(with_head) - statistics.median(without)) * ms:.2f} ms")


def _chain(db) -> str:
    from shuanbai_desktop.data import audit
    with db.session() as s:
        return audit.chain_id(s.connection())


if __name__ == "__main__":
    main()
