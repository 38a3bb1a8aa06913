"""Start-up deferrals (issue 16): the first window without SQLAlchemy or Alembic, the integrity check
behind it holding back every session, a damaged file still refused (GUI start, command line)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from shuanbai_desktop import paths
from shuanbai_desktop.data import audit, migrate
from shuanbai_desktop.data.db import wait_until_checked
from shuanbai_desktop.data.engine import sqlite
from shuanbai_desktop.data.migrate import head_revisions, known_revisions
from shuanbai_desktop.data.models import AuditEntry, User
from shuanbai_desktop.errors import DatabaseRefused
from shuanbai_desktop.services import backup, station
from shuanbai_desktop.services.opening import open_app_database
from tests.conftest import ADMIN_PASSWORD, raw_connect
from tests.db.gui_scripts import AUTO_LOG_IN, SMOKE_START

DAMAGED = "完整性检查未通过"  # migrate.DAMAGED: quick_check found the damage
UNREADABLE = "已损坏，无法读取"  # migrate.unreadable: a page SQLCipher refuses (its MAC does not match)


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen")


def _damage_an_index(path: Path, how: str = "tree") -> bytes:
    """Break an audit-trail index: the start-up's own reads (header, schema, the station's name) still
    work, ``PRAGMA quick_check`` does not. The file is encrypted, so a damaged b-tree is made through its
    key: ``tree`` points the index at the table's root page (quick_check reports the two trees sharing
    pages); ``page`` overwrites eight bytes of the index's encrypted page (a bad sector: SQLCipher's page
    MAC fails when quick_check reads it)."""
    conn = raw_connect(path, "rw")
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE type='index' AND tbl_name='audit_entry' "
                        "ORDER BY rootpage DESC LIMIT 1").fetchone()[0]
    if how == "tree":
        table = conn.execute("SELECT rootpage FROM sqlite_master WHERE type='table' AND name='audit_entry'"
                             ).fetchone()[0]
        conn.execute("PRAGMA writable_schema=ON")
        conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE type='index' AND rootpage = ?", (table, root))
        conn.commit()
    conn.close()
    if how == "page":
        data = bytearray(path.read_bytes())
        data[(root - 1) * page_size + 100:(root - 1) * page_size + 108] = b"\xff" * 8
        path.write_bytes(bytes(data))
    conn = raw_connect(path)
    try:
        assert conn.execute("SELECT name FROM station").fetchone()  # still readable up to the window
        if how == "tree":
            assert conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]
        else:
            with pytest.raises(sqlite.DatabaseError):
                conn.execute("PRAGMA quick_check").fetchall()
    finally:
        conn.close()
    return path.read_bytes()


def test_the_revisions_read_from_the_version_files_are_alembics():
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    scripts = ScriptDirectory.from_config(cfg)
    assert head_revisions() == frozenset(scripts.get_heads())
    assert known_revisions() == {s.revision for s in scripts.walk_revisions()}


@pytest.mark.parametrize(("how", "refusal"), [("tree", DAMAGED), ("page", UNREADABLE)])
def test_sessions_wait_for_the_check_and_a_damaged_file_gets_none(station_db, db_path, how, refusal):
    station_db.close()
    left = _damage_an_index(db_path, how)
    leftover = Path(f"{db_path}{backup.RESTORE_TMP}")
    leftover.write_bytes(b"half a restore")
    db = open_app_database(db_path, check_in_background=True)  # returns before the check has ended
    try:
        for _ in range(2):  # refused each time it is asked, never a session
            with pytest.raises(DatabaseRefused, match=refusal), db.session():
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


def _held_check(monkeypatch) -> threading.Event:
    """The background check waits for the returned event before it reads anything."""
    release = threading.Event()
    real = migrate.connect_readonly

    def held(path, **kwargs):
        if threading.current_thread().name == "quick_check":  # not the opening's own reads
            assert release.wait(60)
        return real(path, **kwargs)
    monkeypatch.setattr(migrate, "connect_readonly", held)
    return release


def test_a_read_before_check_session_reads_at_once_and_commits_only_after_the_check(
        station_db, db_path, monkeypatch):
    station_db.close()
    release = _held_check(monkeypatch)
    db = open_app_database(db_path, check_in_background=True)
    try:
        with db.session(read_before_check=True) as s:
            assert station.get_station(s) is not None  # read while the check has not even started
            assert not db.checked
            audit.record_event(s, "station", "1", "读在检查之前")
            threading.Timer(0.2, release.set).start()
            wait_until_checked(s)  # what an export calls before its file leaves the program
            assert db.checked
        with db.session() as s:
            assert s.scalar(select(AuditEntry).where(AuditEntry.summary == "读在检查之前")) is not None
    finally:
        release.set()
        db.close()


@pytest.mark.parametrize(("how", "refusal"), [("tree", DAMAGED), ("page", UNREADABLE)])
def test_a_read_before_check_session_on_a_damaged_file_commits_nothing(station_db, db_path, how, refusal):
    station_db.close()
    left = _damage_an_index(db_path, how)
    db = open_app_database(db_path, check_in_background=True)
    try:
        with pytest.raises(DatabaseRefused, match=refusal), db.session(read_before_check=True) as s:
            s.execute(update(User).values(display_name="不该写入"))
        with pytest.raises(DatabaseRefused, match=refusal), db.session():
            pytest.fail("a session began on a file that failed its integrity check")
    finally:
        db.close()
    assert db_path.read_bytes() == left
    assert not Path(f"{db_path}-journal").exists()


def _last_month() -> str:
    """The month the command accepts today (the command line itself reads the clock)."""
    today = date.today()
    return f"{today.year - 1}-12" if today.month == 1 else f"{today.year}-{today.month - 1:02d}"


@pytest.mark.parametrize(("how", "refusal"), [("tree", DAMAGED), ("page", UNREADABLE)])
def test_report_on_a_damaged_file_is_refused_and_writes_no_report(station_db, db_path, tmp_path, how, refusal):
    """``report`` reads while the check runs (issue 16): the damage is still what it says, no package
    (nor its work folder) is left in the chosen folder, and the file is as it was."""
    station_db.close()
    left = _damage_an_index(db_path, how)
    password = tmp_path / "pw.txt"
    password.write_text(ADMIN_PASSWORD, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-m", "shuanbai_desktop", "--db", str(db_path), "report",
                           "--month", _last_month(), "--out", str(out), "--user", "admin",
                           "--password-file", str(password)],
                          capture_output=True, text=True, env=_env(), timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert refusal in done.stderr and "Traceback" not in done.stderr
    assert list(out.iterdir()) == []
    assert db_path.read_bytes() == left


AT_CHECK = textwrap.dedent("""
    import sys
    from shuanbai_desktop.data import migrate
    real = migrate.IntegrityCheck.__init__
    def started(self, path):
        print("AT-CHECK", sorted(m for m in ("sqlalchemy", "shuanbai_desktop.data.models") if m in sys.modules),
              flush=True)
        real(self, path)
    migrate.IntegrityCheck.__init__ = started
    from shuanbai_desktop.cli import run
    sys.exit(run(sys.argv[1:]))
