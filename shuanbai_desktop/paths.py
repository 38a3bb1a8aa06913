"""Where things live: shipped resources, the user's data folder, logs, backups.

The database path is, in order: ``--db PATH``, the ``SHUANBAI_DB`` environment
variable, then ``<user data folder>/shuanbai.db`` (platformdirs).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from . import APP_ID
from .errors import DatabaseRefused

ENV_DB = "SHUANBAI_DB"
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


def resolve_db_path(cli_value: str | None = None) -> Path:
    raw = cli_value or os.environ.get(ENV_DB) or str(data_dir() / "shuanbai.db")
    return Path(raw).expanduser().resolve()


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
