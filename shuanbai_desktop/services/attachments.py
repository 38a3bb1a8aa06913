"""One attachment store for every feature: files named by their SHA-256, never by their content.

Files live in ``<database folder>/attachments/ab/abcdef….ext``; the database row keeps
the original name, who added it and when. A file is written to ``.tmp``, fsynced and
renamed, so a crash never leaves half a file under a final name. Backups copy the
store beside the database backup (``sync_store``), files as they are.

**Encrypted at rest** (issue 17): beside an encrypted database a stored file is
``<stored name>.enc``: ``MAGIC + 12-byte nonce + AES-256-GCM(content)`` under a key derived from the
database's data key (``_file_key``: HKDF-SHA256, info ``b"shuanbai attachments v1"``), the stored name
as associated data (a file moved under another name does not open). The stored name stays the SHA-256
of the plain content (rows and dedupe unchanged). A plain file (a plain database, or a file from before
the encryption) is read as it is; ``encrypt_store`` converts a store in place. Reading goes through
``open_plain`` / ``plain_copy``; opening one for the viewer decrypts it into a private temporary folder
(``viewing_copy``) removed when the program ends and, if it was killed, at the next start
(``clean_leftovers``). See docs/decisions.md (附件加密).

Adding or removing an attachment changes its owner's record, so it needs the permission of the
owner's area (``OWNER_PERMISSIONS``); the name recorded as 添加人 is the session's user.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import paths
from ..data import engine
from ..data.files import fsync_dir, pid_alive
from ..data.keyring import DataKey
from ..data.models.attachments import Attachment
from ..data.models.cases import CaseRecord
from ..domain.labels import Role
from ..errors import UserError
from .permissions import Acting, Permission, require
from .records import get_or_error

log = logging.getLogger(__name__)
MAX_BYTES = 50 * 1024 * 1024
MAGIC = b"SBATT1\0"
ENCRYPTED = ".enc"  # an encrypted stored file: "<sha256>.<ext>.enc"
TMP = ".tmp"
NONCE_BYTES = 12
FILE_KEY_INFO = b"shuanbai attachments v1"
VIEW_PREFIX = "shuanbai-open-"  # "<temp>/shuanbai-open-<pid>-<random>/": copies opened for viewing
VIEW_STALE_SECONDS = 12 * 3600  # a folder whose process cannot be asked about (Windows) is kept this long
_VIEW_RE = re.compile(rf"^{VIEW_PREFIX}(\d+)-")
ALLOWED = {".pdf", ".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".gif", ".webp", ".doc", ".docx",
           ".xls", ".xlsx", ".wps", ".et", ".ofd", ".txt", ".zip"}


# owner_type (the owning record's table) → what the acting user must be allowed to do to add or remove
OWNER_PERMISSIONS: dict[str, Permission] = {
    "asset": Permission.ASSET_EDIT,
    "archive_file": Permission.ARCHIVE_EDIT,
    "person": Permission.PERSON_EDIT,
    "household": Permission.HOUSEHOLD_EDIT,
    "case_record": Permission.CASE_OPEN,  # and only the case's responsible worker or an administrator
    "staff_member": Permission.STAFF_EDIT,
    "staff_contract": Permission.STAFF_EDIT,
    "staff_training": Permission.STAFF_EDIT,
    "staff_evaluation": Permission.STAFF_EDIT,
    "staff_supervision": Permission.SUPERVISION_RECORD,
    "window_registration": Permission.WINDOW_REGISTER,  # 窗口登记: application forms, certificates
}


def owner_permission(owner_type: str) -> Permission:
    """The permission that adding or removing an attachment of ``owner_type`` needs (the screens ask it too)."""
    permission = OWNER_PERMISSIONS.get(owner_type)
    if permission is None:
        raise ValueError(f"no permission declared for attachments of {owner_type!r}")
    return permission


def require_owner_edit(session: Session, owner_type: str, owner_id: int) -> Acting:
    """Refuse unless the session's user may change the owning record; returns who is acting."""
    acting = require(session, owner_permission(owner_type))
    if owner_type == "case_record":
        _require_case_worker(session, acting, owner_id)
    return acting


def _require_case_worker(session: Session, acting: Acting, case_id: int) -> None:
    if acting.is_system or acting.role is Role.ADMIN:
        return
    case = get_or_error(session, CaseRecord, case_id, "个案")
    if case.worker_id != acting.user_id:
        raise UserError("只有本个案的负责社工或管理员可以添加或移除这个个案的附件。")


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    description: str
    original_name: str
    size: int
    added_by: str
    added_at: datetime
    path: Path  # the stored file that exists (``….enc`` when encrypted); where it belongs when missing

    @property
    def size_text(self) -> str:
        return f"{self.size / 1024:.0f} KB" if self.size < 1024 * 1024 else f"{self.size / 1048576:.1f} MB"

    @property
    def encrypted(self) -> bool:
        """The stored file is the encrypted one (``path`` is never handed to a viewer: ``viewing_copy``)."""
        return self.path.name.endswith(ENCRYPTED)


