"""工作台: home visits overdue and due within a week; open cases whose goals are past due."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ...data.models.targets import CaseGoal, CaseRecord, Household
from .. import workbench
from ..workbench import DueItem, Level, WorkbenchContext
from .visits import SOON_DAYS


def _names(rows, limit: int = 5) -> str:
    names = [r for r in rows[:limit]]
    return "、".join(names) + ("等" if len(rows) > limit else "")


@workbench.provider
def _visit_items(ctx: WorkbenchContext) -> list[DueItem]:
    today = ctx.now.date()
    items = []
    overdue = list(ctx.session.scalars(select(Household.name).where(Household.next_visit_due < today)
                                       .order_by(Household.next_visit_due).limit(6)))
    if overdue:
        total = ctx.session.scalar(select(func.count(Household.id)).where(Household.next_visit_due < today))
        items.append(DueItem(Level.OVERDUE, "targets.visits", f"{total} 户走访已超期",
                             f"最早超期的：{_names(overdue)}。请在“服务对象与个案 → 走访”中安排走访。"))
    soon_q = select(Household.name).where(Household.next_visit_due >= today,
                                          Household.next_visit_due <= today + timedelta(days=SOON_DAYS))
    soon = list(ctx.session.scalars(soon_q.order_by(Household.next_visit_due).limit(6)))
    if soon:
        total = ctx.session.scalar(select(func.count()).select_from(soon_q.subquery()))
        items.append(DueItem(Level.SOON, "targets.visits", f"{total} 户 {SOON_DAYS} 天内应走访", f"如：{_names(soon)}。"))
    return items


@workbench.provider
def _case_items(ctx: WorkbenchContext) -> list[DueItem]:
    today = ctx.now.date()
    late = select(CaseRecord.case_no).join(CaseGoal, CaseGoal.case_id == CaseRecord.id).where(
        CaseRecord.status == "open", CaseGoal.result == "", CaseGoal.due_on < today).distinct()
    numbers = list(ctx.session.scalars(late.limit(6)))
    if not numbers:
        return []
    total = ctx.session.scalar(select(func.count()).select_from(late.subquery()))
    return [DueItem(Level.TODO, "targets.cases", f"{total} 个个案有服务目标已过期限未评估",
                    f"个案：{_names(numbers)}。请跟进并在“跟踪问效”中评估目标。")]
