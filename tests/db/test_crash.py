"""A writer killed with SIGKILL mid-transaction loses nothing it committed, and the app opens the file again.

The writer is the app itself (instance lock, unlocking with the administrator's password,
``open_app_database``, one ``db.session()`` per batch, audit trail) on the encrypted file. After each
kill the database is reopened through the app's own open path, as a user would: the GUI start and its
first log-in, which unlocks and opens the file (``--smoke-test``: the log-in window, then the
administrator logged in, not a refusal), and the command line (``verify``: exit 0). A rollback journal
left by the kill ("hot journal") must be rolled back by that open, never reported as a damaged file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ADMIN_PASSWORD, raw_connect
from tests.db.gui_scripts import AUTO_LOG_IN, SMOKE_START

ROWS = 50  # persons per batch (one transaction)
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")
WRITER = textwrap.dedent(f"""
    import sys
    from datetime import datetime
    from pathlib import Path
    from shuanbai_desktop.data.lock import InstanceLock
    from shuanbai_desktop.data.models import Person
    from shuanbai_desktop.services import encryption
    from shuanbai_desktop.services.database_ops import open_app_database
    path, batch = Path(sys.argv[1]), int(sys.argv[2])
    lock = InstanceLock(path).acquire()
    encryption.unlock(path, "admin", {ADMIN_PASSWORD!r}, datetime.now())
    db = open_app_database(path)
    # SQLite's stock page cache of 2 MB (SQLCipher's build has 8 MB by default): a batch outgrows it
    from sqlalchemy import event
    db.engine.dispose()
    event.listen(db.engine, "connect", lambda conn, _record: conn.execute("PRAGMA cache_size=-2000"))
    print("open", flush=True)
    while True:
        with db.session() as s:
            # ~43 KB of notes a person: a batch outgrows the page cache (2 MB), so pages are
            # written to the file before COMMIT and a kill leaves a hot journal to roll back
            s.add_all(Person(name=f"批{{batch}}", notes="入户走访，了解生活情况。" * 1200) for _ in range({ROWS}))
            s.flush()
            print("flushed", batch, flush=True)  # rows written, not committed: the journal is there
        print("committed", batch, flush=True)
        batch += 1
""")
ROUNDS = 8
GUI_LOG_IN = AUTO_LOG_IN + textwrap.dedent("""
    from shuanbai_desktop.ui import app_flow
    def logged_in(self):  # in: leave as a user would, before the main window
        print("LOGGED-IN", self.login.user.username, flush=True)
        self.db = self.login.db
        self.quit(0)
    app_flow.AppFlow._logged_in = logged_in
""") + SMOKE_START


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _app(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shuanbai_desktop", "--db", str(db), *args],
                          capture_output=True, text=True, env=_env(), timeout=120)


def _kill_writer(db: Path, first_batch: int, round_: int) -> int:
    """Run the writer from ``first_batch``, SIGKILL it; the last batch it acknowledged as committed."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(first_batch)], stdout=subprocess.PIPE,
                            text=True, env=_env())
    committed = first_batch - 1
    try:
        assert proc.stdout.readline().strip() == "open", "the writer could not open the database"
        wanted = first_batch + 1 + round_ % 2
        while True:
            line = proc.stdout.readline().split()
            assert line, "writer stopped early"
            if line[0] == "committed":
                committed = int(line[1])
            elif committed + 1 >= wanted:
                break  # mid-transaction: rows flushed, COMMIT not reached
        if round_ % 2 == 1:
            time.sleep(0.002 * round_)  # odd rounds: somewhere later (possibly in COMMIT)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for rest in proc.stdout.read().split("\n"):  # acknowledged before the kill landed
            if rest.startswith("committed"):
                committed = int(rest.split()[1])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return committed


def _hot(journal: Path) -> bool:
    """A journal SQLite must roll back: synced (its header carries the magic number), not yet deleted."""
    if not journal.exists():
        return False
    with journal.open("rb") as fh:
        return fh.read(8) == JOURNAL_MAGIC


def _batches(db: Path) -> dict[int, int]:
    conn = raw_connect(db)
    try:
        rows = conn.execute("SELECT substr(name, 2), count(*) FROM person WHERE name LIKE '批%' GROUP BY name")\
            .fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    return {int(batch): count for batch, count in rows}


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_kill_mid_transaction_then_reopen_through_the_app(station_db, db_path, tmp_path):
    station_db.close()
    password = tmp_path / "pw.txt"
    password.write_text(ADMIN_PASSWORD, encoding="utf-8")
    journal = Path(f"{db_path}-journal")
    hot = {"gui": 0, "cli": 0}
    acknowledged = 0
    for round_ in range(ROUNDS):
        acknowledged = _kill_writer(db_path, acknowledged + 1, round_)
        first = "gui" if round_ % 4 < 2 else "cli"  # each opener meets both kinds of kill
        was_hot = _hot(journal)
        hot[first] += was_hot
        if first == "gui":
            started = subprocess.run([sys.executable, "-c", GUI_LOG_IN, str(db_path), ADMIN_PASSWORD],
                                     capture_output=True, text=True, env=_env(), timeout=120)
            assert started.returncode == 0, started.stdout + started.stderr
            assert "SMOKE-TEST SHOWN LoginDialog" in started.stdout and "LOGGED-IN admin" in started.stdout
            assert "损坏" not in started.stderr and "REFUSED" not in started.stderr
            assert not _hot(journal), "the log-in's open did not roll the journal back"
        verified = _app(db_path, "verify", "--user", "admin", "--password-file", str(password))
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "损坏" not in verified.stdout + verified.stderr
        assert not _hot(journal), "the open did not roll the journal back"
        batches = _batches(db_path)
        assert all(count == ROWS for count in batches.values()), f"a batch was half written: {batches}"
        missing = set(range(1, acknowledged + 1)) - set(batches)
        assert not missing, f"committed batches lost: {sorted(missing)}"
        acknowledged = max(batches)  # the batch in flight may have committed just before the kill
    print(f"rounds {ROUNDS}, hot journals rolled back by the open: {hot}")
    assert hot["gui"] > 0 and hot["cli"] > 0, f"no hot journal was left for an opener to roll back: {hot}"
