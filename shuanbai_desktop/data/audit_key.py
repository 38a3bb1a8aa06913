"""The audit trail's key and head, kept outside the database: in this user's configuration folder, or,
for a station every account of the PC shares (``paths.is_shared_location``), in the machine's data
folder (``<machine folder>/keys``, the group's) so that every account continues and verifies one chain.

* **Key**: each database's trail is chained with HMAC-SHA256 under a random 32-byte key. The
  database holds only a random chain id (setting ``audit.chain_id``); the key is the file
  ``<keys>/<chain id>.key`` (private: ``paths.private_file_mode``), created when the first keyed entry
  is written; a key is looked up in the database's own keys folder first, then in the other one.
  It records the first entry written with it (``keyed_from``): entries before it were written
  with the plain SHA-256 formula (a database older than the key) or, when ``previous`` names
  another chain id, with that chain's key (the key file was missing when writing resumed).
* **Head**: after every transaction that wrote audit entries, the newest entry's id and hash go to
  ``<keys>/head-<hash of the database path>.json``, so removing the newest entries (or
  putting an older copy of the file in place) is noticed by ``verify``.
* **Backups** carry both in ``<backup>.key`` beside the backup (private), so a restore on this
  or another computer can still verify; the restore installs the key and resets the head.

See docs/decisions.md (操作日志的密钥与末条记录).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from .backend import ANCHOR_NAME as SERVER_ANCHOR
from .files import fsync_dir

log = logging.getLogger(__name__)

CHAIN_SETTING = "audit.chain_id"
FORMAT = 1
KEY_SUFFIX = ".key"
_CHAIN_RE = re.compile(r"^[0-9a-f]{32}$")
_HEAD_LOCK = threading.Lock()  # a backup thread and the GUI thread may both finish a save


@dataclass(frozen=True)
class ChainKey:
    chain_id: str
    key: bytes
    keyed_from: int  # the first entry written with this key
    previous: str | None  # chain whose key wrote the entries before (None: the plain formula)

    def record(self) -> dict:
        return {"format": FORMAT, "chain_id": self.chain_id, "key": self.key.hex(),
                "keyed_from": self.keyed_from, "previous": self.previous}

    @classmethod
    def from_record(cls, data: dict) -> ChainKey:
        chain_id, key = str(data["chain_id"]), bytes.fromhex(str(data["key"]))
        previous = data.get("previous")
        if not valid_chain_id(chain_id) or len(key) != 32 or int(data["keyed_from"]) < 1:
            raise ValueError("not an audit key record")
        return cls(chain_id, key, int(data["keyed_from"]), str(previous) if previous else None)


@dataclass(frozen=True)
class Head:
    """The newest audit entry as this machine last wrote it, with what writing found wrong."""
    chain_id: str
    id: int
    hash: str
    missing: tuple[int, int] | None = None  # writing resumed below the head: these entries were removed
    replaced: tuple[str, int] | None = None  # (chain, id): a keyed trail was replaced by an unkeyed one

    def record(self) -> dict:
        return {"chain_id": self.chain_id, "id": self.id, "hash": self.hash,
                "missing": list(self.missing) if self.missing else None,
                "replaced": list(self.replaced) if self.replaced else None}

    @classmethod
    def from_record(cls, data: dict) -> Head:
        missing, replaced = data.get("missing"), data.get("replaced")
        return cls(str(data["chain_id"]), int(data["id"]), str(data["hash"]),
                   (int(missing[0]), int(missing[1])) if missing else None,
                   (str(replaced[0]), int(replaced[1])) if replaced else None)


def valid_chain_id(value: object) -> bool:
    return isinstance(value, str) and bool(_CHAIN_RE.match(value))


def keys_dir(db_path: Path | None = None) -> Path:
    """Where the keys and head of ``db_path``'s trail are kept: ``<machine folder>/keys`` for a station
    the PC's accounts share, else this user's ``<config>/keys`` (also without a database). A station on a
    PostgreSQL server: ``<shared folder>/keys``, the folder every PC of the station reaches (data/backend.py)."""
    if db_path is not None and Path(db_path).name == SERVER_ANCHOR:
        return Path(db_path).parent / "keys"
    if db_path is not None and paths.is_shared_location(db_path):
        return paths.machine_data_dir() / "keys"
    return paths.config_dir() / "keys"


def key_path(chain_id: str, db_path: Path | None = None) -> Path:
    return keys_dir(db_path) / f"{chain_id}{KEY_SUFFIX}"


def _key_dirs(db_path: Path | None) -> list[Path]:
    """Where a key is looked for: the database's own keys folder first, then the other one (a station
    moved into or out of the machine's folder keeps the keys it had)."""
    found = [keys_dir(db_path)]
    for other in (paths.config_dir() / "keys", paths.machine_data_dir() / "keys"):
        if other not in found:
            found.append(other)
    return found


def atomic_write(path: Path, text: str) -> None:
    """Private (``paths.private_file_mode``: owner-only, or the group's in the machine's folder), written
    to a temporary file, fsynced, renamed over ``path``, folder fsynced."""
    paths.make_private_dir(path.parent)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    data = text.encode("utf-8")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if os.name == "posix":
            os.fchmod(fd, paths.private_file_mode(path))  # the umask would take the group's bits
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


# --- keys -----------------------------------------------------------------------------------


