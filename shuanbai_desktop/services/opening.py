"""Opening the station's database at start-up, light enough for the first window.

Nothing here imports SQLAlchemy, the models or Alembic unless a migration is due: the GUI shows its
log-in window (or the set-up wizard) first and prepares the rest behind it (docs/decisions.md,
“Start-up”). ``database_ops.open_app_database`` is this module's ``open_app_database``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from .. import paths
from ..data.backend import ServerTarget
from ..data.db import Database
from ..data.engine import connect_readonly, is_plain_file, keyring_record, sqlite
from ..data.migrate import not_ours_or_locked, open_database, open_server_database, unreadable

log = logging.getLogger(__name__)


def _pre_migration_backup(path: Path) -> None:
    from ..domain.labels import BackupKind
    from . import backup
    backup.make_backup(path, paths.backups_dir(path), BackupKind.PRE_MIGRATE, full=True)


def _pre_migration_server_backup(db: Database) -> None:
    """A server database's pre-migration backup: ``pg_dump``, restored on trial into a scratch database."""
    from ..domain.labels import BackupKind
    from . import server_backup
    server_backup.make_backup(db, paths.backups_dir(db.anchor), BackupKind.PRE_MIGRATE, full=True)


def clean_leftovers(path: Path) -> None:
    """What a killed backup or restore left beside the database (``backup.clean_leftovers``)."""
    from . import attachments, backup
    try:
        backup.clean_leftovers(path, paths.backups_dir(path))
    except OSError:
        log.warning("could not clean up after an interrupted backup", exc_info=True)
    try:
        attachments.clean_leftovers(path)  # attachments decrypted for viewing by a killed program
    except OSError:
        log.warning("could not remove temporary attachment copies", exc_info=True)


def open_app_database(path: Path | ServerTarget, check_in_background: bool = False,
                      one_shot: bool = False) -> Database:
    """Checks, a verified pre-migration backup when the schema is older, migrations; then what a
    killed backup or restore left beside it is cleaned up (see ``backup.clean_leftovers``).

    With ``check_in_background`` (the GUI, the command line) the integrity check of a file that needs
    no migration goes on in a thread after this returns: the handle begins no session, and nothing is
    cleaned up, before it has passed (``Database.hold_until_checked``); ``one_shot`` (a command of the
    command line) lets it run in a child process instead (``migrate.start_integrity_check``).

    A database on a PostgreSQL server (``ServerTarget``): no file checks and no integrity check (the
    server's); an empty database is built by the migrations; one needing a migration is migrated after a
    verified server backup (``pg_dump``, ``server_backup.make_backup(full=True)``)."""
    if isinstance(path, ServerTarget):
        db = open_server_database(path, backup=_pre_migration_server_backup)
        from . import server_backup
        try:
            server_backup.clean_leftovers(path)
        except OSError:
            log.warning("could not clean up after an interrupted server backup", exc_info=True)
        return db
    return open_database(path, backup=_pre_migration_backup, check_in_background=check_in_background,
                         after_check=lambda: clean_leftovers(path), one_shot=one_shot)


class FileKind(Enum):
    NEW = "new"  # no file (or an empty one): the set-up wizard
    PLAIN = "plain"  # plain SQLite of an earlier version: opened as before, encrypted at an administrator's log-in
    ENCRYPTED = "encrypted"  # opened by a log-in (services/encryption.py)


@dataclass(frozen=True)
class FileState:
    kind: FileKind
    station_name: str | None  # the encrypted file's, from its key file (a plain file's: ``station_name``)


def inspect(path: Path) -> FileState:
    """What the file at ``path`` is, read without its key and without loading the cryptography: new,
    plain or encrypted (its key file gives the station's name). ``DatabaseRefused`` for a network
    path, a folder, or a file that is not plain SQLite and has no key file beside it."""
    paths.refuse_network_path(path)
    paths.refuse_folder_as_database(path)
    if not path.exists() or path.stat().st_size == 0:
        return FileState(FileKind.NEW, None)
    if is_plain_file(path):
        return FileState(FileKind.PLAIN, None)
    record = keyring_record(path)
    if record is None:
        raise not_ours_or_locked(path)
    name = record.get("station_name")
    return FileState(FileKind.ENCRYPTED, name if isinstance(name, str) else "")


def station_name(db: Database) -> str | None:
    """The station's name for the log-in window's title, None before the set-up (no station yet).

    Read straight from the file (read-only), so that the first window waits neither for the
    integrity check nor for SQLAlchemy; a file SQLite cannot read is refused as at the start-up checks.
    On a server: through the engine (the server was reached when the database was opened)."""
    if db.path is None:
        from sqlalchemy import inspect, text
        with db.engine.connect() as server:
            if not inspect(server).has_table("station"):
                return None
            return server.execute(text("SELECT name FROM station LIMIT 1")).scalar()
    conn = connect_readonly(db.path)
    try:
        has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='station'").fetchone()
        row = conn.execute("SELECT name FROM station LIMIT 1").fetchone() if has_table else None
    except sqlite.DatabaseError as exc:
        raise unreadable(exc) from None
    finally:
        conn.close()
    return row[0] if row else None


def load_behind_first_window(db: Database | None) -> None:
    """Run in a background thread once the first window is shown: load what the log-in and the main
    window need (SQLAlchemy, the models and the audit trail with the engine, the log-in's services)
    while the integrity check goes on in its own thread, then wait for that check (``DatabaseRefused``
    when it failed). Returns quietly when the database was closed meanwhile."""
    from . import auth, database_ops, encryption, station  # noqa: F401
    if db is None:  # an encrypted file: opened by the log-in, which unlocks it
        return
    db.engine  # noqa: B018  (made now, not at the log-in)
    db.wait_checked(again_if_cancelled=False)


def create_server_station(target: ServerTarget, town_code: str, name: str, address: str, phone: str,
                          admin_username: str, admin_display_name: str, admin_password: str,
                          at: datetime) -> tuple[Database, str]:
    """``init`` on a PostgreSQL server: the empty database built by the migrations, then the station, its
    administrator and a new recovery code (its hash: ``server_recovery.make``) in one transaction. Returns
    the open database and the code to hand to the administrator. No key file: encryption at rest is the
    server's (docs/decisions.md). Refused when the database already has a station or an account."""
    from . import auth, server_recovery, station
    auth.check_password_rules(admin_password, auth.check_username(admin_username), admin_display_name)
    db = open_server_database(target)
    try:
        with db.session() as session:
            station.setup_station(session, town_code, name, address, phone, admin_username,
                                  admin_display_name, admin_password)
            code = server_recovery.make(session, at)
    except BaseException:
        db.close()
        raise
    return db, code
