"""The one way to SQLite: the driver, raw connections with the station's key, the engine factory.

**Driver**: ``sqlcipher3`` (SQLCipher 4 on a current SQLite, 3.5x) for every connection, encrypted or
not: one SQLite, one set of error classes (``sqlite.Error``…), whatever the Python build bundles.

**Keys**: a station's database is encrypted with its data key (``keyring.DataKey``, unwrapped at the
log-in). The key is remembered for the file's path in this process (``use_key``); ``connect`` applies
it to an encrypted or a new file, and opens a plain SQLite file (the upgrade's source, an old backup)
as it is. A file read without its key fails as SQLite does ("file is not a database").

Journal mode: rollback journal (DELETE) with ``synchronous=FULL``: it leaves no ``-wal``/``-shm``
files to be separated from the database by a user copying files, and its pages are as encrypted as
the file's. One writer per database is enforced by an instance lock (``data/lock.py``). See
docs/decisions.md.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlcipher3 import dbapi2 as sqlite

if TYPE_CHECKING:  # SQLAlchemy is imported when the first engine is made, not by the start-up checks
    from sqlalchemy import Engine

    from .keyring import DataKey

APPLICATION_ID = 0x53424457  # "SBDW": marks a file as ours (PRAGMA application_id)
BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 128 * 1024
SQLITE_MAGIC = b"SQLite format 3\x00"
PRAGMAS = (
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode=DELETE",
    "PRAGMA synchronous=FULL",
    "PRAGMA secure_delete=ON",
    # A page cache of up to 128 MiB per connection (SQLite's default: 2 MiB), filled only as pages are
    # read: an encrypted page is decrypted and checked once, not on every pass of the monthly report
    # (tests/benchmarks/bench_encryption.py: export 1.39× → 1.00× of the plain file; docs/encryption.md).
    f"PRAGMA cache_size=-{CACHE_KIB}",
)
__all__ = ["sqlite", "connect", "connect_readonly", "make_engine", "use_key", "key_for", "is_plain_file"]

_KEYS: dict[str, DataKey] = {}  # absolute path → key
_RINGS: dict[str, DataKey] = {}  # key file id → key: a backup carries its station's key file
_KEYS_LOCK = threading.Lock()


def _where(path: Path) -> str:
    return str(Path(path).absolute())


def use_key(path: Path, key: DataKey | None, ring_id: str | None = None) -> None:
    """Remember (or, with None, forget) the data key of the file at ``path`` for this process; with
    ``ring_id`` (its key file's id) also for every file whose key file has that id (its backups)."""
    with _KEYS_LOCK:
        if key is None:
            _KEYS.pop(_where(path), None)
            return
        _KEYS[_where(path)] = key
        if ring_id:
            _RINGS[ring_id] = key


KEYRING_SUFFIX = ".keyring"  # the key file beside an encrypted database: data/keyring.py


def keyring_record(path: Path) -> dict | None:
    """The key file beside ``path`` (``<path>.keyring``) as JSON, None without a readable one. Light
    (no cryptography): what the start-up reads before the first window; ``keyring.KeyRing`` checks it."""
    try:
        data = json.loads(Path(f"{path}{KEYRING_SUFFIX}").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def ring_id_of(path: Path) -> str | None:
    """The id in the key file beside ``path``, None without a readable one."""
    record = keyring_record(path)
    return str(record["file_id"]) if record and "file_id" in record else None


def key_for(path: Path) -> DataKey | None:
    """The key remembered for ``path``, or for the key file beside it (a backup of an open station)."""
    with _KEYS_LOCK:
        key = _KEYS.get(_where(path))
    if key is not None or not _RINGS:
        return key
    ring_id = ring_id_of(path)
    with _KEYS_LOCK:
        return _RINGS.get(ring_id) if ring_id else None


def is_plain_file(path: Path) -> bool:
    """True for an existing, non-empty file that starts as a plain SQLite database does."""
    try:
        with Path(path).open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def sqlite_uri(path: Path, mode: str = "ro") -> str:
    """A SQLite URI for ``path`` with every special character quoted (``#``, ``?``, ``%``, spaces,
    Chinese). The one way a path reaches SQLite as a URI; never format ``file:{path}`` by hand."""
    return f"{Path(path).absolute().as_uri()}?mode={mode}"


def apply_key(conn: sqlite.Connection, key: DataKey) -> None:
    """Key a fresh connection (before its first statement). SQLCipher's own log stays silent: a wrong
    key is our ``unreadable`` message, not lines on stderr."""
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"{key.sqlcipher_literal()}\"")


def connect(path: Path, mode: str = "ro", key: DataKey | None = None, **kwargs) -> sqlite.Connection:
    """A connection to ``path`` (``mode`` ro, rw or rwc), keyed with ``key`` or the key remembered for
    the path, unless the file is a plain SQLite database."""
    key = key or key_for(path)
    conn = sqlite.connect(sqlite_uri(path, mode), uri=True, **kwargs)
    if key is not None and not is_plain_file(path):
        try:
            apply_key(conn, key)
        except BaseException:
            conn.close()
            raise
    return conn


def connect_readonly(path: Path, **kwargs) -> sqlite.Connection:
    """A read-only connection (``mode=ro``): it never creates the file and never writes to it."""
    return connect(path, "ro", **kwargs)


def make_engine(path: Path, readonly: bool = False) -> Engine:
    """An engine on ``path``; ``readonly`` opens the file with SQLite's ``mode=ro``."""
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL
    from sqlalchemy.pool import NullPool

    def creator() -> sqlite.Connection:
        if readonly:
            return connect(path, "ro", check_same_thread=False)
        return connect(path, "rwc", timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    kwargs = {"poolclass": NullPool} if readonly else {}
    # hide_parameters: a failed statement's log line never carries its values (personal data).
    # module: SQLAlchemy wraps the driver's own error classes (sqlcipher3's, not the stdlib's).
    engine = create_engine(URL.create("sqlite", database=str(path)), module=sqlite, creator=creator,
                           hide_parameters=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (real transactions)
        cur = dbapi_conn.cursor()
        for pragma in PRAGMAS:
            if readonly and "journal_mode" in pragma:
                continue
            cur.execute(pragma)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine
