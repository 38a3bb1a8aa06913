"""One app instance writes a database at a time: a lock file beside it."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import DatabaseRefused


class InstanceLock:
    def __init__(self, db_path: Path):
        self._lock = FileLock(str(db_path) + ".lock", is_singleton=False)

    def acquire(self) -> InstanceLock:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise DatabaseRefused(
                "这个数据库正在被另一个社工站工作平台窗口使用。为防止数据冲突，本窗口不会写入。"
                "请切换到已打开的窗口，或先关闭它再启动。") from None
        return self

    def release(self) -> None:
        self._lock.release(force=True)

    @property
    def held(self) -> bool:
        return self._lock.is_locked
