"""Benchmark (run by hand, never asserts time): encryption at rest (issue 17) side by side with the plain
file, on the same data.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_encryption.py [--full PATH] [--fresh]

From the full demo station (100,000 residents, 1,000,000 visits; default /tmp/shuanbai-bench-full.db, a
plain file of an earlier version, only read) it makes, in ``--work``:

- ``plain.db``: a copy, migrated to this version by the program's own open (still plain), the
  administrator's password set to a known one (the benchmark's);
- ``encrypted.db``: a copy of that, encrypted by the program's own upgrade (``encryption.encrypt_plain``
  at the administrator's log-in: verified backup, ``sqlcipher_export``, comparison, key file); its time
  is printed (what a station waits at its first start of this version).

Then it prints, for both files and their ratio (goals: search and the monthly export within 1.3× of the
plain file; log-in key unwrap under 1 s):

- the person search box per query class (``bench_person_search.queries``: ID tail, phone part, name,
  pinyin, full ID): median and p95 of the first keypress and p95 of the best of three, alternating the two
  files query by query so that both see the same load;
- the monthly export (``bench_report.run_report``: cold in a fresh process, then warm), twice per file,
  alternating; the fastest of each;
- the log-in: the key unwrap alone (Argon2id + AES-GCM), and unlock + open + ``auth.log_in`` as the
  log-in window does (against open + ``auth.log_in`` of the plain file).

The machine's load is printed at the start and the end (the figures of a shared machine vary).
``--cache-kib N`` gives every connection a page cache of N KiB instead of the program's own
(``engine.CACHE_KIB``, 128 MiB), to see how much of the encrypted file's cost is pages decrypted again on
every pass over a large table (with SQLite's default 2 MiB: export 1.36×/1.70×; 64 MiB: 1.29×/1.39×).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks import bench_person_search as search_bench  # noqa: E402
from tests.benchmarks import bench_report as report_bench  # noqa: E402

FULL = Path("/tmp/shuanbai-bench-full.db")
WORK = Path("/tmp/shuanbai-bench-encryption")
PASSWORD = "Bench-2024-pass"
GOAL = 1.3


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def ratio(encrypted: float, plain: float) -> str:
    value = encrypted / max(plain, 1e-9)
    return f"{value:5.2f}×{'' if value <= GOAL else ' (超出 1.3×)'}"


# --- the two files --------------------------------------------------------------------------------


def make_plain(full: Path, target: Path) -> None:
    """A copy of the full station, migrated by the program's open, the administrator's password known."""
    from shuanbai_desktop.data.engine import is_plain_file
    from shuanbai_desktop.services import auth
    from shuanbai_desktop.services.database_ops import open_app_database
    from shuanbai_desktop.services.permissions import as_system
    shutil.copyfile(full, target)
    started = time.perf_counter()
    db = open_app_database(target)
    print(f"普通副本：复制并迁移到本版本 {time.perf_counter() - started:.1f} s")
    try:
        with db.session() as s:
            as_system(s)
            admin = next(u for u in auth.list_users(s) if u.username == "admin")
            auth.reset_password(s, admin.id, PASSWORD)
    finally:
        db.close()
    shutil.rmtree(target.parent / "backups", ignore_errors=True)  # the migration's backup: not needed
    assert is_plain_file(target)


def make_encrypted(plain: Path, target: Path) -> None:
    """A copy of the plain file, encrypted by the upgrade at the administrator's log-in."""
    from shuanbai_desktop.data.base import now
    from shuanbai_desktop.services import auth, encryption
    from shuanbai_desktop.services.database_ops import open_app_database
    shutil.copyfile(plain, target)
    db = open_app_database(target)
    user = auth.log_in(db, "admin", PASSWORD)
    started = time.perf_counter()
    done = encryption.encrypt_plain(db, user, PASSWORD, now())
    spent = time.perf_counter() - started
    done.db.close()
    size = target.stat().st_size / 1048576
    print(f"加密（升级：核对过的备份 + sqlcipher_export + 逐表核对 + 密钥文件）：{spent:.1f} s，{size:.0f} MB")
    shutil.rmtree(target.parent / "backups", ignore_errors=True)


def the_two_files(full: Path = FULL, work: Path = WORK) -> tuple[Path, Path]:
    """The plain and the encrypted copy of the full station (made when missing; administrator ``admin``,
    password ``PASSWORD``); also the station of bench_cli_report.py."""
    plain_dir, enc_dir = work / "plain", work / "encrypted"
    plain, encrypted = plain_dir / "station.db", enc_dir / "station.db"
    if not plain.exists():
        if not full.exists():
            report_bench.build(full)
        plain_dir.mkdir(parents=True, exist_ok=True)
        make_plain(full, plain)
    if not encrypted.exists():
        enc_dir.mkdir(parents=True, exist_ok=True)
        make_encrypted(plain, encrypted)
    return plain, encrypted


