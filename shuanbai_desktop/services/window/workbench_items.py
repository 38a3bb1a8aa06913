"""工作台 items of the window: overdue (red) and near-due (amber) matters, and a missing holiday table.

An ordinary user sees the matters they handle or first received; whoever runs the counter's settings
(``Permission.WINDOW_SETTINGS``: the administrator) sees all, and is told of a missing holiday table.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from ...data.models.window import WindowRegistration as R
from ...domain.counter_labels import OPEN_STATUSES
from ...domain.permissions import Permission
from ...domain.workdays import statutory_years
from ..workbench import DueItem, Level, WorkbenchContext, provider
from .holidays import years_missing_table
from .queries import RegistrationFilter, View, list_registrations

SHOWN = 8  # matters listed one by one per level; the rest are summed up in one line
HOLIDAY_PAGE = "settings.window_holidays"


def _user_id(ctx: WorkbenchContext) -> int | None:
    actor = ctx.session.info.get("actor")
    return None if ctx.can(Permission.WINDOW_SETTINGS) or actor is None else actor.user_id


def _items(ctx: WorkbenchContext, view: View, level: Level, today: date) -> list[DueItem]:
    result = list_registrations(ctx.session, RegistrationFilter(view=view, staff_id=_user_id(ctx)), today,
                                limit=SHOWN)
    items = []
    for row in result.rows:
        when = "已超期" if view is View.OVERDUE else "即将到期"
        items.append(DueItem(level, f"window.matter.{row.id}",
                             f"窗口事项{when}：{row.ticket_no} {row.matter_name}",
                             f"{row.person_name}，应于 {row.due_text} 办结，{row.status_text}，"
                             f"首问负责人 {row.first_responder}。"))
    if result.limited:
        items.append(DueItem(level, f"window.{view.value}", f"另有 {result.total - SHOWN} 件窗口事项{view.label}",
                             "请到“窗口登记 → 事项办理”中查看。"))
    return items


def _calendar_items(ctx: WorkbenchContext, today: date) -> list[DueItem]:
    """Administrators: open matters have due dates in a year without statutory data and no station table."""
    if not ctx.can(Permission.WINDOW_SETTINGS):
        return []
    years = set(ctx.session.scalars(select(func.strftime("%Y", R.due_date)).distinct().where(
        R.due_estimated.is_(True), R.status.in_(OPEN_STATUSES))))
    missing = years_missing_table(ctx.session, sorted({int(y) for y in years} | {today.year}))
    if not missing:
        return []
    text = "、".join(f"{y} 年" for y in missing)
    return [DueItem(Level.TODO, HOLIDAY_PAGE, f"请填写 {text}的节假日调休表",
                    f"本程序内置的国家法定节假日安排只到 {max(statutory_years())} 年，{text}的窗口办结日期"
                    "目前按法定节日推算（未计调休）。请在“设置 → 节假日调休表”中按国务院公布的安排填写。")]


@provider
def window_due_items(ctx: WorkbenchContext) -> list[DueItem]:
    today = ctx.now.date()
    return (_items(ctx, View.OVERDUE, Level.OVERDUE, today) + _items(ctx, View.SOON, Level.SOON, today)
            + _calendar_items(ctx, today))
