"""Start-up deferrals (issue 16): the first window without SQLAlchemy or Alembic, the integrity check
behind it holding back every session, a damaged file still refused (GUI start, command line)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from shuanbai_desktop import paths
from shuanbai_desktop.data.migrate import head_revisions, known_revisions
from shuanbai_desktop.errors import DatabaseRefused
from shuanbai_desktop.services import backup
from shuanbai_desktop.services.opening import open_app_database


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen")


def _damage_an_index(path: Path) -> bytes:
    """Break the b-tree page of an audit-trail index: the start-up's own reads (header, schema, the
    station's name) still work, ``PRAGMA quick_check`` does not."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE type='index' AND tbl_name='audit_entry' "
                        "ORDER BY rootpage DESC LIMIT 1").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size:(root - 1) * page_size + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT name FROM station").fetchone()  # still readable up to the window
        assert conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    finally:
        conn.close()
    return bytes(data)


def test_the_revisions_read_from_the_version_files_are_alembics():
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    scripts = ScriptDirectory.from_config(cfg)
    assert head_revisions() == frozenset(scripts.get_heads())
    assert known_revisions() == {s.revision for s in scripts.walk_revisions()}


def test_sessions_wait_for_the_check_and_a_damaged_file_gets_none(station_db, db_path):
    station_db.close()
    left = _damage_an_index(db_path)
    leftover = Path(f"{db_path}{backup.RESTORE_TMP}")
    leftover.write_bytes(b"half a restore")
    db = open_app_database(db_path, check_in_background=True)  # returns before the check has ended
    try:
        for _ in range(2):  # refused each time it is asked, never a session
            with pytest.raises(DatabaseRefused, match="完整性检查未通过"), db.session():
                pytest.fail("a session began on a file that failed its integrity check")
        assert not db.checked
    finally:
        db.close()
    assert db_path.read_bytes() == left
    assert leftover.exists()  # nothing cleaned up beside a file that was refused


def test_after_the_check_passed_sessions_run_and_leftovers_are_cleaned(station_db, db_path):
    station_db.close()
    leftover = Path(f"{db_path}{backup.RESTORE_TMP}")
    leftover.write_bytes(b"half a restore")
    db = open_app_database(db_path, check_in_background=True)
    try:
        with db.session() as s:
            from shuanbai_desktop.services import station
            assert station.get_station(s) is not None
        assert db.checked and not leftover.exists()
    finally:
        db.close()


FIRST_WINDOW = textwrap.dedent("""
    import os, sys
    from shuanbai_desktop.ui import login_dialog
    real = login_dialog.LoginDialog.open
    def opened(self):
        real(self)
        heavy = [m for m in ("sqlalchemy", "alembic", "shuanbai_desktop.data.models", "argon2", "zxcvbn")
                 if m in sys.modules]
        print("HEAVY", heavy, flush=True)
        os._exit(0)
    login_dialog.LoginDialog.open = opened
    from shuanbai_desktop.cli import run
    run(["--db", sys.argv[1], "--smoke-test"])
""")


def test_the_log_in_window_opens_before_sqlalchemy_and_alembic_are_loaded(station_db, db_path):
    station_db.close()
    done = subprocess.run([sys.executable, "-c", FIRST_WINDOW, str(db_path)], capture_output=True, text=True,
                          env=_env(), timeout=120)
    assert "HEAVY []" in done.stdout, done.stdout + done.stderr


def test_gui_start_on_a_damaged_file_shows_the_window_then_refuses_it(station_db, db_path):
    station_db.close()
    left = _damage_an_index(db_path)
    done = subprocess.run([sys.executable, "-m", "shuanbai_desktop", "--db", str(db_path), "--smoke-test"],
                          capture_output=True, text=True, env=_env(), timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "SMOKE-TEST SHOWN LoginDialog" in done.stdout and "SMOKE-TEST OK" not in done.stdout
    assert "SMOKE-TEST REFUSED" in done.stderr and "完整性检查未通过" in done.stderr
    assert "Traceback" not in done.stderr
    assert db_path.read_bytes() == left


def test_command_line_on_a_damaged_file_is_refused_untouched(station_db, db_path):
    station_db.close()
    left = _damage_an_index(db_path)
    done = subprocess.run([sys.executable, "-m", "shuanbai_desktop", "--db", str(db_path), "verify"],
                          capture_output=True, text=True, env=_env(), timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "完整性检查未通过" in done.stderr and "Traceback" not in done.stderr
    assert db_path.read_bytes() == left
