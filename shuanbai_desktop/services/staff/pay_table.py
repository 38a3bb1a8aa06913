"""The county's pay table (薪酬标准表), 四险一金 rates and performance weights: the station enters them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...data.models import Setting
from ...data.models.staff import StaffContract, StaffMember, StaffPayLevel
from ...domain.staff_labels import Certificate, Factor, Insurance
from ...domain.staff_pay_rules import (
    DEFAULT_RATES,
    DEFAULT_WEIGHTS,
    LevelRule,
    check_rates,
    check_weights,
    suggest_level,
)
from ...errors import UserError
from ..fields import clean_text, money, number
from ..permissions import Permission, require
from ..records import get_or_error, get_or_new
from .common import pairs

WEIGHTS_KEY = "staff.performance_weights"
RATES_KEY = "staff.insurance_rates"
MAX_PAY = Decimal("99999")


@dataclass(frozen=True)
class PayLevelInput:
    name: str
    certificate: Certificate
    min_years: int
    base_pay: Decimal | str
    performance_standard: Decimal | str
    notes: str = ""


@dataclass(frozen=True)
class PayLevelRow:
    id: int
    name: str
    certificate: Certificate
    min_years: int
    base_pay: Decimal
    performance_standard: Decimal
    notes: str
    used_by: int  # workers at this level

    @property
    def monthly_total(self) -> Decimal:
        return self.base_pay + self.performance_standard


def save_level(session: Session, data: PayLevelInput, level_id: int | None = None) -> int:
    require(session, Permission.STAFF_EDIT)
    name = clean_text(data.name, "等级名称", 20, required=True)
    clash = session.scalar(select(StaffPayLevel.id).where(StaffPayLevel.name == name))
    if clash and clash != level_id:
        raise UserError(f"已有名为“{name}”的薪酬等级。", field="等级名称")
    if not 0 <= int(data.min_years) <= 50:
        raise UserError("最低工龄应在 0 到 50 年之间。", field="最低工龄")
    base = money(data.base_pay, "基本工资", MAX_PAY)
    perf = money(data.performance_standard, "绩效工资标准", MAX_PAY)
    row = get_or_new(session, StaffPayLevel, level_id, "薪酬等级")
    row.name = name
    row.certificate = Certificate(data.certificate).value
    row.min_years = int(data.min_years)
    row.base_pay = base
    row.performance_standard = perf
    row.notes = clean_text(data.notes, "说明", 100)
    if level_id is None:
        session.add(row)
    session.flush()
    return row.id


def list_levels(session: Session) -> list[PayLevelRow]:
    used = pairs(session, (select(StaffMember.pay_level_id, func.count()).where(
        StaffMember.status == "active").group_by(StaffMember.pay_level_id)))
    rows = [PayLevelRow(lv.id, lv.name, Certificate(lv.certificate), lv.min_years, lv.base_pay,
                        lv.performance_standard, lv.notes, used.get(lv.id, 0))
            for lv in session.scalars(select(StaffPayLevel))]
    return sorted(rows, key=lambda r: (r.certificate.rank, r.min_years, r.name))


def delete_level(session: Session, level_id: int) -> None:
    require(session, Permission.STAFF_EDIT)
    row = get_or_error(session, StaffPayLevel, level_id, "薪酬等级")
    staff_count = select(func.count()).select_from(StaffMember).where(StaffMember.pay_level_id == level_id)
    contract_count = select(func.count()).select_from(StaffContract).where(StaffContract.pay_level_id == level_id)
    in_use = session.execute(staff_count).scalar_one() + session.execute(contract_count).scalar_one()
    if in_use:
        raise UserError(f"薪酬等级“{row.name}”已被人员或合同使用，不能删除；可修改其金额。")
    session.delete(row)


def suggested_level_id(session: Session, certificate: Certificate, years: int) -> int | None:
    rules = [LevelRule(r.id, r.certificate, r.min_years) for r in list_levels(session)]
    return suggest_level(rules, certificate, years)


def _setting(session: Session, key: str):
    row = session.get(Setting, key)
    return json.loads(row.value) if row else None


def _store(session: Session, key: str, value) -> None:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=text))
    elif row.value != text:
        row.value = text


def get_weights(session: Session) -> dict[Factor, int]:
    stored = _setting(session, WEIGHTS_KEY) or {}
    return {f: int(stored.get(f.value, DEFAULT_WEIGHTS[f])) for f in Factor} if stored else dict(DEFAULT_WEIGHTS)


def set_weights(session: Session, weights: dict[Factor, int]) -> None:
    require(session, Permission.STAFF_EDIT)
    check_weights(weights)
    _store(session, WEIGHTS_KEY, {f.value: int(weights.get(f, 0)) for f in Factor})


def get_rates(session: Session) -> dict[Insurance, tuple[Decimal, Decimal]]:
    stored = _setting(session, RATES_KEY)
    if not stored:
        return dict(DEFAULT_RATES)
    return {k: (Decimal(stored[k.value][0]), Decimal(stored[k.value][1])) if k.value in stored else DEFAULT_RATES[k]
            for k in Insurance}


def set_rates(session: Session, rates: dict[Insurance, tuple]) -> None:
    require(session, Permission.STAFF_EDIT)
    clean_rates = {}
    for kind in Insurance:
        emp, per = rates[kind]
        clean_rates[kind] = (number(emp, f"{kind.label}单位"), number(per, f"{kind.label}个人"))
    check_rates(clean_rates)
    _store(session, RATES_KEY, {k.value: [str(e), str(p)] for k, (e, p) in clean_rates.items()})
