"""工作台: what is due. Each feature registers a provider that returns its due items."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..data.models import Setting, User
from ..domain.labels import LabelledEnum, Role
from ..domain.permissions import Permission, allowed
from . import backup, station
from .permissions import acting_user


class Level(LabelledEnum):
    OVERDUE = ("overdue", "已超期")
    SOON = ("soon", "即将到期")
    TODO = ("todo", "待办")
    INFO = ("info", "提示")


@dataclass(frozen=True)
class DueItem:
    level: Level
    area: str  # navigation key of the screen that deals with it, e.g. "settings.station"
    title: str
    detail: str = ""


@dataclass(frozen=True)
class WorkbenchContext:
    """What a provider gets. ``role`` is the logged-in user's: a provider shows the items of work
    the user may do (``ctx.can(Permission.X)``, the same table the services enforce)."""

    session: Session
    now: datetime
    db_path: Path
    role: Role

    def can(self, permission: Permission) -> bool:
        return allowed(self.role, permission)


Provider = Callable[[WorkbenchContext], list[DueItem]]
PROVIDERS: list[Provider] = []


def provider(fn: Provider) -> Provider:
    PROVIDERS.append(fn)
    return fn


_ORDER = {Level.OVERDUE: 0, Level.SOON: 1, Level.TODO: 2, Level.INFO: 3}


QUICKSTART_KEY = "workbench.quickstart_hidden.{user_id}"


def quickstart_hidden(session: Session, user_id: int) -> bool:
    """Has this user put the 快速上手 panel away (“不再显示”)?"""
    return session.get(Setting, QUICKSTART_KEY.format(user_id=user_id)) is not None


def set_quickstart_hidden(session: Session, hidden: bool) -> None:
    """The session's user hides or shows their own 快速上手 panel: a preference of that account, kept in
    the database so that it follows the user to any computer; no permission is needed for one's own."""
    user_id = acting_user(session).user_id
    if user_id is None:
        return  # the program's own session has no panel
    row = session.get(Setting, QUICKSTART_KEY.format(user_id=user_id))
    if hidden and row is None:
        session.add(Setting(key=QUICKSTART_KEY.format(user_id=user_id), value="true"))
    elif not hidden and row is not None:
        session.delete(row)
        session.flush()


def _load_feature_providers() -> None:
    """Every service module may register providers; import them all once."""
    import importlib
    import pkgutil

    from .. import services
    for module in pkgutil.iter_modules(services.__path__):
        importlib.import_module(f"{services.__name__}.{module.name}")


def due_items(ctx: WorkbenchContext) -> list[DueItem]:
    _load_feature_providers()
    items = [item for fn in PROVIDERS for item in fn(ctx)]
    return sorted(items, key=lambda i: _ORDER[i.level])


@provider
def _coverage_items(ctx: WorkbenchContext) -> list[DueItem]:
    cov = station.coverage(ctx.session)
    if cov.total_villages and not station.list_service_points(ctx.session):
        return [DueItem(Level.TODO, "settings.station", "尚未设立社工点",
                        f"本站共 {cov.total_villages} 个村(居)，请在“设置 → 站点信息”中设立社工点并指定覆盖的村(居)。")]
    if cov.uncovered:
        names = "、".join(cov.uncovered[:5]) + ("等" if len(cov.uncovered) > 5 else "")
        return [DueItem(Level.TODO, "settings.station", f"{len(cov.uncovered)} 个村(居)未被社工点覆盖",
                        f"覆盖率 {cov.percent_text}；未覆盖：{names}。")]
    return []


@provider
def _backup_items(ctx: WorkbenchContext) -> list[DueItem]:
    last = backup.latest(ctx.db_path.parent / "backups")
    if last is None:
        return [DueItem(Level.TODO, "settings.backup", "还没有任何备份",
                        "请在“设置 → 备份与恢复”中立即备份，并定期复制到U盘等离机介质。")]
    days = (ctx.now - last.created_at).days
    if days >= 7:
        return [DueItem(Level.OVERDUE, "settings.backup", f"已有 {days} 天没有备份",
                        f"最近一次备份：{last.created_at:%Y-%m-%d %H:%M}。")]
    return []


@provider
def _locked_accounts(ctx: WorkbenchContext) -> list[DueItem]:
    if not ctx.can(Permission.USERS_MANAGE):
        return []
    locked = ctx.session.scalars(select(User.username).where(User.locked_until > ctx.now)).all()
    if not locked:
        return []
    return [DueItem(Level.INFO, "settings.users", f"{len(locked)} 个账户因输错密码被锁定",
                    "账户：" + "、".join(locked) + "。可在“设置 → 用户”中解锁。")]
