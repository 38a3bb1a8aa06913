"""Real file-system faults for tests: a small tmpfs that fills up, a read-only mount.

Mounting needs root (or CAP_SYS_ADMIN); ``tmpfs`` returns None where it cannot mount, and the
tests that need it then skip (each also has a simulated twin that always runs).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


def _run(*args: str) -> bool:
    try:
        return subprocess.run(args, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextlib.contextmanager
def tmpfs(path: Path, size_bytes: int) -> Iterator[Path | None]:
    """A tmpfs of ``size_bytes`` mounted on ``path`` (created), or None when mounting is not possible."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or not _run("mount", "-t", "tmpfs", "-o", f"size={size_bytes},mode=0700", "tmpfs",
                                      str(path)):
        yield None
        return
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


def remount_readonly(path: Path) -> bool:
    return _run("mount", "-o", "remount,ro", str(path))


def is_root() -> bool:
    return os.name == "posix" and os.geteuid() == 0
