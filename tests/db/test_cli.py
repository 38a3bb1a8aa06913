"""The command line: exit codes, Chinese messages, the same services as the GUI, acting as a user."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from tests.conftest import ADMIN_PASSWORD, copy_template, raw_connect

from .conftest import temporary_home

PASSWORD = "Init2024pass"
ADMIN = ("admin", PASSWORD)  # the administrator ``initialised`` creates
STATION_ADMIN = ("admin", ADMIN_PASSWORD)  # the administrator of the ``station_db`` fixture
OTHERS_PASSWORD = "Qiao-dong-2024-zhan"


def cli(*args, env_db=None, login: tuple[str, str] | None = None):
    """Run the command line; ``login=(user, password)`` adds ``--user`` and ``--password-file``
    (a temporary file). Standard input is not a terminal: no password prompt."""
    env = dict(os.environ)
    if env_db:
        env["SHUANBAI_DB"] = str(env_db)
    extra: list[str] = []
    password_file = None
    if login is not None:
        handle, password_file = tempfile.mkstemp(suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            fh.write(login[1] + "\n")
        extra = ["--user", login[0], "--password-file", password_file]
    try:
        return subprocess.run([sys.executable, "-m", "shuanbai_desktop", *map(str, args), *extra],
                              capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    finally:
        if password_file is not None:
            os.unlink(password_file)


def act_as(db, username: str = "admin"):
    """Every session of ``db`` acts for ``username`` (as the GUI's after that user's log-in)."""
    from sqlalchemy import select

    from shuanbai_desktop.data import audit
    from shuanbai_desktop.data.models import User
    with db.session() as s:
        user_id = s.scalar(select(User.id).where(User.username == username))
    db.acting_for = audit.Actor(user_id, username)
    return db


def open_as(db_path, username: str = "admin"):
    """The station at ``db_path`` opened in this process, acting for ``username``: to build test
    data through the services."""
    from shuanbai_desktop.services.database_ops import open_app_database
    return act_as(open_app_database(db_path), username)


def add_user(db_path, username: str, role) -> None:
    """An account of ``role`` in the station at ``db_path`` (password ``OTHERS_PASSWORD``)."""
    from shuanbai_desktop.services import auth
    from shuanbai_desktop.services.database_ops import open_app_database
    from shuanbai_desktop.services.permissions import as_system
    db = open_app_database(db_path)
    try:
        with db.session() as s:
            as_system(s)
            auth.create_user(s, username, f"测试{role.short}", role, OTHERS_PASSWORD, must_change=False)
    finally:
        db.close()


@pytest.fixture
def initialised(tmp_path, cli_station_template):
    """A station made by the command line's ``init`` (a copy of the run's one: tests/db/conftest.py),
    with its administrator's password in ``pw.txt`` and the recovery code ``init`` wrote in
    ``recovery.txt`` beside it."""
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    shutil.copy(cli_station_template.parent / "recovery.txt", tmp_path / "recovery.txt")
    db = tmp_path / "s.db"
    copy_template(cli_station_template, db)
    return db


DEMO_RESIDENTS = 300


@pytest.fixture(scope="module")
def demo_station(tmp_path_factory, cli_station_template):
    """The ``init`` station with ``demo --residents 300`` run on it by the command line, once for the
    tests that read or copy it (the demo run takes seconds)."""
    db = tmp_path_factory.mktemp("cli-demo") / "s.db"
    copy_template(cli_station_template, db)
    with temporary_home(tmp_path_factory, "cli-demo-home"):
        result = cli("--db", db, "demo", "--residents", str(DEMO_RESIDENTS), login=ADMIN)
    assert result.returncode == 0, result.stderr
    return db


def test_init_demo_backup_verify_restore(demo_station, tmp_path):
    initialised = tmp_path / "s.db"
    copy_template(demo_station, initialised)
    count = raw_connect(initialised).execute("SELECT count(*) FROM person").fetchone()[0]
    assert count == DEMO_RESIDENTS
    usb = tmp_path / "usb"
    backed = cli("--db", initialised, "backup", "--to", usb, login=ADMIN)
    assert backed.returncode == 0 and "完整性检查：ok" in backed.stdout
    backup_file = next(usb.glob("backup-441302001-*.sqlite3"))
    conn = raw_connect(initialised, "rw")
    conn.execute("DELETE FROM person WHERE id > 100")
    conn.commit()
    conn.close()
    refused = cli("restore", backup_file, env_db=initialised)  # the database opens: someone must log in
    assert refused.returncode == 2 and "--user" in refused.stderr
    restored = cli("restore", backup_file, env_db=initialised, login=ADMIN)
    assert restored.returncode == 0, restored.stderr
    assert raw_connect(initialised).execute("SELECT count(*) FROM person").fetchone()[0] == DEMO_RESIDENTS
    verified = cli("--db", initialised, "verify", login=ADMIN)
    assert verified.returncode == 0 and "校验链完整" in verified.stdout


def test_verify_fails_on_a_tampered_trail(initialised):
    conn = raw_connect(initialised, "rw")
    conn.execute("UPDATE audit_entry SET username='someone' WHERE id=1")
    conn.commit()
    conn.close()
    result = cli("--db", initialised, "verify", login=ADMIN)
    assert result.returncode == 1 and "第 1 条" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("init", "--town", "123456789", "--name", "站", "--admin", "a", "--password-file", "PW", "--recovery-file",
      "REC"), "不在广东省区划数据中"),
    (("init", "--town", "441302001"), "缺少必填参数"),
    (("demo", "--residents", "many"), "应为整数"),
    (("demo", "--residents", "100001"), "0 到 100000"),
    (("frobnicate",), "无效的命令"),
    (("restore", "missing.sqlite3"), "找不到备份文件"),
])
def test_bad_input_exits_2_with_a_chinese_message(tmp_path, cli_station_template, args, message):
    pw = tmp_path / "PW"
    pw.write_text(PASSWORD, encoding="utf-8")
    replaced = {"PW": str(pw), "REC": str(tmp_path / "recovery.txt")}
    args = [replaced.get(a, a) for a in args]
    if args[0] == "demo":  # a station made by ``init`` (a copy of the run's one)
        copy_template(cli_station_template, tmp_path / "d.db")
    result = cli("--db", tmp_path / "d.db", *args, login=ADMIN if args[0] == "demo" else None)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "recovery.txt").exists()


def test_demo_ids_are_valid_and_of_the_station_county(demo_station):
    from shuanbai_desktop.domain.idcard import parse_id_number
    rows = raw_connect(demo_station).execute("SELECT id_number, sex, birth_date, village_code FROM person")
    for number, sex, birth, village in rows:
        info = parse_id_number(number)
        assert info.region_code == "441302" and info.sex == sex and info.birth_date.isoformat() == birth
        assert village.startswith("441302001")


# --- the command line acts as a user (issue 12) ---------------------------------------------------


def test_a_command_without_a_user_is_refused(initialised, tmp_path):
    result = cli("--db", initialised, "backup")
    assert result.returncode == 2 and "--user" in result.stderr and "Traceback" not in result.stderr
    no_password = cli("--db", initialised, "backup", "--user", "admin")  # stdin is not a terminal
    assert no_password.returncode == 2 and "--password-file" in no_password.stderr
    assert not (initialised.parent / "backups").exists() or not list((initialised.parent / "backups").glob("*.sqlite3"))


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(initialised):
    wrong = cli("--db", initialised, "ledger", "visits", "--from", "2024-05-01", "--to", "2024-05-31",
                "--out", initialised.parent / "l.xlsx", login=("admin", "Init2024past"))
    unknown = cli("--db", initialised, "ledger", "visits", "--from", "2024-05-01", "--to", "2024-05-31",
                  "--out", initialised.parent / "l.xlsx", login=("nobody", PASSWORD))
    assert wrong.returncode == unknown.returncode == 2
    assert wrong.stderr == unknown.stderr and "用户名或密码错误" in wrong.stderr
    assert not (initialised.parent / "l.xlsx").exists()


def test_the_lock_out_applies_to_the_command_line(initialised):
    """Wrong passwords add up across the program's log-in and command-line runs (each run starts afresh
    and must not forget the count); a locked account is refused on the command line too."""
    from shuanbai_desktop.errors import UserError
    from shuanbai_desktop.services import auth, settings
    from shuanbai_desktop.services.database_ops import open_app_database
    from shuanbai_desktop.services.permissions import as_system
    db = open_app_database(initialised)
    try:
        with db.session() as s:
            settings.set_int(as_system(s), "login.max_failures", 3)
        with pytest.raises(UserError):
            auth.log_in(db, "admin", "Init2024past")  # the first failure, at the window's log-in
    finally:
        db.close()
    for _ in range(2):  # the second and the third, each in a command line run of its own
        cli("--db", initialised, "backup", login=("admin", "Init2024past"))
    locked = cli("--db", initialised, "backup", login=ADMIN)  # the right password, but locked now
    assert locked.returncode == 2 and "锁定" in locked.stderr


def test_a_window_user_backs_up_but_copies_nothing_out_and_exports_no_report(initialised, tmp_path):
    from shuanbai_desktop.domain.labels import Role
    add_user(initialised, "chuangkou", Role.WINDOW)
    window = ("chuangkou", OTHERS_PASSWORD)
    backed = cli("--db", initialised, "backup", login=window)
    assert backed.returncode == 0, backed.stderr
    usb = tmp_path / "usb"
    copied = cli("--db", initialised, "backup", "--to", usb, login=window)
    assert copied.returncode == 2 and "“窗口”角色不能把完整数据库复制到U盘" in copied.stderr
    assert not usb.exists() or not list(usb.iterdir())
    report = cli("--db", initialised, "report", "--month", "2024-05", "--out", tmp_path, login=window)
    assert report.returncode == 2 and "不能导出并报送月度报表" in report.stderr
    demo = cli("--db", initialised, "demo", "--residents", "5", login=window)
    assert demo.returncode == 2 and "不能管理用户账户" in demo.stderr
    restore = cli("--db", initialised, "restore", next((initialised.parent / "backups").glob("backup-*.sqlite3")),
                  login=window)
    assert restore.returncode == 2 and "不能从备份恢复数据库" in restore.stderr
    trail = raw_connect(initialised).execute(
        "SELECT username FROM audit_entry WHERE summary LIKE '备份数据库%'").fetchall()
    assert trail == [("chuangkou",)]  # the backup is recorded as the user's


def test_init_is_refused_on_a_station_in_use(initialised, tmp_path):
    pw = tmp_path / "pw2.txt"
    pw.write_text("Another-admin-2024\n", encoding="utf-8")
    recovery = tmp_path / "recovery2.txt"
    again = cli("--db", initialised, "init", "--town", "441302001", "--name", "站", "--admin", "boss",
                "--password-file", pw, "--recovery-file", recovery)
    assert again.returncode == 2 and "不能再设立新的社工站" in again.stderr
    assert raw_connect(initialised).execute("SELECT count(*) FROM app_user").fetchone()[0] == 1
    assert not recovery.exists()  # no recovery code of a key that encrypts nothing


def test_restore_onto_a_damaged_database_needs_no_user(initialised, tmp_path):
    """No one to ask: the database cannot be opened (docs/permissions.md). Encrypted, it shows that only
    once unlocked: the recovery code unlocks it (and the backup), and no one logs in."""
    from shuanbai_desktop.domain.labels import BackupKind
    from shuanbai_desktop.services import backup
    from shuanbai_desktop.services.encryption import keyring_path
    made = backup.make_backup(initialised, initialised.parent / "backups", BackupKind.MANUAL, full=True).path
    recovery = initialised.parent / "recovery.txt"
    initialised.write_bytes(b"\0" * 4096)  # not a database any more
    locked = cli("--db", initialised, "restore", made)  # no key: no telling whether it opens
    assert locked.returncode == 2 and "--recovery-file" in locked.stderr
    restored = cli("--db", initialised, "restore", made, "--recovery-file", recovery)
    assert restored.returncode == 0, restored.stderr
    assert raw_connect(initialised).execute("SELECT count(*) FROM station").fetchone()[0] == 1
    initialised.write_bytes(b"\0" * 4096)  # damaged again, and its key file lost with it:
    keyring_path(initialised).unlink()  # the backup's own key file and the recovery code restore it
    again = cli("--db", initialised, "restore", made, "--recovery-file", recovery)
    assert again.returncode == 0, again.stderr
    assert keyring_path(initialised).exists()
    assert raw_connect(initialised).execute("SELECT count(*) FROM station").fetchone()[0] == 1


@pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal")
def test_the_password_is_asked_for_when_standard_input_is_a_terminal(initialised):
    """No --password-file: the command line prompts on its terminal (getpass, nothing echoed)."""
    import fcntl
    import pty
    import termios

    try:
        master, slave = pty.openpty()
    except OSError:  # a chroot without /dev/pts (the bare-root tool): no terminal to prompt on
        pytest.skip("no pseudo-terminals here (/dev/pts not mounted)")

    def own_terminal():  # the pseudo-terminal becomes the child's controlling terminal (/dev/tty)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "shuanbai_desktop", "--db", str(initialised), "backup",
                                 "--user", "admin"], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=dict(os.environ), preexec_fn=own_terminal)
        prompt = _read_until(master, "密码")  # getpass flushes what was typed before it asked
        os.write(master, (PASSWORD + "\n").encode())
        out, err = proc.communicate(timeout=60)
        terminal = prompt + _read_until(master, "\n", seconds=1)  # what the terminal showed: no echo
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 0, err
    assert "用户“admin”的密码" in terminal and PASSWORD not in terminal and "备份完成" in out


def _read_until(fd: int, text: str, seconds: float = 60) -> str:
    import select
    import time
    seen, deadline = b"", time.monotonic() + seconds
    while text.encode() not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            seen += os.read(fd, 4096)
    return seen.decode(errors="replace")
