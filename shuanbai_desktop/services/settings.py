"""Business settings, each declared once with its default, label and bounds."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..data.models import Setting
from ..errors import UserError


@dataclass(frozen=True)
class IntSetting:
    key: str
    label: str
    default: int
    minimum: int
    maximum: int
    unit: str


INT_SETTINGS = {s.key: s for s in (
    IntSetting("login.max_failures", "连续输错密码几次后锁定账户", 5, 3, 20, "次"),
    IntSetting("login.lock_minutes", "账户锁定时长", 15, 1, 1440, "分钟"),
    IntSetting("session.idle_lock_minutes", "无操作自动锁屏", 15, 1, 240, "分钟"),
    IntSetting("backup.daily_keep", "保留每日备份", 7, 1, 60, "份"),
    IntSetting("backup.weekly_keep", "保留每周备份", 4, 0, 52, "份"),
    IntSetting("backup.monthly_keep", "保留每月备份", 12, 0, 120, "份"),
)}


def get_int(session: Session, key: str) -> int:
    spec = INT_SETTINGS[key]
    row = session.get(Setting, key)
    return int(json.loads(row.value)) if row else spec.default


def set_int(session: Session, key: str, value: int) -> None:
    spec = INT_SETTINGS[key]
    if not spec.minimum <= value <= spec.maximum:
        raise UserError(f"“{spec.label}”应在 {spec.minimum} 到 {spec.maximum} {spec.unit}之间。", field=spec.label)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    elif int(json.loads(row.value)) != value:
        row.value = json.dumps(value)


def all_ints(session: Session) -> dict[str, int]:
    return {key: get_int(session, key) for key in INT_SETTINGS}
