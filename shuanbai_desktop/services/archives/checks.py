"""Archive items on 工作台: overdue and nearly due loans, files due for appraisal."""

from __future__ import annotations

from datetime import timedelta

from .. import workbench
from ..workbench import DueItem, Level, WorkbenchContext
from .lending import SOON_DAYS, LoanFilter, list_loans
from .retention import due_for_review

MAX_LISTED = 5


@workbench.provider
def _loan_items(ctx: WorkbenchContext) -> list[DueItem]:
    today = ctx.now.date()
    items = []
    for loan in list_loans(ctx.session, LoanFilter(open_only=True), today):
        if loan.overdue:
            items.append(DueItem(Level.OVERDUE, "archives.loans", f"档案 {loan.number} 借阅超期 {loan.overdue} 天",
                                 f"《{loan.title}》由{loan.borrower_text}于 {loan.lent_on:%Y-%m-%d} 借出，"
                                 f"应于 {loan.due_on:%Y-%m-%d} 归还。请催还，或办理续借。"))
        elif loan.due_on <= today + timedelta(days=SOON_DAYS):
            when = "今天" if loan.due_on == today else f"{loan.due_on:%Y-%m-%d}"
            items.append(DueItem(Level.SOON, "archives.loans", f"档案 {loan.number} 将于{when}到期归还",
                                 f"《{loan.title}》借阅人：{loan.borrower_text}。"))
    return items


@workbench.provider
def _review_items(ctx: WorkbenchContext) -> list[DueItem]:
    due = due_for_review(ctx.session, ctx.now.date())
    if not due:
        return []
    numbers = "、".join(r.number for r in due[:MAX_LISTED]) + ("等" if len(due) > MAX_LISTED else "")
    return [DueItem(Level.TODO, "archives.review", f"{len(due)} 件档案已过保管期限，待鉴定",
                    f"{numbers}。请组织鉴定：仍有保存价值的延长保管，无保存价值的经批准后登记销毁。")]
