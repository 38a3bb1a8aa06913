"""Files: durable writes (what a power cut must not undo), the one file digest, and whether the process
that left a work folder is still running."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (POSIX; Windows has no directory fsync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path, after_block: Callable[[], None] | None = None) -> str:
    """The SHA-256 (hex) of a file read in blocks of 1 MiB; ``after_block()`` runs after each block (it may
    raise to stop a long check: the backups' cancel button)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            if after_block is not None:
                after_block()
    return digest.hexdigest()


def pid_alive(pid: int) -> bool | None:
    """Is process ``pid`` running on this computer? None when that cannot be told (Windows)."""
    if os.name != "posix":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