def store_dir(db_path: Path) -> Path:
    return db_path.parent / "attachments"


def _stored_path(store: Path, stored_name: str) -> Path:
    return store / stored_name[:2] / stored_name


def _encrypted_path(plain: Path) -> Path:
    return plain.with_name(plain.name + ENCRYPTED)


def _plain_path(path: Path) -> Path:
    """The plain form of a stored file's path (given either form)."""
    if path.name.endswith(ENCRYPTED):
        return path.with_name(path.name[:-len(ENCRYPTED)])
    return path


def _existing(plain: Path) -> Path | None:
    """The stored file that is there: the encrypted one first, else the plain one."""
    sealed = _encrypted_path(plain)
    if sealed.exists():
        return sealed
    if plain.exists():
        return plain
    return None


def store_key(db_path: Path) -> DataKey | None:
    """The key new files of ``db_path``'s store are encrypted with: the data key of an encrypted
    database; None beside a plain one (its files stay plain, as the database does)."""
    key = engine.key_for(db_path)
    if key is None or engine.is_plain_file(db_path):
        return None
    return key


# --- the cipher -----------------------------------------------------------------------------------


def _file_key(key: DataKey) -> bytes:
    """The attachments' AES-256 key, derived from the database's data key (never the data key itself)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=FILE_KEY_INFO).derive(key.raw)


def _seal(data: bytes, stored_name: str, key: DataKey) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return MAGIC + nonce + AESGCM(_file_key(key)).encrypt(nonce, data, stored_name.encode("utf-8"))


def _damaged() -> UserError:
    return UserError("附件文件已损坏或不是本站的密钥加密的，无法打开。可以从备份中恢复附件库。", field="附件")


def _unseal(blob: bytes, stored_name: str, key: DataKey) -> bytes:
    start = len(MAGIC) + NONCE_BYTES
    if not blob.startswith(MAGIC) or len(blob) < start + 16:
        raise _damaged()
    nonce = blob[len(MAGIC):start]
    try:
        return AESGCM(_file_key(key)).decrypt(nonce, blob[start:], stored_name.encode("utf-8"))
    except InvalidTag:
        raise _damaged() from None


# --- writing --------------------------------------------------------------------------------------


def _write_durably(target: Path, data: bytes | Path) -> None:
    """``data`` (bytes, or a file to copy) into ``target`` through ``.tmp``, fsync and rename: a cut write
    leaves only the ``.tmp`` (removed at the next start), never half a file under its final name."""
    paths.make_private_dir(target.parent)  # owner-only, or the group's in the machine's shared folder
    tmp = target.with_name(target.name + TMP)
    try:
        with tmp.open("wb") as fh:
            paths.make_private(tmp)
            if isinstance(data, Path):
                with data.open("rb") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(target.parent)


def _secure_remove(path: Path) -> None:
    from .backup import secure_remove  # backup imports this module
    secure_remove(path)


def _put(store: Path, data: bytes, stored_name: str, key: DataKey | None) -> None:
    """Keep ``data`` as ``stored_name`` in ``store``: encrypted with ``key``, plain without; nothing when
    it is there already. A plain copy of it found beside an encrypting store is removed."""
    plain = _stored_path(store, stored_name)
    sealed = _encrypted_path(plain)
    if sealed.exists() or (key is None and plain.exists()):
        return
    if key is None:
        _write_durably(plain, data)
        return
    _write_durably(sealed, _seal(data, stored_name, key))
    if plain.exists():
        _secure_remove(plain)


def _read_source(source: Path) -> bytes:
    size = source.stat().st_size
    if 0 < size <= MAX_BYTES:
        data = source.read_bytes()
        if 0 < len(data) <= MAX_BYTES:
            return data
    raise UserError("附件不能是空文件，也不能超过 50 MB。", field="附件")


def add_attachment(session: Session, db_path: Path, owner_type: str, owner_id: int, source: Path,
                   description: str) -> AttachmentRow:
    """Copy ``source`` into the store (encrypted beside an encrypted database) and record it; the
    caller's transaction owns the row."""
    acting = require_owner_edit(session, owner_type, owner_id)
    source = Path(source)
    if not source.is_file():
        raise UserError(f"找不到文件：{source.name}", field="附件")
    ext = source.suffix.lower()
    if ext not in ALLOWED:
        raise UserError(f"不支持的附件类型“{ext or '无扩展名'}”。可用：PDF、图片、Word/Excel/WPS、OFD、文本、ZIP。",
                        field="附件")
    data = _read_source(source)  # read once: what is hashed is what is stored
    text = (description or source.stem).strip()[:100]
    sha = hashlib.sha256(data).hexdigest()
    _put(store_dir(db_path), data, sha + ext, store_key(db_path))
    row = Attachment(owner_type=owner_type, owner_id=owner_id, description=text, original_name=source.name[:200],
                     stored_name=sha + ext, size=len(data), sha256=sha, added_by=acting.username)
    session.add(row)
    session.flush()
    return _row(row, db_path)


