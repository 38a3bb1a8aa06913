"""Benchmark (run by hand, never asserts time): 导入数据 of a 100,000-row residents workbook with 20 columns.

    .venv/bin/python tests/benchmarks/bench_import.py [--rows N] [--dir DIR] [--reuse]

Writes (or reuses, with --reuse) a roster as stations have them — a title row, a subtitle, the header,
100,000 rows of 20 columns (one the import does not take: 民族), a 合计 row; village names as rosters write
them (东湖社区, matched to the station's by likeness) — and a station database (桥东街道), then times, each in
a fresh process so that its peak memory is its own:

- the reader alone: ``inspect_file`` + ``read_sheet`` + ``build_table`` (what any import must pay);
- the dry run: reading, the suggested mapping with its value maps (as the command line), ``dry_run``;
- the import into an empty station: reading, mapping, ``run_import`` (its own dry run, then the bulk INSERT,
  the batch and its audit event) and the commit.

Goals (issue 13): dry run ≤ 20 s, import ≤ 40 s, peak memory ≤ 500 MB; printed with the ratio to reading.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

ROWS = 100_000
TODAY = date(2024, 12, 20)
HEADERS = ("序号", "姓名", "性别", "身份证号", "出生日期", "联系电话", "村(居)", "家庭住址", "对象类别", "纳入日期",
           "享受待遇", "月发放金额", "残疾类别", "残疾等级", "监护人", "与监护人关系", "监护人电话", "健康状况", "备注",
           "民族")
GROUPS = (("低保对象", "低保金", 520), ("特困人员", "特困供养金", 1352), ("残疾人", "残疾人两项补贴", 180),
          ("特殊困难老年人", "高龄津贴", 100), ("", "", None))


def _rows(count: int):
    from shuanbai_desktop.demo import _name, _phone
    from shuanbai_desktop.demo.import_examples import COUNTY, VILLAGES
    from shuanbai_desktop.domain.idcard import make_id_number
    rng = random.Random(13)
    used: set[str] = set()
    for n in range(1, count + 1):
        birth = TODAY - timedelta(days=rng.randint(18 * 365, 95 * 365))
        number = make_id_number(COUNTY, birth, rng.randrange(1000))
        while number in used:
            number = make_id_number(COUNTY, birth, rng.randrange(1000))
        used.add(number)
        group, benefit, amount = rng.choice(GROUPS)
        if group == "特殊困难老年人" and birth > TODAY - timedelta(days=61 * 365):
            group, benefit, amount = GROUPS[-1]  # the form's rule: 60 or older
        disabled = group == "残疾人"
        since = TODAY - timedelta(days=rng.randint(30, 3000)) if group else None
        village = VILLAGES[rng.randrange(len(VILLAGES))][1]
        yield [n, _name(rng), "男" if int(number[16]) % 2 else "女", number, birth,
               _phone(rng) if rng.random() < 0.85 else "", village, f"{village}{rng.randint(1, 12)}组{rng.randint(1, 80)}号",
               group, since, benefit, Decimal(amount) if amount else None, "肢体残疾" if disabled else "",
               "二级" if disabled else "", "", "", "", rng.choice(("健康", "慢性病", "")), "", "汉族"]


def build(folder: Path, rows: int) -> tuple[Path, Path]:
    """The roster (write-only openpyxl, as the ledgers are written) and an empty station."""
    from openpyxl import Workbook
    folder.mkdir(parents=True, exist_ok=True)
    book, db_path = folder / "roster.xlsx", folder / "station.db"
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["桥东街道困难群众花名册（基准测试）"])
    ws.append(["填报单位：桥东街道社会工作服务站"])
    ws.append(list(HEADERS))
    total = Decimal(0)
    for row in _rows(rows):
        total += row[11] or 0
        ws.append(row)
    ws.append(["合计", f"{rows}人"] + [None] * 9 + [total])
    wb.save(book)
    print(f"工作簿：{rows:,} 行 × {len(HEADERS)} 列，{book.stat().st_size / 1e6:.1f} MB，"
          f"写出 {time.perf_counter() - started:.1f} s")
    new_station(db_path)
    return book, db_path


def new_station(db_path: Path) -> None:
    """An empty station 桥东街道 (13 communities) at ``db_path``, built by the migrations."""
    from shuanbai_desktop.services import station
    from shuanbai_desktop.services.database_ops import open_app_database
    for old in db_path.parent.glob(db_path.name + "*"):
        old.unlink()
    db = open_app_database(db_path)
    with db.session() as s:
        station.setup_station(s, "441302001", "桥东街道社会工作服务站", "", "", "admin", "管理员", "Zhan2024abc")
    db.close()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process: on a machine shared with other work, closer to the real cost than the clock."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _read(book: str):
    from shuanbai_desktop.services.importing import reader
    from shuanbai_desktop.services.importing.kinds import spec
    from shuanbai_desktop.services.importing.table import build_table, suggest_header_row
    info = reader.inspect_file(Path(book))
    grid = reader.read_sheet(info)
    fields = spec("residents").fields
    table = build_table(grid, suggest_header_row(grid, fields))
    return info, table


def run_read(book: str) -> dict:
    started = time.perf_counter()
    _info, table = _read(book)
    return {"seconds": time.perf_counter() - started, "rows": len(table.rows), "peak_mb": _peak_mb(), "cpu": _cpu()}


def _open(db_path: str):
    from sqlalchemy import select

    from shuanbai_desktop.data import audit
    from shuanbai_desktop.data.db import Database
    from shuanbai_desktop.data.models import User
    db = Database(Path(db_path))
    with db.session() as s:
        admin = s.scalar(select(User.id).where(User.username == "admin"))
    db.acting_for = audit.Actor(admin, "admin")
    return db


def _mapping(session, table):
    from shuanbai_desktop.cli_import import _with_value_maps
    from shuanbai_desktop.services.importing.kinds import spec
    from shuanbai_desktop.services.importing.mapping import suggest_mapping
    kind = spec("residents")
    mapping, _shown = _with_value_maps(session, kind, table, None, suggest_mapping(session, kind, table))
    return mapping


def run_dry(book: str, db_path: str) -> dict:
    from shuanbai_desktop.services.importing import batch
    started = time.perf_counter()
    _info, table = _read(book)
    read = time.perf_counter() - started
    db = _open(db_path)
    with db.session() as s:
        mapping = _mapping(s, table)
        begun = time.perf_counter()
        result = batch.dry_run(s, "residents", table, mapping, TODAY)
        checked = time.perf_counter() - begun
    db.close()
    return {"read": read, "dry": checked, "total": time.perf_counter() - started, "new": result.new,
            "problems": len(result.problems), "first": [p.reason for p in result.problems[:3]], "peak_mb": _peak_mb(),
            "cpu": _cpu()}


def run_import(book: str, db_path: str) -> dict:
    from shuanbai_desktop.services.importing import batch
    started = time.perf_counter()
    info, table = _read(book)
    read = time.perf_counter() - started
    db = _open(db_path)
    with db.session() as s:
        mapping = _mapping(s, table)
        begun = time.perf_counter()
        done = batch.run_import(s, "residents", table, mapping, "skip",
                                batch.SourceRef(info.file_name, info.sha256, table.sheet), TODAY)
    imported = time.perf_counter() - begun  # with the commit
    db.close()
    return {"read": read, "import": imported, "total": time.perf_counter() - started, "counts": done.counts,
            "peak_mb": _peak_mb(), "cpu": _cpu()}


def _guarded(fn, *args) -> dict:
    """Run ``fn`` in the child; a refusal comes back as text (a UserError does not cross processes)."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        return {"error": f"{type(exc).__name__}: {exc}"}


