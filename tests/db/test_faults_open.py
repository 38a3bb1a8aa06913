"""Faults around opening a database: a mistyped --db, odd folder names, a full disk, a hot journal.

Everything goes through the program's own paths: the command line as a subprocess, the GUI start,
``open_app_database`` and ``Database.session``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from shuanbai_desktop.data.models import AuditEntry, Person
from shuanbai_desktop.errors import DatabaseRefused, DiskFull
from tests.conftest import TEST_RECOVERY_CODE, raw_connect, unlock

PASSWORD = "Init2024pass"
INIT = ("init", "--town", "441302001", "--name", "桥东街道社会工作服务站", "--admin", "admin")


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shuanbai_desktop", *map(str, args)], capture_output=True,
                          text=True, env=dict(os.environ), timeout=180)


def _init(db: Path, tmp_path: Path) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    result = cli("--db", db, *INIT, "--password-file", pw, "--recovery-file", tmp_path / "recovery.txt")
    assert result.returncode == 0, result.stderr


# The newest audit entry other than a log-in (each command line run logs in, and that is audited).
NEWEST_BUT_LOG_IN = "SELECT max(id) FROM audit_entry WHERE NOT (action = 'event' AND summary LIKE '登录：%')"


def _as_admin(tmp_path: Path) -> tuple[str, ...]:
    """The command line's log-in as the administrator ``_init`` made (its password file)."""
    return ("--user", "admin", "--password-file", str(tmp_path / "pw.txt"))


def _recovery_file(tmp_path: Path) -> Path:
    """The recovery code of the test templates (``station_db``) in a file, for ``--recovery-file``."""
    file = tmp_path / "templates-recovery.txt"
    file.write_text(TEST_RECOVERY_CODE + "\n", encoding="utf-8")
    return file


def _rows(db: Path, sql: str):
    unlock(db, "admin", PASSWORD)  # a database (or backup) the command line made: the admin's slot
    conn = raw_connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# --- a mistyped --db: only init (and the GUI's set-up) create a database -------------------------

EXISTING_STATION_COMMANDS = [
    ("verify",),
    ("backup",),
    ("demo", "--residents", "10"),
    ("report", "--month", "2024-05", "--out", "OUT"),
    ("ledger", "visits", "--from", "2024-05-01", "--to", "2024-05-31", "--out", "OUT/l.xlsx"),
]


@pytest.mark.parametrize("command", EXISTING_STATION_COMMANDS, ids=lambda c: c[0])
def test_missing_database_is_refused_and_nothing_is_created(tmp_path, command):
    folder = tmp_path / "工作"
    folder.mkdir()
    missing = folder / "statoin.db"  # a typo
    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    result = cli("--db", missing, *args)
    assert result.returncode == 2, result.stderr
    assert "找不到数据库文件" in result.stderr and str(missing) in result.stderr
    assert "init" in result.stderr and "Traceback" not in result.stderr
    assert list(folder.iterdir()) == []  # no database, no lock file
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [("verify",), ("backup",), ("demo",),
                                     (*INIT, "--password-file", "PW", "--recovery-file", "RC")],
                         ids=lambda c: c[0])
def test_a_folder_as_database_is_exit_2_with_a_chinese_message(tmp_path, command):
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD, encoding="utf-8")
    folder = tmp_path / "社工站数据"
    folder.mkdir()
    given = {"PW": str(pw), "RC": str(tmp_path / "recovery.txt")}  # no recovery file is written either
    result = cli("--db", folder, *[given.get(a, a) for a in command])
    assert result.returncode == 2, result.stderr
    assert "文件夹" in result.stderr and str(folder) in result.stderr and "Traceback" not in result.stderr
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["pw.txt", "社工站数据"]


def test_an_empty_file_is_not_made_into_a_station_by_verify(tmp_path):
    db = tmp_path / "s.db"
    db.touch()
    result = cli("--db", db, "verify")
    assert result.returncode == 2 and "空的" in result.stderr
    assert db.stat().st_size == 0


def test_init_still_creates_the_database_and_its_folder(tmp_path):
    db = tmp_path / "新建" / "s.db"
    _init(db, tmp_path)
    assert _rows(db, "SELECT count(*) FROM station")[0][0] == 1


