"""Benchmark (run by hand, never asserts time): hostile workbooks through the real ``county-merge`` CLI.

    .venv/bin/python tests/benchmarks/bench_workbook_bomb.py [--compare] [--ledger]

Exports one real station package (as the tests do), then for each case copies it, turns its
workbook into a bomb (with a manifest that matches, so the check reaches the workbook), and runs
``shuanbai-desktop county-merge PACKAGE --out …`` in a fresh process. Prints the wall time and the
child's peak resident memory (``os.wait4`` → ``ru_maxrss``) and the reason given.

Goal (issue 12): a workbook bomb is refused in under 5 s with memory under 200 MB.

``--compare`` also runs plain ``openpyxl.load_workbook`` (what county-merge did before) on the
shared-strings bomb, capped at 4 GB of address space and 300 s. ``--ledger`` times the guarded
reader on an import-sized ledger (100,000 rows × 30 columns, written by openpyxl).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.workbook_bombs import laughing, strings_bomb_parts, swap_package_workbook  # noqa: E402

GIB = 1024 * 1024 * 1024
MB = 1024 * 1024


# Runs in a small fresh process and measures its one child: Linux records, at exec, the peak of
# the process that forked the child, so measuring straight from this (large) process would count
# this process's memory in every child.
MEASURE = """
import json, resource, subprocess, sys, time
limit, timeout, argv = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
started = time.perf_counter()
try:
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout,
                          preexec_fn=cap if limit else None)
    code, err = done.returncode, done.stderr
except subprocess.TimeoutExpired as exc:
    code, err = "timeout", exc.stderr or b""
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
lines = err.decode("utf-8", "replace").strip().splitlines()
print(json.dumps([code, seconds, peak, lines[0] if lines else ""]))
"""


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("shuanbai-desktop")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "shuanbai_desktop"]


def _measure(argv: list[str], timeout: float = 600.0, limit_as: int = 0) -> tuple[object, float, float, str]:
    """(exit code, seconds, peak RSS in MB, first stderr line) of ``argv`` in a fresh process."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(limit_as), str(timeout), *argv],
                          capture_output=True, text=True, check=True)
    code, seconds, peak, reason = json.loads(done.stdout)
    return code, seconds, peak, reason


def _station_package(work: Path) -> Path:
    from tests.db.test_report_county import _station_export
    usb = work / "U盘"
    usb.mkdir()
    return _station_export(work / "station", "441302001", "桥东街道", usb)


def _bomb_package(base: Path, work: Path, name: str, make_parts) -> Path:
    package = work / name / base.name
    shutil.copytree(base, package)
    swap_package_workbook(package, make_parts(next(package.glob("*.xlsx"))))
    return package


def _part(workbook: Path, name: str) -> bytes:
    with zipfile.ZipFile(workbook) as zf:
        return zf.read(name)


def _ten_million_rows(workbook: Path):
    sheet = _part(workbook, "xl/worksheets/sheet1.xml")
    start = sheet.index(b'<dimension ref="') + len(b'<dimension ref="')
    end = sheet.index(b'"', start)
    sheet = sheet[:start] + b"A1:H10000000" + sheet[end:]
    return {"xl/worksheets/sheet1.xml": lambda: [sheet]}


def _one_row_of_cells(workbook: Path):
    """Stays under every size and ratio limit: 60 MB of cells in one row (the XML parser keeps a
    row whole), refused by the cells-per-row count in the stream."""
    sheet = _part(workbook, "xl/worksheets/sheet1.xml")
    head = sheet[: sheet.index(b"<sheetData>") + len(b"<sheetData>")]
    head = head.replace(head[head.index(b"<dimension"): head.index(b"/>", head.index(b"<dimension")) + 2], b"")

    def chunks():
        yield head + b'<row r="1">'
        written, column = 0, 0
        while written < 60 * MB:
            block = b"".join(b'<c r="A1"><v>%d</v></c>' % (column + i) for i in range(10_000))
            column += 10_000
            written += len(block)
            yield block
        yield b"</row></sheetData></worksheet>"
    return {"xl/worksheets/sheet1.xml": chunks}


