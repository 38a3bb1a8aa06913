"""Community organisations fostered by the station (五社联动, R4.5): their kinds and states."""

from __future__ import annotations

from .labels import LabelledEnum


class OrgKind(LabelledEnum):
    COMMUNITY = ("community", "社区社会组织")
    VOLUNTEER_TEAM = ("volunteer_team", "志愿服务队")
    CHARITY = ("charity", "慈善组织")
    SOCIAL_WORK = ("social_work", "社会工作服务机构")
    MUTUAL_AID = ("mutual_aid", "互助组织")
    OTHER = ("other", "其他")


class OrgStatus(LabelledEnum):
    """Where the organisation stands; ``STOPPED`` needs the day it stopped (it then no longer counts)."""

    FOSTERING = ("fostering", "培育孵化中")
    FILED = ("filed", "已在镇(街)备案")
    REGISTERED = ("registered", "已在民政部门登记")
    STOPPED = ("stopped", "已停止活动")


class OrgSupport(LabelledEnum):
    """The station's fostering support (培育扶持), any number of them per organisation."""

    VENUE = ("venue", "提供活动场地")
    TRAINING = ("training", "骨干培训")
    PROJECT = ("project", "项目策划指导")
    FUNDING = ("funding", "链接资金")
    REGISTRATION = ("registration", "协助备案登记")
    GOVERNANCE = ("governance", "规范管理指导")
