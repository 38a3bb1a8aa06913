"""Accounts: log-in with lock-out, password rules, the administrator's user management.

Managing accounts (create, change role, reset a password, disable, unlock) needs
``Permission.USERS_MANAGE``: the acting user is the session's (``permissions.require``), never a
``UserInfo`` passed in. Only ``station.setup_station`` creates an account without one: the first
administrator of a database that has no station and no accounts yet.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..data import audit
from ..data.base import now
from ..data.models import AuditEntry, User
from ..domain.labels import Role
from ..domain.password_rules import MAX_LENGTH, check_password, normalize_password
from ..errors import UserError
from . import encryption, settings
from .fields import required_text
from .permissions import Permission, require

# OWASP minimum for Argon2id: m=19 MiB, t=2, p=1 (research/reliability.md PW-01).
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MAX_PASSWORD = MAX_LENGTH


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    display_name: str
    role: Role
    disabled: bool
    must_change_password: bool
    locked_until: datetime | None
    failed_attempts: int
    last_login_at: datetime | None

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.id, self.username)


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.username, user.display_name, Role(user.role), user.disabled,
                    user.must_change_password, user.locked_until, user.failed_attempts, user.last_login_at)


def _normalize(password: str) -> str:
    return normalize_password(password)


def check_password_rules(password: str, username: str, display_name: str = "") -> None:
    """Every place a password is set: the rules of ``domain/password_rules`` (length, letters and
    digits, not the user name, zxcvbn score 3 or more, the user name and display name count as
    guessable words)."""
    check_password(password, username, (display_name,) if display_name else ())


def hash_password(password: str) -> str:
    return HASHER.hash(_normalize(password))


def check_username(username: str) -> str:
    name = required_text(username, "用户名", 40)
    if any(c.isspace() for c in name):
        raise UserError("用户名不能包含空格。", field="用户名")
    return name


def check_display_name(display_name: str) -> str:
    return required_text(display_name, "姓名", 40)


def create_user(session: Session, username: str, display_name: str, role: Role, password: str,
                must_change: bool = True) -> UserInfo:
    require(session, Permission.USERS_MANAGE)
    info = add_first_user(session, username, display_name, role, password, must_change)
    encryption.write_slot(session, info.username, password)
    return info


def add_first_user(session: Session, username: str, display_name: str, role: Role, password: str,
                   must_change: bool = True) -> UserInfo:
    """An account without a permission check: only for ``station.setup_station`` (the first
    administrator, when the database has no station and no accounts). Everyone else: ``create_user``."""
    username = check_username(username)
    display_name = check_display_name(display_name)
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise UserError(f"用户名“{username}”已被使用。", field="用户名")
    check_password_rules(password, username, display_name)
    user = User(username=username, display_name=display_name, role=role.value,
                password_hash=hash_password(password), must_change_password=must_change)
    session.add(user)
    session.flush()
    return _info(user)


def _find(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def _locked_message(until: datetime, at: datetime) -> str:
    minutes = max(1, -(-int((until - at).total_seconds()) // 60))
    return f"连续输错密码次数过多，账户已锁定，请 {minutes} 分钟后再试，或请管理员解锁。"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random secret, made once with ``HASHER``'s parameters: an unknown user name
    costs the same verification time as a known one."""
    return HASHER.hash(secrets.token_urlsafe(24))


