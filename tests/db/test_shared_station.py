"""Several accounts of one PC share one station (issue 19, first part): the machine's data folder
(``SHUANBAI_MACHINE_DIR`` here), which database opens, the group's rights in that folder, the audit
trail's key and head kept there, and the refusal of an account without rights to it.

Two accounts are two HOME/XDG folder sets (``_account``) with one machine folder. When the tests run as
root, the second account also lacks root's powers (``_without_root_powers``: no capabilities, so the
folder's owner, group and mode decide, as for any account), with and without the folder's group."""

from __future__ import annotations

import grp
import os
import shutil
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from shuanbai_desktop import paths
from shuanbai_desktop.data import audit, audit_key
from shuanbai_desktop.domain.labels import BackupKind, Role
from shuanbai_desktop.errors import DatabaseRefused
from shuanbai_desktop.services import attachments, auth, database_ops, encryption
from tests.conftest import ADMIN_PASSWORD

from .test_cli import act_as

STAFF, STAFF_PASSWORD = "zhang", "Qiao-dong-2024-zhan"
AT = datetime(2024, 5, 6, 9, 30)
ROOT = os.name == "posix" and os.geteuid() == 0


def _account(home: Path, machine: Path) -> dict[str, str]:
    """The environment of one account of the PC: its own HOME and XDG folders, the PC's machine folder."""
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("SHUANBAI_DB",)}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_STATE_HOME=str(home / "state"),
               XDG_CONFIG_HOME=str(home / "config"), SHUANBAI_MACHINE_DIR=str(machine),
               PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="offscreen")
    return env


def _run(env: dict[str, str], *args, login: tuple[str, str] | None = None,
         groups: list[int] | None = None) -> subprocess.CompletedProcess:
    """The program as that account runs it (no ``--db``: the path rule decides). ``groups``: run it as an
    account without root's powers whose groups are these (root only; ``_without_root_powers``)."""
    extra: list[str] = []
    if login is not None:
        password_file = Path(env["HOME"]) / f"pw-{login[0]}.txt"
        password_file.write_text(login[1] + "\n", encoding="utf-8")
        extra = ["--user", login[0], "--password-file", str(password_file)]
    command = [sys.executable, "-m", "shuanbai_desktop", *map(str, args), *extra]
    kwargs: dict = {}
    if groups is not None:
        command = [*_without_root_powers(), *command]
        kwargs = {"extra_groups": groups}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=180, stdin=subprocess.DEVNULL,
                          **kwargs)


def _without_root_powers() -> list[str]:
    """A process of uid 0 with no capabilities: file rights apply to it as to any account (a real other
    account could not run this checkout's Python, kept under /root)."""
    return ["setpriv", "--bounding-set=-all", "--inh-caps=-all"]


def _owned_by_another_account(machine: Path, gid: int) -> None:
    """What account A made belongs to A (``nobody`` here) and the folder's group, and the folder is as the
    installer makes it (2770), as on a real PC."""
    for path in [machine, *machine.rglob("*")]:
        os.chown(path, _nobody_uid(), gid)
    os.chmod(machine, 0o2770)


def _files(folder: Path) -> dict[str, int]:
    """Every file and folder under ``folder`` (relative name → permission bits, set-id bits included)."""
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in sorted(folder.rglob("*"))}


def _make_shared_station(machine: Path):
    """Account A's set-up of a station for every account (what the wizard does when that is chosen):
    the administrator, a staff account, an attachment and a backup."""
    assert paths.shared_choice(paths.own_db_path()) == machine / "station.db"
    db, _code = encryption.create_station(paths.machine_db_path(), "441302001", "桥东街道社会工作服务站",
                                          "惠州市惠城区桥东路1号", "0752-2808727", "admin", "李副站长",
                                          ADMIN_PASSWORD, AT)
    act_as(db)
    with db.session() as s:
        auth.create_user(s, STAFF, "张社工", Role.SOCIAL_WORKER, STAFF_PASSWORD, must_change=False)
    source = machine.parent / "scan.pdf"
    source.write_bytes(b"%PDF-1.4 scan")
    with db.session() as s:
        attachments.add_attachment(s, db.path, "person", 1, source, "扫描件")
    database_ops.backup_now(db, BackupKind.MANUAL, db.acting_for)
    return db


