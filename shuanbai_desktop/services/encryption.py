"""Encryption at rest (issue 17): the station's data key, its key file, unlocking, the recovery code,
and the upgrade of a plain database.

The database is a SQLCipher 4 file encrypted with a random 256-bit data key; the key file beside it
(``<database>.keyring``, ``data/keyring.py``) holds that key wrapped once per account (under the
account's password, Argon2id) and once under the recovery code. Unlocking remembers the key for the
file's path in this process (``engine.use_key``); every connection then opens with it.

* **Set-up** (``create_station``): the key, the key file with the administrator's slot and a new
  recovery code, then the encrypted file, all in a temporary name moved into place at the end.
* **Log-in** (``open_with_password``): the first log-in of a process unlocks with the typed password,
  then opens the file as usual (checks, migrations, integrity check in the background). A password
  that opens no slot is noted in the key file and carried into the database's own lock-out and audit
  trail once it is open (``carry_failures``).
* **Accounts** (``services/auth.py``): a new account, a reset and a password change write the user's
  slot before the transaction commits, keeping the previous one until the next log-in settles on the
  password the database holds (``settle_slot``); a disabled account's slot goes once that committed.
* **Recovery code**: made at set-up and by ``renew_recovery_code``; ``recover_admin`` opens the file
  with it and gives an administrator a new password. These functions (and ``first_keys``, ``status``) are
  the one entry for both backends: a database on a PostgreSQL server has no key file, its code is checked
  against a hash in the database (``services/server_recovery.py``, issue 19).
* **Upgrade** (``encrypt_plain``): a plain database of an earlier version, after a verified backup,
  becomes an encrypted one under the administrator who logged in; the other accounts' slots are made
  from their stored Argon2id hashes, so their passwords keep working.

See docs/encryption.md.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..data import engine
from ..data.db import session_path
from ..data.engine import connect, is_plain_file, sqlite
from ..data.files import fsync_dir
from ..data.keyring import DataKey, KeyRing, keyring_path, new_recovery_code
from ..errors import DatabaseRefused, UserError
from .opening import FileKind, FileState, inspect  # noqa: F401  (the CLI asks here)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..data import audit
    from ..data.db import Database
    from .auth import UserInfo

log = logging.getLogger(__name__)
SETUP_TMP = ".setup-tmp"
ENCRYPT_TMP = ".encrypt-tmp"


def _wrong_password() -> UserError:
    return UserError("用户名或密码错误。", field="密码")


def unlock(path: Path, username: str, password: str, at: datetime) -> KeyRing:
    """The data key from ``username``'s slot, remembered for ``path``; a password (or name) that opens
    no slot is noted in the key file and refused with the log-in's one message."""
    ring = KeyRing.load(keyring_path(path))
    key = ring.unlock_user(username, password)
    if key is None:
        ring.note_failure(username if ring.has_user(username) else None, at)
        try:
            ring.save(keyring_path(path))
        except OSError:
            log.warning("failed log-in not noted in the key file", exc_info=True)
        raise _wrong_password()
    engine.use_key(path, key, ring.file_id)
    return ring


def open_with_password(path: Path, username: str, password: str, at: datetime,
                       check_in_background: bool = True) -> Database:
    """Unlock with an account's password, open the database as at every start (checks, migrations,
    the integrity check behind), and carry the failed unlocks noted since into its lock-out and trail."""
    from .opening import open_app_database
    ring = unlock(path, username, password, at)
    db = open_app_database(path, check_in_background=check_in_background)
    carry_failures(db, ring, username)
    return db


def carry_failures(db: Database, ring: KeyRing, username: str) -> None:
    """Failed unlocks noted in the key file become the log-in's own failure counts and trail entries."""
    from . import auth
    mine, unknown = ring.take_failures(username), ring.take_failures(None)
    if not mine and not unknown:
        return
    with db.session() as session:
        auth.note_earlier_failures(session, username, mine, len(unknown))
    ring.save(keyring_path(db.file))


# --- the key file of an open database -----------------------------------------------------------


def _db_path(session: Session) -> Path:
    path = session_path(session)
    assert path is not None, "a station database is a file"
    return path