""")


def test_the_command_line_starts_the_check_before_it_loads_sqlalchemy(station_db, db_path, tmp_path):
    """Unlocking an encrypted station (the password file, the key file, Argon2id) needs neither SQLAlchemy
    nor the models, so the integrity check — the longest part of ``report --month`` — starts at once."""
    station_db.close()
    password = tmp_path / "pw.txt"
    password.write_text(ADMIN_PASSWORD, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", AT_CHECK, "--db", str(db_path), "verify", "--user", "admin",
                           "--password-file", str(password)], capture_output=True, text=True, env=_env(),
                          timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "AT-CHECK []" in done.stdout, done.stdout


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


LOG_IN_AT_ONCE = AUTO_LOG_IN + SMOKE_START


def test_gui_start_on_a_damaged_file_shows_the_window_then_refuses_it(station_db, db_path):
    """An encrypted file is checked once the log-in has unlocked it: the log-in window comes first, the
    administrator logs in, and the check behind it refuses the file as at the start-up (box, exit 2)."""
    station_db.close()
    left = _damage_an_index(db_path)
    done = subprocess.run([sys.executable, "-c", LOG_IN_AT_ONCE, str(db_path), ADMIN_PASSWORD],
                          capture_output=True, text=True, env=_env(), timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "SMOKE-TEST SHOWN LoginDialog" in done.stdout and "SMOKE-TEST OK" not in done.stdout
    assert "SMOKE-TEST REFUSED" in done.stderr and "完整性检查未通过" in done.stderr
    assert "Traceback" not in done.stderr
    assert db_path.read_bytes() == left


def test_command_line_on_a_damaged_file_is_refused_untouched(station_db, db_path, tmp_path):
    station_db.close()
    left = _damage_an_index(db_path)
    password = tmp_path / "pw.txt"
    password.write_text(ADMIN_PASSWORD, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "shuanbai_desktop", "--db", str(db_path), "verify",
                           "--user", "admin", "--password-file", str(password)],
                          capture_output=True, text=True, env=_env(), timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "完整性检查未通过" in done.stderr and "Traceback" not in done.stderr
    assert db_path.read_bytes() == left