def _password_matches(user: User | None, password: str) -> bool:
    """One Argon2 verification whoever asks: against the user's hash, or the dummy hash."""
    stored = user.password_hash if user is not None else _dummy_hash()
    try:
        HASHER.verify(stored, _normalize(password)[:MAX_PASSWORD * 4])
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def _is_locked(user: User, at: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > at


def _wrong_password(session: Session) -> UserError:
    """The one message for every failed log-in: unknown name, wrong password, locked or disabled
    account alike, so that the answer does not tell whether an account exists or what state it is in."""
    limit = settings.get_int(session, "login.max_failures")
    minutes = settings.get_int(session, "login.lock_minutes")
    return UserError(f"用户名或密码错误。连续输错 {limit} 次，账户将锁定 {minutes} 分钟。", field="密码")


def typed_name_for_trail(username: str) -> str:
    """What the trail keeps of a user name that matched no account: its length only. People type
    their password (or an ID number) into the user-name box; the trail is kept for ever and copied
    into every backup."""
    return f"输入了 {len(username.strip())} 个字符，原文不记录"


def authenticate(session: Session, username: str, password: str, at: datetime | None = None) -> UserInfo:
    """Check a log-in; failures are counted and audited in the caller's transaction.

    The caller must commit even when this raises, so that the failure counts. The password is
    checked first (an unknown name against a dummy hash); a locked or disabled account says so
    only after the right password.
    """
    at = at or now()
    user = _find(session, username)
    matches = _password_matches(user, password)
    if user is None:
        audit.record_event(session, "app_user", "", f"登录失败：用户名不存在（{typed_name_for_trail(username)}）")
        raise _wrong_password(session)
    audit.set_actor(session, user.id, user.username)
    if not matches:
        if not user.disabled and not _is_locked(user, at):
            _count_failure(session, user, at)
        raise _wrong_password(session)
    if user.disabled:
        raise UserError("该账户已停用，请联系管理员。", field="用户名")
    locked_until = user.locked_until
    if locked_until is not None and locked_until > at:  # _is_locked, spelled out to name the time
        raise UserError(_locked_message(locked_until, at), field="密码")
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until, user.last_login_at = 0, None, at
    audit.record_event(session, "app_user", str(user.id), f"登录：{user.username}")
    return _info(user)


def _count_failure(session: Session, user: User, at: datetime) -> bool:
    """One more wrong password; True when this one locked the account."""
    limit = settings.get_int(session, "login.max_failures")
    user.failed_attempts += 1
    if user.failed_attempts < limit:
        return False
    user.locked_until = at + timedelta(minutes=settings.get_int(session, "login.lock_minutes"))
    user.failed_attempts = 0
    audit.record_event(session, "app_user", str(user.id), f"账户锁定：{user.username}（连续输错 {limit} 次）")
    return True


@dataclass(frozen=True)
class UnlockCheck:
    """The lock screen's answer: ``unlocked``; or ``session_ends`` (the account is now locked,
    disabled or gone: back to the log-in window); or a wrong password with ``attempts_left``."""
    unlocked: bool
    session_ends: bool
    attempts_left: int


def check_unlock(session: Session, user_id: int, password: str, at: datetime | None = None) -> UnlockCheck:
    """The idle-lock screen's password check. Wrong passwords count toward the same lock-out as the
    log-in; commit the session whatever the answer (it returns rather than raises)."""
    at = at or now()
    user = session.get(User, user_id)
    matches = _password_matches(user, password)
    if user is None or user.disabled or _is_locked(user, at):
        return UnlockCheck(False, True, 0)
    audit.set_actor(session, user.id, user.username)
    if matches:
        user.failed_attempts = 0
        return UnlockCheck(True, False, 0)
    if _count_failure(session, user, at):
        return UnlockCheck(False, True, 0)
    left = settings.get_int(session, "login.max_failures") - user.failed_attempts
    return UnlockCheck(False, False, left)


def change_own_password(session: Session, user_id: int, old: str, new: str) -> None:
    user = _user(session, user_id)
    try:
        HASHER.verify(user.password_hash, _normalize(old))
    except (VerificationError, InvalidHashError):
        raise UserError("原密码不正确。", field="原密码") from None
    if _normalize(old) == _normalize(new):
        raise UserError("新密码不能与原密码相同。", field="新密码")
    check_password_rules(new, user.username, user.display_name)
    user.password_hash, user.must_change_password = hash_password(new), False
    encryption.write_slot(session, user.username, new)


def _admin_count(session: Session, excluding: int) -> int:
    return session.execute(select(func.count(User.id)).where(
        User.role == Role.ADMIN.value, User.disabled.is_(False), User.id != excluding)).scalar_one()


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UserError("找不到该用户账户，请刷新列表后再试。", field="账户")
    return user


def reset_password(session: Session, user_id: int, new: str) -> None:
    """Set another user's password (they change it at their next log-in); one's own stays set."""
    acting = require(session, Permission.USERS_MANAGE)
    user = _user(session, user_id)
    check_password_rules(new, user.username, user.display_name)
    user.password_hash, user.must_change_password = hash_password(new), user.id != acting.user_id
    user.failed_attempts, user.locked_until = 0, None
    encryption.write_slot(session, user.username, new)


def reset_by_recovery(session: Session, username: str, new: str, at: datetime) -> None:
    """使用恢复码: the recovery code opened the database, and stands for the authority to give an
    administrator account a new password (unlocked, enabled accounts only). Audited."""
    user = _find(session, username)
    if user is None or user.role != Role.ADMIN.value or user.disabled:
        raise UserError("恢复码只能为一个在用的管理员账户重设密码，请输入管理员的用户名。", field="管理员用户名")
    audit.set_actor(session, user.id, user.username)
    check_password_rules(new, user.username, user.display_name)
    user.password_hash, user.must_change_password = hash_password(new), False
    user.failed_attempts, user.locked_until = 0, None
    audit.record_event(session, "app_user", str(user.id), f"使用恢复码重设管理员密码：{user.username}")


def note_earlier_failures(session: Session, username: str, times: list[datetime], unknown: int) -> None:
    """Failed log-ins met before the database was open (the key file noted them: a password that
    opened no key) count and are audited as the log-in's own would have been."""
    for _ in range(unknown):
        audit.record_event(session, "app_user", "", "登录失败：用户名不存在（打开数据库之前）")
    user = _find(session, username)
    if user is None or not times:
        return
    audit.set_actor(session, user.id, user.username)
    for at in times:
        audit.record_event(session, "app_user", str(user.id),
                           f"登录失败：密码错误（打开数据库之前，{at:%Y-%m-%d %H:%M}）")
        if not user.disabled and not _is_locked(user, at):
            _count_failure(session, user, at)


def password_was_reset(session: Session, user_id: int) -> bool:
    """Why a log-in must change its password first: True when an administrator reset it (the audit trail
    holds a change of 须修改密码 to yes on this account), False while it is still the initial password the
    account was created with (a brand-new account, also after a log-in that stopped at the change)."""
    changes = session.scalars(select(AuditEntry.changes).where(
        AuditEntry.table_name == User.__tablename__, AuditEntry.record_id == str(user_id),
        AuditEntry.action == "update", AuditEntry.changes.contains('"must_change_password"')))
    for raw in changes:
        old_new = json.loads(raw).get("must_change_password")
        if isinstance(old_new, list) and old_new[-1] is True:
            return True
    return False


def set_disabled(session: Session, user_id: int, disabled: bool) -> None:
    acting = require(session, Permission.USERS_MANAGE)
    user = _user(session, user_id)
    if disabled and user.id == acting.user_id:
        raise UserError("不能停用自己正在使用的账户。", field="账户")
    if disabled and user.role == Role.ADMIN.value and _admin_count(session, user.id) == 0:
        raise UserError("这是最后一个可用的管理员账户，不能停用。", field="账户")
    user.disabled = disabled
    if disabled:
        encryption.drop_slot_after_commit(session, user.username)


def update_user(session: Session, user_id: int, display_name: str, role: Role) -> None:
    require(session, Permission.USERS_MANAGE)
    user = _user(session, user_id)
    if user.role == Role.ADMIN.value and role is not Role.ADMIN and _admin_count(session, user.id) == 0:
        raise UserError("这是最后一个管理员账户，不能改为其他角色。", field="角色")
    user.display_name, user.role = check_display_name(display_name), role.value


def unlock(session: Session, user_id: int) -> None:
    require(session, Permission.USERS_MANAGE)
    user = _user(session, user_id)
    user.failed_attempts, user.locked_until = 0, None


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.scalars(select(User).order_by(User.id))]


def get_user(session: Session, user_id: int) -> UserInfo:
    return _info(_user(session, user_id))


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count(User.id))))


def log_in(db, username: str, password: str, at: datetime | None = None) -> UserInfo:
    """Authenticate in its own transaction, committing failure counts and lock-outs too."""
    with logged_in(db, username, password, at) as (_session, user):
        pass
    return user


@contextmanager
def logged_in(db, username: str, password: str, at: datetime | None = None,
              read_before_check: bool = False) -> Iterator[tuple[Session, UserInfo]]:
    """Log in, then go on in the same transaction as that user (the log-in and what follows commit
    together; ``read_before_check``: see ``Database.session``). A refused log-in raises before the
    block runs, once its failure count and trail entry are committed."""
    error: UserError | None = None
    with db.session(read_before_check=read_before_check) as session:
        try:
            user = authenticate(session, username, password, at)
        except UserError as exc:
            error = exc
        else:
            yield session, user
    if error is not None:
        raise error
    encryption.settle_slot(db, user.username, password)