def _open_ring(path: Path | None) -> tuple[KeyRing, DataKey] | None:
    """The key file and key of an open encrypted database; None for a plain one (no slots to keep) and for a
    database on a PostgreSQL server (``path`` None: encryption at rest is the server's)."""
    if path is None:
        return None
    key = engine.key_for(path)
    if key is None or is_plain_file(path):
        return None
    return KeyRing.load(keyring_path(path)), key


def write_slot(session: Session, username: str, password: str) -> None:
    """The account's slot under ``password``, written now (before the caller's transaction commits),
    the previous one kept until ``settle_slot``."""
    opened = _open_ring(_db_path(session))
    if opened is None:
        return
    ring, key = opened
    ring.set_user(username, password, key, keep_previous=True)
    ring.save(keyring_path(_db_path(session)))


def drop_slot_after_commit(session: Session, username: str) -> None:
    """A disabled account's slot goes once the transaction that disabled it has committed."""
    from sqlalchemy import event
    path = _db_path(session)

    def dropped(_session) -> None:
        opened = _open_ring(path)
        if opened is not None:
            ring, _key = opened
            ring.remove_user(username)
            ring.save(keyring_path(path))

    event.listen(session, "after_commit", dropped, once=True)


def settle_slot(db: Database, username: str, password: str) -> None:
    """After a log-in the database accepted: the account's slot is the one ``password`` opens (a new
    slot when it had none: an account enabled again, or one the upgrade could not give a slot); and
    slots of names that are no enabled account (an account whose creating transaction rolled back or
    was killed after its slot was written) are dropped."""
    from sqlalchemy import select

    from ..data.models import User
    opened = _open_ring(db.path)
    if opened is None:
        return
    ring, key = opened
    with db.session() as session:
        accounts = list(session.scalars(select(User.username).where(User.disabled.is_(False))))
    changed = ring.keep_users(accounts)
    changed = ring.settle_user(username, password) or changed
    if ring.unlock_user(username, password) is None:  # no slot, or one of another password (a restore
        ring.set_user(username, password, key)      # of a backup copied without its key file)
        changed = True
    if changed:
        ring.save(keyring_path(db.file))


# --- set-up -------------------------------------------------------------------------------------


def create_station(path: Path, town_code: str, name: str, address: str, phone: str, admin_username: str,
                   admin_display_name: str, admin_password: str, at: datetime) -> tuple[Database, str]:
    """The first start: a new encrypted database with the station and its administrator, and its key
    file; returns the open database (unlocked) and the recovery code to show. Made under temporary
    names and moved into place only once complete: a set-up that fails or is killed leaves nothing."""
    from . import auth, station
    from .opening import open_app_database
    if path.exists() and path.stat().st_size > 0:
        raise UserError("这里已经有一个数据库，不能再设立新的社工站。", field="社工站名称")
    auth.check_password_rules(admin_password, auth.check_username(admin_username), admin_display_name)
    tmp = Path(f"{path}{SETUP_TMP}")
    for leftover in (tmp, keyring_path(tmp), Path(f"{tmp}-journal")):
        leftover.unlink(missing_ok=True)
    key, code = DataKey.new(), new_recovery_code()
    ring = KeyRing.create(name.strip(), at)
    ring.set_user(admin_username, admin_password, key)
    ring.set_recovery(code, key)
    engine.use_key(tmp, key)
    try:
        db = open_app_database(tmp)
        try:
            with db.session() as session:
                station.setup_station(session, town_code, name, address, phone, admin_username,
                                      admin_display_name, admin_password)
                note_recovery_made(session, at)
        finally:
            db.close()
        ring.save(keyring_path(path))
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        engine.use_key(tmp, None)
    engine.use_key(path, key, ring.file_id)
    from ..data import audit, audit_key
    audit_key.head_path(tmp).unlink(missing_ok=True)
    audit.reset_head(path)
    return open_app_database(path, check_in_background=False), code