def _row(a: Attachment, db_path: Path) -> AttachmentRow:
    plain = _stored_path(store_dir(db_path), a.stored_name)
    path = _existing(plain)
    if path is None:  # missing: where it belongs
        path = _encrypted_path(plain) if store_key(db_path) is not None else plain
    return AttachmentRow(a.id, a.description, a.original_name, a.size, a.added_by, a.added_at, path)


def list_attachments(session: Session, db_path: Path, owner_type: str, owner_id: int) -> list[AttachmentRow]:
    rows = session.scalars(select(Attachment).where(Attachment.owner_type == owner_type,
                                                    Attachment.owner_id == owner_id).order_by(Attachment.id))
    return [_row(a, db_path) for a in rows]


def remove_attachment(session: Session, attachment_id: int) -> None:
    """Removes the record; the stored file stays (backups and other records may share it)."""
    row = get_or_error(session, Attachment, attachment_id, "附件记录")
    require_owner_edit(session, row.owner_type, row.owner_id)
    session.delete(row)
    session.flush()


# --- reading --------------------------------------------------------------------------------------


def open_plain(item: AttachmentRow | Path, db_path: Path) -> bytes:
    """The content of an attachment (its row, or its stored file's path in either form), decrypted
    with the data key of ``db_path`` when the stored file is encrypted."""
    path = item.path if isinstance(item, AttachmentRow) else Path(item)
    plain = _plain_path(path)
    found = _existing(plain)
    if found is None:
        raise UserError("附件库中找不到这个文件，可能需要从备份中恢复。", field="附件")
    if found == plain:
        return plain.read_bytes()
    key = engine.key_for(db_path)
    if key is None:
        raise UserError("这个附件已加密保存，需要先用本站的账户登录才能打开。", field="附件")
    return _unseal(found.read_bytes(), plain.name, key)


def plain_copy(row: AttachmentRow, db_path: Path, target: Path) -> Path:
    """Write the attachment's content (decrypted) to ``target``; returns ``target``."""
    _write_durably(target, open_plain(row, db_path))
    return target


def export_copy(row: AttachmentRow, folder: Path, db_path: Path) -> Path:
    """Save a copy under its original name in ``folder`` (for printing or sending), decrypted."""
    return plain_copy(row, db_path, folder / _file_name(row))


def _file_name(row: AttachmentRow) -> str:
    """The original name as a plain file name (no folder part)."""
    name = Path(row.original_name.replace("\\", "/")).name
    return name or f"附件{row.id}{_plain_path(row.path).suffix}"


# --- copies opened for viewing --------------------------------------------------------------------

class _Viewing:
    """This process's private folder of viewing copies, made on first use; removed at exit."""
    lock = threading.Lock()
    folder: Path | None = None
    cleanup_registered = False


def _view_folder() -> Path:
    with _Viewing.lock:
        folder = _Viewing.folder
        if folder is None or not folder.is_dir():
            folder = Path(tempfile.mkdtemp(prefix=f"{VIEW_PREFIX}{os.getpid()}-"))  # owner-only (0700)
            _Viewing.folder = folder
            if not _Viewing.cleanup_registered:
                atexit.register(remove_viewing_copies)
                _Viewing.cleanup_registered = True
        return folder


def viewing_copy(row: AttachmentRow, db_path: Path) -> Path:
    """The attachment decrypted into this program's private temporary folder under its original name, for
    the viewer the system chooses (never the stored file itself). Removed when the program ends
    (``remove_viewing_copies``), or at the next start when it was killed (``clean_leftovers``)."""
    data = open_plain(row, db_path)
    folder = _view_folder() / str(row.id)
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / _file_name(row)
    try:
        if target.exists() and target.read_bytes() == data:  # opened before (maybe still in the viewer)
            return target
        target.write_bytes(data)
        if os.name == "posix":
            os.chmod(target, 0o600)
    except OSError:
        raise UserError("无法写出附件的临时副本（可能仍在其他程序中打开，或临时文件夹已满），"
                        "请关闭查看它的程序后再试。", field="附件") from None
    return target


