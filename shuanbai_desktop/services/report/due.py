"""工作台: remind the administrator when last month's report has not been sent."""

from __future__ import annotations

from ...data.models.report import LockedMonth
from ...domain.permissions import Permission
from .. import workbench
from ..workbench import DueItem, Level, WorkbenchContext


@workbench.provider
def _last_month_report(ctx: WorkbenchContext) -> list[DueItem]:
    if not ctx.can(Permission.REPORT_EXPORT):
        return []
    today = ctx.now.date()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    key = f"{year:04d}-{month:02d}"
    if ctx.session.get(LockedMonth, key) is not None:
        return []
    return [DueItem(Level.TODO, "report", f"{year}年{month}月的月度报表尚未报送",
                    "在“报表 → 月度报表”中选择该月，处理检查提示的问题后导出工作簿、PDF 和清单，报送县(区)民政局。")]
