"""A writer killed with SIGKILL mid-transaction loses nothing it committed and corrupts nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from shuanbai_desktop.data.db import Database
    from shuanbai_desktop.data.models import Person
    db = Database(Path(sys.argv[1]))
    batch = 0
    while batch < 100000:
        batch += 1
        with db.session() as s:
            s.add_all(Person(name=f"批{batch}", notes=str(batch)) for _ in range(20))
        print(batch, flush=True)
""")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_kill_mid_transaction_keeps_every_committed_batch(empty_db, db_path):
    empty_db.close()
    for round_ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path)], stdout=subprocess.PIPE, text=True)
        acknowledged = 0
        target = 3 + round_ * 2
        while acknowledged < target:
            line = proc.stdout.readline()
            assert line, "writer stopped early"
            acknowledged = int(line)
        time.sleep(0.01 * round_)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        conn = sqlite3.connect(db_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts = conn.execute("SELECT notes, count(*) FROM person WHERE name LIKE '批%' GROUP BY notes").fetchall()
            conn.execute("DELETE FROM person")
            conn.commit()
        finally:
            conn.close()
        assert all(n == 20 for _, n in counts), "a batch was half written"
        assert max(int(b) for b, _ in counts) >= acknowledged
