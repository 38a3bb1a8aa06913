"""Where things live: shipped resources, the user's data folder, the machine's data folder, logs, backups.

The database path is, in order: ``--db PATH``, the ``SHUANBAI_DB`` environment variable, then the
station every account of this PC shares (``<machine data folder>/station.db``) when there is one, then
``<user data folder>/shuanbai.db`` (platformdirs). See docs/decisions.md (本机多个账户共用一个社工站).

Files the program writes for a station are private by location (``private_file_mode``,
``private_dir_mode``): owner-only in an account's own folder, group-shared (0660, folders 2770 with
the set-group-id bit) in the machine's folder, never readable by others.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from pathlib import Path

import platformdirs

from . import APP_ID
from .errors import DatabaseRefused

ENV_DB = "SHUANBAI_DB"
ENV_MACHINE_DIR = "SHUANBAI_MACHINE_DIR"
OWN_DB_NAME = "shuanbai.db"
MACHINE_DB_NAME = "station.db"
MACHINE_GROUP = "shuanbai"  # Linux: the group the .deb makes; its members share the machine's station
OWN_FILE_MODE, OWN_DIR_MODE = 0o600, 0o700
SHARED_FILE_MODE, SHARED_DIR_MODE = 0o660, 0o2770  # group read/write; folders pass their group on (setgid)
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs", "ncpfs",
              "glusterfs", "ceph", "fuse.rclone", "davfs", "fuse.davfs2"}


def install_root() -> Path:
    """The folder holding resources/ and database/ (the bundle folder when frozen)."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    return install_root() / "resources"


def migrations_dir() -> Path:
    return install_root() / "database"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_ID, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_ID, appauthor=False))


def config_dir() -> Path:
    """This user's configuration folder on this machine (not roaming): the audit trail's keys."""
    return Path(platformdirs.user_config_dir(APP_ID, appauthor=False, roaming=False))


def own_db_path() -> Path:
    """This account's own station (the only one before stations could be shared)."""
    return (data_dir() / OWN_DB_NAME).resolve()


def machine_data_dir() -> Path:
    """The folder every account of this PC can use (made by the installer): Windows
    ``%ProgramData%\\shuanbai-desktop``, Linux ``/var/lib/shuanbai-desktop``; ``SHUANBAI_MACHINE_DIR``
    overrides it (tests, a station with another layout)."""
    raw = os.environ.get(ENV_MACHINE_DIR)
    if raw:
        return Path(raw).expanduser().resolve()
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return Path(platformdirs.site_data_dir(APP_ID, appauthor=False))
    return Path("/var/lib") / APP_ID


def machine_db_path() -> Path:
    return machine_data_dir() / MACHINE_DB_NAME


