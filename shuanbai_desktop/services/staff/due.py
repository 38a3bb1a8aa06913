"""工作台 items of the staff files: staffing, contract expiry (90/60/30 days), training shortfalls,
annual assessment (by end of October), third-party evaluation (by end of December), supervision."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from ...data.models.staff import StaffMember
from ...domain.permissions import Permission
from ...domain.staff_labels import ContractStatus
from ...domain.staff_rules import SUPERVISION_VISIT_HOURS, expiry_band, hours_text
from .. import workbench
from ..workbench import DueItem, Level, WorkbenchContext
from .assessment import evaluation_for, missing_assessments
from .checks import staffing_checks
from .contracts import CurrentContract, current_contracts
from .supervision import supervision_check
from .training import hours_table

BAND_LEVEL = {30: Level.SOON, 60: Level.SOON, 90: Level.TODO}


def _names(names: list[str], limit: int = 8) -> str:
    return "、".join(names[:limit]) + (f"等 {len(names)} 人" if len(names) > limit else "")


def staffing_items(ctx: WorkbenchContext) -> list[DueItem]:
    if not ctx.session.scalar(select(func.count(StaffMember.id))):
        return [DueItem(Level.TODO, "staff.roster", "尚未录入工作人员",
                        "请在“人员”中录入副站长、事务性岗位社工、残疾人专职委员和各社工点的服务性岗位社工。")]
    return [DueItem(Level.TODO, "staff.roster", f"人员配备：{line.title}", line.detail)
            for line in staffing_checks(ctx.session).problems]


def _contract_item(c: CurrentContract, today: date) -> DueItem | None:
    row = c.contract
    if row is None:
        return DueItem(Level.TODO, "staff.contracts", f"{c.name}没有劳动合同记录", "请在“人员 → 劳动合同”中录入。")
    if row.status is ContractStatus.EXPIRED:
        return DueItem(Level.OVERDUE, "staff.contracts", f"{c.name}的劳动合同已到期 {-row.days_left} 天",
                       f"合同 {row.term_text}，尚未续签。" + _eligibility(c))
    if row.status is ContractStatus.TERMINATED:
        return DueItem(Level.TODO, "staff.contracts", f"{c.name}的劳动合同已解除，尚无新合同",
                       f"合同于 {row.terminated_on:%Y-%m-%d} 解除。仍在岗的请新签合同，已离开的请办理离职。")
    band = expiry_band(row.end_date, today) if row.status is ContractStatus.ACTIVE else None
    if band is None:
        return None
    return DueItem(BAND_LEVEL[band], "staff.contracts", f"{c.name}的劳动合同 {row.days_left} 天后到期",
                   f"{band} 天内到期（{row.end_date:%Y-%m-%d}）。" + _eligibility(c))


def _eligibility(c: CurrentContract) -> str:
    if c.eligibility is None:
        return ""
    return ("符合续聘条件。" if c.eligibility.eligible else f"不符合续聘条件：{c.eligibility.text}。")


def contract_items(ctx: WorkbenchContext) -> list[DueItem]:
    today = ctx.now.date()
    return [item for c in current_contracts(ctx.session, today) if (item := _contract_item(c, today))]


def training_items(ctx: WorkbenchContext) -> list[DueItem]:
    today = ctx.now.date()
    rows = hours_table(ctx.session, today.year)
    items = []
    pre = [f"{r.name}差 {hours_text(g.missing)} 学时" for r in rows for g in r.shortfalls if g.kind == "岗前培训"]
    if pre:
        items.append(DueItem(Level.TODO, "staff.training", f"{len(pre)} 人岗前培训不足 15 学时", "；".join(pre) + "。"))
    if today.month >= 10:
        year = [f"{r.name}差 {hours_text(g.missing)} 学时" for r in rows for g in r.shortfalls if g.kind != "岗前培训"]
        if year:
            level = Level.SOON if today.month < 12 else Level.OVERDUE
            items.append(DueItem(level, "staff.training", f"{len(year)} 人{today.year}年培训学时不足",
                                 "每人每年不少于 48 学时（年中入职的按月折算）：" + "；".join(year) + "。"))
    return items


def assessment_items(ctx: WorkbenchContext) -> list[DueItem]:
    today, items = ctx.now.date(), []
    if today.month >= 9:
        missing = missing_assessments(ctx.session, today.year)
        if missing:
            level = Level.TODO if today.month == 9 else (Level.SOON if today.month == 10 else Level.OVERDUE)
            items.append(DueItem(level, "staff.assessment", f"{len(missing)} 人尚无{today.year}年度考核结果",
                                 f"年度考核应在 10 月底前完成：{_names(missing)}。"))
    if today.month >= 11 and evaluation_for(ctx.session, today.year) is None:
        level = Level.TODO if today.month == 11 else Level.SOON
        items.append(DueItem(level, "staff.assessment", f"尚未录入{today.year}年度第三方评估结果",
                             "第三方评估机构对社工站的考核评估应在 12 月底前完成，结果与报告请录入并上传附件。"))
    if today.month <= 2 and evaluation_for(ctx.session, today.year - 1) is None and _had_staff(ctx, today.year - 1):
        items.append(DueItem(Level.OVERDUE, "staff.assessment", f"缺少{today.year - 1}年度第三方评估结果",
                             "请录入上一年度第三方评估结果并上传评估报告。"))
    return items


def _had_staff(ctx: WorkbenchContext, year: int) -> bool:
    return bool(ctx.session.scalar(select(func.count(StaffMember.id)).where(
        StaffMember.hire_date <= date(year, 12, 31))))


def supervision_items(ctx: WorkbenchContext) -> list[DueItem]:
    today = ctx.now.date()
    check, items = supervision_check(ctx.session, today), []
    if check.missing:
        items.append(DueItem(Level.OVERDUE, "staff.supervision", f"{len(check.missing)} 个月没有督导记录",
                             f"督导员每月至少督导 1 次：{check.missing_text}没有督导记录。"))
    month_end_near = (today + timedelta(days=10)).month != today.month
    if check.this_month == 0 and month_end_near and _had_staff(ctx, today.year):
        items.append(DueItem(Level.SOON, "staff.supervision", f"本月（{today.month}月）还没有督导记录",
                             "督导员每月至少督导 1 次，每次不少于 16 小时。"))
    if check.short:
        visits = "；".join(f"{r.date_text} {r.supervisor} {hours_text(r.hours)} 小时" for r in check.short[:6])
        items.append(DueItem(Level.INFO, "staff.supervision", f"{len(check.short)} 次督导不足 {SUPERVISION_VISIT_HOURS} 小时",
                             f"每次督导时长不少于 {SUPERVISION_VISIT_HOURS} 小时：{visits}。"))
    return items


@workbench.provider
def _staff_items(ctx: WorkbenchContext) -> list[DueItem]:
    items = staffing_items(ctx) + training_items(ctx) + supervision_items(ctx)
    if ctx.can(Permission.STAFF_EDIT):
        items += contract_items(ctx) + assessment_items(ctx)
    return items