def first_keys(db: Database, admin_username: str, admin_password: str, at: datetime) -> str | None:
    """The set-up of a station in an existing encrypted database without one (a set-up that stopped
    after the file was made): the administrator's slot and a new recovery code, returned. None for a
    plain file (encrypted at the administrator's first log-in). A server database (an empty one the start
    was pointed at): a new recovery code, its hash in the database."""
    if db.server is not None:
        from . import server_recovery
        with db.session() as session:
            return server_recovery.make(session, at)
    opened = _open_ring(db.path)
    if opened is None:
        return None
    ring, key = opened
    code = new_recovery_code()
    ring.set_user(admin_username, admin_password, key)
    ring.set_recovery(code, key)
    with db.session() as session:
        note_recovery_made(session, at)
    ring.save(keyring_path(db.file))
    return code


RECOVERY_SETTING = "encryption.recovery_made_at"


def note_recovery_made(session: Session, at: datetime) -> None:
    """When the recovery code in force was made (设置 shows it; the code itself is kept nowhere; on a server
    only its hash, ``server_recovery``)."""
    import json

    from ..data.models import Setting
    session.merge(Setting(key=RECOVERY_SETTING, value=json.dumps(at.isoformat(timespec="seconds"))))


def _recovery_made(session: Session) -> datetime | None:
    import json

    from ..data.models import Setting
    row = session.get(Setting, RECOVERY_SETTING)
    return datetime.fromisoformat(json.loads(row.value)) if row else None


# --- the recovery code --------------------------------------------------------------------------


@dataclass(frozen=True)
class EncryptionStatus:
    encrypted: bool
    recovery_made_at: datetime | None
    accounts_with_key: int
    by_server: bool = False  # a database on a PostgreSQL server: encryption at rest is the server's, the
    #                          recovery code's hash is in the database (``recovery_made_at``: when it was made)

    @property
    def has_recovery(self) -> bool:
        """Whether this station can have a recovery code (生成新的恢复码 is offered): an encrypted file or a server."""
        return self.encrypted or self.by_server


def status(db: Database) -> EncryptionStatus:
    with db.session() as session:
        made = _recovery_made(session)
    if db.server is not None:
        return EncryptionStatus(False, made, 0, by_server=True)
    opened = _open_ring(db.path)
    return EncryptionStatus(opened is not None, made,
                            opened[0].user_count() if opened is not None else 0)


def renew_recovery_code(db: Database, actor: audit.Actor, at: datetime | None = None) -> tuple[str, datetime]:
    """A new recovery code (``USERS_MANAGE``); the old one stops working. Audited, never logged. On a
    server: its hash replaces the old one in the database (``server_recovery.renew``)."""
    from ..data import audit
    from ..data.base import now
    from . import server_recovery
    from .permissions import Permission, require
    at = at or now()
    if db.server is not None:
        return server_recovery.renew(db, actor, at)
    opened = _open_ring(db.path)
    if opened is None:
        raise UserError("数据库尚未加密，没有恢复码。")
    ring, key = opened
    code = new_recovery_code()
    with db.session(actor) as session:
        require(session, Permission.USERS_MANAGE)
        note_recovery_made(session, at)
        audit.record_event(session, "app_user", "", server_recovery.RENEWED)
        ring.set_recovery(code, key)
        ring.save(keyring_path(db.file))
    return code, at


def recover_admin(path: Path | None, code: str, username: str, new_password: str, again: str,
                  at: datetime, db: Database | None = None) -> Database:
    """使用恢复码: open the database with the recovery code and give the administrator ``username`` the
    password ``new_password`` (to be typed twice). Returns the open database. ``db``: the database when
    it is already open (the key is then checked against the code all the same). A database on a server
    (``db`` given, ``path`` None): the code is checked against its hash there (``server_recovery``)."""
    from . import auth, server_recovery
    from .opening import open_app_database
    if new_password != again:
        raise UserError("两次输入的新密码不一致。", field="再次输入新密码")
    if db is not None and db.server is not None:
        server_recovery.recover_admin(db, code, username, new_password, at)
        return db
    if path is None:
        if db is None:
            raise ValueError("recover_admin needs the database's path or its open handle")
        path = db.file
    ring = KeyRing.load(keyring_path(path))
    key = ring.unlock_recovery(code)
    if key is None:
        raise UserError(server_recovery.WRONG_CODE, field="恢复码")
    engine.use_key(path, key, ring.file_id)
    opened_here = db is None
    if db is None:
        db = open_app_database(path, check_in_background=False)
    try:
        with db.session() as session:
            auth.reset_by_recovery(session, username, new_password, at)
    except BaseException:
        if opened_here:  # a refused name or password: the handle opened for it is not left open
            db.close()
        raise
    ring = KeyRing.load(keyring_path(path))
    ring.set_user(username, new_password, key)
    ring.save(keyring_path(path))
    return db