def _can_write_in(folder: Path) -> bool:
    if os.name == "posix":
        return os.access(folder, os.W_OK | os.X_OK)
    try:  # pragma: no cover - Windows: os.access does not read the folder's access list
        fd, probe = tempfile.mkstemp(prefix=".write-check-", dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(probe)
    return True


def machine_dir_available() -> bool:
    """The machine's folder exists and this account can write in it (the set-up wizard then offers it)."""
    folder = machine_data_dir()
    try:
        return folder.is_dir() and _can_write_in(folder)
    except OSError:
        return False


def _has_station(path: Path) -> bool | None:
    """True: a station is there (a non-empty file); False: none; None: this account cannot look."""
    try:
        return path.stat().st_size > 0
    except PermissionError:
        return None
    except OSError:  # not there, or its folder is not a folder
        return False


def no_rights_message(folder: Path) -> str:
    return (f"这台电脑上的社工站数据放在各账户共用的文件夹里：{folder}，但当前登录电脑的这个账户没有读写它的权限。"
            "为免另建一个空的社工站，程序没有启动。请管理员给这个账户权限：Linux 上把它加入 "
            f"{MACHINE_GROUP} 组（sudo usermod -aG {MACHINE_GROUP} 账户名），然后注销并重新登录电脑；"
            "Windows 上给这个账户该文件夹的“修改”权限。")


def refuse_unusable_shared(path: Path) -> None:
    """The machine's station exists but this account cannot read and write it (and its key file and folder)."""
    needed = [(path.parent, os.W_OK | os.X_OK), (path, os.R_OK | os.W_OK)]
    ring = Path(f"{path}.keyring")
    if ring.exists():
        needed.append((ring, os.R_OK | os.W_OK))
    if not all(os.access(p, mode) for p, mode in needed):
        raise DatabaseRefused(no_rights_message(path.parent))


_SERVER_URL = re.compile(r"^postgres(ql)?(\+[a-z0-9_]+)?://", re.IGNORECASE)


def is_server_url(text: object) -> bool:
    """True for a database on a PostgreSQL server (``postgresql+psycopg://…``, data/backend.py), False for
    a path: ``--db`` and ``SHUANBAI_DB`` take either."""
    return isinstance(text, str) and bool(_SERVER_URL.match(text.strip()))


def resolve_db_path(cli_value: str | None = None) -> Path:
    """``--db`` / ``SHUANBAI_DB``; else the machine's station whenever there is one (a second account
    never gets a second, empty station; an account without rights to it is refused, ``DatabaseRefused``);
    else this account's own. When this account cannot even look into the machine's folder, its own
    station opens if it has one (an installation from before the shared folder), else it is refused."""
    raw = cli_value or os.environ.get(ENV_DB)
    if is_server_url(raw):  # never made into a path: the caller asks data/backend.py for a server target
        raise DatabaseRefused("这里需要本机的数据库文件，而 --db（或 SHUANBAI_DB）给的是数据库服务器的地址。")
    if raw:
        return Path(raw).expanduser().resolve()
    shared, own = machine_db_path(), own_db_path()
    there = _has_station(shared)
    if there:
        refuse_unusable_shared(shared)
        return shared
    if there is None and not _has_station(own):
        raise DatabaseRefused(no_rights_message(shared.parent))
    return own


def shared_choice(path: Path) -> Path | None:
    """The machine's station path the set-up wizard offers instead of ``path``: only for this account's
    own default database, when the machine's folder is available and holds no station yet."""
    if path != own_db_path() or not machine_dir_available() or _has_station(machine_db_path()) is not False:
        return None
    return machine_db_path()


# --- private files, by location ------------------------------------------------------------------


def is_shared_location(path: Path) -> bool:
    """``path`` lies in the machine's data folder (a station every account of the PC uses)."""
    try:
        Path(path).resolve().relative_to(machine_data_dir().resolve())
    except ValueError:
        return False
    return True


def private_file_mode(path: Path) -> int:
    """0660 for a station file in the machine's folder (the group of its accounts), else 0600."""
    return SHARED_FILE_MODE if is_shared_location(path) else OWN_FILE_MODE


def private_dir_mode(path: Path) -> int:
    """2770 for a folder in the machine's folder (set-group-id: what is made in it keeps the group), else 0700."""
    return SHARED_DIR_MODE if is_shared_location(path) else OWN_DIR_MODE


def make_private(path: Path) -> None:
    """Give a file the program has just written its private mode (POSIX; Windows: the folder's access list)."""
    if os.name == "posix":
        os.chmod(path, private_file_mode(path))


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` private (``private_dir_mode``), with missing parents inside the machine's folder
    made the same; an existing folder is left as it is."""
    if folder.is_dir():
        return
    missing = []
    current = folder
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for made in reversed(missing):
        leaf = made == folder
        if not leaf and not is_shared_location(made):
            made.mkdir(exist_ok=True)  # an account's own parents: default rights, as before
            continue
        made.mkdir(mode=private_dir_mode(made), exist_ok=True)
        if os.name == "posix" and stat.S_IMODE(made.stat().st_mode) != private_dir_mode(made):
            os.chmod(made, private_dir_mode(made))


def backups_dir(db_path: Path) -> Path:
    """Backups sit beside the database they belong to, in ``backups/``."""
    return db_path.parent / "backups"


def _mount_fs_type(path: Path, mounts_text: str) -> str | None:
    best, fs = "", None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (str(path) == mount_point or str(path).startswith(mount_point.rstrip("/") + "/")) \
                and len(mount_point) > len(best):
            best, fs = mount_point, parts[2]
    return fs


def is_network_path(path: Path, mounts_text: str | None = None) -> bool:
    """True for UNC paths, mapped network drives and network file systems."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes
        drive = os.path.splitdrive(text)[0] + "\\"
        return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return (_mount_fs_type(path, mounts_text) or "") in NETWORK_FS


def refuse_network_path(path: Path) -> None:
    if is_network_path(path):
        raise DatabaseRefused(
            "数据库不能放在网络共享文件夹或网络驱动器上（多人同时写入会损坏数据）。"
            "请把数据库放在本机磁盘上，例如默认的用户数据文件夹。")


def refuse_folder_as_database(path: Path) -> None:
    """A folder given where the database file belongs (``--db``, SHUANBAI_DB): a clear refusal."""
    if path.is_dir():
        raise DatabaseRefused(
            f"数据库路径指向的是一个文件夹，不是数据库文件：{path}。"
            "请检查 --db 路径（或环境变量 SHUANBAI_DB），写出数据库文件本身，"
            f"例如 {path / 'shuanbai.db'}。")


def require_existing_database(path: Path) -> None:
    """Commands that read or change an existing station never create one: a missing or empty file,
    or a folder, is refused before anything is written (only ``init`` and the GUI's set-up create)."""
    refuse_folder_as_database(path)
    if not path.exists():
        raise DatabaseRefused(f"找不到数据库文件：{path}。请检查 --db 路径；新建社工站请用 init 或启动图形界面。")
    if path.stat().st_size == 0:
        raise DatabaseRefused(f"数据库文件是空的（0 字节）：{path}。这里还没有设立社工站；"
                              "请检查 --db 路径；新建社工站请用 init 或启动图形界面。")
