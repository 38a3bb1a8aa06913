"""Encryption at rest (issue 17), end to end through the program's own paths: the command line in
processes of its own (each one a fresh process that knows no key until it unlocks one), the services,
and the GUI start.

The station is the one ``shuanbai-desktop init`` made (``cli_station_template``, copied per test: the
copies share its key file, so the key is known in this process once the template was unlocked;
``another_station`` makes a station of another key in a process of its own, unknown here).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from shuanbai_desktop.data import engine
from shuanbai_desktop.data.engine import SQLITE_MAGIC, is_plain_file
from shuanbai_desktop.data.keyring import KeyRing, keyring_path
from shuanbai_desktop.domain.labels import Role
from shuanbai_desktop.errors import UserError
from tests.conftest import ADMIN_PASSWORD, copy_template, raw_connect

from .test_cli import ADMIN, PASSWORD, cli, open_as

AT = datetime(2024, 6, 3, 9, 0)
FIRST = "Wang-fang-2024a"  # the social worker's passwords, one after another
SECOND = "Wang-fang-2024b"
THIRD = "Wang-fang-2024c"
OTHER_ADMIN = ("zhanzhang", "Jiang-bei-2024-zhan")  # the administrator of ``another_station``


@pytest.fixture
def station(tmp_path, cli_station_template) -> Path:
    """A copy of the station ``init`` made (administrator ``admin`` with ``test_cli.PASSWORD``)."""
    db = tmp_path / "data" / "s.db"
    copy_template(cli_station_template, db)
    return db


@pytest.fixture
def recovery_file(cli_station_template) -> Path:
    """The recovery code ``init`` wrote for the template (its copies have the same key file)."""
    return cli_station_template.parent / "recovery.txt"


def unlocks(db: Path, username: str, password: str) -> bool:
    """Whether a fresh process opens ``db`` with this account's password (``verify`` unlocks, then checks)."""
    result = cli("--db", db, "verify", login=(username, password))
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 2:
        assert "用户名或密码错误" in result.stderr, result.stderr
        return False
    assert result.returncode == 0, result.stdout + result.stderr
    return True


def count(db: Path, table: str, where: str = "1") -> int:
    conn = raw_connect(db)
    try:
        return conn.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]
    finally:
        conn.close()


def user_id(db, username: str) -> int:
    from sqlalchemy import select

    from shuanbai_desktop.data.models import User
    with db.session() as s:
        return s.execute(select(User.id).where(User.username == username)).scalar_one()


def add_worker(db_path: Path, username: str = "wangfang", password: str = FIRST) -> None:
    """A social worker created by the administrator through the services (a new account: a new slot)."""
    from shuanbai_desktop.services import auth
    db = open_as(db_path)
    try:
        with db.session() as s:
            auth.create_user(s, username, "王芳", Role.SOCIAL_WORKER, password, must_change=False)
    finally:
        db.close()


def another_station(folder: Path) -> tuple[Path, Path, Path]:
    """A station of another key, made by ``init`` in its own process, and its backup made by ``backup``
    (its key is never unlocked in this process). Returns (database, backup, recovery file)."""
    folder.mkdir(parents=True)
    password_file = folder / "pw.txt"
    password_file.write_text(OTHER_ADMIN[1] + "\n", encoding="utf-8")
    db, code = folder / "o.db", folder / "o-recovery.txt"
    made = cli("--db", db, "init", "--town", "441302001", "--name", "江北街道社会工作服务站", "--admin", OTHER_ADMIN[0],
               "--password-file", password_file, "--recovery-file", code)
    assert made.returncode == 0, made.stderr
    backed = cli("--db", db, "backup", "--to", folder / "usb", login=OTHER_ADMIN)
    assert backed.returncode == 0, backed.stderr
    return db, next((folder / "usb").glob("backup-*.sqlite3")), code


# --- a station made by ``init`` --------------------------------------------------------------------


def test_init_makes_an_encrypted_file_and_a_key_file_that_names_no_user(cli_station_template, station):
    for path in (cli_station_template, station):
        with path.open("rb") as fh:
            assert fh.read(16) != SQLITE_MAGIC
    ring_file = keyring_path(cli_station_template)
    assert stat.S_IMODE(ring_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli_station_template.stat().st_mode) == 0o600
    text = ring_file.read_text(encoding="utf-8")
    record = json.loads(text)
    assert set(record["slots"]) == {KeyRing.load(ring_file).user_slot_id("admin"), "recovery"}
    for secret in ("admin", "副站长", PASSWORD):
        assert secret not in text
    key = engine.key_for(cli_station_template)
    assert key is not None and key.raw.hex() not in text

    refused = cli("--db", station, "verify")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "数据库已加密" in refused.stderr and "--recovery-file" in refused.stderr
    assert unlocks(station, *ADMIN)
    demo = cli("--db", station, "demo", "--residents", "20", login=ADMIN)
    assert demo.returncode == 0, demo.stderr
    backed = cli("--db", station, "backup", login=ADMIN)
    assert backed.returncode == 0 and "完整性检查：ok" in backed.stdout, backed.stdout + backed.stderr
    assert count(station, "person") == 20