# --- upgrade of a plain database ----------------------------------------------------------------


@dataclass(frozen=True)
class Encrypted:
    db: Database
    recovery_code: str
    made_at: datetime
    plain_backups: list[Path]  # backups written before: the only unencrypted copies left


def needs_encrypting(db: Database) -> bool:
    return db.path is not None and is_plain_file(db.path)


def encrypt_plain(db: Database, user: UserInfo, password: str, at: datetime,
                  progress: Callable[[int, str], None] | None = None) -> Encrypted:
    """Encrypt a plain database at an administrator's log-in: a verified backup first, then an encrypted
    copy (``sqlcipher_export``) checked against the original, moved into place after its key file.
    ``db`` is closed; the returned database is the encrypted one, unlocked."""
    from sqlalchemy import select

    from ..data import audit
    from ..data.models import User
    from ..domain.labels import BackupKind, Role
    from . import backup, database_ops, station
    from .opening import open_app_database
    progress = progress or backup.no_progress
    if user.role is not Role.ADMIN:
        raise UserError("本版本会对数据库加密，需要管理员登录一次来完成。请管理员先登录。", field="用户名")
    path = db.file
    with db.session() as session:
        info = station.get_station(session)
        accounts = [(u.username, u.password_hash) for u in session.scalars(
            select(User).where(User.disabled.is_(False), User.id != user.id))]
    progress(5, "正在备份（加密前）")
    database_ops.backup_now(db, BackupKind.PRE_MIGRATE, actor=user.actor, progress=None)
    key, ring = _station_key(path, user.username, password, info.name if info else "", at)
    code = new_recovery_code()
    ring.set_user(user.username, password, key)
    for username, stored in accounts:
        try:
            ring.set_user_from_hash(username, stored, key)
        except ValueError:
            log.info("an account's stored hash cannot make a slot; it gets one at its next log-in")
    ring.set_recovery(code, key)
    with db.session(user.actor) as session:
        note_recovery_made(session, at)
        audit.record_event(session, "app_user", "", "数据库加密（SQLCipher，AES-256）")
    db.close()
    progress(30, "正在加密数据库")
    tmp = Path(f"{path}{ENCRYPT_TMP}")
    _export_encrypted(path, tmp, key)
    progress(80, "正在核对加密后的数据库")
    _same_contents(path, tmp, key)
    ring.save(keyring_path(path))
    os.replace(tmp, path)
    fsync_dir(path.parent)
    engine.use_key(path, key, ring.file_id)
    _encrypt_attachments(path, key, progress)
    progress(95, "正在打开加密后的数据库")
    encrypted = open_app_database(path, check_in_background=False)
    return Encrypted(encrypted, code, at, plain_backups(path))


def plain_backups(path: Path) -> list[Path]:
    """Backups in the station's own folder that are not encrypted (made before the encryption)."""
    from . import backup
    if is_plain_file(path):
        return []
    return [b.path for b in backup.list_backups(paths.backups_dir(path)) if is_plain_file(b.path)]


def station_key_id(path: Path) -> str:
    """The id of the station's key file (names what a screen remembers about it; no secret)."""
    return engine.ring_id_of(path) or ""


