"""Business settings, each declared once with its default, label, bounds and the permission that
changes it (``Permission.SECURITY_SETTINGS`` for log-in and lock screen, ``BACKUP_SETTINGS`` for backups)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..data.models import Setting
from ..errors import UserError
from .permissions import Permission, require


@dataclass(frozen=True)
class IntSetting:
    key: str
    label: str
    default: int
    minimum: int
    maximum: int
    unit: str
    permission: Permission


_SECURITY, _BACKUP = Permission.SECURITY_SETTINGS, Permission.BACKUP_SETTINGS
INT_SETTINGS = {s.key: s for s in (
    IntSetting("login.max_failures", "连续输错密码几次后锁定账户", 5, 3, 20, "次", _SECURITY),
    IntSetting("login.lock_minutes", "账户锁定时长", 15, 1, 1440, "分钟", _SECURITY),
    IntSetting("session.idle_lock_minutes", "无操作自动锁屏", 15, 1, 240, "分钟", _SECURITY),
    IntSetting("backup.daily_keep", "保留每日备份", 7, 1, 60, "份", _BACKUP),
    IntSetting("backup.weekly_keep", "保留每周备份", 4, 0, 52, "份", _BACKUP),
    IntSetting("backup.monthly_keep", "保留每月备份", 12, 0, 120, "份", _BACKUP),
    IntSetting("backup.offsite_days", "第二备份位置的备份超过几天未更新时提醒", 7, 1, 90, "天", _BACKUP),
)}


@dataclass(frozen=True)
class TextSetting:
    key: str
    label: str
    max_length: int
    permission: Permission


TEXT_SETTINGS = {s.key: s for s in (
    TextSetting("backup.second_folder", "第二备份位置", 1000, _BACKUP),  # a folder on a USB stick or another disk
)}


def get_int(session: Session, key: str) -> int:
    spec = INT_SETTINGS[key]
    row = session.get(Setting, key)
    return int(json.loads(row.value)) if row else spec.default


def set_int(session: Session, key: str, value: int) -> None:
    spec = INT_SETTINGS[key]
    require(session, spec.permission)
    if not spec.minimum <= value <= spec.maximum:
        raise UserError(f"“{spec.label}”应在 {spec.minimum} 到 {spec.maximum} {spec.unit}之间。", field=spec.label)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    elif int(json.loads(row.value)) != value:
        row.value = json.dumps(value)


def all_ints(session: Session) -> dict[str, int]:
    return {key: get_int(session, key) for key in INT_SETTINGS}


def get_text(session: Session, key: str) -> str:
    if key not in TEXT_SETTINGS:
        raise KeyError(key)
    row = session.get(Setting, key)
    return str(json.loads(row.value)) if row else ""


def set_text(session: Session, key: str, value: str) -> None:
    """An empty value removes the setting."""
    spec = TEXT_SETTINGS[key]
    require(session, spec.permission)
    value = value.strip()
    if len(value) > spec.max_length:
        raise UserError(f"“{spec.label}”太长（最多 {spec.max_length} 个字符）。", field=spec.label)
    row = session.get(Setting, key)
    if not value:
        if row is not None:
            session.delete(row)
            session.flush()
    elif row is None:
        session.add(Setting(key=key, value=json.dumps(value, ensure_ascii=False)))
    elif json.loads(row.value) != value:
        row.value = json.dumps(value, ensure_ascii=False)
