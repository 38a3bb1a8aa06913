"""Pay table, weights and rates (设置) and the monthly pay sheet."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shuanbai_desktop.domain.staff_labels import Certificate, Factor, Insurance, StaffRole
from shuanbai_desktop.domain.staff_pay_rules import DEFAULT_WEIGHTS
from shuanbai_desktop.errors import UserError
from shuanbai_desktop.services.staff import pay, pay_table
from shuanbai_desktop.services.staff.pay_table import PayLevelInput
from tests.conftest import BOTH
from tests.db.test_staff_common import TODAY, hire

BACKENDS = BOTH


def _levels(db) -> dict[str, int]:
    with db.session() as s:
        return {name: pay_table.save_level(s, PayLevelInput(name, cert, years, base, perf))
                for name, cert, years, base, perf in (("一级", Certificate.NONE, 0, "3000", "800"),
                                                      ("二级", Certificate.ASSISTANT, 0, "3400", "1000"),
                                                      ("三级", Certificate.ASSISTANT, 3, "3700", "1100"))}


def test_pay_levels_are_validated_and_suggested(station_db):
    ids = _levels(station_db)
    with pytest.raises(UserError) as err, station_db.session() as s:
        pay_table.save_level(s, PayLevelInput("二级", Certificate.ASSISTANT, 0, "1", "1"))
    assert err.value.field == "等级名称"
    with pytest.raises(UserError) as err, station_db.session() as s:
        pay_table.save_level(s, PayLevelInput("四级", Certificate.ASSISTANT, 0, "-5", "1"))
    assert err.value.field == "基本工资"
    with station_db.session() as s:
        assert pay_table.suggested_level_id(s, Certificate.ASSISTANT, 5) == ids["三级"]
        assert [lv.name for lv in pay_table.list_levels(s)] == ["一级", "二级", "三级"]


def test_a_level_in_use_cannot_be_deleted(station_db):
    ids = _levels(station_db)
    hire(station_db, "张三", 1, pay_level_id=ids["二级"])
    with pytest.raises(UserError, match="已被人员或合同使用"), station_db.session() as s:
        pay_table.delete_level(s, ids["二级"])
    with station_db.session() as s:
        pay_table.delete_level(s, ids["一级"])
        assert len(pay_table.list_levels(s)) == 2


def test_weights_and_rates_are_stored_and_checked(station_db):
    with station_db.session() as s:
        assert pay_table.get_weights(s) == DEFAULT_WEIGHTS
        with pytest.raises(UserError) as err:
            pay_table.set_weights(s, {**DEFAULT_WEIGHTS, Factor.HONOURS: 10})
        assert err.value.field == "权重合计"
    with station_db.session() as s:
        pay_table.set_weights(s, {**DEFAULT_WEIGHTS, Factor.HONOURS: 0, Factor.RESULTS: 45})
        rates = {**pay_table.get_rates(s), Insurance.FUND: ("12", "12")}
        pay_table.set_rates(s, rates)
    with station_db.session() as s:
        assert pay_table.get_weights(s)[Factor.RESULTS] == 45
        assert pay_table.get_rates(s)[Insurance.FUND] == (Decimal(12), Decimal(12))
        with pytest.raises(UserError) as err:
            pay_table.set_rates(s, {**rates, Insurance.PENSION: ("50", "8")})
        assert err.value.field == "养老保险单位"


def test_the_month_sheet_is_generated_for_workers_on_the_staff(station_db):
    ids = _levels(station_db)
    a = hire(station_db, "张三", 1, StaffRole.DEPUTY_HEAD, pay_level_id=ids["三级"])
    hire(station_db, "李四", 2, pay_level_id=ids["二级"], hire_date=date(2026, 12, 1))  # hired later
    hire(station_db, "王五", 3)  # no level yet
    with station_db.session() as s:
        added, missing = pay.generate_month(s, 2026, 11, TODAY)
        again, _ = pay.generate_month(s, 2026, 11, TODAY)
    assert (added, missing, again) == (1, ["王五"], 0)
    with station_db.session() as s:
        line = pay.pay_sheet(s, 2026, 11).lines[0]
    assert line.staff_id == a and line.base_pay == Decimal("3700.00")
    assert line.contribution_base == Decimal("4800.00")
    assert line.contributions[Insurance.PENSION] == (Decimal("768.00"), Decimal("384.00"))
    assert line.performance_pay == (Decimal("1100") * line.ratio).quantize(Decimal("0.01"))
    assert line.net == line.gross - line.personal_total


def test_entered_scores_and_allowances_recompute_the_line(station_db):
    ids = _levels(station_db)
    hire(station_db, "张三", 1, pay_level_id=ids["二级"])
    with station_db.session() as s:
        pay.generate_month(s, 2026, 10, TODAY)
        line = pay.pay_sheet(s, 2026, 10).lines[0]
    with pytest.raises(UserError) as err, station_db.session() as s:
        pay.update_line(s, line.id, {Factor.RESULTS: 120}, "0", "4400")
    assert err.value.field == "业绩"
    with station_db.session() as s:
        pay.update_line(s, line.id, {Factor.RESULTS: 50, Factor.HONOURS: 100}, "200", "4000", "值班补贴")
        after = pay.pay_sheet(s, 2026, 10).lines[0]
    ratio = line.ratio - Decimal("0.40") * Decimal("0.5") + Decimal("0.05")
    assert after.ratio == ratio and after.performance_pay == (Decimal(1000) * ratio).quantize(Decimal("0.01"))
    assert after.other_pay == Decimal(200) and after.contributions[Insurance.FUND] == (Decimal("200.00"),) * 2
    assert after.gross == Decimal(3400) + after.performance_pay + Decimal(200)


def test_a_future_month_cannot_be_generated(station_db):
    with pytest.raises(UserError) as err, station_db.session() as s:
        pay.generate_month(s, 2026, 12, TODAY)
    assert err.value.field == "月份"
