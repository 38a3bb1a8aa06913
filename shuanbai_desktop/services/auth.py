"""Accounts: log-in with lock-out, password rules, the administrator's user management."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..data import audit
from ..data.base import now
from ..data.models import User
from ..domain.idcard import mask_ids_in_text
from ..domain.labels import Role
from ..errors import UserError
from . import settings

# OWASP minimum for Argon2id: m=19 MiB, t=2, p=1 (research/reliability.md PW-01).
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
MAX_PASSWORD = 128


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
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.id, self.username)


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.username, user.display_name, Role(user.role), user.disabled,
                    user.must_change_password, user.locked_until, user.failed_attempts, user.last_login_at)


def _normalize(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def check_password_rules(password: str, username: str) -> None:
    """At least 8 characters with letters and digits, not containing the user name."""
    pw = _normalize(password)
    if len(pw) < 8:
        raise UserError("密码至少需要 8 位。", field="密码")
    if len(pw) > MAX_PASSWORD:
        raise UserError(f"密码不能超过 {MAX_PASSWORD} 位。", field="密码")
    if not any(c.isalpha() for c in pw) or not any(c.isdigit() for c in pw):
        raise UserError("密码需同时包含字母和数字。", field="密码")
    if username and username.lower() in pw.lower():
        raise UserError("密码不能包含用户名。", field="密码")


def hash_password(password: str) -> str:
    return HASHER.hash(_normalize(password))


def check_username(username: str) -> str:
    name = username.strip()
    if not name:
        raise UserError("用户名不能为空。", field="用户名")
    if len(name) > 40:
        raise UserError("用户名不能超过 40 个字符。", field="用户名")
    if any(c.isspace() for c in name):
        raise UserError("用户名不能包含空格。", field="用户名")
    return name


def check_display_name(display_name: str) -> str:
    name = display_name.strip()
    if not name:
        raise UserError("姓名不能为空。", field="姓名")
    if len(name) > 40:
        raise UserError("姓名不能超过 40 个字符。", field="姓名")
    return name


def create_user(session: Session, username: str, display_name: str, role: Role, password: str,
                must_change: bool = True) -> UserInfo:
    username = check_username(username)
    display_name = check_display_name(display_name)
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise UserError(f"用户名“{username}”已被使用。", field="用户名")
    check_password_rules(password, username)
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


def authenticate(session: Session, username: str, password: str, at: datetime | None = None) -> UserInfo:
    """Check a log-in; failures are counted and audited in the caller's transaction.

    The caller must commit even when this raises, so that the failure counts.
    """
    at = at or now()
    user = _find(session, username)
    if user is None:
        typed = mask_ids_in_text(username.strip())[:20]
        audit.record_event(session, "app_user", "", f"登录失败：用户名“{typed}”不存在")
        raise UserError("用户名或密码错误。", field="密码")
    if user.disabled:
        raise UserError("该账户已停用，请联系管理员。", field="用户名")
    if user.locked_until and user.locked_until > at:
        raise UserError(_locked_message(user.locked_until, at), field="密码")
    audit.set_actor(session, user.id, user.username)
    try:
        HASHER.verify(user.password_hash, _normalize(password)[:MAX_PASSWORD * 4])
    except (VerificationError, InvalidHashError):
        _count_failure(session, user, at)
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until, user.last_login_at = 0, None, at
    audit.record_event(session, "app_user", str(user.id), f"登录：{user.username}")
    return _info(user)


def _count_failure(session: Session, user: User, at: datetime) -> None:
    limit = settings.get_int(session, "login.max_failures")
    user.failed_attempts += 1
    if user.failed_attempts >= limit:
        user.locked_until = at + timedelta(minutes=settings.get_int(session, "login.lock_minutes"))
        user.failed_attempts = 0
        audit.record_event(session, "app_user", str(user.id), f"账户锁定：{user.username}（连续输错 {limit} 次）")
        raise UserError(_locked_message(user.locked_until, at), field="密码")
    left = limit - user.failed_attempts
    raise UserError(f"用户名或密码错误，再输错 {left} 次账户将被锁定。", field="密码")


def verify_password(session: Session, user_id: int, password: str) -> bool:
    """For the idle lock: is this the user's password? Does not count failures."""
    user = session.get(User, user_id)
    try:
        return bool(user) and not user.disabled and HASHER.verify(user.password_hash, _normalize(password))
    except (VerificationError, InvalidHashError):
        return False


def change_own_password(session: Session, user_id: int, old: str, new: str) -> None:
    user = session.get(User, user_id)
    try:
        HASHER.verify(user.password_hash, _normalize(old))
    except (VerificationError, InvalidHashError):
        raise UserError("原密码不正确。", field="原密码") from None
    if _normalize(old) == _normalize(new):
        raise UserError("新密码不能与原密码相同。", field="新密码")
    check_password_rules(new, user.username)
    user.password_hash, user.must_change_password = hash_password(new), False


def _admin_count(session: Session, excluding: int) -> int:
    return session.scalar(select(func.count(User.id)).where(
        User.role == Role.ADMIN.value, User.disabled.is_(False), User.id != excluding))


def reset_password(session: Session, admin: UserInfo, user_id: int, new: str) -> None:
    _require_admin(admin)
    user = session.get(User, user_id)
    check_password_rules(new, user.username)
    user.password_hash, user.must_change_password = hash_password(new), user.id != admin.id
    user.failed_attempts, user.locked_until = 0, None


def set_disabled(session: Session, admin: UserInfo, user_id: int, disabled: bool) -> None:
    _require_admin(admin)
    user = session.get(User, user_id)
    if disabled and user.id == admin.id:
        raise UserError("不能停用自己正在使用的账户。", field="账户")
    if disabled and user.role == Role.ADMIN.value and _admin_count(session, user.id) == 0:
        raise UserError("这是最后一个可用的管理员账户，不能停用。", field="账户")
    user.disabled = disabled


def update_user(session: Session, admin: UserInfo, user_id: int, display_name: str, role: Role) -> None:
    _require_admin(admin)
    user = session.get(User, user_id)
    if user.role == Role.ADMIN.value and role is not Role.ADMIN and _admin_count(session, user.id) == 0:
        raise UserError("这是最后一个管理员账户，不能改为其他角色。", field="角色")
    user.display_name, user.role = check_display_name(display_name), role.value


def unlock(session: Session, admin: UserInfo, user_id: int) -> None:
    _require_admin(admin)
    user = session.get(User, user_id)
    user.failed_attempts, user.locked_until = 0, None


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.scalars(select(User).order_by(User.id))]


def get_user(session: Session, user_id: int) -> UserInfo:
    return _info(session.get(User, user_id))


def _require_admin(user: UserInfo) -> None:
    if not user.is_admin:
        raise UserError("只有管理员（站长/副站长）可以管理用户。")


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count(User.id))))


def log_in(db, username: str, password: str, at: datetime | None = None) -> UserInfo:
    """Authenticate in its own transaction, committing failure counts and lock-outs too."""
    error: UserError | None = None
    with db.session() as session:
        try:
            return authenticate(session, username, password, at)
        except UserError as exc:
            error = exc
    raise error
