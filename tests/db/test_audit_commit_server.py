"""Two PCs on one server (issue 19, speed): one PC's transaction that has written but not yet committed
does not hold up another PC's save, because the audit trail's rows are appended, under the chain's lock,
only just before the commit (data/audit.py). The entries are numbered in commit order; the chain verifies."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import text

from shuanbai_desktop.data import audit, backend
from tests import pgcluster
from tests.db.test_audit_commit import change, entries, verified

BACKENDS = ("postgresql",)

HOLDER = textwrap.dedent("""
    import sys
    from shuanbai_desktop.data import audit, backend
    from shuanbai_desktop.data.migrate import open_server_database
    from shuanbai_desktop.data.models import Setting
    db = open_server_database(backend.parse_server_url(sys.argv[1], sys.argv[2]))
    with db.session(audit.Actor(None, "甲电脑")) as s:
        s.add(Setting(key="t.holder", value='"x"'))
        s.flush()
        audit.record_event(s, "test", "t.holder", "甲电脑的事件")
        s.flush()
        print("written", flush=True)
        sys.stdin.readline()  # the test says when to commit
    print("committed", flush=True)
    db.close()
""")

AUDIT_LOCK_HELD = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                       "AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1")


def test_an_open_transaction_does_not_hold_up_another_pcs_commit(station_db, tmp_path):
    """PC 甲 has written and flushed but not committed; PC 乙 saves and commits meanwhile. With the lock taken
    at the first flush (before), 甲 held the chain's lock and 乙 waited until 甲 committed. The entries are
    numbered in commit order and the chain verifies."""
    target = station_db.server
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    url = pgcluster.cluster().url(target.database)
    holder = subprocess.Popen([sys.executable, str(script), url, str(target.shared_dir)], env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "written", holder.stderr.read() if holder.stderr else ""
        key = {"high": backend.AUDIT_LOCK_KEY >> 32, "low": backend.AUDIT_LOCK_KEY & 0xFFFFFFFF}
        with station_db.engine.connect() as conn:
            assert conn.execute(AUDIT_LOCK_HELD, key).scalar_one() == 0  # 甲's open transaction holds no lock
        with station_db.session() as s:
            s.execute(text("SET LOCAL lock_timeout = '120s'"))  # a wait would end in an error, not hang
            change(s, "t.second")
        assert holder.poll() is None  # 甲 is still open: 乙 did not wait for it
        assert entries(station_db, "t.holder") == []
        holder.stdin.write("commit\n")
        holder.stdin.flush()
        out, err = holder.communicate(timeout=120)
    finally:
        if holder.poll() is None:
            holder.kill()
    assert holder.returncode == 0 and out.strip() == "committed", err
    second = [i for i, _r in entries(station_db, "t.second")]
    first = [i for i, _r in entries(station_db, "t.holder")]
    assert len(first) == len(second) == 2 and max(second) < min(first)  # 甲's entries follow 乙's: its commit did
    verified(station_db)


def test_a_pc_writes_the_shared_head_file_at_most_once_in_a_few_seconds_and_at_close(station_db, monkeypatch):
    """The head file in the shared folder: the first commit writes it; a commit moments later leaves its head
    waiting (no write on the share per save); the check (verify) and closing the database write the newest."""
    from shuanbai_desktop.data import audit_key
    monkeypatch.setattr(audit, "SERVER_HEAD_INTERVAL_S", 3600.0)  # "moments later", whatever the machine's pace
    anchor = station_db.anchor
    station_db.close()  # a waiting head of the fixture's own set-up is written; the interval starts afresh
    with station_db.session() as s:
        change(s, "t.first")
    first = max(i for i, _r in entries(station_db, "t.first"))
    assert audit_key.read_head(anchor).id == first
    with station_db.session() as s:
        change(s, "t.later")
    later = max(i for i, _r in entries(station_db, "t.later"))
    assert later > first and audit_key.read_head(anchor).id == first  # waiting, not written
    verified(station_db)  # the check writes the waiting head before it compares
    assert audit_key.read_head(anchor).id == later
    with station_db.session() as s:
        change(s, "t.last")
    last = max(i for i, _r in entries(station_db, "t.last"))
    station_db.close()
    assert audit_key.read_head(anchor).id == last