def open_file(path: Path):
    """The station opened as at a log-in (the encrypted one unlocked with the password), acting for admin."""
    from shuanbai_desktop.data.engine import is_plain_file
    from shuanbai_desktop.services import encryption
    from shuanbai_desktop.services.database_ops import open_app_database
    if is_plain_file(path):
        db = open_app_database(path)
    else:
        db = encryption.open_with_password(path, "admin", PASSWORD, datetime.now(), check_in_background=False)
    return report_bench.as_admin(db)


# --- search ---------------------------------------------------------------------------------------


def _keypress(db, text: str) -> tuple[float, float]:
    """The first keypress and the best of three, in seconds."""
    from shuanbai_desktop.services import persons
    walls = []
    for _ in range(3):
        with db.session() as s:
            started = time.perf_counter()
            persons.search(s, persons.PersonFilter(text=text), limit=31)
            walls.append(time.perf_counter() - started)
    return walls[0], min(walls)


def bench_search(plain: Path, encrypted: Path) -> list[float]:
    from shuanbai_desktop.data.engine import connect_readonly
    conn = connect_readonly(plain)
    try:
        texts = search_bench.queries(conn)
    finally:
        conn.close()
    dbs = {"plain": open_file(plain), "enc": open_file(encrypted)}
    for db in dbs.values():  # warm both alike: the first query of a process loads code, not pages
        _keypress(db, "张")
    print(f"\n居民查找（每次按键，前 31 条），每类 {search_bench.RUNS} 个查询，毫秒；p95：首次按键，3次最好：每个查询 3 次取最快")
    print(f"{'查询':<10}{'普通 中位':>10}{'p95':>9}{'3次最好':>9}   {'加密 中位':>10}{'p95':>9}{'3次最好':>9}   "
          f"{'p95 比':>8}{'3次最好 比':>12}")
    ratios = []
    for label, queries in texts.items():
        first: dict[str, list[float]] = {"plain": [], "enc": []}
        best: dict[str, list[float]] = {"plain": [], "enc": []}
        for i, text in enumerate(queries):
            order = ("plain", "enc") if i % 2 == 0 else ("enc", "plain")
            for which in order:
                one, fastest = _keypress(dbs[which], text)
                first[which].append(one)
                best[which].append(fastest)
        (pm, pp), (_, pb) = search_bench.stats(first["plain"]), search_bench.stats(best["plain"])
        (em, ep), (_, eb) = search_bench.stats(first["enc"]), search_bench.stats(best["enc"])
        ratios.append(eb / max(pb, 1e-9))
        print(f"{label:<10}{ms(pm):>10}{ms(pp):>9}{ms(pb):>9}   {ms(em):>10}{ms(ep):>9}{ms(eb):>9}   "
              f"{ep / max(pp, 1e-9):7.2f}×{ratio(eb, pb):>12}")
    for db in dbs.values():
        db.close()
    return ratios


# --- the monthly export -----------------------------------------------------------------------------


def use_cache(kib: int) -> None:
    """``--cache-kib``: every connection of this process gets SQLite's page cache of that size instead of
    the program's own (a scan larger than the cache decrypts its pages again at every pass)."""
    from shuanbai_desktop.data import engine
    if kib:
        engine.PRAGMAS = (*engine.PRAGMAS, f"PRAGMA cache_size=-{kib}")


def _report_child(path: str, out: str, queue, cache_kib: int = 0) -> None:
    """In a fresh process: unlock (an encrypted file), then ``bench_report.run_report``."""
    from shuanbai_desktop.data.engine import is_plain_file
    from shuanbai_desktop.services import encryption
    use_cache(cache_kib)
    if not is_plain_file(Path(path)):
        encryption.unlock(Path(path), "admin", PASSWORD, datetime.now())
    queue.put(report_bench.run_report(path, out))


def _report(path: Path, cache_kib: int) -> dict:
    context = mp.get_context("spawn")
    queue = context.Queue()
    with tempfile.TemporaryDirectory() as out:
        child = context.Process(target=_report_child, args=(str(path), out, queue, cache_kib))
        child.start()
        result = queue.get(timeout=600)
        child.join()
    return result


