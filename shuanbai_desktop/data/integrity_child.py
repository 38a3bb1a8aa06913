"""The integrity check in a forked child process: the command line on POSIX (issue 16, ``report --month``).

Beside the command's own reads in one process, the check of an encrypted station shares the GIL and
SQLite's global allocator mutex with them (2.3 s alone, ~2.7 s beside the export). In a child process
it runs on its own. ``migrate.start_integrity_check`` chooses it, for a one-shot command only, and only
where the fork is safe (``can_fork_here``: one thread, no connection of this process to the file). The
GUI and Windows keep the thread (``migrate.IntegrityCheck``).

How it stays what the thread was:
- The child is forked before SQLAlchemy is loaded and before any other thread exists. It opens its own
  read-only connection with the data key this process already holds in memory (``engine.key_for``:
  the key is never written to a file or a pipe), runs the same check (``migrate.integrity_verdict``; with
  the whole file in its page cache when memory allows, ``_whole_file_cache``), writes its verdict to a pipe (“ok”, or the refusal's Chinese message) and ends with ``os._exit``
  (no clean-up handlers of the parent's run in it: the instance lock, the log and stdout are untouched).
- The parent's handle is an ``IntegrityCheck`` whose thread only waits for that verdict and reaps the
  child: ``wait()`` raises the same refusal; a child that ends without a verdict, or with one but not
  normally (killed, crashed), is a failed check (``CHECK_DIED``), never a passed one.
- ``cancel()`` (``Database.close``: the command ends early) kills the child and reaps it: no zombie.
  A child whose parent is gone stops on its own (Linux: ``PR_SET_PDEATHSIG``; elsewhere it notices
  within its next progress call): no orphan goes on reading the file.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

from ..errors import DatabaseRefused
from . import migrate
from .engine import connect_readonly

CHECK_DIED = ("数据库完整性检查没有完成（检查进程意外结束：{how}），无法确认文件完好。为避免损坏，程序没有写入。"
              "请重新运行该命令；如果再次出现，请用“shuanbai-desktop verify”检查数据库。")
_OK = b"ok"
_REFUSED = b"refused:"
_PROGRESS_OPS = 100_000  # the child asks whether its parent is still there every this many SQLite steps
_PR_SET_PDEATHSIG = 1


def can_fork_here(path: Path) -> bool:
    """True where forking this process for the check is safe: POSIX, this thread the only one (a fork
    copies only the calling thread; a lock held by another would stay locked in the child), and no
    descriptor of this process open on the database file (SQLite's POSIX locks and its table of open
    files would be copied half into the child; SQLite's own rule: no connection across a fork)."""
    if os.name != "posix" or not hasattr(os, "fork"):
        return False
    if threading.active_count() != 1:
        return False
    try:
        if len(os.listdir("/proc/self/task")) != 1:  # Linux: native threads too, not only Python's
            return False
    except OSError:
        pass  # no /proc (macOS): Python's own threads were counted above
    return not _open_here(path)


def _open_here(path: Path) -> bool:
    """True when a descriptor of this process is open on ``path`` (Linux ``/proc/self/fd``, macOS ``/dev/fd``)."""
    try:
        target = os.stat(path)
        folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
        descriptors = [int(name) for name in os.listdir(folder)]
    except (OSError, ValueError):
        return True  # cannot tell: not safe
    for fd in descriptors:
        try:
            found = os.fstat(fd)
        except OSError:
            continue  # the listing's own descriptor, already closed
        if (found.st_dev, found.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


class ChildIntegrityCheck(migrate.IntegrityCheck):
    """``migrate.IntegrityCheck`` run by a forked child; this process's thread waits for its verdict."""

    def __init__(self, path: Path):
        parent = os.getpid()
        verdict_out, verdict_in = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(verdict_out)
            _child(path, verdict_in, parent)
        os.close(verdict_in)
        self._pid = pid
        self._verdict = verdict_out
        self._reaped = False
        try:
            super().__init__(path)  # starts the thread that waits (``_run``)
        except BaseException:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(verdict_out)
            raise

    @property
    def pid(self) -> int:
        return self._pid

    def _run(self) -> None:
        report, status = b"", None
        try:
            report = _read_all(self._verdict)  # until the child's end closes the pipe
        except OSError:
            pass  # no verdict: a failed check below
        finally:
            os.close(self._verdict)
        try:
            with self._guard:
                try:
                    _, status = os.waitpid(self._pid, 0)  # reaped: no zombie
                except ChildProcessError:
                    status = None  # reaped by someone else (SIGCHLD ignored): its exit is unknown
                self._reaped = True
            if not self._cancelled:
                self._error = _refusal(report, status)
        finally:
            self._done.set()

    def cancel(self) -> None:
        """The command ends before the check did: the child is killed and reaped (it only read)."""
        with self._guard:
            if self._done.is_set() or self._reaped:
                return
            self._cancelled = True
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._done.wait()


def _refusal(report: bytes, status: int | None) -> DatabaseRefused | None:
    """The child's verdict: None for “ok” from a child that then ended normally, the refusal it reported,
    or ``CHECK_DIED`` for anything else (killed, crashed, no verdict): never taken as passed."""
    exited = status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    if report == _OK and exited:
        return None
    if report.startswith(_REFUSED) and exited:
        return DatabaseRefused(report[len(_REFUSED):].decode("utf-8"))
    if status is None:
        how = "退出状态未知"
    elif os.WIFSIGNALED(status):
        how = f"被信号 {os.WTERMSIG(status)} 终止"
    else:
        how = f"退出码 {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else f"状态 {status}"
    return DatabaseRefused(CHECK_DIED.format(how=how))


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _child(path: Path, verdict_in: int, parent: int) -> NoReturn:
    """The child's whole life: the check, its verdict into the pipe, ``os._exit`` (never back into the
    parent's code: no ``finally`` or exit handler of the parent runs here)."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl+C ends it at once; the parent decides
        _end_with(parent)
        conn = connect_readonly(path)
        try:
            cache = _whole_file_cache(path)
            if cache:
                conn.execute(f"PRAGMA cache_size=-{cache}")
            conn.set_progress_handler(lambda: os.getppid() != parent, _PROGRESS_OPS)  # non-zero: stop
            verdict = migrate.integrity_verdict(conn)
        finally:
            conn.close()
        message = _OK if verdict is None else _REFUSED + verdict.message.encode("utf-8")
        view = memoryview(message)
        while view:
            view = view[os.write(verdict_in, view):]
        status = 0
    except BaseException:  # noqa: BLE001 - no verdict is a failed check (the parent says so)
        status = 1
    finally:
        os._exit(status)


def _whole_file_cache(path: Path) -> int:
    """KiB of page cache that hold the whole file, when it fits in a quarter of the memory free now; else 0
    (SQLite's default). ``quick_check`` reads every table page twice (the b-tree walk, then the row pass),
    and on an encrypted file every read is decrypted and its MAC checked again: with the whole file cached,
    once (the check of the full station: 2.5–2.7 s → 2.2 s of CPU beside the command). The memory (~1.1× the
    file) is the child's and goes with it; in the command's own process it would stay, and faulting it in
    beside the export cost more than it saved (docs/decisions.md, issue 16)."""
    try:
        size = os.path.getsize(path)
        free = _memory_free()
    except (OSError, ValueError):
        return 0
    return size // 1024 + 1024 if 0 < size * 4 <= free else 0


def _memory_free() -> int:
    """Bytes of memory available: Linux ``MemAvailable``; elsewhere the physical memory halved."""
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2


def _end_with(parent: int) -> None:
    """Linux: the kernel kills this child when the parent ends (``prctl(PR_SET_PDEATHSIG, SIGKILL)``).
    Then, and everywhere: a parent already gone means no one waits for the verdict."""
    if sys.platform.startswith("linux"):
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
