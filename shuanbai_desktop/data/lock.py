"""One app instance writes a database at a time: a lock file beside it (private by location: the lock
file of a station every account of the PC shares is the group's, so any of them can take it)."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from .. import paths
from ..errors import DatabaseRefused


class InstanceLock:
    def __init__(self, db_path: Path):
        lock_file = Path(f"{db_path}.lock")
        self._shared = paths.is_shared_location(lock_file)
        self._lock = FileLock(str(lock_file), mode=paths.private_file_mode(lock_file), is_singleton=False)

    def acquire(self) -> InstanceLock:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            if self._shared:
                raise DatabaseRefused(
                    "本机共用的社工站数据库正在被使用：可能是这台电脑的另一个账户（或本账户的另一个窗口）"
                    "打开着社工站工作平台。为防止数据冲突，本窗口不会写入。请先在那个账户中退出程序"
                    "（锁屏或切换用户不会退出），再启动。") from None
            raise DatabaseRefused(
                "这个数据库正在被另一个社工站工作平台窗口使用。为防止数据冲突，本窗口不会写入。"
                "请切换到已打开的窗口，或先关闭它再启动。") from None
        return self

    def release(self) -> None:
        self._lock.release(force=True)

    @property
    def held(self) -> bool:
        return self._lock.is_locked