@pytest.fixture
def gui_start(monkeypatch, tmp_path, qapp):
    """run_gui in-process with its messages recorded (no modal box, no real log, excepthook put back)."""
    from PySide6.QtCore import QLocale, QTranslator

    from shuanbai_desktop import app
    said = []
    locale, quits = QLocale(), qapp.quitOnLastWindowClosed()
    translators = set(qapp.findChildren(QTranslator))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(app, "setup_logging", lambda: tmp_path / "shuanbai.log")
    monkeypatch.setattr(app.messages, "error", lambda parent, text, title="": said.append(text))
    yield app, said
    for translator in set(qapp.findChildren(QTranslator)) - translators:
        qapp.removeTranslator(translator)
    QLocale.setDefault(locale)
    qapp.setQuitOnLastWindowClosed(quits)


def test_gui_start_with_a_folder_as_database_says_so_and_exits_2(gui_start, tmp_path):
    app, said = gui_start
    folder = tmp_path / "数据"
    folder.mkdir()
    assert app.run_gui(folder) == 2
    assert len(said) == 1 and "文件夹" in said[0] and str(folder) in said[0]
    assert list(folder.iterdir()) == [] and not Path(f"{folder}.lock").exists()


def test_gui_smoke_start_with_a_folder_exits_2_with_the_message(tmp_path):
    folder = tmp_path / "数据"
    folder.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run([sys.executable, "-m", "shuanbai_desktop", "--db", str(folder), "--smoke-test"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2 and "文件夹" in result.stderr and "Traceback" not in result.stderr


# --- folders named with #, ?, %, spaces and Chinese ------------------------------------------------

ODD = "站#1 %a?b"


@pytest.mark.skipif(os.name != "posix", reason="? is not allowed in Windows file names")
def test_a_folder_with_odd_characters_works_for_init_demo_verify_backup(tmp_path):
    parent = tmp_path / "上级 文件夹"
    folder = parent / ODD
    db = folder / "社工站.db"
    _init(db, tmp_path)
    assert cli("--db", db, "demo", "--residents", "30", *_as_admin(tmp_path)).returncode == 0
    verified = cli("--db", db, "verify", *_as_admin(tmp_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "共 0 条" not in verified.stdout
    usb = tmp_path / "U盘 #2?%" / "备份"
    for target in ((), ("--to", usb)):
        backed = cli("--db", db, "backup", *target, *_as_admin(tmp_path))
        assert backed.returncode == 0, backed.stderr
    persons = _rows(db, "SELECT count(*) FROM person")[0][0]
    assert persons >= 30
    for backup in [*(folder / "backups").glob("backup-*.sqlite3"), *usb.glob("backup-*.sqlite3")]:
        assert _rows(backup, "SELECT count(*) FROM person")[0][0] == persons, backup
    assert len(list((folder / "backups").glob("backup-*.sqlite3"))) >= 1 and len(list(usb.glob("*.sqlite3"))) == 1
    assert sorted(p.name for p in parent.iterdir()) == [ODD]  # no stray file one folder up
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["pw.txt", "recovery.txt", "上级 文件夹", "U盘 #2?%"])


# --- a full disk --------------------------------------------------------------------------------

def _limit_pages(db, extra_pages: int) -> None:
    """Every new connection of the app's engine may grow the file by ``extra_pages`` pages only: a
    genuine SQLITE_FULL from SQLite, as on a full disk."""
    db.engine.dispose()
    pages = _rows(db.path, "PRAGMA page_count")[0][0]

    @event.listens_for(db.engine, "connect")
    def _limit(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + extra_pages}")


def test_sqlite_full_rolls_back_the_whole_transaction_and_is_a_chinese_message(station_db):
    with station_db.session() as s:
        before = (s.scalar(select(func.count(Person.id))), s.scalar(select(func.max(AuditEntry.id))))
    _limit_pages(station_db, 20)
    with pytest.raises(DiskFull) as caught, station_db.session() as s:
        for n in range(200):
            s.add(Person(name=f"居民{n}", notes="入户走访记录。" * 200))
            s.flush()
    assert caught.value.message.startswith("磁盘空间不足") and "没有保存" in caught.value.message
    assert isinstance(caught.value.__cause__, Exception)
    with station_db.session() as s:
        after = (s.scalar(select(func.count(Person.id))), s.scalar(select(func.max(AuditEntry.id))))
    assert after == before
    station_db.close()
    assert _rows(station_db.path, "PRAGMA integrity_check") == [("ok",)]


def _mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir(parents=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is None or done.returncode != 0:
        pytest.skip("mounting a small tmpfs is not permitted here (needs root): disk full is tested with "
                    "max_page_count only")


@pytest.fixture
def small_disk(tmp_path):
    """A real 3 MB file system (tmpfs), mounted for the test and removed afterwards."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root: disk full is tested with max_page_count only")
    where = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    _mount_tmpfs(where, "3m")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


def _fill(folder: Path, leave: int) -> None:
    """Take the free space of ``folder``'s file system down to about ``leave`` bytes."""
    free = shutil.disk_usage(folder).free
    if free > leave:
        with (folder / "ballast.bin").open("wb") as fh:
            fh.write(b"\0" * (free - leave))


def test_cli_on_a_really_full_disk_is_exit_2_and_keeps_the_station(small_disk, tmp_path):
    db = small_disk / "station.db"
    _init(db, tmp_path)
    _fill(small_disk, 64 * 1024)
    before = _rows(db, "SELECT count(*) FROM person")[0][0], _rows(db, NEWEST_BUT_LOG_IN)[0][0]
    demo = cli("--db", db, "demo", "--residents", "3000", *_as_admin(tmp_path))
    assert demo.returncode == 2, demo.stdout + demo.stderr
    assert "磁盘空间不足" in demo.stderr and "没有保存" in demo.stderr and "意外错误" not in demo.stderr
    assert (_rows(db, "SELECT count(*) FROM person")[0][0],
            _rows(db, NEWEST_BUT_LOG_IN)[0][0]) == before
    verified = cli("--db", db, "verify", *_as_admin(tmp_path))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_cli_backup_to_a_full_disk_is_exit_2(tmp_path, small_disk):
    db = tmp_path / "station.db"
    _init(db, tmp_path)
    assert cli("--db", db, "demo", "--residents", "2000", *_as_admin(tmp_path)).returncode == 0
    before = _rows(db, NEWEST_BUT_LOG_IN)[0][0]
    backed = cli("--db", db, "backup", "--to", small_disk, *_as_admin(tmp_path))
    assert backed.returncode == 2, backed.stdout + backed.stderr
    assert "磁盘空间不足" in backed.stderr and "意外错误" not in backed.stderr
    assert _rows(db, NEWEST_BUT_LOG_IN)[0][0] == before  # a failed backup is not audited
    assert not list(small_disk.glob("*.sqlite3"))


# --- a hot journal: rolled back under the lock, our files only -------------------------------------

def _hot_journal(db: Path) -> bytes:
    """Leave a real hot journal: a writer process dies (os._exit) after SQLite spilled pages of an
    uncommitted transaction to the file. Returns the file's bytes as the crash left them. The writer
    is the program's driver, with the file's data key (none for a plain file)."""
    key = unlock(db)
    script = f"""
import os
from pathlib import Path
from shuanbai_desktop.data import engine, keyring
key = {key.raw.hex() if key else ""!r}
conn = engine.connect(Path({str(db)!r}), "rw", key=keyring.DataKey(bytes.fromhex(key)) if key else None,
                      isolation_level=None)
conn.execute("PRAGMA cache_size=10")
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE IF NOT EXISTS scratch (x)")
conn.executemany("INSERT INTO scratch VALUES (?)", [("x" * 2000,) for _ in range(400)])
os._exit(0)
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    journal = Path(f"{db}-journal")
    assert journal.read_bytes()[:8] == bytes.fromhex("d9d505f920a163d7"), "no hot journal was left"
    return db.read_bytes()


def test_hot_journal_of_a_foreign_file_is_never_rolled_back(tmp_path):
    from shuanbai_desktop.services.database_ops import open_app_database
    db = tmp_path / "other.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA application_id=1234")
    conn.execute("CREATE TABLE songs (title)")
    conn.commit()
    conn.close()
    left = _hot_journal(db)
    with pytest.raises(DatabaseRefused, match="不是社工站工作平台的数据库"):
        open_app_database(db)
    assert db.read_bytes() == left and Path(f"{db}-journal").exists()


def test_hot_journal_of_our_file_is_rolled_back_by_the_cli(station_db, db_path):
    station_db.close()
    persons = _rows(db_path, "SELECT count(*) FROM person")[0][0]
    _hot_journal(db_path)
    result = cli("--db", db_path, "verify", "--recovery-file", _recovery_file(db_path.parent))
    assert result.returncode == 0, result.stdout + result.stderr
    assert not Path(f"{db_path}-journal").exists()
    assert _rows(db_path, "SELECT count(*) FROM sqlite_master WHERE name='scratch'")[0][0] == 0
    assert _rows(db_path, "SELECT count(*) FROM person")[0][0] == persons