def remove_viewing_copies() -> None:
    """Overwrite and remove every copy this program decrypted for viewing (at exit)."""
    with _Viewing.lock:
        folder, _Viewing.folder = _Viewing.folder, None
    if folder is not None:
        _remove_view_folder(folder)


def _remove_view_folder(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            _secure_remove(path)
    shutil.rmtree(folder, ignore_errors=True)


def clean_leftovers(db_path: Path, at: float | None = None) -> list[str]:
    """At start-up: the viewing folders a killed program left in the temporary folder (their process is
    gone; when that cannot be told, older than ``VIEW_STALE_SECONDS``), and the ``.tmp`` files a cut
    write left in the store (overwritten first). Returns the names removed."""
    at = time.time() if at is None else at
    removed = []
    for path in Path(tempfile.gettempdir()).glob(f"{VIEW_PREFIX}*"):
        match = _VIEW_RE.match(path.name)
        if match is None or not path.is_dir() or int(match[1]) == os.getpid():
            continue
        alive = pid_alive(int(match[1]))
        try:
            stale = alive is False or (alive is None and at - path.stat().st_mtime > VIEW_STALE_SECONDS)
        except OSError:
            continue
        if stale:
            _remove_view_folder(path)
            removed.append(path.name)
    store = store_dir(db_path)
    if store.is_dir():
        for path in sorted(store.rglob(f"*{TMP}")):
            _secure_remove(path)
            removed.append(path.name)
    if removed:
        log.warning("removed %d temporary attachment file(s) or folder(s) left by an earlier run", len(removed))
    return removed


# --- encrypting a store in place ------------------------------------------------------------------


def encrypt_store(db_path: Path, key: DataKey, progress: Callable[[int, int], None] | None = None) -> int:
    """Encrypt every plain file of the station's store in place (the upgrade of a plain database);
    returns how many. ``progress(done, total)`` after each file."""
    return encrypt_folder(store_dir(db_path), key, progress)


def encrypt_folder(store: Path, key: DataKey, progress: Callable[[int, int], None] | None = None) -> int:
    """Encrypt the plain files of a store (the station's, a backup folder's) in place: each file's
    ``.enc`` is written (``.tmp``, fsync, rename) and read back to check that it decrypts to the same
    SHA-256, then the plain file is overwritten and removed. Returns how many were encrypted."""
    if not store.is_dir():
        return 0
    plain_files = []
    for path in sorted(store.rglob("*")):
        if path.is_file() and not path.name.endswith((TMP, ENCRYPTED)):
            plain_files.append(path)
    for done, plain in enumerate(plain_files, 1):
        data = plain.read_bytes()
        sealed = _encrypted_path(plain)
        if not _opens_to(sealed, plain.name, key, data):  # none yet, or one this key does not open
            _write_durably(sealed, _seal(data, plain.name, key))
            if not _opens_to(sealed, plain.name, key, data):
                raise UserError(f"附件加密后核对不一致（{plain.name[:12]}…），原文件保留未删除。"
                                "请检查磁盘后再试。", field="附件")
        _secure_remove(plain)
        if progress is not None:
            progress(done, len(plain_files))
    return len(plain_files)


def _opens_to(sealed: Path, stored_name: str, key: DataKey, data: bytes) -> bool:
    """``sealed`` exists and decrypts to content with the SHA-256 of ``data``."""
    if not sealed.exists():
        return False
    try:
        opened = _unseal(sealed.read_bytes(), stored_name, key)
    except UserError:
        return False
    return hashlib.sha256(opened).digest() == hashlib.sha256(data).digest()


# --- backups --------------------------------------------------------------------------------------


def _copy_missing(source: Path, target: Path, key: DataKey | None = None) -> int:
    """Copy the store files of ``source`` that ``target`` lacks, as they are (encrypted stays encrypted;
    never a ``.tmp`` left by a cut write; never a plain file whose encrypted form ``target`` has). With
    ``key`` a plain file is encrypted on its way in (a restore into an encrypted station)."""
    if not source.exists():
        return 0
    copied = 0
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.endswith(TMP):
            continue
        there = target / path.relative_to(source)
        if there.exists() or _encrypted_path(there).exists():
            continue
        if key is not None and not path.name.endswith(ENCRYPTED):
            _put(target, path.read_bytes(), path.name, key)
        else:
            _write_durably(there, path)
        copied += 1
    return copied


def sync_store(db_path: Path, target_dir: Path) -> int:
    """Copy store files missing from ``target_dir``; returns how many were copied."""
    return _copy_missing(store_dir(db_path), target_dir)


def restore_store(source_dir: Path, db_path: Path) -> int:
    """After a restore: bring back store files the backup folder has and the store lacks (a plain one
    encrypted on its way into an encrypted station's store)."""
    return _copy_missing(source_dir, store_dir(db_path), store_key(db_path))
