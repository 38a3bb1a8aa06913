"""Reading the audit trail: filtered, paged, newest first, described in Chinese.

Entries are stored with ID numbers and phones already masked (data/audit.py); as a
second line of defence every text shown here passes ``mask_text``, which masks any
ID-number-shaped run of digits (e.g. one typed into the user-name box at log-in).
Reading the trail needs ``Permission.AUDIT_READ`` (the administrator).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..data import audit
from ..data.base import Base
from ..data.models import AuditEntry, ServicePoint, Village
from ..domain.idcard import mask_id_number
from ..domain.labels import AUDIT_ACTIONS, FacilityType, PersonStatus, Role
from ..errors import UserError
from .permissions import Permission, require
from .settings import INT_SETTINGS

EVENTS = "event"  # the record-type key for events (log-in, backup, restore …)
PAGE_SIZE = 200
SYSTEM_USER = "system"
_ID_SHAPED = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(:\d{2})?)")

FIELD_LABELS = {
    "name": "名称", "address": "地址", "phone": "联系电话", "notes": "备注", "status": "状态",
    "created_at": "创建时间", "updated_at": "更新时间", "code": "代码",
    "town_code": "乡镇(街道)代码", "town_name": "乡镇(街道)", "county_code": "县(区)代码",
    "county_name": "县(区)", "city_code": "地级市代码", "city_name": "地级市",
    "facility_type": "依托场所类型", "liaison_name": "联络人", "liaison_phone": "联络人电话",
    "active": "有效", "point_id": "社工点", "village_code": "村(居)", "username": "用户名",
    "display_name": "姓名", "role": "角色", "password_hash": "密码", "disabled": "已停用",
    "must_change_password": "须修改密码", "failed_attempts": "连续输错次数", "locked_until": "锁定至",
    "last_login_at": "最近登录", "id_number": "身份证号", "no_id_reason": "无证件原因", "sex": "性别",
    "birth_date": "出生日期", "key": "设置项", "value": "设置值", "folder": "备份文件夹",
    "safety_copy": "安全副本",
}
TABLE_FIELD_LABELS = {("person", "name"): "姓名", ("service_point", "name"): "社工点名称",
                      ("station", "name"): "社工站名称", ("village", "name"): "村(居)名称"}
HIDDEN_FIELDS = {"id", "station_id", "name_pinyin", "name_initials"}
ENUM_VALUES = {("service_point", "facility_type"): FacilityType, ("app_user", "role"): Role,
               ("person", "status"): PersonStatus}
EVENT_OBJECTS = {"backup": "备份与恢复", "export": "导出", "": "系统"}


@dataclass(frozen=True)
class AuditQuery:
    username: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    record_type: str | None = None  # a table name, or EVENTS
    page: int = 0
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    object: str
    summary: str
    details: tuple[str, ...]


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class RecordType:
    key: str
    label: str


def mask_text(text: str) -> str:
    return _ID_SHAPED.sub(lambda m: mask_id_number(m.group(1)), text)


def user_label(username: str) -> str:
    return "系统" if username == SYSTEM_USER else username


def object_label(table_name: str, action: str = "") -> str:
    """The Chinese name of what an entry is about; never an internal table name."""
    if table_name in EVENT_OBJECTS:
        return EVENT_OBJECTS[table_name]
    label = audit.table_label(table_name)
    if label != table_name:
        return label
    return "系统" if action == EVENTS else "其他"


def usernames(session: Session) -> list[str]:
    require(session, Permission.AUDIT_READ)
    return list(session.scalars(select(AuditEntry.username).distinct().order_by(AuditEntry.username)))


def first_date(session: Session) -> date | None:
    first = session.scalar(select(func.min(AuditEntry.at)))
    return first.date() if first else None


def record_types(session: Session) -> list[RecordType]:
    tables = session.scalars(select(AuditEntry.table_name).distinct().where(AuditEntry.action != EVENTS))
    by_label = {object_label(t): t for t in tables}
    types = [RecordType(by_label[label], label) for label in sorted(by_label)]
    return types + [RecordType(EVENTS, AUDIT_ACTIONS[EVENTS])]


def _conditions(query: AuditQuery) -> list:
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise UserError("“起始日期”不能晚于“截止日期”，请重新选择。", field="起始日期")
    where = []
    if query.username:
        where.append(AuditEntry.username == query.username)
    if query.date_from:
        where.append(AuditEntry.at >= datetime.combine(query.date_from, time.min))
    if query.date_to:
        where.append(AuditEntry.at < datetime.combine(query.date_to + timedelta(days=1), time.min))
    if query.record_type == EVENTS:
        where.append(AuditEntry.action == EVENTS)
    elif query.record_type:
        where += [AuditEntry.table_name == query.record_type, AuditEntry.action != EVENTS]
    return where


def search(session: Session, query: AuditQuery) -> AuditPage:
    """One page of matching entries, newest first; raises UserError for a reversed date range."""
    require(session, Permission.AUDIT_READ)
    where = _conditions(query)
    total = session.execute(select(func.count(AuditEntry.id)).where(*where)).scalar_one()
    pages = max(1, -(-total // query.page_size))
    page = min(max(query.page, 0), pages - 1)
    entries = session.scalars(select(AuditEntry).where(*where).order_by(AuditEntry.id.desc())
                              .limit(query.page_size).offset(page * query.page_size)).all()
    names = _lookups(session)
    rows = tuple(_row(e, names) for e in entries)
    return AuditPage(rows, total, page, query.page_size)


def check_chain(session: Session) -> audit.ChainCheck:
    require(session, Permission.AUDIT_READ)
    return audit.verify_chain(session)


def _lookups(session: Session) -> dict[str, dict[str, str]]:
    """Names for the ids that changes refer to (a village code, a point id)."""
    villages = {c: n for c, n in session.execute(select(Village.code, Village.name))}
    points = {str(i): n for i, n in session.execute(select(ServicePoint.id, ServicePoint.name))}
    return {"village_code": villages, "point_id": points}


def _row(entry: AuditEntry, names: dict[str, dict[str, str]]) -> AuditRow:
    action = AUDIT_ACTIONS.get(entry.action, AUDIT_ACTIONS[EVENTS])
    obj = object_label(entry.table_name, entry.action)
    details = describe_changes(entry.table_name, entry.action, entry.changes, names)
    return AuditRow(entry.id, entry.at, user_label(entry.username), action, obj,
                    mask_text(_readable_summary(entry, details)), details)


def _readable_summary(entry: AuditEntry, details: tuple[str, ...]) -> str:
    """A link row (e.g. point 1 ↔ village 441302001001) is named by what it links, not by its key."""
    raw = f"「{entry.record_id}」"
    if "/" not in entry.record_id or not entry.summary.endswith(raw) or not details:
        return entry.summary
    parts = "，".join(line.split("：", 1)[-1] for line in details)
    return entry.summary[: -len(raw)] + f"「{parts}」"


def field_label(table_name: str, key: str) -> str:
    column = _column(table_name, key)
    if column is not None and column.info.get("label"):
        return column.info["label"]
    return TABLE_FIELD_LABELS.get((table_name, key)) or FIELD_LABELS.get(key, "其他信息")


def _column(table_name: str, key: str):
    table = Base.metadata.tables.get(table_name)
    return table.columns.get(key) if table is not None else None


OTHER_SETTING_NAMES = {"staff.performance_weights": "绩效因素权重", "staff.insurance_rates": "四险一金缴费比例",
                       "backup.second_folder": "第二备份位置"}


def value_text(table_name: str, key: str, value, names: dict[str, dict[str, str]] | None = None) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    enum = ENUM_VALUES.get((table_name, key))
    if enum is None:  # a column may name its own enumeration: info={"enum": SomeLabelledEnum}
        column = _column(table_name, key)
        enum = column.info.get("enum") if column is not None else None
    if enum is not None and value in enum._value2member_map_:
        return enum(value).label
    if table_name == "setting" and key == "key" and value in INT_SETTINGS:
        return INT_SETTINGS[value].label
    if table_name == "setting" and key == "key" and value in OTHER_SETTING_NAMES:
        return OTHER_SETTING_NAMES[value]
    looked_up = (names or {}).get(key, {}).get(str(value))
    if looked_up:
        return looked_up
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return mask_text(_ISO_TIME.sub(r"\1 \2", str(value)))


def describe_changes(table_name: str, action: str, changes_json: str,
                     names: dict[str, dict[str, str]] | None = None) -> tuple[str, ...]:
    """The stored ``changes`` as lines like ``姓名：由“张三”改为“张叁”``."""
    try:
        changes = json.loads(changes_json or "{}")
    except ValueError:
        return ("（变更内容无法读取）",)
    if not isinstance(changes, dict):
        return ()
    lines = []
    for key, value in changes.items():
        if key in HIDDEN_FIELDS:
            continue
        label = field_label(table_name, key)
        if action == "update" and isinstance(value, list) and len(value) == 2:
            old, new = (value_text(table_name, key, v, names) for v in value)
            lines.append(f"{label}：由“{old}”改为“{new}”")
        else:
            lines.append(f"{label}：{value_text(table_name, key, value, names)}")
    return tuple(lines)