def _read_key(path: Path, chain_id: str) -> ChainKey | None:
    try:
        key = ChainKey.from_record(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return key if key.chain_id == chain_id else None


def load_key(chain_id: str, db_path: Path | None = None) -> ChainKey | None:
    """The key of ``chain_id`` (looked for beside ``db_path``'s trail first); None when its file is
    missing or unreadable (or the id is not one)."""
    if not valid_chain_id(chain_id):
        return None
    for folder in _key_dirs(db_path):
        key = _read_key(folder / f"{chain_id}{KEY_SUFFIX}", chain_id)
        if key is not None:
            return key
    return None


def save_key(key: ChainKey, db_path: Path | None = None) -> bool:
    """Write a key file (in ``db_path``'s keys folder) unless one for that chain is there already; True
    when written."""
    path = key_path(key.chain_id, db_path)
    if path.exists():
        if _read_key(path, key.chain_id) != key:
            log.warning("an audit key file for this chain exists with another key; kept as it is")
        return False
    atomic_write(path, json.dumps(key.record()))
    return True


def create_key(keyed_from: int, previous: str | None = None, db_path: Path | None = None) -> ChainKey:
    key = ChainKey(secrets.token_hex(16), secrets.token_bytes(32), keyed_from, previous)
    save_key(key, db_path)
    log.info("audit key created (entries from %d)", keyed_from)
    return key


def lineage(chain_id: str | None, db_path: Path | None = None) -> tuple[list[ChainKey], str | None]:
    """The keys of a trail, newest first, and the chain id whose key file is missing (None: all found)."""
    found: list[ChainKey] = []
    current = chain_id
    while current and current not in {k.chain_id for k in found}:
        key = load_key(current, db_path)
        if key is None:
            return found, current
        found.append(key)
        current = key.previous
    return found, None


# --- head -----------------------------------------------------------------------------------


def head_path(db_path: Path) -> Path:
    digest = hashlib.sha256(str(Path(db_path).resolve()).encode("utf-8")).hexdigest()[:32]
    return keys_dir(db_path) / f"head-{digest}.json"


def read_head(db_path: Path) -> Head | None:
    try:
        return Head.from_record(json.loads(head_path(db_path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        log.warning("the audit head file is unreadable; it will be rewritten")
        return None


def write_head(db_path: Path, head: Head) -> None:
    atomic_write(head_path(db_path), json.dumps(head.record()))


def advance_head(db_path: Path, key: ChainKey, created_now: bool, first_id: int, last_id: int,
                 last_hash: str, stored_hash: Callable[[int], str | None]) -> Head | None:
    """After a commit that wrote entries ``first_id``–``last_id``: the new head. What the old head
    shows about this database is carried on: entries removed (writing resumed at or below the old
    head) and a keyed trail that turned up unkeyed. A head of another database is simply replaced.

    ``stored_hash(id)`` reads an entry's hash from the database: when another thread's later commit
    wrote the head first, the old head's entry is still there and this (older) head is not written."""
    with _HEAD_LOCK:
        return _advance(db_path, key, created_now, first_id, last_id, last_hash, stored_hash)


def _advance(db_path: Path, key: ChainKey, created_now: bool, first_id: int, last_id: int, last_hash: str,
             stored_hash: Callable[[int], str | None]) -> Head | None:
    old = read_head(db_path)
    missing: tuple[int, int] | None = None
    replaced: tuple[str, int] | None = None
    if old is not None and old.chain_id in (key.chain_id, key.previous):
        missing, replaced = old.missing, old.replaced
        if first_id <= old.id and last_id < old.id and stored_hash(old.id) == old.hash:
            return None  # a newer commit's head is already there
        if first_id <= old.id:
            low = min(first_id, missing[0]) if missing else first_id
            high = max(old.id, missing[1]) if missing else old.id
            missing = (low, high)
            log.warning("audit entries %d-%d were removed before this write", first_id, old.id)
    elif old is not None and created_now and first_id > 1:
        replaced = (old.chain_id, old.id)
        log.warning("a keyed audit trail at this path was replaced by an unkeyed one")
    head = Head(key.chain_id, last_id, last_hash, missing, replaced)
    write_head(db_path, head)
    return head


# --- backups --------------------------------------------------------------------------------


def backup_key_path(backup_file: Path) -> Path:
    return Path(backup_file).with_suffix(KEY_SUFFIX)


def write_backup_keys(backup_file: Path, chain_id: str | None, head: Head | None,
                      db_path: Path | None = None) -> Path:
    """``<backup>.key``: the keys of the backup's trail and its newest entry (private). The keys are looked
    for beside ``db_path``'s trail first (a server station's: its shared folder's ``keys``)."""
    keys, _missing = lineage(chain_id, db_path or backup_file)
    path = backup_key_path(backup_file)
    atomic_write(path, json.dumps({"format": FORMAT, "keys": [k.record() for k in keys],
                                   "head": head.record() if head else None}))
    return path


def read_backup_keys(backup_file: Path) -> tuple[list[ChainKey], Head | None]:
    """What ``<backup>.key`` holds; nothing when it is missing or unreadable (an older backup)."""
    try:
        data = json.loads(backup_key_path(backup_file).read_text(encoding="utf-8"))
        keys = [ChainKey.from_record(r) for r in data.get("keys") or []]
        head = Head.from_record(data["head"]) if data.get("head") else None
    except FileNotFoundError:
        return [], None
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        log.warning("the key file beside the backup is unreadable")
        return [], None
    return keys, head


def copy_backup_keys(backup_file: Path, copy_file: Path) -> None:
    """The key sidecar goes with a backup copied to another folder (nothing when there is none)."""
    source = backup_key_path(backup_file)
    if source.is_file():
        atomic_write(backup_key_path(copy_file), source.read_text(encoding="utf-8"))


def orphan_backup_keys(folder: Path, backup_suffix: str) -> list[Path]:
    """Key sidecars whose backup is gone, and temporaries a killed write left."""
    found = [p for p in folder.glob(f"backup-*{KEY_SUFFIX}") if not p.with_suffix(backup_suffix).exists()]
    return found + list(folder.glob(f"backup-*{KEY_SUFFIX}.*.tmp"))