@pytest.fixture
def machine(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "machine"
    folder.mkdir()
    monkeypatch.setenv(paths.ENV_MACHINE_DIR, str(folder))
    return folder


# --- which database opens ----------------------------------------------------------------------


def test_the_path_rule_own_station_until_the_machine_folder_holds_one(machine, tmp_path, monkeypatch):
    own = paths.own_db_path()
    shutil.rmtree(machine)
    assert paths.resolve_db_path(None) == own and not paths.machine_dir_available()
    assert paths.shared_choice(own) is None  # no machine folder: the wizard does not ask

    machine.mkdir()
    assert paths.resolve_db_path(None) == own and paths.machine_dir_available()
    assert paths.shared_choice(own) == machine / "station.db"
    assert paths.shared_choice(tmp_path / "chosen.db") is None  # --db / SHUANBAI_DB: not asked either

    (machine / "station.db").write_bytes(b"")  # an empty file is no station
    assert paths.resolve_db_path(None) == own

    (machine / "station.db").write_bytes(b"x" * 4096)
    assert paths.resolve_db_path(None) == machine / "station.db"  # always, even beside an own station
    assert paths.shared_choice(own) is None
    assert paths.resolve_db_path(str(tmp_path / "chosen.db")) == tmp_path / "chosen.db"
    monkeypatch.setenv("SHUANBAI_DB", str(tmp_path / "env.db"))
    assert paths.resolve_db_path(None) == tmp_path / "env.db"


def test_modes_by_location(machine, tmp_path):
    assert paths.private_file_mode(machine / "backups" / "b.db") == 0o660
    assert paths.private_dir_mode(machine / "attachments" / "ab") == 0o2770
    assert paths.private_file_mode(tmp_path / "own" / "shuanbai.db") == 0o600
    assert paths.private_dir_mode(tmp_path / "own") == 0o700
    assert not paths.is_shared_location(tmp_path / "machine-other" / "station.db")  # a name that only starts alike


# --- two accounts, one station -----------------------------------------------------------------


def test_a_second_account_opens_the_shared_station_and_continues_its_chain(machine, tmp_path):
    db = _make_shared_station(machine)
    db.close()
    chain = audit.file_head(machine / "station.db")[0]
    assert audit_key.load_key(chain, machine / "station.db") is not None
    assert (machine / "keys" / f"{chain}.key").is_file()
    assert not audit_key.key_path(chain).exists()  # not in account A's own configuration folder

    b_home = tmp_path / "account-b"
    b = _account(b_home, machine)
    assert _run(b, "verify", login=(STAFF, STAFF_PASSWORD)).returncode == 0
    backup = _run(b, "backup", login=(STAFF, STAFF_PASSWORD))
    assert backup.returncode == 0, backup.stderr
    assert f"备份完成：{machine / 'backups'}" in backup.stdout  # beside the shared station
    assert not (b_home / "data").exists()  # B got no station of its own
    assert not (b_home / "config" / "shuanbai-desktop" / "keys").exists()  # nor audit keys of its own
    assert stat.S_IMODE((machine / "station.db.lock").stat().st_mode) == 0o660  # the next account can take it
    shown = _run(b, "--smoke-test")  # B's GUI start: the shared station's log-in, not a set-up wizard
    assert shown.returncode == 0 and "SMOKE-TEST OK LoginDialog 桥东街道社会工作服务站" in shown.stdout, shown.stderr

    for account in (b, _account(tmp_path / "account-a-again", machine)):
        checked = _run(account, "verify", login=("admin", ADMIN_PASSWORD))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "操作日志校验链完整" in checked.stdout


def test_files_in_the_shared_folder_are_the_groups_and_in_an_own_folder_the_accounts(machine):
    db = _make_shared_station(machine)
    db.close()
    found = _files(machine)
    assert {"station.db", "station.db.keyring", "keys", "backups", "attachments"} <= set(found)
    assert any(name.startswith("backups/attachments/") for name in found)
    assert any(name.endswith(".key") and name.startswith("backups/") for name in found)
    assert any(name.startswith("keys/head-") for name in found)
    for name, mode in found.items():
        wanted = 0o2770 if (machine / name).is_dir() else 0o660
        assert mode == wanted, (name, oct(mode))

    own = paths.own_db_path()
    mine, _code = encryption.create_station(own, "441302001", "桥东街道社会工作服务站", "", "", "admin", "李副站长",
                                            ADMIN_PASSWORD, AT)
    act_as(mine)
    database_ops.backup_now(mine, BackupKind.MANUAL, mine.acting_for)
    mine.close()
    for folder in (own.parent / "backups", paths.config_dir() / "keys"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir() if p.is_file()} == {0o600}
    assert stat.S_IMODE(own.stat().st_mode) == 0o600


# --- an account without rights ------------------------------------------------------------------


def _refusal_checked(result: subprocess.CompletedProcess, machine: Path) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"各账户共用的文件夹里：{machine}" in result.stderr
    assert "sudo usermod -aG shuanbai" in result.stderr and "注销并重新登录" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX rights")
def test_an_account_without_rights_to_the_shared_folder_is_refused_and_no_station_is_made(machine, tmp_path):
    """Root: an account outside the folder's group (it cannot even look into the 2770 folder). Not root:
    the folder without write rights. The command line and the GUI start both refuse."""
    _make_shared_station(machine).close()
    groups = None
    if ROOT:
        _owned_by_another_account(machine, _free_gid())
        groups = []
    else:
        os.chmod(machine, 0o500)
    before = _files(machine)
    home = tmp_path / "account-b"
    env = _account(home, machine)
    _refusal_checked(_run(env, "verify", login=("admin", ADMIN_PASSWORD), groups=groups), machine)
    _refusal_checked(_run(env, "--smoke-test", groups=groups), machine)  # the GUI start: its message box
    assert {p.name for p in home.iterdir()} <= {"state", "pw-admin.txt"}  # its log only: no station, no keys
    os.chmod(machine, 0o2770)
    assert _files(machine) == before  # nothing written into the shared folder


def test_refused_in_process_when_the_station_is_there_but_not_writable(machine, monkeypatch):
    _make_shared_station(machine).close()
    real_access = os.access
    monkeypatch.setattr(paths.os, "access", lambda p, mode: False if Path(p) == machine / "station.db"
                        else real_access(p, mode))
    with pytest.raises(DatabaseRefused, match="没有读写它的权限"):
        paths.resolve_db_path(None)
    assert not paths.own_db_path().exists()


def _nobody_uid() -> int:
    import pwd
    return pwd.getpwnam("nobody").pw_uid


def _free_gid() -> int:
    """A group id no group has: the machine folder's group, which the other account is not in unless given it."""
    gid = 47_319
    while True:
        try:
            grp.getgrgid(gid)
        except KeyError:
            return gid
        gid += 1


@pytest.mark.skipif(not ROOT or shutil.which("setpriv") is None, reason="another account's rights need root")
def test_an_account_in_the_folders_group_shares_the_station_and_what_it_writes_stays_the_groups(machine, tmp_path):
    """The station is A's (owner ``nobody``, the folder's group); B, without root's powers but in the
    group, logs in, verifies and backs up; what B wrote is the group's (0660 / 2770, the folder's
    group), and A's verify still passes."""
    gid = _free_gid()
    _make_shared_station(machine).close()
    _owned_by_another_account(machine, gid)
    home = tmp_path / "account-b"
    env = _account(home, machine)
    for command in ("verify", "backup"):
        done = _run(env, command, login=(STAFF, STAFF_PASSWORD), groups=[gid])
        assert done.returncode == 0, done.stdout + done.stderr
    made_by_b = [p for p in machine.rglob("*") if p.stat().st_uid == 0]
    assert any(p.suffix == ".sqlite3" for p in made_by_b), "B's backup is in the shared folder"
    for path in [machine, *machine.rglob("*")]:
        assert path.stat().st_gid == gid, path
        assert stat.S_IMODE(path.stat().st_mode) == (0o2770 if path.is_dir() else 0o660), path
    checked = _run(_account(tmp_path / "account-a", machine), "verify", login=("admin", ADMIN_PASSWORD))
    assert checked.returncode == 0 and "操作日志校验链完整" in checked.stdout, checked.stdout + checked.stderr
