"""Looking up records: the one a screen names (with a Chinese message when it is gone), and the names
of accounts and villages that lists show beside an id.

A screen holds a record's id while the user edits; a colleague may delete the record meanwhile.
``session.get`` then gives ``None`` and the next attribute access would end in the crash dialog;
``get_or_error`` says so in Chinese instead.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..data import record_versions
from ..data.models import User, Village
from ..errors import UserError

M = TypeVar("M")


def get_or_error(session: Session, model: type[M], key: Any, what: str, version: int | None = None) -> M:
    """The row of ``model`` with primary key ``key``, or “找不到这条{what}（可能已被删除）。”.

    ``version``: the version of the row the form was opened on (a save). The row is then read afresh and
    locked for this transaction (``FOR UPDATE`` on a server), and refused with “此记录已被…修改，请重新打开。”
    when someone saved it since (data/record_versions.py). None: no check (a step that is not a form's
    edit of the whole record, the import, the demo)."""
    if key is None:
        row = None
    elif version is None:
        row = session.get(model, key)
    else:
        row = session.get(model, key, with_for_update=True, populate_existing=True)
    if row is None:
        raise UserError(f"找不到这条{what}（可能已被删除）。")
    if version is not None:
        record_versions.check(session, row, version)
    return row


def get_or_new(session: Session, model: type[M], key: Any, what: str, version: int | None = None) -> M:
    """For a ``save_*``: the existing row when ``key`` is given (it must still exist, at ``version`` when
    one is given: ``get_or_error``), else a new one.

    The new row is not added to the session; the caller adds it once its fields are set."""
    if key is None:
        return model()
    return get_or_error(session, model, key, what, version)


def user_names(session: Session) -> dict[int, str]:
    """Every account's id → display name (disabled ones too: old records name them)."""
    rows = session.execute(select(User.id, User.display_name))
    return {user_id: name for user_id, name in rows}


def active_user_names(session: Session) -> list[str]:
    """Names of the enabled accounts, in the order they were made: the people pickers' list."""
    query = select(User.display_name).where(User.disabled.is_(False)).order_by(User.id)
    return list(session.scalars(query))


def village_names(session: Session) -> dict[str, str]:
    """Village (村(居)) code → name."""
    rows = session.execute(select(Village.code, Village.name))
    return {code: name for code, name in rows}