def test_the_gui_start_shows_the_log_in_of_an_encrypted_station_without_its_key(station):
    """The first window comes before any key: the station's name is the key file's."""
    started = subprocess.run([sys.executable, "-m", "shuanbai_desktop", "--db", str(station), "--smoke-test"],
                             capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert started.returncode == 0, started.stdout + started.stderr
    assert "SMOKE-TEST OK LoginDialog 桥东街道社会工作服务站" in started.stdout


def test_wrong_passwords_before_the_open_count_toward_the_lock_out_and_the_trail(station):
    """A password that opens no key is noted in the key file (the database cannot be read yet), then
    carried into the account's lock-out and the audit trail by the next log-in that opens it: five wrong
    unlocks lock the account, as five wrong log-ins do."""
    wrong = cli("--db", station, "verify", login=("admin", "Init2024past"))
    unknown = cli("--db", station, "verify", login=("nobody", PASSWORD))
    assert wrong.returncode == unknown.returncode == 2
    assert wrong.stderr == unknown.stderr and "用户名或密码错误" in wrong.stderr
    for _ in range(4):
        assert not unlocks(station, "admin", "Init2024past")
    noted = KeyRing.load(keyring_path(station))
    assert len(noted.take_failures("admin")) == 5 and len(noted.take_failures(None)) == 1

    locked = cli("--db", station, "backup", login=ADMIN)  # the right password: it opens the file …
    assert locked.returncode == 2 and "已锁定" in locked.stderr, locked.stdout + locked.stderr
    assert not list((station.parent / "backups").glob("*.sqlite3"))  # … and the account is locked
    assert count(station, "audit_entry", "summary LIKE '登录失败：密码错误（打开数据库之前%'") == 5
    assert count(station, "audit_entry", "summary = '登录失败：用户名不存在（打开数据库之前）'") == 1
    assert count(station, "audit_entry", "summary LIKE '账户锁定：admin%'") == 1
    assert count(station, "app_user", "username = 'admin' AND locked_until IS NOT NULL") == 1
    carried = KeyRing.load(keyring_path(station))
    assert carried.take_failures("admin") == [] and carried.take_failures(None) == []


# --- accounts and their key slots ------------------------------------------------------------------


def test_a_password_change_a_reset_and_a_disabled_account_reach_the_key_file(station):
    from shuanbai_desktop.services import auth
    add_worker(station)
    assert unlocks(station, "wangfang", FIRST)  # a new account opens the file in a fresh process

    db = open_as(station, "wangfang")
    try:
        worker = user_id(db, "wangfang")
        with db.session() as s:
            auth.change_own_password(s, worker, FIRST, SECOND)
        ring = KeyRing.load(keyring_path(station))  # until a log-in settles it, either password opens
        assert ring.unlock_user("wangfang", FIRST) is not None
        assert ring.unlock_user("wangfang", SECOND) is not None
        auth.log_in(db, "wangfang", SECOND)
    finally:
        db.close()
    assert unlocks(station, "wangfang", SECOND)
    assert not unlocks(station, "wangfang", FIRST)

    db = open_as(station)  # the administrator resets it
    try:
        with db.session() as s:
            auth.reset_password(s, worker, THIRD)
        auth.log_in(db, "wangfang", THIRD)  # must change it at once, but the slot is settled
    finally:
        db.close()
    assert unlocks(station, "wangfang", THIRD)
    assert not unlocks(station, "wangfang", SECOND)

    db = open_as(station)
    try:
        with db.session() as s:
            auth.set_disabled(s, worker, True)
    finally:
        db.close()
    assert not KeyRing.load(keyring_path(station)).has_user("wangfang")
    assert not unlocks(station, "wangfang", THIRD)
    assert unlocks(station, *ADMIN)


def test_the_slot_of_an_account_that_was_never_saved_goes_at_the_next_log_in(station):
    """An account's slot is written before its transaction commits; when that transaction rolls back (or
    its process is killed), the next log-in drops the slot, so its password stops opening the data."""
    from shuanbai_desktop.services import auth
    db = open_as(station)
    try:
        with pytest.raises(RuntimeError), db.session() as s:
            auth.create_user(s, "yuanfang", "袁芳", Role.SOCIAL_WORKER, FIRST, must_change=False)
            raise RuntimeError("a later step of the same save failed")
    finally:
        db.close()
    assert count(station, "app_user", "username = 'yuanfang'") == 0
    assert KeyRing.load(keyring_path(station)).unlock_user("yuanfang", FIRST) is not None  # written early
    logged_in = cli("--db", station, "backup", login=ADMIN)
    assert logged_in.returncode == 0, logged_in.stderr
    assert not KeyRing.load(keyring_path(station)).has_user("yuanfang")
    assert not unlocks(station, "yuanfang", FIRST)
    assert unlocks(station, *ADMIN)


# --- the recovery code -----------------------------------------------------------------------------


def test_the_recovery_code_opens_is_renewed_and_resets_an_administrator(station, recovery_file, tmp_path):
    from shuanbai_desktop.services import auth, encryption
    opened = cli("--db", station, "verify", "--recovery-file", recovery_file)
    assert opened.returncode == 0 and "校验链完整" in opened.stdout, opened.stdout + opened.stderr

    add_worker(station)
    db = open_as(station)
    try:
        code, _made = encryption.renew_recovery_code(db, db.acting_for, AT)
    finally:
        db.close()
    old = cli("--db", station, "verify", "--recovery-file", recovery_file)
    assert old.returncode == 2 and "恢复码不正确" in old.stderr
    new_file = tmp_path / "new-recovery.txt"
    new_file.write_text(code + "\n", encoding="utf-8")
    assert cli("--db", station, "verify", "--recovery-file", new_file).returncode == 0
    with pytest.raises(UserError, match="恢复码不正确"):
        encryption.recover_admin(station, recovery_file.read_text(encoding="utf-8"), "admin", "Ba-2024-new",
                                 "Ba-2024-new", AT)

    with pytest.raises(UserError, match="恢复码只能为一个在用的管理员账户重设密码"):
        encryption.recover_admin(station, code, "wangfang", "Ba-2024-new", "Ba-2024-new", AT)
    db = encryption.recover_admin(station, code, "admin", "Ba-2024-new", "Ba-2024-new", AT)
    try:
        assert auth.log_in(db, "admin", "Ba-2024-new").role is Role.ADMIN
    finally:
        db.close()
    assert unlocks(station, "admin", "Ba-2024-new")
    assert not unlocks(station, *ADMIN)


def test_the_command_line_recovers_an_administrator_with_the_code(station, recovery_file, tmp_path):
    """``recover``: every administrator password lost, the recovery code gives one a new password; the
    old password then opens nothing, the new one logs in; a wrong code or a non-administrator changes
    nothing."""
    add_worker(station)
    new_password = tmp_path / "new.txt"
    new_password.write_text("Zhan-2024-recovered\n", encoding="utf-8")
    wrong = tmp_path / "wrong-code.txt"
    wrong.write_text("00000-00000-00000-00000-00000-00000-00000-00000\n", encoding="utf-8")
    refused = cli("--db", station, "recover", "--recovery-file", wrong, "--user", "admin",
                  "--password-file", new_password)
    assert refused.returncode == 2 and "恢复码不正确" in refused.stderr, refused.stderr
    not_admin = cli("--db", station, "recover", "--recovery-file", recovery_file, "--user", "wangfang",
                    "--password-file", new_password)
    assert not_admin.returncode == 2 and "管理员" in not_admin.stderr, not_admin.stderr
    assert unlocks(station, *ADMIN)
    done = cli("--db", station, "recover", "--recovery-file", recovery_file, "--user", "admin",
               "--password-file", new_password)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Zhan-2024-recovered" not in done.stdout + done.stderr
    assert unlocks(station, "admin", "Zhan-2024-recovered")
    assert not unlocks(station, *ADMIN)
    assert unlocks(station, "wangfang", FIRST)  # the others' passwords are untouched


# --- backups -------------------------------------------------------------------------------------


def test_a_backup_is_encrypted_carries_the_key_file_and_restores_from_the_command_line(station, tmp_path):
    usb = tmp_path / "usb"
    backed = cli("--db", station, "backup", "--to", usb, login=ADMIN)
    assert backed.returncode == 0, backed.stderr
    backup_file = next(usb.glob("backup-441302001-*.sqlite3"))
    with backup_file.open("rb") as fh:
        assert fh.read(16) != SQLITE_MAGIC
    carried = KeyRing.load(keyring_path(backup_file))
    assert carried.file_id == KeyRing.load(keyring_path(station)).file_id
    assert stat.S_IMODE(keyring_path(backup_file).stat().st_mode) == 0o600

    add_worker(station)  # a change after the backup, undone by the restore
    restored = cli("restore", backup_file, env_db=station, login=ADMIN)
    assert restored.returncode == 0, restored.stderr
    assert count(station, "app_user", "username = 'wangfang'") == 0
    assert not is_plain_file(station) and unlocks(station, *ADMIN)


def test_a_backup_of_another_station_needs_its_password_or_its_recovery_code(
        station, tmp_path, cli_station_template):
    from shuanbai_desktop.services import backup, database_ops, encryption
    _other, other_backup, other_code = another_station(tmp_path / "other")

    db = open_as(station)
    try:
        with pytest.raises(backup.BackupLocked):
            database_ops.prepare_restore(db, other_backup)
        with pytest.raises(UserError, match="密码不正确"):
            encryption.unlock_backup(other_backup, *ADMIN)  # this station's account is not in it
        encryption.unlock_backup(other_backup, *OTHER_ADMIN)
        restored, _safety = database_ops.restore_into(db, other_backup)
        restored.close()
    finally:
        db.close()
    assert unlocks(station, *OTHER_ADMIN)  # the restored file comes with its own key file and accounts
    assert not unlocks(station, *ADMIN)

    second = tmp_path / "second" / "s.db"  # the same from the command line, with the backup's recovery code
    copy_template(cli_station_template, second)
    locked = cli("restore", other_backup, env_db=second, login=ADMIN)
    assert locked.returncode == 2 and "密码不正确" in locked.stderr, locked.stderr
    restored = cli("restore", other_backup, "--recovery-file", other_code, env_db=second, login=ADMIN)
    assert restored.returncode == 0, restored.stderr
    assert cli("--db", second, "verify", "--recovery-file", other_code).returncode == 0


# --- the upgrade of a plain database of an earlier version ---------------------------------------------


WORKER_PASSWORD = "Old-worker-2023"


def plain_station(path: Path, residents: int = 5) -> None:
    """A station as the previous version made it: plain SQLite (no key known for the path, no key file),
    the station and its administrator, a social worker and a few residents, through the services."""
    from shuanbai_desktop.data import audit
    from shuanbai_desktop.domain.idcard import make_id_number
    from shuanbai_desktop.services import auth, persons, station
    from shuanbai_desktop.services.opening import open_app_database
    assert engine.key_for(path) is None and not keyring_path(path).exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_app_database(path)
    try:
        with db.session() as s:
            station.setup_station(s, "441302001", "桥东街道社会工作服务站", "惠州市惠城区桥东路1号", "0752-2808727",
                                  "admin", "李副站长", ADMIN_PASSWORD)
        db.acting_for = audit.Actor(user_id(db, "admin"), "admin")
        with db.session() as s:
            auth.create_user(s, "wangfang", "王芳", Role.SOCIAL_WORKER, WORKER_PASSWORD, must_change=False)
            for i in range(residents):
                persons.save_person(s, persons.PersonInput(
                    name=f"居民{i}", id_number=make_id_number("441302", date(1950 + i, 3, 1), 100 + i)),
                    today=date(2024, 6, 1))
    finally:
        db.close()
    assert is_plain_file(path) and not keyring_path(path).exists()


def test_a_plain_database_is_encrypted_by_the_administrator_from_the_command_line(tmp_path):
    from shuanbai_desktop import paths
    from shuanbai_desktop.services import backup, encryption
    db = tmp_path / "old" / "s.db"
    plain_station(db)
    before = {table: count(db, table) for table in ("person", "app_user", "village", "station")}

    worker = cli("--db", db, "annual", "--year", "2024", login=("wangfang", WORKER_PASSWORD))
    assert worker.returncode == 0 and "尚未加密" in worker.stderr, worker.stderr
    assert is_plain_file(db) and not keyring_path(db).exists()

    code_file = tmp_path / "recovery.txt"
    admin = cli("--db", db, "annual", "--year", "2024", "--recovery-file", code_file,
                login=("admin", ADMIN_PASSWORD))
    assert admin.returncode == 0, admin.stderr
    assert "数据库已加密" in admin.stdout and "加密前的 1 份备份仍是未加密的" in admin.stdout
    assert not is_plain_file(db) and keyring_path(db).exists()
    assert stat.S_IMODE(code_file.stat().st_mode) == 0o600
    assert {table: count(db, table) for table in before} == before
    verified = cli("--db", db, "verify", "--recovery-file", code_file)
    assert verified.returncode == 0 and "校验链完整" in verified.stdout, verified.stdout + verified.stderr
    assert unlocks(db, "wangfang", WORKER_PASSWORD)  # the slot made from its stored hash

    plain = [b.path for b in backup.list_backups(paths.backups_dir(db)) if is_plain_file(b.path)]
    assert len(plain) == 1
    assert encryption.remove_plain_backups(plain) == 1
    assert not plain[0].exists() and not backup.sidecar_path(plain[0]).exists()


def test_encrypt_plain_lists_the_backups_made_before_and_removes_them(tmp_path):
    from shuanbai_desktop.services import auth, backup, encryption
    from shuanbai_desktop.services.opening import open_app_database
    path = tmp_path / "old" / "s.db"
    plain_station(path)
    db = open_app_database(path)
    user = auth.log_in(db, "admin", ADMIN_PASSWORD)
    with pytest.raises(UserError, match="需要管理员登录"):
        encryption.encrypt_plain(db, auth.log_in(db, "wangfang", WORKER_PASSWORD), WORKER_PASSWORD, AT)
    done = encryption.encrypt_plain(db, user, ADMIN_PASSWORD, AT)
    done.db.close()
    assert [p.parent for p in done.plain_backups] == [path.parent / "backups"]
    assert all(is_plain_file(p) for p in done.plain_backups)
    assert not is_plain_file(path)
    assert encryption.remove_plain_backups(done.plain_backups) == 1
    for leftover in done.plain_backups:
        assert not leftover.exists() and not backup.sidecar_path(leftover).exists()
    assert not [p for p in (path.parent / "backups").iterdir() if is_plain_file(p)]


# --- a writer killed mid-transaction on the encrypted file ------------------------------------------


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def kill_demo_mid_transaction(db: Path, login: tuple[str, str], password_file: Path) -> Path:
    """Start ``demo`` (one transaction: accounts, service points, 30,000 residents) from the command line
    and SIGKILL it once its rollback journal is hot (synced: pages of the database are being written
    before COMMIT) and larger than the log-in's own transaction leaves (about 25 KB). Returns
    the journal, left as the kill left it."""
    journal = Path(f"{db}-journal")
    proc = subprocess.Popen([sys.executable, "-m", "shuanbai_desktop", "--db", str(db), "demo", "--residents",
                             "30000", "--user", login[0], "--password-file", str(password_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:  # a small transaction's journal (the log-in's) comes and goes between two looks
                with journal.open("rb") as fh:
                    if fh.read(8) == JOURNAL_MAGIC and os.fstat(fh.fileno()).st_size > 1 << 16:
                        break
            except FileNotFoundError:
                pass
            time.sleep(0.002)
        assert proc.poll() is None, "demo ended before its journal was hot"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return journal


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_a_writer_killed_mid_transaction_leaves_the_encrypted_file_whole(station, tmp_path):
    password_file = tmp_path / "pw.txt"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    before = {table: count(station, table) for table in ("person", "app_user", "service_point")}
    entries = count(station, "audit_entry")
    journal = kill_demo_mid_transaction(station, ADMIN, password_file)
    assert journal.exists() and journal.stat().st_size > 1 << 16

    verified = cli("--db", station, "verify", login=ADMIN)  # the open rolls the journal back
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "通过" in verified.stdout and "损坏" not in verified.stdout + verified.stderr
    assert not journal.exists()
    assert {table: count(station, table) for table in before} == before  # nothing of the demo is left
    assert count(station, "audit_entry", f"id > {entries} AND summary != '登录：admin'") == 0  # its log-in only
    demo = cli("--db", station, "demo", "--residents", "10", login=ADMIN)  # and it writes again
    assert demo.returncode == 0, demo.stderr
    assert count(station, "person") == before["person"] + 10



def _open_files(path: Path) -> int:
    """Descriptors of this process open on ``path`` (Linux)."""
    found = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            if Path(os.readlink(fd)) == path:
                found += 1
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_a_refused_recovery_leaves_no_database_open(station, recovery_file):
    """使用恢复码 with a name that is not an administrator's: the database it opened is closed again (the
    GUI collects garbage on a timer only, so nothing else would close it)."""
    import gc

    from shuanbai_desktop.services import encryption
    add_worker(station)
    code = recovery_file.read_text(encoding="utf-8")
    collecting = gc.isenabled()  # off in a worker that ran GUI tests (ui/threads.py): left as found
    gc.collect()
    gc.disable()
    try:
        before = _open_files(station)
        for _ in range(3):
            with pytest.raises(UserError, match="管理员"):
                encryption.recover_admin(station, code, "wangfang", "Ba-2024-new", "Ba-2024-new", AT)
        assert _open_files(station) == before
    finally:
        if collecting:
            gc.enable()