def _unknown_elements(workbook: Path):
    """Stays under every size, ratio and row limit: 60 MB of elements openpyxl does not know
    (the XML parser keeps them all), left to the memory watch."""
    sheet = _part(workbook, "xl/worksheets/sheet1.xml")
    cut = sheet.index(b"<sheetData>")

    def chunks():
        yield sheet[:cut]
        written, n = 0, 0
        while written < 60 * MB:
            block = b"".join(b"<x%d/>" % (n + i) for i in range(10_000))
            n += 10_000
            written += len(block)
            yield block
        yield sheet[cut:]
    return {"xl/worksheets/sheet1.xml": chunks}


def _crowded_zip(base: Path, work: Path) -> Path:
    target = work / "多.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for path in base.iterdir():
            zf.write(path, path.name)
        for i in range(100_000):
            zf.writestr(f"x/{i}", "")
    return target


def _ledger(work: Path) -> Path:
    import random

    from openpyxl import Workbook
    random.seed(1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append([f"列{i}" for i in range(30)])
    for r in range(100_000):
        ws.append([r, f"居民{random.randint(0, 10**6)}", "桥东社区", random.randint(0, 5000) / 10]
                  + [random.choice(["是", "否", "", "已走访"]) for _ in range(16)]
                  + [random.randint(0, 1000) for _ in range(10)])
    path = work / "导入台账.xlsx"
    wb.save(path)
    return path


LEDGER_READER = """
import sys
from shuanbai_desktop.services.workbook_guard import open_workbook, rows
wb = open_workbook(sys.argv[1])
cells = sum(len(row) for ws in wb.worksheets for row in rows(ws))
wb.close()
print(cells, file=sys.stderr)
"""
PLAIN_OPENPYXL = "import sys; from openpyxl import load_workbook; load_workbook(sys.argv[1])"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also run plain openpyxl on the strings bomb")
    parser.add_argument("--ledger", action="store_true", help="also read a 100,000 × 30 ledger through the guard")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = _station_package(work)
        cases = [
            ("正常报表（对照）", base),
            ("1 GiB 共享字符串", _bomb_package(base, work, "strings", lambda wb: strings_bomb_parts(wb, GIB))),
            ("十亿笑（实体）", _bomb_package(base, work, "laughs", lambda wb: {
                "xl/workbook.xml": lambda data=laughing(_part(wb, "xl/workbook.xml")): [data]})),
            ("声明一千万行", _bomb_package(base, work, "rows", _ten_million_rows)),
            ("一行 60 MB 单元格", _bomb_package(base, work, "row", _one_row_of_cells)),
            ("60 MB 未知元素", _bomb_package(base, work, "unknown", _unknown_elements)),
            ("10 万个内部文件的 zip", _crowded_zip(base, work)),
        ]
        print(f"{'case':<24}{'file':>10}{'exit':>8}{'seconds':>10}{'peak MB':>10}  reason")
        for label, source in cases:
            size = sum(p.stat().st_size for p in source.rglob("*")) if source.is_dir() else source.stat().st_size
            code, seconds, peak, reason = _measure(_cli() + ["county-merge", str(source), "--out",
                                                             str(work / "汇总.xlsx")])
            print(f"{label:<24}{size / MB:>8.1f}MB{code!s:>8}{seconds:>10.2f}{peak:>10.0f}  {reason[:110]}")
        if args.compare:
            workbook = next((work / "strings").rglob("*.xlsx"))
            code, seconds, peak, reason = _measure([sys.executable, "-c", PLAIN_OPENPYXL, str(workbook)],
                                                   timeout=300, limit_as=4 * GIB)
            print(f"{'plain openpyxl, strings':<24}{workbook.stat().st_size / MB:>8.1f}MB{code!s:>8}{seconds:>10.2f}"
                  f"{peak:>10.0f}  {reason[:110]}")
        if args.ledger:
            ledger = _ledger(work)
            code, seconds, peak, reason = _measure([sys.executable, "-c", LEDGER_READER, str(ledger)])
            print(f"{'100,000 × 30 ledger':<24}{ledger.stat().st_size / MB:>8.1f}MB{code!s:>8}{seconds:>10.2f}"
                  f"{peak:>10.0f}  cells read: {reason}")


if __name__ == "__main__":
    main()