def bench_report(plain: Path, encrypted: Path, cache_kib: int) -> tuple[float, float]:
    runs: dict[str, list[dict]] = {"plain": [], "enc": []}
    for _ in range(2):
        for which, path in (("plain", plain), ("enc", encrypted)):
            runs[which].append(_report(path, cache_kib))
    print("\n月度报表导出（新进程：冷 = 首次含字体，热 = 再导出一次；各取两轮中最快），秒")
    print(f"{'':<8}{'统计 collect':>12}{'检查':>8}{'冷导出':>8}{'热导出':>8}{'内存峰值 MB':>12}")
    best = {}
    for which in ("plain", "enc"):
        figures = {key: min(run[key] for run in runs[which]) for key in ("collect", "checks", "cold", "warm", "peak_mb")}
        best[which] = figures
        print(f"{'普通' if which == 'plain' else '加密':<8}{figures['collect']:>12.2f}{figures['checks']:>8.2f}"
              f"{figures['cold']:>8.2f}{figures['warm']:>8.2f}{figures['peak_mb']:>12.0f}")
    print(f"{'比':<8}{ratio(best['enc']['collect'], best['plain']['collect']):>12}"
          f"{ratio(best['enc']['checks'], best['plain']['checks']):>8}"
          f"{ratio(best['enc']['cold'], best['plain']['cold']):>8}{ratio(best['enc']['warm'], best['plain']['warm']):>8}")
    return best["enc"]["cold"] / best["plain"]["cold"], best["enc"]["warm"] / best["plain"]["warm"]


# --- log-in -----------------------------------------------------------------------------------------


def bench_login(plain: Path, encrypted: Path, rounds: int = 5) -> float:
    from shuanbai_desktop.data import engine
    from shuanbai_desktop.data.keyring import KeyRing, keyring_path
    from shuanbai_desktop.services import auth, encryption
    from shuanbai_desktop.services.database_ops import open_app_database
    unwraps = []
    for _ in range(rounds):
        started = time.perf_counter()
        ring = KeyRing.load(keyring_path(encrypted))
        assert ring.unlock_user("admin", PASSWORD) is not None
        unwraps.append(time.perf_counter() - started)
    logins: dict[str, list[float]] = {"plain": [], "enc": []}
    for _ in range(rounds):
        engine.use_key(encrypted, None)  # each round unlocks afresh, as a new process does
        started = time.perf_counter()
        db = encryption.open_with_password(encrypted, "admin", PASSWORD, datetime.now())
        auth.log_in(db, "admin", PASSWORD)
        logins["enc"].append(time.perf_counter() - started)
        db.close()
        started = time.perf_counter()
        db = open_app_database(plain, check_in_background=True)
        auth.log_in(db, "admin", PASSWORD)
        logins["plain"].append(time.perf_counter() - started)
        db.close()
    unwrap = statistics.median(unwraps)
    plain_login, enc_login = statistics.median(logins["plain"]), statistics.median(logins["enc"])
    print(f"\n登录（中位数，{rounds} 次）：解开数据密钥（Argon2id + AES-GCM）{ms(unwrap)} ms"
          f"（目标 < 1000 ms：{'达标' if unwrap < 1 else '未达标'}）；")
    print(f"  解开 + 打开 + 登录 {ms(enc_login)} ms，普通文件的打开 + 登录 {ms(plain_login)} ms，"
          f"多出 {ms(enc_login - plain_login)} ms")
    return unwrap


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", type=Path, default=FULL, help="the full demo station (plain, only read)")
    parser.add_argument("--work", type=Path, default=WORK, help="copies go here")
    parser.add_argument("--fresh", action="store_true", help="make the two copies again")
    parser.add_argument("--cache-kib", type=int, default=0, help="SQLite page cache per connection (default: the program's, engine.CACHE_KIB)")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"机器负载（1/5/15 分钟）：{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}，CPU {os.cpu_count()} 核")
    started = time.perf_counter()
    if args.fresh:
        shutil.rmtree(args.work, ignore_errors=True)
    plain, encrypted = the_two_files(args.full, args.work)
    use_cache(args.cache_kib)
    if args.cache_kib:
        print(f"每个连接的页缓存：{args.cache_kib} KiB（--cache-kib）")
    search = bench_search(plain, encrypted)
    cold, warm = bench_report(plain, encrypted, args.cache_kib)
    unwrap = bench_login(plain, encrypted)
    print(f"\n小结：查找 3次最好 p95 之比 {min(search):.2f}–{max(search):.2f}×（中位 {statistics.median(search):.2f}×）；"
          f"月报导出之比 冷 {cold:.2f}× 热 {warm:.2f}×；解开密钥 {unwrap * 1000:.0f} ms。目标：≤ {GOAL}×，< 1 s。")
    end = os.getloadavg()
    print(f"用时 {time.perf_counter() - started:.0f} s；结束时机器负载 {end[0]:.1f} / {end[1]:.1f} / {end[2]:.1f}")


if __name__ == "__main__":
    main()
