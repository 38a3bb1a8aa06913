"""The key file of an encrypted database: the data key wrapped once for each account and for the recovery code.

The database is encrypted (SQLCipher) with a random 256-bit data key ``K`` (``DataKey``). ``K`` is never
typed and never written in plain. The key file ``<database>.keyring`` beside the database (and in every
backup set) holds **key slots**: ``K`` wrapped with AES-256-GCM under a key derived from a secret.

* wrapping key = HKDF-SHA256(ikm = argon2id_raw(secret, salt, t, m, p, hash_len=32),
  info=b"shuanbai keyring v1 slot", no salt), 32 bytes.
* each wrap has its own 12 random nonce bytes; the associated data is ``file_id + "|" + slot id`` (UTF-8),
  so a slot moved to another key file or under another user's id does not open.
* a user's secret is the password normalised as the log-in does (``normalize_password``: NFKC), UTF-8;
  parameters are the log-in hasher's (``services/auth.HASHER``: t=2, m=19456 KiB, p=1), salt 16 random
  bytes. A user slot can also be made from the account's stored Argon2id PHC hash (upgrading a plain
  database, when only the other accounts' hashes are known): the slot takes that hash's salt and
  parameters and its ikm is the decoded hash, which the same password derives again at log-in.
* a user's slot id is hex HMAC-SHA256(key = the 16 bytes of ``file_id``, msg = user name stripped and
  lower-cased, UTF-8), first 32 characters: the file names no user. The recovery slot is ``"recovery"``;
  its secret is the normalised recovery code (40 Crockford base32 characters, 200 random bits).
* failed unwraps before the database is open are kept under ``failures`` (slot id → ISO times, the last
  20; unknown user names under ``"unknown"``) until the log-in service carries them into the database's
  lock-out and audit trail (``take_failures``). ``note_failure`` and ``take_failures`` change the object
  only: the caller saves.

The file is JSON (UTF-8), private (owner-only; the group's in the PC's shared folder), written atomically
(``audit_key.atomic_write``). See docs/decisions.md (数据库加密的密钥文件).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..domain.password_rules import normalize_password
from ..errors import UserError
from .audit_key import atomic_write
from .engine import KEYRING_SUFFIX  # one definition: the start-up reads key files without this module

FORMAT = 1
KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
HKDF_INFO = b"shuanbai keyring v1 slot"
RECOVERY_SLOT = "recovery"
PREVIOUS = "~"  # a user's previous slot: "<slot id>~" (set_user(keep_previous=True))
UNKNOWN_USER = "unknown"
MAX_FAILURES = 20  # kept per slot, the newest

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECOVERY_LENGTH = 40  # 40 × 5 bits = 200 random bits
RECOVERY_GROUP = 5
RECOVERY_FORMAT_MESSAGE = "恢复码应为 40 位数字和字母（可以带空格或短横线），请核对后重新输入。"

# Sanity limits of a slot's parameters read from a file (a broken file is refused, not run).
_MAX_TIME_COST = 64
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_PARALLELISM = 64

_PHC = re.compile(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)")
_HEX32 = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class SlotParams:
    """Argon2id cost: iterations, memory in KiB, lanes."""
    t: int
    m: int
    p: int


# The log-in's hasher (services/auth.HASHER): new slots use these. Tests may lower them (monkeypatch).
PARAMS = SlotParams(t=2, m=19456, p=1)


class KeyRingError(UserError):
    """The key file is missing, unreadable, broken or of a newer program (message names the file by name only)."""


@dataclass(frozen=True, eq=False)
class DataKey:
    """The database's 256-bit key. ``repr``/``str`` never show the bytes."""
    raw: bytes

    def __post_init__(self) -> None:
        if not isinstance(self.raw, bytes) or len(self.raw) != KEY_BYTES:
            raise ValueError("a data key is 32 bytes")

    @classmethod
    def new(cls) -> DataKey:
        return cls(secrets.token_bytes(KEY_BYTES))

    def sqlcipher_literal(self) -> str:
        """``x'<64 lowercase hex>'``: SQLCipher's raw key, used as ``PRAGMA key = "x'…'"``."""
        return f"x'{self.raw.hex()}'"

    def __repr__(self) -> str:
        return "DataKey(<hidden>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DataKey):
            return NotImplemented
        return hmac.compare_digest(self.raw, other.raw)

    def __hash__(self) -> int:
        return hash(hashlib.sha256(self.raw).digest())