def _encrypt_attachments(path: Path, key: DataKey, progress: Callable[[int, str], None]) -> None:
    """The station's attachment files, encrypted in place once the database is. A failure leaves the
    rest plain (still readable) and does not undo the database's encryption: logged, not raised."""
    from . import attachments

    def step(done: int, total: int) -> None:
        progress(85 + 10 * done // max(total, 1), f"正在加密附件（{done}/{total}）")

    try:
        attachments.encrypt_store(path, key, step)
    except (OSError, UserError):
        log.warning("attachment files not all encrypted; the rest stay plain", exc_info=True)


def _station_key(path: Path, username: str, password: str, station_name: str, at: datetime) -> tuple[DataKey, KeyRing]:
    """The station's data key: the one its key file still holds when the administrator's password opens
    it (a backup from before the encryption was restored: files encrypted since, such as attachments,
    keep opening), else a new one with a new key file."""
    try:
        ring = KeyRing.load(keyring_path(path))
    except UserError:
        ring = None
    if ring is not None:
        key = ring.unlock_user(username, password)
        if key is not None:
            return key, ring
    return DataKey.new(), KeyRing.create(station_name, at)


def _export_encrypted(path: Path, tmp: Path, key: DataKey) -> None:
    for leftover in (tmp, Path(f"{tmp}-journal")):
        leftover.unlink(missing_ok=True)
    conn = connect(path, "rw")
    try:
        conn.isolation_level = None
        conn.execute("ATTACH DATABASE ? AS enc KEY ?", (str(tmp), key.sqlcipher_literal()))
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        conn.execute("SELECT sqlcipher_export('enc')")
        conn.execute(f"PRAGMA enc.user_version = {int(version)}")
        conn.execute(f"PRAGMA enc.application_id = {int(app_id)}")
        conn.execute("DETACH DATABASE enc")
    except BaseException:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise
    conn.close()
    paths.make_private(tmp)  # owner-only, or the group's in the machine's shared folder


def _same_contents(path: Path, tmp: Path, key: DataKey) -> None:
    """Every table has the same number of rows in the copy, and the copy passes ``quick_check``."""
    plain, copy = connect(path, "ro"), connect(tmp, "ro", key=key)
    try:
        tables = [r[0] for r in plain.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            query = f'SELECT count(*) FROM "{table}"'
            if plain.execute(query).fetchone() != copy.execute(query).fetchone():
                raise DatabaseRefused(f"加密后的数据库与原数据库不一致（{table}），没有替换原文件。")
        if copy.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise DatabaseRefused("加密后的数据库未通过完整性检查，没有替换原文件。")
    except sqlite.DatabaseError as exc:
        raise DatabaseRefused(f"加密后的数据库无法读取（{exc}），没有替换原文件。") from None
    finally:
        plain.close()
        copy.close()


def remove_plain_backups(files: list[Path], db_path: Path | None = None) -> int:
    """Overwrite, then remove, the backups made before the encryption (and their sidecars). With the
    encrypted database's ``db_path``, the attachment files those backups' folders hold plain
    (``<folder>/attachments``) are encrypted in place with its key too."""
    from ..data import audit_key
    from . import attachments, backup
    removed = 0
    for file in files:
        if not is_plain_file(file):
            continue
        backup.secure_remove(file)
        backup.sidecar_path(file).unlink(missing_ok=True)
        audit_key.backup_key_path(file).unlink(missing_ok=True)
        removed += 1
    key = attachments.store_key(db_path) if db_path is not None else None
    if key is not None:
        for folder in sorted({file.parent for file in files}):
            attachments.encrypt_folder(folder / "attachments", key)
    return removed



def unlock_backup(backup_file: Path, username: str = "", password: str = "", code: str = "") -> None:
    """An encrypted backup of another key (``backup.BackupLocked``): its key, from the password of an
    account in it or its station's recovery code, remembered for it (then ``prepare_restore`` again)."""
    ring = KeyRing.load(keyring_path(backup_file))
    key = ring.unlock_recovery(code) if code else ring.unlock_user(username, password)
    if key is None:
        raise UserError("恢复码不正确。" if code else "这份备份中没有这个用户名，或密码不正确；也可以用该社工站的恢复码解开。",
                        field="恢复码" if code else "密码")
    engine.use_key(backup_file, key, ring.file_id)
