"""服务开展 · 社区社会组织培育 (五社联动, R4.5), from ``services.targets.organisations.month_figures``."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..layout import Group, Row

LABEL = "社区组织培育"
PACKAGE = "targets.organisations"
SRC = "社区组织：纳入培育日期不晚于月末、月末未停止活动"


def groups(session: Session, year: int, month: int, month_figures, _today: date) -> list[Group]:
    f = month_figures(session, year, month)
    return [Group("services", "社区社会组织培育（R4.5 五社联动）", (
        Row("orgs.total", "月末在册的社区组织", f.orgs_at_end, "个", SRC, "end"),
        Row("orgs.new", "本月新纳入培育的组织", f.orgs_new, "个", "社区组织：纳入培育日期在本月"),
        Row("orgs.stopped", "本月停止活动的组织", f.orgs_stopped, "个", "社区组织：停止活动日期在本月"),
        Row("orgs.members", "在册组织成员人数", f.members_at_end, "人", f"{SRC}，现登记的成员人数相加", "end"),
        Row("orgs.activities", "社区组织参与的活动", f.activities, "次", "活动：日期在本月、登记了合作的社区组织"),
        Row("orgs.volunteer_hours", "组织所属志愿者服务时数", f.volunteer_hours, "小时",
            "志愿服务时数：服务日期在本月、志愿者登记了所属社区组织"),
        Row("orgs.resources", "社区组织提供的资源", f.resources, "笔", "链接资源：日期在本月、提供方为登记在册的社区组织"),
        Row("orgs.resources_value_yuan", "社区组织提供的资源折合金额", f.resources_value_yuan, "元", "同上，折合金额相加"),
    ))]


def checks(session: Session, year: int, month: int, _today: date):
    return []
