"""Benchmark (run by hand, never asserts time): attachments encrypted at rest against plain storage.

    .venv/bin/python tests/benchmarks/bench_attachments.py [--mb 50] [--rounds 3]

For one file of ``--mb`` MB (the largest attachment allowed is 50 MB), medians of ``--rounds``:
storing it plain and encrypted (``attachments._put``: AES-256-GCM, ``.tmp`` + fsync + rename), reading
it back (``open_plain``), converting a plain stored file in place (``encrypt_folder``: write, read back
and check, overwrite and remove the plain one), and the peak memory of an encrypted store and read
(the whole file is held in memory, about three copies of it at the peak).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    from shuanbai_desktop.data import engine
    from shuanbai_desktop.data.keyring import DataKey
    from shuanbai_desktop.services import attachments
    parser = argparse.ArgumentParser(description="附件加密的性能基准（与不加密对比）")
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = os.urandom(args.mb * 1024 * 1024)
    name = hashlib.sha256(data).hexdigest() + ".pdf"
    key = DataKey.new()
    times: dict[str, list[float]] = {}

    def timed(label: str, action) -> None:
        started = time.perf_counter()
        action()
        times.setdefault(label, []).append(time.perf_counter() - started)

    with tempfile.TemporaryDirectory(prefix="shuanbai-bench-attach-") as work:
        db_path = Path(work) / "station.db"
        engine.use_key(db_path, key)
        store = attachments.store_dir(db_path)
        plain = store / name[:2] / name
        sealed = plain.with_name(name + attachments.ENCRYPTED)
        for _ in range(args.rounds):
            for path in (plain, sealed):
                path.unlink(missing_ok=True)
            timed("存储（不加密）", lambda: attachments._put(store, data, name, None))
            timed("读取（不加密）", lambda: attachments.open_plain(plain, db_path))
            timed("原地加密已有文件（encrypt_folder）", lambda: attachments.encrypt_folder(store, key))
            sealed.unlink()
            timed("存储（加密）", lambda: attachments._put(store, data, name, key))
            timed("读取并解密", lambda: attachments.open_plain(sealed, db_path))
        sealed.unlink()
        tracemalloc.start()
        attachments._put(store, data, name, key)
        attachments.open_plain(sealed, db_path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"附件 {args.mb} MB，{args.rounds} 轮中位数：")
    for label, values in times.items():
        print(f"  {label:<28} {statistics.median(values):7.3f} s")
    print(f"  加密存储 + 读取的内存峰值       {peak / 1048576:7.0f} MB（文件本身 {args.mb} MB）")


if __name__ == "__main__":
    main()
