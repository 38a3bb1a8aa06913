"""The 窗口 (counter) registration's terms: one code in the database, one Chinese label on screen and on paper."""

from __future__ import annotations

from .labels import LabelledEnum


class Channel(LabelledEnum):
    VISIT = ("visit", "来访")
    PHONE = ("phone", "来电")
    PROXY = ("proxy", "代办")
    OTHER = ("other", "其他")


class Handling(LabelledEnum):
    ON_SPOT = ("on_spot", "当场办结")
    ASSIGN = ("assign", "分办")
    TRANSFER = ("transfer", "转办")


class Status(LabelledEnum):
    IN_PROGRESS = ("in_progress", "办理中")
    TRANSFERRED = ("transferred", "已转办")
    DONE = ("done", "已办结")
    VOID = ("void", "已作废")


OPEN_STATUSES = (Status.IN_PROGRESS.value, Status.TRANSFERRED.value)


class Satisfaction(LabelledEnum):
    SATISFIED = ("satisfied", "满意")
    FAIR = ("fair", "基本满意")
    UNSATISFIED = ("unsatisfied", "不满意")


class FollowUpMethod(LabelledEnum):
    PHONE = ("phone", "电话回访")
    VISIT = ("visit", "上门回访")
    COUNTER = ("counter", "窗口当面")


class EventKind(LabelledEnum):
    REGISTER = ("register", "登记")
    ASSIGN = ("assign", "分办")
    TRANSFER = ("transfer", "转办")
    RESULT = ("result", "办结")
    FOLLOW_UP = ("follow_up", "回访")
    REOPEN = ("reopen", "重新办理")
    DUE = ("due", "调整办结日期")
    VOID = ("void", "作废")
    PRINT = ("print", "打印")
    CASE = ("case", "转为个案")  # 窗口转介: the text names the case number


class HolidayKind(LabelledEnum):
    HOLIDAY = ("holiday", "放假")
    WORKDAY = ("workday", "调休上班")
