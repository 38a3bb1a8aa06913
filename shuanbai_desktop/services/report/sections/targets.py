"""服务对象 and 服务开展: target groups, files and plans, visits, cases, resources (R4),
from ``services.targets.month_figures``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....data.models import Village
from ..layout import Group, Row

LABEL = "服务对象与个案"
PACKAGE = "targets"
SRC_T = "服务对象：月末在册、属任一类别的居民"
GROUPS = (("dibao", "低保对象"), ("tekun", "特困人员"), ("disabled", "残疾人"), ("child_difficulty", "困境儿童"),
          ("child_left_behind", "留守儿童"), ("elderly", "特殊困难老年人"), ("woman_left_behind", "留守妇女"),
          ("other_group", "其他"))
STAGES = (("identify", "识别对象"), ("assess", "分析需求"), ("plan", "制定计划"), ("resources", "协调资源"),
          ("intervene", "专业介入"), ("follow_up", "跟踪问效"))


def _target_rows(f) -> tuple[Row, ...]:
    rows = [Row("targets.total", "服务对象总数", f.targets_total, "人", SRC_T, "end")]
    for field, label in GROUPS:
        key = "other" if field == "other_group" else field
        rows.append(Row(f"targets.{key}", f"其中：{label}", getattr(f, field), "人",
                        "同一人属多个类别时各类别都计入", "end"))
    rows.append(Row("targets.new", "本月新增服务对象", f.new_targets, "人", "首次列入任一类别的日期在本月"))
    return tuple(rows)


def _file_rows(f) -> tuple[Row, ...]:
    return (
        Row("targets.households_with_file", "建档户数（一户一档）", f.households_with_file, "户",
            "有服务对象成员的户档", "end"),
        Row("targets.with_file", "已纳入户档的服务对象", f.targets_with_file, "人", SRC_T, "end"),
        Row("targets.file_coverage_percent", "一户一档覆盖率", f.file_coverage_percent, "%",
            "已纳入户档的服务对象 ÷ 服务对象总数 × 100（R1.5）", "rate:targets.with_file/targets.total"),
        Row("targets.with_plan", "有服务计划的服务对象（一人一案）", f.persons_with_plan, "人",
            "服务对象中月末有执行中的服务计划或在案个案的人数", "end"),
        Row("targets.plan_coverage_percent", "一人一案覆盖率", f.plan_coverage_percent, "%",
            "有服务计划的服务对象 ÷ 服务对象总数 × 100", "rate:targets.with_plan/targets.total"),
    )


def _village_rows(session: Session, f) -> tuple[Row, ...]:
    counts = dict(f.targets_by_village)
    villages = session.execute(select(Village.code, Village.name).order_by(Village.code)).all()
    rows = [Row(f"targets.village.{code}", name, counts.get(code, 0), "人", f"{SRC_T}，按所属村(居)", "end")
            for code, name in villages]
    rows.append(Row("targets.village.none", "未填写所属村(居)", f.targets_total - sum(counts.values()), "人",
                    "服务对象总数 − 各村(居)合计", "end"))
    return tuple(rows)


def _service_groups(f) -> list[Group]:
    stage_rows = tuple(Row(f"cases.stage.{code}", f"其中：处于“{label}”", getattr(f, f"active_{code}"), "件",
                           "月末在案个案的当前阶段", "end") for code, label in STAGES)
    return [
        Group("services", "入户走访（R4.3）", (
            Row("visits.households", "入户走访户次", f.visit_household_times, "户次", "走访记录：走访日期在本月的条数"),
            Row("visits.persons", "入户走访人次", f.visit_person_times, "人次", "同上，每次走访见到的人数相加"))),
        Group("services", "个案（R4.4）", (
            Row("cases.opened", "本月新开个案", f.cases_opened, "件", "个案：开案日期在本月"),
            Row("cases.closed", "本月结案", f.cases_closed, "件", "个案：结案日期在本月"),
            Row("cases.active", "月末在案个案", f.cases_active, "件", "开案不晚于月末、月末未结案", "end"),
            *stage_rows)),
        Group("services", "资源链接与五社联动（R4.5）", (
            Row("referrals.count", "转介次数", f.referrals, "次", "转介：转介日期在本月"),
            Row("resources.count", "链接资源笔数", f.resources_linked, "笔", "链接资源：日期在本月"),
            Row("resources.value_yuan", "链接资源折合金额", f.resources_value_yuan, "元", "同上，折合金额相加"),
            Row("volunteers.hours", "志愿服务时数", f.volunteer_hours, "小时", "志愿服务时数：服务日期在本月"),
            Row("activities.count", "小组/社区活动", f.activities, "次", "活动：日期在本月"),
            Row("activities.participants", "活动参加人次", f.activity_participants, "人次", "同上，参加人数相加"))),
    ]


def groups(session: Session, year: int, month: int, month_figures, _today: date) -> list[Group]:
    f = month_figures(session, year, month)
    return [Group("targets", "服务对象（R4.1）", _target_rows(f)),
            Group("targets", "一户一档 · 一人一案（R4.2）", _file_rows(f)),
            Group("targets", "按村(居)分布", _village_rows(session, f), family="village"),
            *_service_groups(f)]


def checks(session: Session, year: int, month: int, _today: date):
    from .targets_checks import checks as _checks
    return _checks(session, year, month)
