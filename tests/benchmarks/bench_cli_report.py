"""Benchmark (run by hand, never asserts time): ``report --month`` at the command line against the same
export in-process, on the full demo station (issue 16: within 1.5×).

    .venv/bin/python tests/benchmarks/bench_cli_report.py [--rounds 3] [--plain] [--thread-too] [--profile]

The station is the full demo station (100,000 residents, 1,000,000 visits, 200,000 window registrations)
encrypted by the program's own upgrade, as every station is once an administrator has logged in to this
version: the copy bench_encryption.py keeps (``the_two_files``, made when missing; administrator
``admin``). ``--plain`` also measures the plain file of an earlier version (the command line then
waits for the integrity check before it reads, as before). Each file is copied first (an export marks
the month as reported). Each figure is the median of ``--rounds`` runs, each in a fresh process:

- in-process: ``package.export_month`` alone, timed inside a new process that already holds the
  database handle (the first export of that process: modules and the PDF fonts are loaded then);
- command line: the whole ``shuanbai-desktop report --month … --user admin --password-file …`` process,
  from start to exit (unlocking, start-up checks, integrity check, log-in, export); on POSIX the command
  line runs the integrity check in a forked child process (``data/integrity_child.py``);
- ``--thread-too``: the same command with the check in a thread of the command's process (as before the
  child process, and as the GUI and Windows still run it), measured in the same rounds: before/after
  under the same load;
- the integrity check alone: the program's own ``PRAGMA quick_check`` of the file (``migrate.check_integrity``,
  what the command line runs in its thread), timed in a fresh process once the key is unlocked: the floor of
  the command line on an encrypted station, which may commit nothing before it has passed.

Besides the ratio of the medians, the median of each round's own ratio (command line / in-process, measured
one after the other) is printed: a load that comes and goes between rounds cancels out of it.
CPU time is printed beside wall time (the machine may be shared). Python runs with byte code cached
in a temporary folder (PYTHONPYCACHEPREFIX), as an installed program has its byte code compiled.
``--profile`` prints where the command line spends its time (cProfile, cumulative). cProfile inflates
code made of many small calls several times over: parsing a TrueType font shows ~1.4 s under it and takes
~0.3 s without it; time a part on its own before believing its profile figure.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
import bench_encryption  # noqa: E402

PASSWORD = bench_encryption.PASSWORD
REASON = "基准测试重复导出"
# The command line with its integrity check in a thread, as before data/integrity_child.py (``--thread-too``).
THREAD_CLI = (
    "import sys\n"
    "from shuanbai_desktop.data import migrate\n"
    "migrate.start_integrity_check = lambda path, one_shot=False: migrate.IntegrityCheck(path)\n"
    "from shuanbai_desktop.__main__ import main\n"
    "sys.exit(main())\n")


def _last_month() -> tuple[int, int]:
    today = date.today()
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def in_process_export(path: str, out: str) -> tuple[float, float]:
    """In a fresh process: the handle as the administrator (outside the timing), then one export."""
    from shuanbai_desktop.services.report import package
    db = bench_encryption.open_file(Path(path))
    year, month = _last_month()
    with db.session() as s:
        wall, cpu = time.perf_counter(), time.process_time()
        package.export_month(s, year, month, Path(out), reason=REASON)
        result = time.perf_counter() - wall, time.process_time() - cpu
    db.close()
    return result


def check_alone(path: str) -> tuple[float, float]:
    """In a fresh process: the key unlocked (outside the timing), then the integrity check alone."""
    from datetime import datetime

    from shuanbai_desktop.data.engine import is_plain_file
    from shuanbai_desktop.data.migrate import check_integrity
    from shuanbai_desktop.services import encryption
    if not is_plain_file(Path(path)):
        encryption.unlock(Path(path), "admin", PASSWORD, datetime.now())
    wall, cpu = time.perf_counter(), time.process_time()
    check_integrity(Path(path))
    return time.perf_counter() - wall, time.process_time() - cpu


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cli_report(path: Path, out: Path, password_file: Path, env: dict[str, str],
               profile: Path | None = None, thread: bool = False) -> tuple[float, float]:
    year, month = _last_month()
    prefix = ["-m", "cProfile", "-o", str(profile)] if profile else []
    program = ["-c", THREAD_CLI] if thread else ["-m", "shuanbai_desktop"]
    cmd = [sys.executable, *prefix, *program, "--db", str(path), "report",
           "--month", f"{year:04d}-{month:02d}", "--out", str(out), "--user", "admin",
           "--password-file", str(password_file), "--reason", REASON]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"report failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bare_process(env: dict[str, str]) -> tuple[float, float]:
    """A process that imports SQLAlchemy's ORM and the models and exits: what any command of this program
    costs before it does anything (the floor of the command line's overhead over the in-process export)."""
    cmd = [sys.executable, "-c", "import sqlalchemy.orm\nimport shuanbai_desktop.data.models"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, timeout=120, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def settled(path: Path) -> None:
    """The administrator's password as one they chose (bench_encryption sets it as a reset would, which
    the command line refuses until it is changed in the GUI)."""
    from sqlalchemy import select

    from shuanbai_desktop.data.models import User
    db = bench_encryption.open_file(path)
    with db.session() as s:
        s.scalars(select(User).where(User.username == "admin")).one().must_change_password = False
    db.close()


def measure(label: str, station: Path, rounds: int, profile: bool, thread_too: bool = False) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-cli-report-"))
    try:
        path = work / "station.db"
        shutil.copy(station, path)
        keyring = Path(f"{station}.keyring")
        if keyring.exists():
            shutil.copy(keyring, Path(f"{path}.keyring"))
        settled(path)
        password_file = work / "pw.txt"
        password_file.write_text(PASSWORD + "\n", encoding="utf-8")
        out = work / "out"
        out.mkdir()
        env = _env(work / "pycache")
        os.environ.clear()
        os.environ.update(env)  # the in-process children run with the same cached byte code
        load = os.getloadavg()[0]
        cli_report(path, out, password_file, env)  # warm-up: byte code cached, the month reported once
        inside, outside = [], []
        ctx = mp.get_context("spawn")
        with ctx.Pool(1) as pool:
            pool.apply(in_process_export, (str(path), str(out)))  # warm-up of the in-process side
        bare, checks, loads, threaded = [], [], [load], []
        for _ in range(rounds):
            with ctx.Pool(1) as pool:
                inside.append(pool.apply(in_process_export, (str(path), str(out))))
            outside.append(cli_report(path, out, password_file, env))
            if thread_too:
                threaded.append(cli_report(path, out, password_file, env, thread=True))
            bare.append(bare_process(env))
            with ctx.Pool(1) as pool:
                checks.append(pool.apply(check_alone, (str(path),)))
            loads.append(os.getloadavg()[0])
        print(f"\n== {label} ==")
        print(f"负载（1 分钟平均）：开始 {load:.2f}，结束 {os.getloadavg()[0]:.2f}；CPU {os.cpu_count()} 核；"
              f"各 {rounds} 次，中位数与最好")
        (iw, ic), (ow, oc) = _median(inside), _median(outside)
        (bi, bic), (bo, boc) = min(inside), min(outside)
        print(f"进程内导出（基准）：中位 {iw:.2f} s（CPU {ic:.2f} s），最好 {bi:.2f} s（CPU {bic:.2f} s）   "
              f"各次：{', '.join(f'{w:.2f}' for w, _ in inside)}")
        print(f"命令行 report --month（整个进程）：中位 {ow:.2f} s（CPU {oc:.2f} s），最好 {bo:.2f} s（CPU {boc:.2f} s）   "
              f"各次：{', '.join(f'{w:.2f}' for w, _ in outside)}")
        print(f"比值 命令行 / 进程内 = 中位 {ow / iw:.2f}，最好 {bo / bi:.2f}（目标 ≤ 1.5）")
        paired = [o[0] / i[0] for i, o in zip(inside, outside, strict=True)]
        print(f"逐轮配对比值（同一轮的命令行 / 进程内）：中位 {statistics.median(paired):.2f}   "
              f"各轮：{', '.join(f'{r:.2f}' for r in paired)}")
        if threaded:
            (tw, tc), (bt, btc) = _median(threaded), min(threaded)
            print(f"对照：命令行，检查在本进程的线程里（改动前；图形界面与 Windows 仍如此）：中位 {tw:.2f} s（CPU {tc:.2f} s），"
                  f"最好 {bt:.2f} s（CPU {btc:.2f} s）   各次：{', '.join(f'{w:.2f}' for w, _ in threaded)}")
            paired_thread = [t[0] / i[0] for i, t in zip(inside, threaded, strict=True)]
            print(f"  比值 线程 / 进程内 = 中位 {tw / iw:.2f}；逐轮配对 中位 {statistics.median(paired_thread):.2f}   "
                  f"各轮：{', '.join(f'{r:.2f}' for r in paired_thread)}；子进程比线程快 中位 {tw - ow:.2f} s")
        (kw, kc), (bk, _) = _median(checks), min(checks)
        print(f"完整性检查单独（PRAGMA quick_check，程序自己的检查）：中位 {kw:.2f} s（CPU {kc:.2f} s），最好 {bk:.2f} s；"
              f"检查 / 进程内 = 中位 {kw / iw:.2f}（加密的社工站：命令行在它通过前不提交）；"
              f"命令行比单独的检查多 {ow - kw:.2f} s")
        print(f"各轮结束时的负载：{', '.join(f'{x:.2f}' for x in loads[1:])}（最高 {max(loads):.2f}）")
        (fw, fc), (bf, _) = _median(bare), min(bare)
        print(f"下限：只导入 SQLAlchemy ORM 与数据模型就退出的进程 中位 {fw:.2f} s（CPU {fc:.2f} s），最好 {bf:.2f} s；"
              f"命令行比进程内多出 {ow - iw:.2f} s，其中 {fw:.2f} s 是这一下限")
        print("（命令行的 CPU 含后台线程里的 PRAGMA quick_check：它与加载代码、登录和导出的读取同时运行）")
        if profile:
            import pstats
            prof = work / "cli.prof"
            cli_report(path, out, password_file, env, profile=prof)
            pstats.Stats(str(prof)).sort_stats("cumulative").print_stats(30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="命令行 report --month 与进程内导出的对比")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="也测未加密的旧版本文件")
    parser.add_argument("--thread-too", action="store_true", help="也测检查在线程里的命令行（改动前的做法）")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    plain, encrypted = bench_encryption.the_two_files()
    measure("加密的社工站（本版本）", encrypted, args.rounds, args.profile, args.thread_too)
    if args.plain:
        measure("未加密的旧版本文件（先检查后读取）", plain, args.rounds, args.profile, args.thread_too)


if __name__ == "__main__":
    main()
