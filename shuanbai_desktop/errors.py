"""Errors the user can act on, as opposed to bugs."""


class UserError(Exception):
    """Bad input or a rule not met; ``message`` is Chinese and shown as is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DatabaseRefused(UserError):
    """The database file cannot be opened safely (foreign, newer, read-only, shared)."""



class DiskFull(UserError):
    """The disk (or SQLite's page limit) is full: the action was rolled back, nothing was saved."""

    MESSAGE = ("磁盘空间不足，本次操作没有保存任何内容（已全部撤销，原有数据和已有备份不受影响）。"
               "请清理磁盘空间，或换一个有空间的位置后再试。")

    def __init__(self, message: str = MESSAGE):
        super().__init__(message)


SQLITE_FULL = 13
FULL_TEXT = "database or disk is full"  # sqlite3_errstr(SQLITE_FULL)


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL (also wrapped by SQLAlchemy, as ``.orig``) or an OSError ENOSPC/EDQUOT."""
    import errno
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        # Only the SQLite driver's errors carry ``sqlite_errorcode`` (this module imports no driver).
        if isinstance(code, int) and code & 0xFF == SQLITE_FULL:
            return True
        if type(current).__name__ == "OperationalError" and code is None and str(current) == FULL_TEXT:
            return True  # the driver's backup() says SQLITE_FULL by its text only
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        current = getattr(current, "orig", None) or current.__cause__
    return False
