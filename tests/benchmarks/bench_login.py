"""Benchmark (run by hand, never asserts time): log-in answer time for an unknown user name, a known
name with a wrong password, and a locked account with a wrong password (issue 12: 27 ms against
~105 ms let accounts be enumerated by timing).

    .venv/bin/python tests/benchmarks/bench_login.py [--rounds 30]

Prints the median and the spread (min–max) of each case in milliseconds, on a fresh station
database in a temporary folder.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from shuanbai_desktop.domain.labels import Role  # noqa: E402
from shuanbai_desktop.errors import UserError  # noqa: E402
from shuanbai_desktop.services import auth, settings, station  # noqa: E402
from shuanbai_desktop.services.database_ops import open_app_database  # noqa: E402

PASSWORD = "Zhan2024abc"


def _time(db, username: str, password: str, at: datetime) -> float:
    start = time.perf_counter()
    try:
        auth.log_in(db, username, password, at=at)
    except UserError:
        pass
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        db = open_app_database(Path(folder) / "bench.db")
        with db.session() as s:
            station.setup_station(s, "441302001", "桥东街道社会工作服务站", "", "", "admin", "李站长", PASSWORD)
            auth.create_user(s, "locked", "锁定", Role.WINDOW, "Kaishi2024x", must_change=False)
            settings.set_int(s, "login.max_failures", 20)
        at = datetime(2026, 3, 2, 9, 0)
        for _ in range(20):
            _time(db, "locked", "wrong-pass1", at)  # now locked for 15 minutes
        auth.log_in(db, "admin", PASSWORD, at=at)  # warm-up (and the dummy hash is made once)
        _time(db, "nobody", "wrong-pass1", at)
        cases = {"unknown user name": ("nobody", "wrong-pass1"), "known, wrong password": ("admin", "wrong-pass1"),
                 "locked, wrong password": ("locked", "wrong-pass1"), "known, right password": ("admin", PASSWORD)}
        results: dict[str, list[float]] = {name: [] for name in cases}
        for i in range(rounds):
            moment = at + timedelta(seconds=i)
            for name, (username, password) in cases.items():
                results[name].append(_time(db, username, password, moment))  # the right one resets the count
        db.close()
    for name, times in results.items():
        print(f"{name:24} median {statistics.median(times):6.1f} ms   min {min(times):6.1f}   max {max(times):6.1f}")


if __name__ == "__main__":
    main()
