"""人员: staffing by post (on 基本情况), certificates, joiners and leavers, contracts, training,
supervision (R2), from ``services.staff.month_figures``."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..layout import Check, Group, RecordRef, Row

LABEL = "人员"
PACKAGE = "staff"
SRC = "人员 → 人员档案"
SRC_CONTRACT = "人员 → 劳动合同"


def _post_rows(f) -> tuple[Row, ...]:
    end = "月末在岗（入职日期不晚于月末、未在月末前离职）"
    return (
        Row("staff.headcount", "在岗工作人员", f.headcount, "人", f"{SRC}：{end}", "end"),
        Row("staff.affairs", "其中：事务性岗位", f.affairs, "人", "副站长、事务性岗位社工、残疾人专职委员", "end"),
        Row("staff.deputy_heads", "　　其中：副站长", f.deputy_heads, "人", SRC, "end"),
        Row("staff.disability_officers", "　　其中：残疾人专职委员", f.disability_officers, "人", SRC, "end"),
        Row("staff.service", "其中：服务性岗位社工", f.service, "人", SRC, "end"),
    )


def _staff_groups(f) -> list[Group]:
    return [
        Group("staff", "持证情况（月末在岗人员）", (
            Row("staff.certified", "持社会工作者职业资格证书", f.certified, "人", "助理社会工作师及以上", "end"),
            Row("staff.assistant", "其中：助理社会工作师", f.assistant, "人", SRC, "end"),
            Row("staff.intermediate", "其中：社会工作师", f.intermediate, "人", SRC, "end"),
            Row("staff.senior", "其中：高级社会工作师", f.senior, "人", SRC, "end"),
            Row("staff.supervisor_certs", "持督导证", f.supervisor_certs, "人", SRC, "end"))),
        Group("staff", "人员变动", (
            Row("staff.joiners", "本月入职", f.joiners, "人", f"{SRC}：入职日期在本月"),
            Row("staff.leavers", "本月离职", f.leavers, "人", f"{SRC}：离职日期在本月"))),
        Group("staff", "劳动合同", (
            Row("staff.contracts_ending", "本月期满的合同", f.contracts_ending, "份",
                f"{SRC_CONTRACT}：终止日期在本月、未续签、未提前解除"),
            Row("staff.contracts_expiring_90", "月末后 90 天内期满的合同", f.contracts_expiring_90, "份",
                f"{SRC_CONTRACT}：在岗人员的合同", "end"))),
        Group("staff", "培训（R2.5）", (
            Row("staff.training_hours", "本月培训学时（各人合计）", f.training_hours, "学时",
                "人员 → 培训：开始日期在本月的培训，每名参加人员的学时相加"),
            Row("staff.trained_workers", "本月参加培训人数", f.trained_workers, "人",
                "人员 → 培训：本月参加过培训的人数（全年不相加，同一人可能多月参加）", "month"),
            Row("staff.training_hours_ytd", "本年累计培训学时", f.training_hours_ytd, "学时",
                "1月1日至月末，各人学时相加", "end"))),
        Group("staff", "督导（R2.7）", (
            Row("staff.supervision_sessions", "本月督导次数", f.supervision_sessions, "次",
                "人员 → 督导记录：督导日期在本月"),
            Row("staff.supervision_hours", "本月督导时长", f.supervision_hours, "小时", "同上，时长相加"),
            Row("staff.supervision_hours_ytd", "本年累计督导时长", f.supervision_hours_ytd, "小时",
                "1月1日至月末", "end"))),
    ]


def groups(session: Session, year: int, month: int, month_figures, _today: date) -> list[Group]:
    f = month_figures(session, year, month)
    return [Group("basic", "人员配备（月末在岗）", _post_rows(f))] + _staff_groups(f)


def _on_staff(model, last: date):
    return (model.hire_date <= last) & (model.leave_date.is_(None) | (model.leave_date > last))


def _refs(rows) -> tuple[RecordRef, ...]:
    return tuple(RecordRef("staff_member", i, name, "staff.roster") for i, name in rows)


def checks(session: Session, year: int, month: int, _today: date) -> list[Check]:
    from ....data.models.staff import StaffContract, StaffMember, StaffVillage
    from ....data.models.staff_activity import StaffSupervision
    first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    out: list[Check] = []
    no_village = session.execute(select(StaffMember.id, StaffMember.name).where(
        _on_staff(StaffMember, last), StaffMember.role == "service_worker",
        ~exists().where(StaffVillage.staff_id == StaffMember.id)).order_by(StaffMember.name)).all()
    if no_village:
        out.append(Check("staff.no_village", "staff", "warning", f"{len(no_village)} 名服务性岗位社工未指定负责的村(居)",
                         "在人员档案中填写其负责的村(居)（原则上 1 名社工负责 1 个村(居)）。", len(no_village),
                         _refs(no_village)))
    covered = exists().where(StaffContract.staff_id == StaffMember.id, StaffContract.start_date <= last,
                             StaffContract.end_date >= last,
                             StaffContract.terminated_on.is_(None) | (StaffContract.terminated_on > last))
    no_contract = session.execute(select(StaffMember.id, StaffMember.name).where(
        _on_staff(StaffMember, last), ~covered).order_by(StaffMember.name)).all()
    if no_contract:
        out.append(Check("staff.no_contract", "staff", "warning", f"{len(no_contract)} 名在岗人员月末没有有效的劳动合同",
                         "在“人员 → 劳动合同”中登记或续签合同。", len(no_contract), _refs(no_contract)))
    sessions = session.scalar(select(func.count(StaffSupervision.id)).where(
        StaffSupervision.visit_date.between(first, last)))
    if not sessions:
        out.append(Check("staff.no_supervision", "staff", "warning", "本月没有督导记录",
                         "督导每月至少到站一次（R2.7）。已督导的请在“人员 → 督导记录”中登记。", 1))
    return out + _headcount_check(session, last)


def _headcount_check(session: Session, last: date) -> list[Check]:
    from ....data.models import Village
    from ....data.models.staff import StaffMember
    service = session.execute(select(func.count(StaffMember.id)).where(
        _on_staff(StaffMember, last), StaffMember.role == "service_worker")).scalar_one()
    villages = session.execute(select(func.count(Village.code))).scalar_one()
    if service >= villages:
        return []
    return [Check("staff.service_headcount", "basic", "warning",
                  f"服务性岗位社工 {service} 人，少于村(居)数 {villages} 个",
                  "按要求服务性岗位社工人数不少于所辖村(居)数（R1.4）。", 1)]


def annual_groups(session: Session, year: int) -> list[Group]:
    """For the October assessment and the December evaluation (R2.5, R2.6): the year as a whole."""
    from ....domain.staff_labels import Grade
    from ...staff.assessment import assessments, evaluation_for
    from ...staff.training import hours_table
    rows = assessments(session, year)
    grades = [r.grade for r in rows]
    hours = hours_table(session, year)
    evaluation = evaluation_for(session, year)
    src = "人员 → 年度考核"
    return [
        Group("annual", "年度考核（R2.6，10月底前）", (
            Row("annual.assessed_staff", "应考核人数", len(rows), "人", "本年内在岗过的工作人员", "text"),
            *(Row(f"annual.grade.{g.value}", f"其中：{g.label}", grades.count(g), "人", src, "text") for g in Grade),
            Row("annual.not_assessed", "其中：尚未考核", grades.count(None), "人", src, "text"))),
        Group("annual", "第三方评估（R2.6，12月底前）", (
            Row("annual.evaluation_result", "评估结果", evaluation.result.label if evaluation else "未评估", "",
                "人员 → 第三方评估", "text"),
            Row("annual.evaluation_score", "评估得分", evaluation.score if evaluation else None, "分",
                "人员 → 第三方评估", "text"))),
        Group("annual", "培训学时（R2.5）", (
            Row("annual.training_hours", "本年培训学时（各人合计）", sum((h.year_total for h in hours), Decimal(0)),
                "学时", "人员 → 培训：本年开始的培训", "text"),
            Row("annual.training_short", "学时未达要求的在岗人员", sum(1 for h in hours if h.shortfalls), "人",
                "岗前不少于 15 学时、每年不少于 48 学时（年中入职按在岗月数折算）", "text"))),
    ]
