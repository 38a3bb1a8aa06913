"""Benchmark (run by hand, never asserts time): the first window against a bare PySide6 window, cold
processes side by side (issue 16: the log-in window, or the set-up wizard, within 2×).

    .venv/bin/python tests/benchmarks/bench_startup.py [--db PATH] [--rounds 5]

``--db`` is the full demo station (default /tmp/shuanbai-bench-full.db, see bench_report.py; an
encrypted one, e.g. made by bench_encryption.py, is copied with its key file); it is copied first (a migration due is run once, in the warm-up). Each round starts, in this order:

- a bare PySide6 window: ``QApplication`` + ``QWidget.show()``, reporting from its first turn of the
  event loop (the baseline);
- ``shuanbai-desktop --smoke-test`` on the 100k database: the log-in window (``SMOKE-TEST SHOWN``,
  printed from the first turn of the event loop after the window was opened), then ``SMOKE-TEST OK``
  once the integrity check behind it has passed and the log-in's code is loaded;
- the same on a missing database: the set-up wizard.

Times are from process start to the line (wall), with the process's CPU time at that moment
(/proc, Linux) beside them; the machine may be shared, so the load is printed too. Byte code is cached
in a temporary folder (PYTHONPYCACHEPREFIX), as an installed program has its byte code compiled.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FULL_DB = Path("/tmp/shuanbai-bench-full.db")
BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv[:1])
window = QWidget()
window.setWindowTitle("bare")
window.show()
def shown():
    print("BARE SHOWN", flush=True)
    app.exit(0)
QTimer.singleShot(0, shown)
app.exec()
"""


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(cmd: list[str], env: dict[str, str], marks: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds from the start of ``cmd`` to the first line starting with each mark."""
    seen: dict[str, tuple[float, float]] = {}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    for line in proc.stdout:
        for mark in marks:
            if mark not in seen and line.startswith(mark):
                seen[mark] = (time.perf_counter() - started, _cpu_seconds(proc.pid))
    proc.wait(timeout=120)
    missing = [m for m in marks if m not in seen]
    if proc.returncode != 0 or missing:
        raise SystemExit(f"{cmd}: exit code {proc.returncode}, no line {missing}")
    return seen


def _median(values: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description="首个窗口的启动时间与单纯 PySide6 窗口的对比")
    parser.add_argument("--db", type=Path, default=FULL_DB)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not args.db.exists():
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from bench_report import build
        build(args.db)
    work = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        path = work / "station.db"
        shutil.copy(args.db, path)
        keyring = Path(f"{args.db}.keyring")  # an encrypted station: the log-in window reads its key file
        if keyring.exists():
            shutil.copy(keyring, Path(f"{path}.keyring"))
        bare = work / "bare.py"
        bare.write_text(BARE, encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(work / "pycache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        py = sys.executable
        login = [py, "-m", "shuanbai_desktop", "--db", str(path), "--smoke-test"]
        marks = ("SMOKE-TEST SHOWN", "SMOKE-TEST OK")
        timed([py, str(bare)], env, ("BARE SHOWN",))  # warm-up: byte code cached
        timed(login, env, marks)  # warm-up; a migration due runs here, once
        results: dict[str, list] = {"bare": [], "login": [], "login_ok": [], "wizard": [], "wizard_ok": []}
        for n in range(args.rounds):
            results["bare"].append(timed([py, str(bare)], env, ("BARE SHOWN",))["BARE SHOWN"])
            seen = timed(login, env, marks)
            results["login"].append(seen["SMOKE-TEST SHOWN"])
            results["login_ok"].append(seen["SMOKE-TEST OK"])
            fresh = work / f"new-{n}" / "station.db"
            seen = timed([py, "-m", "shuanbai_desktop", "--db", str(fresh), "--smoke-test"], env, marks)
            results["wizard"].append(seen["SMOKE-TEST SHOWN"])
            results["wizard_ok"].append(seen["SMOKE-TEST OK"])
        load = os.getloadavg()
        size = path.stat().st_size / 1e6
        print(f"数据库：{args.db}（副本 {size:.0f} MB）；负载 {load[0]:.2f} {load[1]:.2f}；各 {args.rounds} 次取中位数")
        bare_wall, bare_cpu = _median(results["bare"])
        print(f"单纯 PySide6 窗口（基准）：{bare_wall * 1000:.0f} ms（CPU {bare_cpu * 1000:.0f} ms）"
              f"   各次：{', '.join(f'{w * 1000:.0f}' for w, _ in results['bare'])}")
        for key, label in (("login", "登录窗口（10 万居民的数据库）"), ("wizard", "设置向导（没有数据库）")):
            wall, cpu = _median(results[key])
            ok_wall, _ = _median(results[key + "_ok"])
            print(f"{label}：显示 {wall * 1000:.0f} ms（CPU {cpu * 1000:.0f} ms），比值 {wall / bare_wall:.2f}（目标 ≤ 2）"
                  f"   各次：{', '.join(f'{w * 1000:.0f}' for w, _ in results[key])}")
            print(f"    其后台检查与载入完成（可立即登录）：{ok_wall * 1000:.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