def _in_child(fn, *args) -> dict:
    with mp.get_context("spawn").Pool(1) as pool:
        result = pool.apply(_guarded, (fn, *args))
    if "error" in result:
        raise SystemExit(f"{fn.__name__}: {result['error']}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/shuanbai-bench-import"))
    parser.add_argument("--reuse", action="store_true", help="use the workbook and station already in --dir")
    args = parser.parse_args()
    os.environ.setdefault("XDG_CONFIG_HOME", str(args.dir / "config"))  # the audit key beside the benchmark
    book, db_path = args.dir / "roster.xlsx", args.dir / "station.db"
    if not (args.reuse and book.exists() and db_path.exists()):
        book, db_path = build(args.dir, args.rows)
    print(f"机器负载（1 分钟平均）{os.getloadavg()[0]:.1f}，CPU {os.cpu_count()} 核")
    read = _in_child(run_read, str(book))
    print(f"只读取（reader + 表头）：{read['rows']:,} 行 {read['seconds']:.1f} s（CPU {read['cpu']:.1f} s），"
          f"峰值内存 {read['peak_mb']:.0f} MB")
    dry = _in_child(run_dry, str(book), str(db_path))
    ratio = dry["total"] / read["seconds"]
    print(f"核对（dry run）：读取 {dry['read']:.1f} s + 核对 {dry['dry']:.1f} s = {dry['total']:.1f} s"
          f"（目标 ≤ 20 s；是只读取的 {ratio:.1f} 倍；CPU {dry['cpu']:.1f} s），新增 {dry['new']:,}，问题 {dry['problems']}，"
          f"峰值内存 {dry['peak_mb']:.0f} MB（目标 ≤ 500 MB）")
    if dry["problems"]:
        print("  前几个问题：" + "；".join(dry["first"]))
    work = args.dir / "import.db"
    new_station(work)
    done = _in_child(run_import, str(book), str(work))
    ratio = done["total"] / read["seconds"]
    print(f"导入：读取 {done['read']:.1f} s + 核对并写入 {done['import']:.1f} s = {done['total']:.1f} s"
          f"（目标 ≤ 40 s；是只读取的 {ratio:.1f} 倍；CPU {done['cpu']:.1f} s），{done['counts']}，"
          f"峰值内存 {done['peak_mb']:.0f} MB"
          f"（目标 ≤ 500 MB）")
    print(f"结束时机器负载 {os.getloadavg()[0]:.1f}；文件在 {args.dir}")


if __name__ == "__main__":
    main()
