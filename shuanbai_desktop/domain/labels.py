"""Domain terms: one name in code, one Chinese label on screen and in reports."""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Chinese label.

    Members are declared as ``CODE = ("code", "中文")``; ``Enum("code")`` looks a member up by its
    code (``label`` has a default only so that type checkers accept that one-argument call)."""

    label: str

    def __new__(cls, value: str, label: str = ""):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj


class Role(LabelledEnum):
    ADMIN = ("admin", "管理员（站长/副站长）")
    WINDOW = ("window", "窗口")
    SOCIAL_WORKER = ("social_worker", "社工")
    SUPERVISOR = ("supervisor", "督导/只读")

    @property
    def short(self) -> str:
        return {"admin": "管理员", "window": "窗口", "social_worker": "社工", "supervisor": "督导"}[self.value]


class FacilityType(LabelledEnum):
    PARTY_CENTER = ("party_center", "党群服务中心")
    HOME_CARE_CENTER = ("home_care_center", "居家养老服务中心")
    NURSING_HOME = ("nursing_home", "敬老院")
    WELFARE_HOME = ("welfare_home", "福利院")
    SCHOOL = ("school", "学校")
    OTHER = ("other", "其他")


class PersonStatus(LabelledEnum):
    REGISTERED = ("registered", "在册")
    MOVED_OUT = ("moved_out", "迁出")
    DECEASED = ("deceased", "死亡")
    NOT_ELIGIBLE = ("not_eligible", "不再符合")


class BackupKind(LabelledEnum):
    AUTO = ("auto", "自动")
    MANUAL = ("manual", "手动")
    EXIT = ("exit", "退出时")
    PRE_MIGRATE = ("pre-migrate", "升级前")
    PRE_RESTORE = ("pre-restore", "恢复前安全副本")


AUDIT_ACTIONS = {"insert": "新增", "update": "修改", "delete": "删除", "event": "操作"}