@dataclass(frozen=True)
class _Slot:
    salt: bytes
    params: SlotParams
    nonce: bytes
    wrapped: bytes
    bound: str = ""  # the id its associated data names, when kept under another id (a previous slot)

    def record(self) -> dict:
        record = {"salt": _b64(self.salt), "t": self.params.t, "m": self.params.m, "p": self.params.p,
                  "nonce": _b64(self.nonce), "wrapped": _b64(self.wrapped)}
        if self.bound:
            record["bound"] = self.bound
        return record


def keyring_path(db_path: Path) -> Path:
    return Path(f"{db_path}{KEYRING_SUFFIX}")


# --- derivation: one path for every slot ----------------------------------------------------------------


def _argon2(secret: bytes, salt: bytes, params: SlotParams) -> bytes:
    return hash_secret_raw(secret, salt, time_cost=params.t, memory_cost=params.m, parallelism=params.p,
                           hash_len=KEY_BYTES, type=Type.ID)


def _expand(ikm: bytes) -> bytes:
    """The wrapping key from Argon2id's output (or a stored hash, which is that output)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=HKDF_INFO).derive(ikm)


def _derive(secret: bytes, salt: bytes, params: SlotParams) -> bytes:
    return _expand(_argon2(secret, salt, params))


def _user_secret(password: str) -> bytes:
    return normalize_password(password).encode("utf-8")


@lru_cache(maxsize=4)
def _dummy_slot(params: SlotParams) -> _Slot:
    """A slot nobody can open, with the given parameters: an unknown user name costs one derivation too."""
    return _Slot(secrets.token_bytes(SALT_BYTES), params, secrets.token_bytes(NONCE_BYTES),
                 secrets.token_bytes(KEY_BYTES + 16))


# --- recovery code -------------------------------------------------------------------------------------


def new_recovery_code() -> str:
    """40 random Crockford base32 characters (200 bits), as 8 groups of 5 joined by “-”."""
    chars = "".join(secrets.choice(CROCKFORD) for _ in range(RECOVERY_LENGTH))
    groups = [chars[i:i + RECOVERY_GROUP] for i in range(0, RECOVERY_LENGTH, RECOVERY_GROUP)]
    return "-".join(groups)


def normalize_recovery_code(text: str) -> str:
    """The 40 characters of a typed recovery code: full-width folded (NFKC), spaces and dashes dropped,
    upper-cased, O→0, I/L→1. ``ValueError`` (Chinese message) when that is not 40 valid characters."""
    folded = unicodedata.normalize("NFKC", text)
    kept = []
    for char in folded:
        if char.isspace() or char == "-":
            continue
        kept.append(char)
    code = "".join(kept).upper().replace("O", "0").replace("I", "1").replace("L", "1")
    if len(code) != RECOVERY_LENGTH:
        raise ValueError(RECOVERY_FORMAT_MESSAGE)
    for char in code:
        if char not in CROCKFORD:
            raise ValueError(RECOVERY_FORMAT_MESSAGE)
    return code


# --- the key file --------------------------------------------------------------------------------------


class KeyRing:
    """The key slots of one database. Load or create, change, then ``save``."""

    def __init__(self, file_id: str, station_name: str, created_at: str,
                 slots: dict[str, _Slot] | None = None, failures: dict[str, list[str]] | None = None):
        self.format = FORMAT
        self.file_id = file_id
        self.station_name = station_name
        self.created_at = created_at
        self._slots: dict[str, _Slot] = dict(slots or {})
        self._failures: dict[str, list[str]] = {k: list(v) for k, v in (failures or {}).items()}

    def __repr__(self) -> str:
        return f"KeyRing(file_id={self.file_id!r}, slots={len(self._slots)})"

    @classmethod
    def create(cls, station_name: str, at: datetime) -> KeyRing:
        return cls(secrets.token_hex(16), station_name, at.isoformat())

    # --- file ---

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        name = path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KeyRingError(f"找不到数据库的密钥文件“{name}”。没有它无法打开加密的数据库："
                               "请把它放回数据库所在的文件夹（每个备份中也有一份）。") from None
        except OSError:
            raise KeyRingError(f"无法读取数据库的密钥文件“{name}”，请检查该文件的访问权限。") from None
        broken = KeyRingError(f"密钥文件“{name}”已损坏或不是本程序的密钥文件，无法打开数据库。"
                              "请从备份中取回密钥文件。")
        try:
            record = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise broken from None
        if not isinstance(record, dict):
            raise broken
        version = record.get("format")
        if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT:
            raise KeyRingError(f"密钥文件“{name}”由更新版本的程序写入（格式 {version}），"
                               "请先升级本程序再打开这个数据库。")
        if version != FORMAT:
            raise broken
        try:
            return cls._from_record(record)
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise broken from None

    @classmethod
    def _from_record(cls, record: dict) -> KeyRing:
        file_id, station_name, created_at = record["file_id"], record["station_name"], record["created_at"]
        if not isinstance(file_id, str) or not _HEX32.fullmatch(file_id):
            raise ValueError("file_id")
        if not isinstance(station_name, str) or not isinstance(created_at, str):
            raise ValueError("names")
        datetime.fromisoformat(created_at)
        slots_record, failures_record = record["slots"], record.get("failures", {})
        if not isinstance(slots_record, dict) or not isinstance(failures_record, dict):
            raise ValueError("slots")
        slots = {}
        for slot_id, item in slots_record.items():
            slots[_slot_id_checked(slot_id)] = _slot_from_record(item)
        failures = {}
        for slot_id, times in failures_record.items():
            if not isinstance(times, list):
                raise ValueError("failures")
            for stamp in times:
                datetime.fromisoformat(stamp)
            failures[_slot_id_checked(slot_id, allow_unknown=True)] = times
        return cls(file_id, station_name, created_at, slots, failures)

    def record(self) -> dict:
        return {"format": self.format, "file_id": self.file_id, "station_name": self.station_name,
                "created_at": self.created_at,
                "slots": {slot_id: slot.record() for slot_id, slot in self._slots.items()},
                "failures": {slot_id: list(times) for slot_id, times in self._failures.items() if times}}

    def save(self, path: Path) -> None:
        """Atomic (temporary file, fsync, rename, folder fsync), owner-only."""
        atomic_write(path, json.dumps(self.record(), ensure_ascii=False, indent=1))

    def copy_to(self, path: Path) -> None:
        """The same file at another path (backups carry it)."""
        self.save(path)

    # --- slots ---

    def user_slot_id(self, username: str) -> str:
        message = username.strip().lower().encode("utf-8")
        return hmac.new(bytes.fromhex(self.file_id), message, hashlib.sha256).hexdigest()[:32]

    def has_user(self, username: str) -> bool:
        return self.user_slot_id(username) in self._slots

    def user_count(self) -> int:
        """Accounts with a slot (a previous slot kept beside one is not counted again)."""
        return sum(1 for slot_id in self._slots if _HEX32.fullmatch(slot_id))

    def has_recovery(self) -> bool:
        return RECOVERY_SLOT in self._slots

    def set_user(self, username: str, password: str, key: DataKey, keep_previous: bool = False) -> None:
        """A new slot for this user (replacing theirs): ``key`` wrapped under the password.

        ``keep_previous``: the slot it replaces stays usable beside it until ``settle_user`` (a password
        change written here before the database commits it: whichever of the two passwords the
        database ends up with still opens the key)."""
        slot_id = self.user_slot_id(username)
        if keep_previous and slot_id in self._slots:
            self._slots[slot_id + PREVIOUS] = self._slots[slot_id]
            self._rewrap_as(slot_id + PREVIOUS, slot_id)
        salt = secrets.token_bytes(SALT_BYTES)
        self._wrap(slot_id, salt, PARAMS, _derive(_user_secret(password), salt, PARAMS), key)

    def settle_user(self, username: str, password: str) -> bool:
        """Keep only the user's slot that ``password`` opens (after the database accepted it); True when
        the file changed (the caller saves)."""
        slot_id = self.user_slot_id(username)
        previous = self._slots.get(slot_id + PREVIOUS)
        if previous is None:
            return False
        current = self._slots.get(slot_id)
        if current is None or self._open(slot_id, current, _user_secret(password)) is None:
            if self._open(slot_id + PREVIOUS, previous, _user_secret(password)) is not None:
                self._slots[slot_id] = previous
                self._rewrap_as(slot_id, slot_id + PREVIOUS)
        del self._slots[slot_id + PREVIOUS]
        return True

    def set_user_from_hash(self, username: str, phc_hash: str, key: DataKey) -> None:
        """A slot from the account's stored hash ``$argon2id$v=19$m=…,t=…,p=…$<salt>$<hash>`` (unpadded
        standard base64, 32-byte hash): the password that made the hash opens it. ``ValueError`` for any
        other hash type, version or shape."""
        match = _PHC.fullmatch(phc_hash.strip())
        if match is None:
            raise ValueError("not an Argon2id v19 PHC hash")
        params = SlotParams(t=int(match[2]), m=int(match[1]), p=int(match[3]))
        _check_params(params)
        salt, digest = _unb64(match[4]), _unb64(match[5])
        if len(salt) < 8 or len(digest) != KEY_BYTES:
            raise ValueError("an Argon2id hash with an 8+ byte salt and a 32-byte hash is needed")
        self._wrap(self.user_slot_id(username), salt, params, _expand(digest), key)

    def set_recovery(self, code: str, key: DataKey) -> None:
        """A new recovery slot (the old code stops working). ``ValueError`` for a malformed code."""
        secret = normalize_recovery_code(code).encode("ascii")
        salt = secrets.token_bytes(SALT_BYTES)
        self._wrap(RECOVERY_SLOT, salt, PARAMS, _derive(secret, salt, PARAMS), key)

    def keep_users(self, usernames: list[str]) -> bool:
        """Drop the slots (and noted failures) of every user name not in ``usernames`` (the accounts the
        database holds): a slot written for an account whose transaction then rolled back, or was killed,
        must not keep opening the key. The recovery slot stays. True when the file changed (the caller saves)."""
        kept = {self.user_slot_id(name) for name in usernames}
        dropped = False
        for slot_id in list(self._slots):
            if slot_id != RECOVERY_SLOT and slot_id.removesuffix(PREVIOUS) not in kept:
                del self._slots[slot_id]
                self._failures.pop(slot_id, None)
                dropped = True
        return dropped

    def remove_user(self, username: str) -> None:
        slot_id = self.user_slot_id(username)
        self._slots.pop(slot_id, None)
        self._slots.pop(slot_id + PREVIOUS, None)
        self._failures.pop(slot_id, None)

    def unlock_user(self, username: str, password: str) -> DataKey | None:
        """The data key, or ``None`` (unknown user or wrong password). One derivation either way, two
        while a previous slot is kept (``set_user(keep_previous=True)``)."""
        slot_id = self.user_slot_id(username)
        slot = self._slots.get(slot_id)
        if slot is None:
            self._open(slot_id, _dummy_slot(PARAMS), _user_secret(password))
            return None
        key = self._open(slot_id, slot, _user_secret(password))
        previous = self._slots.get(slot_id + PREVIOUS)
        if key is None and previous is not None:
            key = self._open(slot_id + PREVIOUS, previous, _user_secret(password))
        return key

    def unlock_recovery(self, code: str) -> DataKey | None:
        """The data key, or ``None`` (wrong or malformed code, or no recovery slot)."""
        slot = self._slots.get(RECOVERY_SLOT)
        try:
            secret = normalize_recovery_code(code).encode("ascii")
        except ValueError:
            return None
        if slot is None:
            return None
        return self._open(RECOVERY_SLOT, slot, secret)

    def _rewrap_as(self, new_id: str, old_id: str) -> None:
        """A slot's associated data names its id: a slot moved to another id is bound to the new one by
        keeping the old id in its record (``bound``)."""
        slot = self._slots[new_id]
        self._slots[new_id] = _Slot(slot.salt, slot.params, slot.nonce, slot.wrapped, slot.bound or old_id)

    def _aad(self, slot_id: str) -> bytes:
        return f"{self.file_id}|{slot_id}".encode()

    def _wrap(self, slot_id: str, salt: bytes, params: SlotParams, wrapping_key: bytes, key: DataKey) -> None:
        nonce = secrets.token_bytes(NONCE_BYTES)
        wrapped = AESGCM(wrapping_key).encrypt(nonce, key.raw, self._aad(slot_id))
        self._slots[slot_id] = _Slot(salt, params, nonce, wrapped)

    def _open(self, slot_id: str, slot: _Slot, secret: bytes) -> DataKey | None:
        wrapping_key = _derive(secret, slot.salt, slot.params)
        try:
            raw = AESGCM(wrapping_key).decrypt(slot.nonce, slot.wrapped, self._aad(slot.bound or slot_id))
        except InvalidTag:
            return None
        if len(raw) != KEY_BYTES:
            return None
        return DataKey(raw)

    # --- failed unwraps before the database is open ---

    def _failure_key(self, username: str | None) -> str:
        if username is None or not self.has_user(username):
            return UNKNOWN_USER
        return self.user_slot_id(username)

    def note_failure(self, username: str | None, at: datetime) -> None:
        """Note a failed unwrap under the user's slot (``None`` or a name without a slot: “unknown”);
        the newest ``MAX_FAILURES`` are kept. The caller saves."""
        key = self._failure_key(username)
        times = self._failures.setdefault(key, [])
        times.append(at.isoformat())
        del times[:-MAX_FAILURES]

    def take_failures(self, username: str | None) -> list[datetime]:
        """The noted failures of this user (``None``: the unknown names'), oldest first, and forget them.
        The caller saves."""
        times = self._failures.pop(self._failure_key(username), [])
        return [datetime.fromisoformat(stamp) for stamp in times]


# --- record helpers ------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    """Standard base64 with or without its padding; ``binascii.Error`` (a ``ValueError``) when broken."""
    padded = text + "=" * (-len(text) % 4)
    return base64.b64decode(padded, validate=True)


def _check_params(params: SlotParams) -> None:
    if not 1 <= params.t <= _MAX_TIME_COST or not 1 <= params.p <= _MAX_PARALLELISM:
        raise ValueError("argon2 parameters out of range")
    if not 8 * params.p <= params.m <= _MAX_MEMORY_KIB:
        raise ValueError("argon2 memory out of range")


def _slot_id_checked(slot_id: object, allow_unknown: bool = False) -> str:
    if not isinstance(slot_id, str):
        raise ValueError("slot id")
    if slot_id == RECOVERY_SLOT or (allow_unknown and slot_id == UNKNOWN_USER) or _HEX32.fullmatch(slot_id) or (
            slot_id.endswith(PREVIOUS) and _HEX32.fullmatch(slot_id[:-len(PREVIOUS)])):
        return slot_id
    raise ValueError("slot id")


def _slot_from_record(item: object) -> _Slot:
    if not isinstance(item, dict):
        raise ValueError("slot")
    numbers = (item["t"], item["m"], item["p"])
    for number in numbers:
        if not isinstance(number, int) or isinstance(number, bool):
            raise ValueError("slot parameters")
    params = SlotParams(t=item["t"], m=item["m"], p=item["p"])
    _check_params(params)
    salt, nonce, wrapped = _unb64(item["salt"]), _unb64(item["nonce"]), _unb64(item["wrapped"])
    if len(salt) < 8 or len(nonce) != NONCE_BYTES or len(wrapped) != KEY_BYTES + 16:
        raise ValueError("slot sizes")
    bound = item.get("bound", "")
    if bound:
        _slot_id_checked(bound)
    return _Slot(salt, params, nonce, wrapped, bound)
