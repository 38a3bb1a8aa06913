"""The recovery code (恢复码) of a station on a PostgreSQL server (issue 19).

A station file's code opens the key file's recovery slot (``services/encryption.py``, ``data/keyring.py``). A
server station has no key file: its code is checked against an Argon2id hash (the log-in's hasher,
``auth.HASHER``) kept in the ``setting`` table under ``recovery.code_hash`` — never the code. The hash is
written beside the ORM, so that the audit trail (kept for ever, copied into every backup) holds the event
“生成新的恢复码”, not the hash, as an account's password hash is masked there. The code itself is the key
file's kind (``keyring.new_recovery_code``, typed as forgivingly: ``normalize_recovery_code``).

Screens and commands do not call this module: ``services/encryption.py`` is the one entry for both backends
(``first_keys``, ``renew_recovery_code``, ``recover_admin``, ``status``) and hands a server database here;
set-up (``opening.create_server_station``) and 迁移到服务器 (``server_move``) call ``make`` in their own
transaction. A wrong code is not counted toward a lock-out: neither is it on a file (the code has 200 random
bits; each try costs one Argon2id verification), see docs/decisions.md.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, text

from ..data.keyring import new_recovery_code, normalize_recovery_code
from ..data.models import Setting
from ..errors import UserError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..data import audit
    from ..data.db import Database

HASH_SETTING = "recovery.code_hash"
WRONG_CODE = "恢复码不正确，或已被新的恢复码取代。"  # the file's message (encryption.recover_admin) too
NO_CODE = ("站内服务器上的本站数据库还没有恢复码，不能用恢复码重设密码。请另一位管理员在“设置 → 用户”中重设；"
           "所有管理员都忘记密码时，请联系服务器管理员。有管理员能登录时，请在“设置 → 安全设置”中生成恢复码。")
RENEWED = "生成新的恢复码（旧恢复码作废）"
_UPSERT = text("INSERT INTO setting (key, value) VALUES (:key, :value) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value")


def make(session: Session, at: datetime) -> str:
    """A new code for the database of ``session``, in its transaction: its hash replaces the one in force
    (that code stops working once this commits) and ``at`` is noted as when it was made. Returns the code,
    which is kept nowhere."""
    from .auth import HASHER
    from .encryption import note_recovery_made
    code = new_recovery_code()
    hashed = HASHER.hash(normalize_recovery_code(code))
    session.connection().execute(_UPSERT, {"key": HASH_SETTING, "value": json.dumps(hashed)})
    note_recovery_made(session, at)
    return code


def _stored_hash(session: Session) -> str | None:
    raw = session.execute(select(Setting.value).where(Setting.key == HASH_SETTING)).scalar()
    if raw is None:
        return None
    value = json.loads(raw)
    return value if isinstance(value, str) else None


def check(session: Session, code: str) -> None:
    """The code in force, or a ``UserError`` at 恢复码: the file's message for a wrong (or malformed) code,
    ``NO_CODE`` when this database has none yet (a server station set up before codes were made there)."""
    from .auth import HASHER
    stored = _stored_hash(session)
    if stored is None:
        raise UserError(NO_CODE, field="恢复码")
    try:
        typed = normalize_recovery_code(code)
    except ValueError:
        raise UserError(WRONG_CODE, field="恢复码") from None
    try:
        HASHER.verify(stored, typed)
    except (VerificationError, InvalidHashError):
        raise UserError(WRONG_CODE, field="恢复码") from None


def renew(db: Database, actor: audit.Actor, at: datetime) -> tuple[str, datetime]:
    """设置 → 安全设置 → 生成新的恢复码 on a server (``USERS_MANAGE``): the old code stops working. Audited."""
    from ..data import audit
    from .permissions import Permission, require
    with db.session(actor) as session:
        require(session, Permission.USERS_MANAGE)
        code = make(session, at)
        audit.record_event(session, "app_user", "", RENEWED)
    return code, at


def recover_admin(db: Database, code: str, username: str, new_password: str, at: datetime) -> None:
    """使用恢复码 on a server: the code checked against the hash, then the administrator ``username`` gets
    ``new_password`` (``auth.reset_by_recovery``: the same rules, audited), in one transaction; a refusal
    changes nothing."""
    from . import auth
    with db.session() as session:
        check(session, code)
        auth.reset_by_recovery(session, username, new_password, at)
